/**
 * A .docx is a zip file, and zip entries carry a modification time (MS-DOS date and time,
 * local time, 2-second steps) that the zip library takes from the clock. `fixZipTimes` sets
 * every entry's time, in the local headers and the central directory, to one given instant, in
 * place: the fields have fixed places and sizes, so nothing else in the file moves and the CRCs
 * (over the contents) stay right. An entry with an extra time field (Info-ZIP "UT", 0x5455) is
 * refused, as it would carry the clock's time too; docx's zip writer does not write one.
 */

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const EXTENDED_TIME = 0x5455;

const copenhagen = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** The instant as MS-DOS date and time, in Copenhagen time (what the report prints). */
export function dosDateTime(iso: string): { date: number; time: number } {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new Error(`Ugyldigt tidspunkt: ${iso}`);
  const parts = copenhagen.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const year = part('year');
  if (year < 1980 || year > 2107) throw new Error(`Et zip-tidspunkt skal ligge i 1980–2107, ikke ${iso}`);
  return {
    date: ((year - 1980) << 9) | (part('month') << 5) | part('day'),
    time: (part('hour') << 11) | (part('minute') << 5) | Math.floor(part('second') / 2),
  };
}

function endOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535.
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END) return i;
  }
  throw new Error('Ikke en zip-fil: ingen afslutning af indholdsfortegnelsen');
}

function refuseExtendedTime(zip: Buffer, start: number, length: number, name: string): void {
  for (let i = start; i + 4 <= start + length; ) {
    const id = zip.readUInt16LE(i);
    if (id === EXTENDED_TIME) throw new Error(`Zip-posten ${name} har et ekstra tidsstempel, som ikke kan sættes fast`);
    i += 4 + zip.readUInt16LE(i + 2);
  }
}

/** A copy of `zip` with every entry's time set to `iso`. */
export function fixZipTimes(zip: Buffer | Uint8Array, iso: string): Buffer {
  const out = Buffer.from(zip);
  const { date, time } = dosDateTime(iso);
  const end = endOfCentralDirectory(out);
  const entries = out.readUInt16LE(end + 10);
  let offset = out.readUInt32LE(end + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(offset) !== CENTRAL) throw new Error('Zip-filens indholdsfortegnelse kan ikke læses');
    const nameLength = out.readUInt16LE(offset + 28);
    const extraLength = out.readUInt16LE(offset + 30);
    const commentLength = out.readUInt16LE(offset + 32);
    const name = out.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    refuseExtendedTime(out, offset + 46 + nameLength, extraLength, name);
    out.writeUInt16LE(time, offset + 12);
    out.writeUInt16LE(date, offset + 14);

    const local = out.readUInt32LE(offset + 42);
    if (out.readUInt32LE(local) !== LOCAL) throw new Error(`Zip-posten ${name} peger ikke på sin lokale overskrift`);
    refuseExtendedTime(out, local + 30 + out.readUInt16LE(local + 26), out.readUInt16LE(local + 28), name);
    out.writeUInt16LE(time, local + 10);
    out.writeUInt16LE(date, local + 12);

    offset += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

/** Every entry's name and DOS date/time, in the directory's order (for tests and checks). */
export function zipEntryTimes(zip: Buffer): { name: string; date: number; time: number }[] {
  const end = endOfCentralDirectory(zip);
  const out: { name: string; date: number; time: number }[] = [];
  let offset = zip.readUInt32LE(end + 16);
  for (let n = 0; n < zip.readUInt16LE(end + 10); n++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const times = [zip.readUInt16LE(offset + 12), zip.readUInt16LE(offset + 14), zip.readUInt16LE(local + 10), zip.readUInt16LE(local + 12)];
    if (times[0] !== times[2] || times[1] !== times[3]) throw new Error(`Zip-posten ${name} har forskellige tider i de to overskrifter`);
    out.push({ name, time: times[0]!, date: times[1]! });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return out;
}

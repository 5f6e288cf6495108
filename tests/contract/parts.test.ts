import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../functions/contract/csvFile.ts';
import { LineScanner } from '../../functions/contract/csvScan.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';
import { PartWriter, type Part } from '../../functions/contract/parts.ts';

let dir = '';
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parts-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Pushes the text in pieces cut at `cuts` and returns each part's text and flags. */
async function cut(text: Buffer, partBytes: number, cuts: number[]): Promise<{ parts: Part[]; texts: string[] }> {
  const scanner = new LineScanner();
  const writer = new PartWriter({ dir, name: `f${n++}`, totalBytes: text.length, partBytes, scanner, wholeFile: 'whole.csv', maxAhead: 1000 });
  let from = 0;
  for (const at of [...cuts.filter((c) => c > 0 && c < text.length)].sort((a, b) => a - b)) {
    await writer.push(text.subarray(from, at));
    from = at;
  }
  await writer.push(text.subarray(from));
  scanner.end();
  const parts = await writer.end();
  const texts = await Promise.all(parts.map(async (p) => (p.written ? (await readFile(p.path)).toString('latin1') : text.toString('latin1'))));
  return { parts, texts };
}

describe('PartWriter', () => {
  it('cuts at line ends where the text alone says, however it arrives, and the parts are the text', async () => {
    const piece = fc.constantFrom('a,b', ' x', '"q"', '\n', '\r\n', 'ccc,dd,ee');
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 80 }),
        fc.integer({ min: 4, max: 60 }),
        fc.array(fc.nat(400), { maxLength: 5 }),
        async (pieces, partBytes, cuts) => {
          const text = Buffer.from(`h1,h2\n${pieces.join('')}`, 'latin1');
          const whole = await cut(text, partBytes, []);
          const chunked = await cut(text, partBytes, cuts);
          expect(chunked.texts).toEqual(whole.texts);
          expect(chunked.parts.map((p) => [p.clean, p.lines])).toEqual(whole.parts.map((p) => [p.clean, p.lines]));
          expect(whole.texts.join('')).toBe(text.toString('latin1'));
          // Every part but the last ends with a line end; there are never more parts than the cuts make.
          expect(whole.texts.slice(0, -1).every((t) => t.endsWith('\n'))).toBe(true);
          // n parts of partBytes, the last one halved.
          const n = Math.max(1, Math.ceil(text.length / partBytes));
          expect(whole.parts.length).toBeLessThanOrEqual(n === 1 ? 1 : n + 1);
          // A part is clean when it has no quote and no field with spaces around it.
          whole.parts.forEach((p, i) => {
            const lines = whole.texts[i]!.split(/\r?\n/).slice(i === 0 ? 1 : 0);
            const dirty = lines.some((line) => line.includes('"') || line.split(',').some((f) => /^[ \t]|[ \t]$/.test(f)));
            expect(p.clean, whole.texts[i]).toBe(!dirty);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is one part, the file itself and nothing written, when the text fits', async () => {
    const { parts } = await cut(Buffer.from('h\n1\n2\n'), 1024, []);
    expect(parts).toEqual([{ index: 0, path: 'whole.csv', hasHeader: true, clean: true, lines: 3, written: false }]);
  });
});

describe('readCsvFile counts rows as the manifest does, also for files it cannot read', () => {
  it('UTF-8, UTF-16 (also broken), UTF-32 and Windows-1252, any line end', async () => {
    const bodies = [
      Buffer.from('a,b\r\n1,2\r\n\r\n'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\r1,2\r3,4', 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a,b\n1,2\n', 'utf16le').swap16()]),
      Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from('a,b\n1,2\n', 'utf16le'),
        Buffer.from([0x00, 0xd8, 0x41, 0x00]),
        Buffer.from('\n3,4\n', 'utf16le'),
      ]),
      Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), Buffer.from('a\u0000\u0000\u0000\n\u0000\u0000\u0000', 'latin1')]),
      Buffer.from('a,b\n\xf8,2\n\n', 'latin1'),
    ];
    for (const [i, body] of bodies.entries()) {
      const path = join(dir, `rows${i}.csv`);
      await writeFile(path, body);
      const csv = await readCsvFile(path, `rows${i}.csv`, dir, { parts: { partBytes: 8 } });
      expect([i, csv.manifestRows]).toEqual([i, digestBytes(body).rows]);
    }
  });
});

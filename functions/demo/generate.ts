import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTRACT_VERSION } from '../contract/extracts.ts';
import { digestFile } from '../deliveries/digest.ts';
import { MANIFEST_FILE, manifestJson, type Manifest } from '../deliveries/manifest.ts';
import { writeBenchmarks } from './benchmarks.ts';
import { inflowPerWeek, setPerson, simulateCareer, TRACKS } from './careers.ts';
import { writeCompanies } from './companies.ts';
import { CsvWriter } from './csvWriter.ts';
import { arrivals, simulateArrival } from './integration.ts';
import { PersonRecord } from './personRecord.ts';
import { Random } from './random.ts';
import { weekOfDay, WEEK_COUNT } from './timeline.ts';

/**
 * Deterministic demo extracts for a municipality like Allerød (~25,000 inhabitants), in the
 * contract's format (extracts.md): the same seed and scale give byte-identical files.
 * `scale` multiplies the population (people, companies, contacts) for benchmarks.
 */

export interface DemoOptions {
  /** Multiplies the population; 1 = a municipality of ~25,000 inhabitants. */
  scale?: number;
  seed?: number;
  /** Also write manifest.json, as a real export job does (last, after every file). */
  manifest?: boolean;
}

export interface DemoSummary {
  scale: number;
  seed: number;
  /** Data rows (without the header) per file name. */
  rows: Record<string, number>;
}

/**
 * The demo's extraction time: manifest.json's `extracted_at` (the report's time basis) and,
 * for a run without the manifest, every file's modification time.
 */
export const DELIVERY_TIME = new Date('2018-01-15T08:00:00Z');

export const DEMO_HEADERS = {
  'persons.csv': ['person_id', 'sex', 'birth_year', 'integration_group', 'arrival_date'],
  'benefit_weeks.csv': ['person_id', 'week', 'status', 'visitation'],
  'offers.csv': ['person_id', 'offer_type', 'start_date', 'end_date'],
  'companies.csv': ['company_id', 'year', 'employees'],
  'company_contacts.csv': ['company_id', 'contact_date', 'contact_type'],
  'benchmarks.csv': ['kpi_id', 'period', 'area', 'value'],
} as const;
export type DemoFile = keyof typeof DEMO_HEADERS;

/** Independent random streams, so each part's bytes depend only on the seed and scale. */
const STREAM = { arrivals: 1, integration: 2, careers: 3, companies: 4, benchmarks: 5 } as const;

export async function generateDemo(dir: string, options: DemoOptions = {}): Promise<DemoSummary> {
  const { scale = 1, seed = 2017 } = options;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`skala skal være et positivt tal, ikke ${scale}`);
  if (!Number.isInteger(seed)) throw new Error(`seed skal være et helt tal, ikke ${seed}`);
  await mkdir(dir, { recursive: true });
  const writers = Object.fromEntries(Object.entries(DEMO_HEADERS).map(([file, header]) => [file, new CsvWriter(join(dir, file), header)])) as Record<
    DemoFile,
    CsvWriter
  >;

  await writePeople(writers, scale, seed);
  await writeCompanies(writers['companies.csv'], writers['company_contacts.csv'], scale, new Random(seed, STREAM.companies));
  writeBenchmarks(writers['benchmarks.csv'], new Random(seed, STREAM.benchmarks));

  const rows: Record<string, number> = {};
  for (const [file, writer] of Object.entries(writers)) {
    await writer.close();
    await utimes(join(dir, file), DELIVERY_TIME, DELIVERY_TIME);
    rows[file] = writer.rows;
  }
  if (options.manifest) await writeFile(join(dir, MANIFEST_FILE), manifestJson(await demoManifest(dir, scale, seed)));
  return { scale, seed, rows };
}

/** The demo delivery's manifest: the data ends with 2017-W52 (Sunday 31 December 2017). */
async function demoManifest(dir: string, scale: number, seed: number): Promise<Manifest> {
  const files = [];
  for (const name of Object.keys(DEMO_HEADERS).sort()) {
    const digest = await digestFile(join(dir, name));
    files.push({ name, sha256: digest.sha256, rows: digest.rows });
  }
  return {
    contract_version: CONTRACT_VERSION,
    delivery_id: `demo-${seed}-skala-${String(scale).replace('.', '_')}`,
    municipality: 'Allerød (demo)',
    extracted_at: DELIVERY_TIME.toISOString(),
    data_until: '2017-12-31',
    files,
  };
}

/** persons.csv, benefit_weeks.csv and offers.csv, one person at a time. */
async function writePeople(writers: Record<DemoFile, CsvWriter>, scale: number, seed: number): Promise<void> {
  const person = new PersonRecord();
  let count = 0;
  const begin = (start: number) => person.reset(`p${String(++count).padStart(7, '0')}`, start);
  const write = async () => {
    person.writeTo(writers['persons.csv'], writers['benefit_weeks.csv'], writers['offers.csv']);
    await writers['benefit_weeks.csv'].flushIfFull();
    await writers['persons.csv'].flushIfFull();
    await writers['offers.csv'].flushIfFull();
  };

  const integration = new Random(seed, STREAM.integration);
  for (const arrival of arrivals(scale, new Random(seed, STREAM.arrivals))) {
    begin(weekOfDay(arrival.day));
    simulateArrival(person, arrival, integration);
    await write();
  }

  const careers = new Random(seed, STREAM.careers);
  // people on a benefit when the data begins …
  for (const track of TRACKS) {
    const stock = careers.round(track.stock * scale);
    for (let i = 0; i < stock; i++) {
      begin(0);
      setPerson(person, track, 0, careers);
      simulateCareer(person, track, true, careers);
      await write();
    }
  }
  // … and everyone starting a spell later
  for (let t = 1; t < WEEK_COUNT; t++) {
    for (const track of TRACKS) {
      const inflow = careers.round(inflowPerWeek(track, t) * scale);
      for (let i = 0; i < inflow; i++) {
        begin(t);
        setPerson(person, track, t, careers);
        simulateCareer(person, track, false, careers);
        await write();
      }
    }
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compute } from '../../functions/compute/compute.ts';
import { resultsSchema, type Results } from '../../functions/compute/results.ts';
import { readPublishedResults, resultsCsv, resultsJson, UnreadablePublishedResultsError, writeResults } from '../../functions/compute/resultsFile.ts';
import { defaultConfig } from '../../functions/config/municipality.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { fixtureEngine } from '../fixtures/curated.ts';
import { counted, monthly, quarterly } from './sampleKpis.ts';

let results: Results;
let dir: string;

beforeAll(async () => {
  const engine = await fixtureEngine({});
  try {
    results = await compute(engine, {
      quarter: 2017 * 4 + 3,
      kpis: [quarterly, monthly, counted],
      config: defaultConfig,
      snapshot: 'abc123',
      generatedAt: '2018-01-15T08:00:00.000Z',
      codeVersion: '0.1.0',
    });
  } finally {
    await engine.close();
  }
  dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-results-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A deep copy to tamper with. */
const copy = (): Results => structuredClone(results);

describe('writeResults', () => {
  it('writes kpis.json and kpis.csv under results/<quarter>/ and reads back the same results', async () => {
    const store = new LocalStore(join(dir, 'roundtrip'));
    expect(await writeResults(store, results)).toEqual(['results/2017Q4/kpis.json', 'results/2017Q4/kpis.csv']);
    const json = (await store.get('results/2017Q4/kpis.json')).toString('utf8');
    expect(resultsSchema.parse(JSON.parse(json))).toEqual(results);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "quarter": "2017Q4",');
    expect((await store.get('results/2017Q4/kpis.csv')).toString('utf8')).toBe(resultsCsv(results));
  });

  it('gives byte-identical JSON whatever order the keys came in', () => {
    const reversed = JSON.parse(JSON.stringify(results), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as Results;
    expect(Object.keys(reversed)[0]).toBe('kpis');
    expect(resultsJson(reversed)).toBe(resultsJson(results));
  });

  it.each([
    [
      'a suppressed cell with numbers',
      (r: Results) => {
        r.kpis[0]!.trend[0]!.numerator = 0;
      },
      /test_andel 2016Q1 total: diskretioneret celle har tal/,
    ],
    [
      'a published share under the minimum',
      (r: Results) => {
        Object.assign(r.kpis[0]!.trend[6]!.breakdowns.sex![0]!, { value: 0.2, numerator: 2, denominator: 10, suppressed: false });
        Object.assign(r.kpis[0]!.trend[6]!.breakdowns.sex![1]!, { value: 0.5, numerator: 10, denominator: 20, suppressed: false });
      },
      /test_andel 2017Q3 sex=K: offentliggjort celle er under mindste cellestørrelse 5/,
    ],
    [
      'one suppressed group beside a published total',
      (r: Results) => {
        Object.assign(r.kpis[0]!.trend[6]!.breakdowns.sex![1]!, { value: 0.5, numerator: 10, denominator: 20, suppressed: false });
      },
      /test_andel 2017Q3 sex: præcis én gruppe er diskretioneret/,
    ],
    [
      'a small count',
      (r: Results) => {
        Object.assign(r.kpis[1]!, { value: 3, numerator: 3, suppressed: false });
      },
      /test_antal 2017Q4 total: offentliggjort celle er under mindste cellestørrelse 5/,
    ],
  ])('refuses to write %s, and writes nothing', async (what, tamper, message) => {
    const store = new LocalStore(join(dir, what.replaceAll(' ', '-')));
    const bad = copy();
    tamper(bad);
    await expect(writeResults(store, bad)).rejects.toThrow(message);
    expect(await store.list('results/')).toEqual([]);
  });
});

describe('published results documents, for disclosure over time', () => {
  it('reads every results/<quarter>/kpis.json back, and writeResults checks a year-to-date step against them', async () => {
    const store = new LocalStore(join(dir, 'published'));
    const q3 = { ...copy(), quarter: '2017Q3' };
    await writeResults(store, q3);
    await writeResults(store, results);
    const published = await readPublishedResults(store);
    expect(published.map((d) => d.quarter)).toEqual(['2017Q3', '2017Q4']);
    expect(published[1]).toEqual(results);
    // A year-to-date count of 7 in 2017Q4 after a published 5 in 2017Q3: 2 persons, hidden by the rule.
    const earlier = structuredClone(results);
    Object.assign(earlier, { quarter: '2017Q3' });
    Object.assign(earlier.kpis[1]!, {
      year_to_date: true,
      trend: earlier.kpis[1]!.trend.map((q) => (q.quarter === '2017Q3' ? { ...q, value: 5, numerator: 5, suppressed: false } : q)),
    });
    const now = structuredClone(results);
    now.kpis[1]!.year_to_date = true;
    await expect(writeResults(new LocalStore(join(dir, 'over-time')), now, [earlier])).rejects.toThrow(
      /test_antal 2017Q4 total: ændringen fra det senest offentliggjorte tal i året/,
    );
  });

  it('stops on a published document that does not parse', async () => {
    const store = new LocalStore(join(dir, 'broken-published'));
    await store.put('results/2017Q3/kpis.json', '{"quarter": 3}');
    await expect(readPublishedResults(store)).rejects.toThrow(UnreadablePublishedResultsError);
    await expect(readPublishedResults(store)).rejects.toThrow('Det offentliggjorte resultat results/2017Q3/kpis.json kan ikke læses');
  });
});

describe('kpis.csv', () => {
  const lines = () => resultsCsv(results).split('\n');

  it('has a header and one row per KPI × quarter × group, total first', () => {
    const all = lines();
    expect(all[0]).toBe('kpi_id,quarter,breakdown,group,value,numerator,denominator,suppressed,suppressed_because');
    expect(all.at(-1)).toBe('');
    // test_andel and test_maaned: 8 quarters × (total + K + M); test_antal: 8 × total.
    expect(all.length - 2).toBe(8 * 3 + 8 * 1 + 8 * 3);
    expect(all.slice(1, 4)).toEqual([
      'test_andel,2016Q1,total,total,,,,true,small',
      'test_andel,2016Q1,sex,K,,,,true,small',
      'test_andel,2016Q1,sex,M,,,,true,small',
    ]);
  });

  it('writes numbers with a decimal point and full precision, counts without a denominator', () => {
    const all = lines();
    expect(all).toContain('test_andel,2017Q4,total,total,0.48,12,25,false,');
    expect(all).toContain('test_andel,2017Q4,sex,M,0.4666666666666667,7,15,false,');
    expect(all).toContain('test_andel,2017Q3,total,total,0.4,12,30,false,');
    expect(all).toContain('test_andel,2017Q3,sex,M,,,,true,complementary');
    expect(all).toContain('test_antal,2017Q4,total,total,7,7,,false,');
    expect(all).toContain('test_antal,2017Q2,total,total,,,,true,small');
    expect(all).toContain(`test_maaned,2017Q4,sex,K,${String(1.25 / 3)},5,10,false,`);
  });

  it('never writes exponent notation', () => {
    const tiny = copy();
    Object.assign(tiny.kpis[0]!.trend[7]!, { value: 1e-7 });
    expect(resultsCsv(tiny).split('\n')).toContain('test_andel,2017Q4,total,total,0.0000001,12,25,false,');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARK_PULL_FORMAT, benchmarkPullSchema, type BenchmarkPull } from '../../functions/benchmarks/benchmarkPull.ts';
import { parseBenchmarkDefinition, type BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { benchmarkKeys, writeBenchmarkPull } from '../../functions/benchmarks/pullStore.ts';
import { compute } from '../../functions/compute/compute.ts';
import { computeDraft } from '../../functions/compute/computeDraft.ts';
import type { KpiResult, Results } from '../../functions/compute/results.ts';
import { municipalityConfigSchema } from '../../functions/config/municipality.ts';
import type { Manifest } from '../../functions/deliveries/manifest.ts';
import type { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import type { Engine } from '../../functions/engine/engine.ts';
import type { Log } from '../../functions/log.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { fixtureEngine } from '../fixtures/curated.ts';
import { counted, quarterly } from './sampleKpis.ts';
import { recordingLog } from '../support/recordingLog.ts';

/**
 * Compute freezes the newest Jobindsats pull into the results: per KPI with a definition the
 * pulled series (whole country, each comparable municipality, their average), the source to
 * cite and the definition note; the reason for a KPI without a series. The own numbers never
 * depend on it, and a pull that cannot be read is a warning, never a failed run.
 */

const Q4_2017 = 2017 * 4 + 3;
const TREND = ['2016Q1', '2016Q2', '2016Q3', '2016Q4', '2017Q1', '2017Q2', '2017Q3', '2017Q4'];
const RETRIEVED = '2018-02-03T10:15:00.000Z';
const config = municipalityConfigSchema.parse({
  municipality: 'Testkommune',
  committee: 'Udvalget',
  benchmark_areas: { hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' },
  comparison: { source: 'STAR’s klynge', municipalities: [{ name: 'Egedal' }, { name: 'Furesø' }] },
});
const run = { snapshot: 'abc123', generatedAt: '2018-01-15T08:00:00.000Z', codeVersion: '0.1.0' };

function definition(file: string, text: string): BenchmarkDefinition {
  const parsed = parseBenchmarkDefinition(file, text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const definitions = [
  definition(
    'test_andel.yaml',
    `kpi: test_andel
comparable: true
source: antaget
note: "Jobindsats tæller hele måneden; vi tæller kvartalets sidste uge."
jobindsats:
  table: y99a01
  table_name: "En prøvetabel"
  measure: { group: mgrp1, id: meas1, column: "Andel (pct.)" }
  period: { type: Q, latest: 9 }
  value: { unit: share, scale: percent }
`,
  ),
  definition('test_antal.yaml', 'kpi: test_antal\ncomparable: false\nreason: "Et antal kan ikke sammenlignes mellem kommuner."\n'),
];

function row(area: string, name: string, period: string, value: number) {
  return {
    kpi_id: 'test_andel',
    area,
    area_name: name,
    period,
    grain: 'quarter' as const,
    value,
    unit: 'share' as const,
    source: { table_id: 'y99a01', measure: 'mgrp1/meas1', retrieved_at: RETRIEVED, periods: [period] },
  };
}

function pullWith(
  rows = [
    ...TREND.map((q, i) => row('hele_landet', 'Hele landet', q, 0.3 + i * 0.01)),
    ...TREND.map((q) => row('egedal', 'Egedal', q, 0.4)),
    ...TREND.slice(0, 7).map((q) => row('furesoe', 'Furesø', q, 0.5)),
  ],
  retrieved = RETRIEVED,
): BenchmarkPull {
  return benchmarkPullSchema.parse({
    format: BENCHMARK_PULL_FORMAT,
    pull_id: `${retrieved.replace(/[-:]/g, '').slice(0, 15)}Z-0a0b0c0d`,
    retrieved_at: retrieved,
    source: { name: 'Jobindsats', api_url: 'https://api.jobindsats.dk/v3' },
    definitions: [
      {
        kpi_id: 'test_andel',
        file: 'test_andel.yaml',
        sha256: definitions[0]!.sha256,
        table_id: 'y99a01',
        table_name: 'En prøvetabel',
        measure: 'mgrp1/meas1',
        note: 'x',
      },
    ],
    areas: [
      { area: 'hele_landet', area_name: 'Hele landet', kind: 'national' },
      { area: 'egedal', area_name: 'Egedal', kind: 'municipality' },
      { area: 'furesoe', area_name: 'Furesø', kind: 'municipality' },
    ],
    rows: rows.map((r) => ({ ...r, source: { ...r.source, retrieved_at: retrieved } })),
  });
}

const own = (k: KpiResult) => ({
  value: k.value,
  numerator: k.numerator,
  denominator: k.denominator,
  suppressed: k.suppressed,
  breakdowns: k.breakdowns,
  trend: k.trend,
});

let engine: DuckDbEngine;
let plain: Results;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-compute-benchmarks-'));
  engine = await fixtureEngine({
    benchmarks: [
      { kpi_id: 'test_andel', period: '2017Q4', area: 'hele_landet', value: 0.9 },
      { kpi_id: 'test_andel', period: '2017Q4', area: 'region_hovedstaden', value: 0.35 },
    ],
  });
  plain = await compute(engine, { quarter: Q4_2017, kpis: [quarterly, counted], config, ...run });
});
afterAll(async () => {
  await engine.close();
  await rm(work, { recursive: true, force: true });
});

describe('compute with a Jobindsats pull', () => {
  it('records the pulled series, their average, the source and the note; benchmarks.csv keeps its other areas', async () => {
    const log = recordingLog();
    const results = await compute(engine, { quarter: Q4_2017, kpis: [quarterly, counted], config, ...run, benchmarks: { definitions, pull: pullWith() }, log });
    const andel = results.kpis.find((k) => k.id === 'test_andel')!;
    expect(andel.benchmark_source).toEqual({
      name: 'Jobindsats',
      table_id: 'y99a01',
      table_name: 'En prøvetabel',
      measure: 'mgrp1/meas1',
      retrieved_at: RETRIEVED,
      pull_id: '20180203T101500Z-0a0b0c0d',
      areas: ['hele_landet', 'egedal', 'furesoe', 'sammenlignelige_kommuner'],
    });
    expect(andel.benchmark_note).toBe('Jobindsats tæller hele måneden; vi tæller kvartalets sidste uge.');
    expect(andel.benchmark_missing).toBeNull();
    const at = (area: string) => andel.benchmarks.filter((b) => b.area === area);
    // The pulled whole country replaces benchmarks.csv's (0.9); the region stays.
    expect(at('hele_landet').map((b) => b.value)).toEqual(TREND.map((_, i) => 0.3 + i * 0.01));
    expect(at('region_hovedstaden')).toEqual([{ area: 'region_hovedstaden', quarter: '2017Q4', value: 0.35 }]);
    expect(at('sammenlignelige_kommuner')[0]).toEqual({ area: 'sammenlignelige_kommuner', quarter: '2016Q1', value: 0.45, members: 2 });
    expect(at('sammenlignelige_kommuner')[7]).toEqual({ area: 'sammenlignelige_kommuner', quarter: '2017Q4', value: 0.4, members: 1 });
    expect(log.lines).toContainEqual({
      level: 'info',
      message: 'test_andel: tallene fra Jobindsats erstatter benchmarks.csv for hele_landet',
      fields: { kpi: 'test_andel' },
    });

    const antal = results.kpis.find((k) => k.id === 'test_antal')!;
    expect(antal).toMatchObject({ benchmark_source: null, benchmark_note: null, benchmarks: [] });
    expect(antal.benchmark_missing).toBe(
      'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. Et antal kan ikke sammenlignes mellem kommuner.',
    );

    // The municipality's own numbers do not depend on the comparison.
    expect(results.kpis.map(own)).toEqual(plain.kpis.map(own));
  });

  it('without definitions records only benchmarks.csv, as before pulls existed', () => {
    expect(plain.kpis.map((k) => [k.benchmark_source, k.benchmark_note, k.benchmark_missing])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
    expect(plain.kpis[0]!.benchmarks).toEqual([
      { area: 'hele_landet', quarter: '2017Q4', value: 0.9 },
      { area: 'region_hovedstaden', quarter: '2017Q4', value: 0.35 },
    ]);
  });
});

describe('computeDraft reads the newest pull from the store', () => {
  const manifest: Manifest = {
    contract_version: 1,
    delivery_id: 'levering-1',
    municipality: 'Testkommune',
    extracted_at: '2018-01-15T08:00:00+01:00',
    data_until: '2017-12-31',
    files: [],
  };
  /** The fixture engine, kept open across drafts (computeDraft closes what it opens). */
  const borrowed = (): Promise<Engine> =>
    Promise.resolve(Object.create(engine, { useSnapshot: { value: async () => {} }, close: { value: async () => {} } }) as Engine);
  const draftIn = (store: LocalStore, log: Log) =>
    computeDraft({
      store,
      openEngine: borrowed,
      kpis: [quarterly, counted],
      quarter: Q4_2017,
      snapshot: 'abc123',
      manifest,
      config,
      benchmarkDefinitions: definitions,
      log,
    });

  it('uses the pull benchmarks/latest.json names', async () => {
    const store = new LocalStore(join(work, 'pulled'));
    await writeBenchmarkPull(store, pullWith());
    const draft = await draftIn(store, recordingLog());
    expect(draft.results.kpis.find((k) => k.id === 'test_andel')!.benchmark_source?.pull_id).toBe('20180203T101500Z-0a0b0c0d');
  });

  it('goes on without it when it cannot be read: a warning, and the report says the figures are not there', async () => {
    const store = new LocalStore(join(work, 'damaged'));
    const { key } = await writeBenchmarkPull(store, pullWith());
    await store.put(key, '{"format": "noget andet"}');
    const log = recordingLog();
    const draft = await draftIn(store, log);
    const andel = draft.results.kpis.find((k) => k.id === 'test_andel')!;
    expect(andel.benchmark_source).toBeNull();
    expect(andel.benchmark_missing).toBe('Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.');
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(
          new RegExp(
            `^Sammenligningstallene fra Jobindsats \\(${benchmarkKeys.latest}\\) kan ikke læses og bruges ikke i denne kørsel: .*kontrolsummen passer ikke`,
          ),
        ),
        fields: { event: 'benchmarks_unreadable' },
      },
    ]);
    expect(draft.results.kpis.map(own)).toEqual(plain.kpis.map(own));
  });

  it('without a pull says so for the KPIs that have a comparable series', async () => {
    const draft = await draftIn(new LocalStore(join(work, 'empty')), recordingLog());
    expect(draft.results.kpis.map((k) => k.benchmark_missing)).toEqual([
      'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.',
      'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. Et antal kan ikke sammenlignes mellem kommuner.',
    ]);
  });
});

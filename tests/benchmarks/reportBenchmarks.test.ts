import { describe, expect, it } from 'vitest';
import {
  benchmarkAreaNames,
  benchmarkPointsFromPull,
  kpiBenchmarks,
  mergeBenchmarkPoints,
  type KpiBenchmarks,
} from '../../functions/benchmarks/benchmarkPoints.ts';
import { BENCHMARK_PULL_FORMAT, benchmarkPullSchema, type BenchmarkPull, type BenchmarkRow } from '../../functions/benchmarks/benchmarkPull.ts';
import { parseBenchmarkDefinition, type BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { benchmarkReport, comparisonGroupNote, type BenchmarkReportInput } from '../../functions/benchmarks/reportBenchmarks.ts';
import type { BenchmarkPoint } from '../../functions/compute/results.ts';
import { municipalityConfigSchema, type Comparison } from '../../functions/config/municipality.ts';

const RETRIEVED = '2018-02-03T10:15:00.000Z';
const TREND = ['2016Q1', '2016Q2', '2016Q3', '2016Q4', '2017Q1', '2017Q2', '2017Q3', '2017Q4'];

function definition(text: string, file = 'flygtninge_job_foerste_aar.yaml'): BenchmarkDefinition {
  const parsed = parseBenchmarkDefinition(file, text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const COMPARABLE = definition(`kpi: flygtninge_job_foerste_aar
comparable: true
source: antaget
note: "Jobindsats tæller alle med et års ophold; vi tæller præcis 52 uger efter ankomstugen."
jobindsats:
  table: mm13
  table_name: "Ministerens mål: flygtninge og familiesammenførte i beskæftigelse"
  measure: { group: g, id: m, column: "Andel (pct.)" }
  period: { type: M, latest: 27 }
  value: { unit: share, scale: percent }
`);

function row(area: string, name: string, period: string, value: number): BenchmarkRow {
  return {
    kpi_id: 'flygtninge_job_foerste_aar',
    area,
    area_name: name,
    period,
    grain: period.includes('Q') ? 'quarter' : 'month',
    value,
    unit: 'share',
    source: { table_id: 'mm13', measure: 'g/m', retrieved_at: RETRIEVED, periods: ['2017M12'] },
  };
}

/** The whole country and three comparable municipalities; Gentofte has no 2017Q4 figure. */
function pull(rows: BenchmarkRow[] = defaultRows()): BenchmarkPull {
  return benchmarkPullSchema.parse({
    format: BENCHMARK_PULL_FORMAT,
    pull_id: '20180203T101500Z-0123abcd',
    retrieved_at: RETRIEVED,
    source: { name: 'Jobindsats', api_url: 'https://api.jobindsats.dk/v3' },
    definitions: [
      {
        kpi_id: 'flygtninge_job_foerste_aar',
        file: 'flygtninge_job_foerste_aar.yaml',
        sha256: COMPARABLE.sha256,
        table_id: 'mm13',
        table_name: 'Ministerens mål: flygtninge og familiesammenførte i beskæftigelse',
        measure: 'g/m',
        note: 'x',
      },
    ],
    areas: [
      { area: 'hele_landet', area_name: 'Hele landet', kind: 'national' },
      { area: 'egedal', area_name: 'Egedal', kind: 'municipality' },
      { area: 'furesoe', area_name: 'Furesø', kind: 'municipality' },
      { area: 'gentofte', area_name: 'Gentofte', kind: 'municipality' },
    ],
    rows,
  });
}

function defaultRows(): BenchmarkRow[] {
  return [
    ...TREND.map((q, i) => row('hele_landet', 'Hele landet', q, 0.25 + i * 0.01)),
    ...TREND.map((q, i) => row('egedal', 'Egedal', q, 0.3 + i * 0.01)),
    ...TREND.map((q, i) => row('furesoe', 'Furesø', q, 0.34 + i * 0.01)),
    ...TREND.slice(0, 7).map((q, i) => row('gentofte', 'Gentofte', q, 0.5 + i * 0.01)),
    row('hele_landet', 'Hele landet', '2017-12', 0.33),
  ];
}

const AVERAGE: Comparison = {
  national: true,
  municipalities: [{ name: 'Egedal' }, { name: 'Furesø' }, { name: 'Gentofte' }],
  show_municipalities: 'average',
  source: 'STAR’s klynge',
};

interface Case {
  trend: BenchmarkReportInput['trend'];
  pull: BenchmarkPull | undefined;
  definition: BenchmarkDefinition | undefined;
  comparison: Comparison;
  handMade: BenchmarkPoint[];
  benchmarkAreas: Record<string, string>;
  kpi: BenchmarkReportInput['kpi'];
}

/** What compute freezes (kpiBenchmarks) and the report then says about it (benchmarkReport): the whole way from a pull to the texts. */
function compared(overrides: Partial<Case> = {}): { frozen: KpiBenchmarks; input: BenchmarkReportInput } {
  const c: Case = {
    kpi: { id: 'flygtninge_job_foerste_aar', unit: 'share' },
    trend: TREND.map((quarter, i) => ({ quarter, value: i === 2 ? null : 0.3 + i * 0.01, suppressed: i === 2 })),
    pull: pull(),
    definition: COMPARABLE,
    comparison: AVERAGE,
    handMade: [],
    benchmarkAreas: {},
    ...overrides,
  };
  const frozen = kpiBenchmarks({ kpiId: c.kpi.id, quarters: TREND, handMade: c.handMade, pull: c.pull, definition: c.definition, comparison: c.comparison });
  const config = municipalityConfigSchema.parse({
    municipality: 'Allerød Kommune',
    committee: 'Udvalget',
    benchmark_areas: c.benchmarkAreas,
    comparison: c.comparison,
  });
  return {
    frozen,
    input: {
      kpi: c.kpi,
      trend: c.trend,
      quarter: '2017Q4',
      municipality: 'Allerød Kommune',
      points: frozen.points,
      source: frozen.source,
      note: frozen.note,
      missing: frozen.missing,
      comparison: c.comparison,
      areaNames: benchmarkAreaNames(config),
    },
  };
}

const reportOf = (overrides: Partial<Case> = {}) => benchmarkReport(compared(overrides).input);

describe('benchmarks in the report', () => {
  it('draws our own published figures, the whole country and the comparable municipalities’ average', () => {
    const report = reportOf();
    expect(report.kind).toBe('series');
    expect(report.series.map((s) => [s.key, s.name, s.role, s.stroke])).toEqual([
      ['egen', 'Allerød Kommune', 'own', 'bold'],
      ['hele_landet', 'Hele landet', 'national', 'normal'],
      ['sammenlignelige_kommuner', 'Gennemsnit af 3 sammenlignelige kommuner', 'comparable_average', 'normal'],
    ]);
    // Our own line is ours, after disclosure control: the suppressed quarter is left out.
    expect(report.series[0]!.points.map((p) => p.quarter)).toEqual(TREND.filter((_, i) => i !== 2));
    // Monthly rows are not drawn on the quarterly chart.
    expect(report.series[1]!.points).toHaveLength(8);
    const average = report.series[2]!.points;
    expect(average[0]).toEqual({ quarter: '2016Q1', value: (0.3 + 0.34 + 0.5) / 3, members: 3 });
    expect(average[7]!.members).toBe(2);
    expect(average[7]!.value).toBeCloseTo((0.37 + 0.41) / 2, 12);
  });

  it('says where the quarter lies against the whole country and the group, in Danish, on the printed figures', () => {
    const report = reportOf();
    // Own 2017Q4 = 37,0 pct.; national 32,0 pct.; average of Egedal 37,0 and Furesø 41,0 = 39,0 pct.
    expect(report.sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,0 pct. og under gennemsnittet for 2 af de 3 sammenlignelige kommuner på 39,0 pct.',
    );
    expect(report.citation).toBe('Kilde: Jobindsats, tabel mm13 (Ministerens mål: flygtninge og familiesammenførte i beskæftigelse), hentet 3. februar 2018.');
    expect(comparisonGroupNote(AVERAGE)).toBe(
      'Sammenlignelige kommuner: Egedal, Furesø og Gentofte (STAR’s klynge). Gennemsnittet er det simple gennemsnit af de kommuner, der har et offentliggjort tal i kvartalet.',
    );
    expect(report.note).toBe(COMPARABLE.comparable ? COMPARABLE.note : '');
    expect(report.missing).toBeUndefined();
  });

  it('says "på niveau med" when the printed figures are the same', () => {
    const trend = TREND.map((quarter) => ({ quarter, value: 0.3204, suppressed: false }));
    expect(reportOf({ trend, comparison: { ...AVERAGE, municipalities: [] } }).sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune på niveau med landsgennemsnittet på 32,0 pct.',
    );
  });

  it('draws each comparable municipality as a thin line when the config asks, and counts how many we are above', () => {
    const report = reportOf({ comparison: { ...AVERAGE, show_municipalities: 'each' } });
    expect(report.series.map((s) => [s.key, s.stroke])).toEqual([
      ['egen', 'bold'],
      ['hele_landet', 'normal'],
      ['egedal', 'thin'],
      ['furesoe', 'thin'],
      ['gentofte', 'thin'],
    ]);
    expect(report.sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,0 pct. og over 0 af de 2 sammenlignelige kommuner med et tal (1 mangler).',
    );
    expect(comparisonGroupNote({ ...AVERAGE, show_municipalities: 'each' })).toContain('Hver kommune er vist med en tynd linje.');
  });

  it('gives the comparison without a judgement when our own figure is not published', () => {
    const trend = TREND.map((quarter) => ({ quarter, value: null, suppressed: true }));
    expect(reportOf({ trend }).sentence).toBe(
      'I 4. kvartal 2017 var landsgennemsnittet 32,0 pct. og gennemsnittet for 2 af de 3 sammenlignelige kommuner 39,0 pct.',
    );
  });

  it('says when Jobindsats has not yet published the quarter, with the latest it has', () => {
    const rows = defaultRows().filter((r) => r.period !== '2017Q4');
    expect(reportOf({ pull: pull(rows) }).sentence).toBe(
      'Jobindsats har endnu ikke offentliggjort tal for 4. kvartal 2017; senest 3. kvartal 2017, hvor landsgennemsnittet var 31,0 pct. og gennemsnittet for de 3 sammenlignelige kommuner var 44,0 pct.',
    );
  });

  it('says there is no comparable series, with the reason, for a KPI without one', () => {
    const none = definition(
      'kpi: virksomheder_nye\ncomparable: false\nreason: "Jobindsats offentliggør ikke antallet af nye samarbejdsvirksomheder."\n',
      'virksomheder_nye.yaml',
    );
    const report = reportOf({ kpi: { id: 'virksomheder_nye', unit: 'count' }, definition: none });
    expect(report).toMatchObject({
      kind: 'none',
      missing: 'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. Jobindsats offentliggør ikke antallet af nye samarbejdsvirksomheder.',
    });
    expect(report.sentence).toBeUndefined();
    expect(report.citation).toBeUndefined();
    expect(report.series.map((s) => s.key)).toEqual(['egen']);
    expect(reportOf({ definition: undefined }).missing).toBe('Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.');
    expect(reportOf({ pull: undefined })).toMatchObject({ kind: 'none', missing: 'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.' });
    expect(reportOf({ pull: pull(defaultRows().filter((r) => r.period < '2016')) }).missing).toBe(
      'Den nyeste hentning fra Jobindsats har ingen sammenligningstal for 1. kv. 2016 – 4. kv. 2017.',
    );
  });

  it('keeps benchmarks.csv’s other areas beside the pulled series, and says so when the only series are hand-made', () => {
    const handMade = [
      ...TREND.map((quarter, i) => ({ area: 'hele_landet', quarter, value: 0.2 + i * 0.01 })),
      ...TREND.map((quarter, i) => ({ area: 'region_hovedstaden', quarter, value: 0.28 + i * 0.01 })),
    ];
    const benchmarkAreas = { hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' };
    const { frozen, input } = compared({ handMade, benchmarkAreas });
    // The whole country's pulled series replaces the hand-made one whole; the region stays.
    expect(frozen.replaced).toEqual(TREND.map((q) => `hele_landet ${q}`));
    expect(frozen.points.filter((p) => p.area === 'hele_landet').map((p) => p.value)).toEqual(TREND.map((_, i) => 0.25 + i * 0.01));
    const report = benchmarkReport(input);
    expect(report.series.map((s) => [s.key, s.role, s.label])).toEqual([
      ['egen', 'own', 'Allerød Kommune'],
      ['hele_landet', 'national', 'Hele landet'],
      ['region_hovedstaden', 'area', 'Region Hovedstaden'],
      ['sammenlignelige_kommuner', 'comparable_average', 'Sammenlignelige kommuner'],
    ]);
    expect(report.handMade).toBe('Sammenligningstallene for Region Hovedstaden er leveret sammen med kommunens udtræk (benchmarks.csv).');
    expect(report.sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,0 pct., over tallet for Region Hovedstaden på 35,0 pct. og under gennemsnittet for 2 af de 3 sammenlignelige kommuner på 39,0 pct.',
    );

    const none = definition('kpi: flygtninge_job_foerste_aar\ncomparable: false\nreason: "Rambøll opgør målsætningen ud fra DREAM."\n');
    const handMadeOnly = reportOf({ handMade, benchmarkAreas, definition: none });
    expect(handMadeOnly.series.map((s) => s.key)).toEqual(['egen', 'hele_landet', 'region_hovedstaden']);
    expect(handMadeOnly.citation).toBeUndefined();
    expect(handMadeOnly.handMade).toBe('Sammenligningstallene for Hele landet og Region Hovedstaden er leveret sammen med kommunens udtræk (benchmarks.csv).');
    expect(handMadeOnly.missing).toBe('Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. Rambøll opgør målsætningen ud fra DREAM.');
  });

  it('does not use a pull made with another table than the definition now names, and says why in the log', () => {
    const moved = definition(
      `kpi: flygtninge_job_foerste_aar
comparable: true
source: antaget
note: "Jobindsats tæller alle med et års ophold; vi tæller præcis 52 uger efter ankomstugen."
jobindsats:
  table: mm14
  table_name: "En anden tabel"
  measure: { group: g, id: m, column: "Andel (pct.)" }
  period: { type: M, latest: 27 }
  value: { unit: share, scale: percent }
`,
    );
    const { frozen } = compared({ definition: moved });
    expect(frozen).toMatchObject({ source: null, missing: 'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.', points: [] });
    expect(frozen.warning).toBe(
      'flygtninge_job_foerste_aar.yaml nævner tabel mm14 (g/m), men den nyeste hentning (20180203T101500Z-0123abcd) er lavet med tabel mm13 (g/m); kør pejlemaerke benchmarks pull.',
    );
  });
});

describe('pulled benchmarks in the results', () => {
  it('become results’ benchmark points for the trend’s quarters, and replace hand-made ones for the same area', () => {
    const points = benchmarkPointsFromPull(pull(), 'flygtninge_job_foerste_aar', ['2017Q3', '2017Q4']);
    expect(points.map((p) => `${p.area} ${p.quarter}`)).toEqual([
      'hele_landet 2017Q3',
      'hele_landet 2017Q4',
      'egedal 2017Q3',
      'egedal 2017Q4',
      'furesoe 2017Q3',
      'furesoe 2017Q4',
      'gentofte 2017Q3',
    ]);
    const handMade = [
      { area: 'hele_landet', quarter: '2017Q4', value: 0.5 },
      { area: 'region_hovedstaden', quarter: '2017Q4', value: 0.3 },
    ];
    const merged = mergeBenchmarkPoints(handMade, points);
    expect(merged.replaced).toEqual(['hele_landet 2017Q4']);
    expect(merged.points.filter((p) => p.area === 'hele_landet' && p.quarter === '2017Q4')).toEqual([{ area: 'hele_landet', quarter: '2017Q4', value: 0.32 }]);
    expect(merged.points).toContainEqual({ area: 'region_hovedstaden', quarter: '2017Q4', value: 0.3 });
  });

  it('never include the municipality itself: its line is always its own numbers', () => {
    const parsed = municipalityConfigSchema.safeParse({
      municipality: 'Allerød Kommune',
      committee: 'Udvalget',
      comparison: { source: 'STAR', municipalities: [{ name: 'Egedal' }, { name: 'Allerød' }] },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['comparison', 'municipalities'],
      message: expect.stringContaining('kommunen selv kan ikke stå blandt de sammenlignelige kommuner'),
    });
  });

  it('have display names from benchmark_areas and the comparison block', () => {
    const config = municipalityConfigSchema.parse({
      municipality: 'Allerød Kommune',
      committee: 'Udvalget',
      benchmark_areas: { hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' },
      comparison: { source: 'STAR', municipalities: [{ name: 'Lyngby-Taarbæk' }, { name: 'Furesø' }] },
    });
    expect(benchmarkAreaNames(config)).toEqual({
      hele_landet: 'Hele landet',
      region_hovedstaden: 'Region Hovedstaden',
      lyngby_taarbaek: 'Lyngby-Taarbæk',
      furesoe: 'Furesø',
      sammenlignelige_kommuner: 'Gennemsnit af 2 sammenlignelige kommuner',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { benchmarkAreaNames, benchmarkPointsFromPull, mergeBenchmarkPoints } from '../../functions/benchmarks/benchmarkPoints.ts';
import { BENCHMARK_PULL_FORMAT, benchmarkPullSchema, type BenchmarkPull, type BenchmarkRow } from '../../functions/benchmarks/benchmarkPull.ts';
import { parseBenchmarkDefinition, type BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { benchmarkReport, type BenchmarkReportInput } from '../../functions/benchmarks/reportBenchmarks.ts';
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

const AVERAGE: Comparison = { national: true, municipalities: [{ name: 'Egedal' }, { name: 'Furesø' }, { name: 'Gentofte' }], show_municipalities: 'average', source: 'STAR’s klynge' };

function input(overrides: Partial<BenchmarkReportInput> = {}): BenchmarkReportInput {
  return {
    kpi: { id: 'flygtninge_job_foerste_aar', unit: 'share' },
    trend: TREND.map((quarter, i) => ({ quarter, value: i === 2 ? null : 0.3 + i * 0.01, suppressed: i === 2 })),
    quarter: '2017Q4',
    municipality: 'Allerød Kommune',
    definition: COMPARABLE,
    pull: pull(),
    comparison: AVERAGE,
    ...overrides,
  };
}

describe('benchmarks in the report', () => {
  it('draws our own published figures, the whole country and the comparable municipalities’ average', () => {
    const report = benchmarkReport(input());
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
    const report = benchmarkReport(input());
    // Own 2017Q4 = 37,0 pct.; national 32,0 pct.; average of Egedal 37,0 and Furesø 41,0 = 39,0 pct.
    expect(report.sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,0 pct. og under gennemsnittet for 2 af de 3 sammenlignelige kommuner på 39,0 pct.',
    );
    expect(report.citation).toBe('Kilde: Jobindsats, tabel mm13 (Ministerens mål: flygtninge og familiesammenførte i beskæftigelse), hentet 3. februar 2018.');
    expect(report.groupNote).toBe('Sammenlignelige kommuner: Egedal, Furesø og Gentofte (STAR’s klynge).');
    expect(report.note).toBe(COMPARABLE.comparable ? COMPARABLE.note : '');
  });

  it('says "på niveau med" when the printed figures are the same', () => {
    const trend = TREND.map((quarter) => ({ quarter, value: 0.3204, suppressed: false }));
    expect(benchmarkReport(input({ trend, comparison: { ...AVERAGE, municipalities: [] } })).sentence).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune på niveau med landsgennemsnittet på 32,0 pct.',
    );
  });

  it('draws each comparable municipality as a thin line when the config asks, and counts how many we are above', () => {
    const report = benchmarkReport(input({ comparison: { ...AVERAGE, show_municipalities: 'each' } }));
    expect(report.series.map((s) => [s.key, s.stroke])).toEqual([
      ['egen', 'bold'],
      ['hele_landet', 'normal'],
      ['egedal', 'thin'],
      ['furesoe', 'thin'],
      ['gentofte', 'thin'],
    ]);
    expect(report.sentence).toBe('I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,0 pct. og over 0 af de 2 sammenlignelige kommuner med et tal (1 mangler).');
  });

  it('gives the comparison without a judgement when our own figure is not published', () => {
    const trend = TREND.map((quarter) => ({ quarter, value: null, suppressed: true }));
    expect(benchmarkReport(input({ trend })).sentence).toBe('I 4. kvartal 2017 var landsgennemsnittet 32,0 pct. og gennemsnittet for 2 af de 3 sammenlignelige kommuner 39,0 pct.');
  });

  it('says when Jobindsats has not yet published the quarter, with the latest it has', () => {
    const rows = defaultRows().filter((r) => r.period !== '2017Q4');
    expect(benchmarkReport(input({ pull: pull(rows) })).sentence).toBe(
      'Jobindsats har endnu ikke offentliggjort tal for 4. kvartal 2017; senest 3. kvartal 2017, hvor landsgennemsnittet var 31,0 pct. og gennemsnittet for de 3 sammenlignelige kommuner var 44,0 pct.',
    );
  });

  it('says there is no comparable series, with the reason, for a KPI without one', () => {
    const none = definition(
      'kpi: virksomheder_nye\ncomparable: false\nreason: "Jobindsats offentliggør ikke antallet af nye samarbejdsvirksomheder."\n',
      'virksomheder_nye.yaml',
    );
    const report = benchmarkReport(input({ kpi: { id: 'virksomheder_nye', unit: 'count' }, definition: none }));
    expect(report).toMatchObject({ kind: 'none', sentence: 'Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal. Jobindsats offentliggør ikke antallet af nye samarbejdsvirksomheder.' });
    expect(report.series.map((s) => s.key)).toEqual(['egen']);
    expect(benchmarkReport(input({ definition: undefined })).sentence).toBe('Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal.');
    expect(benchmarkReport(input({ pull: undefined }))).toMatchObject({ kind: 'none', sentence: 'Sammenligningstal fra Jobindsats er endnu ikke hentet for dette nøgletal.' });
  });
});

describe('pulled benchmarks in the results', () => {
  it('become results’ benchmark points for the trend’s quarters, and win over hand-made ones for the same area and quarter', () => {
    const points = benchmarkPointsFromPull(pull(), 'flygtninge_job_foerste_aar', ['2017Q3', '2017Q4']);
    expect(points.map((p) => `${p.area} ${p.quarter}`)).toEqual(['hele_landet 2017Q3', 'hele_landet 2017Q4', 'egedal 2017Q3', 'egedal 2017Q4', 'furesoe 2017Q3', 'furesoe 2017Q4', 'gentofte 2017Q3']);
    const handMade = [
      { area: 'hele_landet', quarter: '2017Q4', value: 0.5 },
      { area: 'region_hovedstaden', quarter: '2017Q4', value: 0.3 },
    ];
    const merged = mergeBenchmarkPoints(handMade, points);
    expect(merged.replaced).toEqual(['hele_landet 2017Q4']);
    expect(merged.points.filter((p) => p.area === 'hele_landet' && p.quarter === '2017Q4')).toEqual([{ area: 'hele_landet', quarter: '2017Q4', value: 0.32 }]);
    expect(merged.points).toContainEqual({ area: 'region_hovedstaden', quarter: '2017Q4', value: 0.3 });
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

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BENCHMARKS_DIR, DEFAULT_KPIS_DIR, DEMO_CONFIG } from '../../functions/cli/paths.ts';
import { comparisonAreas } from '../../functions/benchmarks/areas.ts';
import { BenchmarkDefinitionsError, loadBenchmarkDefinitions, parseBenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { loadConfig, municipalityConfigSchema } from '../../functions/config/municipality.ts';
import type { Unit } from '../../functions/compute/kpiDefinition.ts';
import { COMPARABLE_KPIS } from './shippedDefinitions.ts';

async function units(): Promise<Map<string, Unit>> {
  return new Map((await loadKpis(DEFAULT_KPIS_DIR)).map((k) => [k.definition.id, k.definition.unit] as const));
}

const GOOD = `kpi: integration_jobparate
comparable: true
source: "antaget"
note: "Jobindsats måler hele måneden, vi kvartalets sidste uge."
jobindsats:
  table: y35a03
  table_name: "Integrationsydelse: visitation"
  measure: { group: mgrpy35a03_1, id: measa03_2, column: "Andel jobparate (pct.)" }
  period: { type: M, latest: 25, to: quarter, aggregate: last }
  value: { unit: share, scale: percent }
`;

describe('benchmark definitions (dashboards/benchmarks/*.yaml)', () => {
  it('parse, one per KPI in the catalogue, each in the KPI’s unit', async () => {
    const kpis = await units();
    const definitions = await loadBenchmarkDefinitions(DEFAULT_BENCHMARKS_DIR, kpis);
    expect(definitions.map((d) => d.kpi).sort()).toEqual([...kpis.keys()].sort());
    const comparable = definitions.filter((d) => d.comparable).map((d) => d.kpi);
    expect(comparable.sort()).toEqual([...COMPARABLE_KPIS].sort());
    for (const d of definitions) {
      if (d.comparable) {
        expect(d.note.length, d.kpi).toBeGreaterThan(40);
        // The report's 8 quarters need 8 quarters of data (24 months for a monthly series).
        expect(d.jobindsats.period.latest, d.kpi).toBeGreaterThanOrEqual(d.jobindsats.period.type === 'Q' ? 8 : 24);
      } else {
        expect(d.reason.length, d.kpi).toBeGreaterThan(40);
      }
      expect(d.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('give a clear Danish message, with the file and the field, for a bad definition', () => {
    const bad = (text: string, file = 'integration_jobparate.yaml') => {
      const result = parseBenchmarkDefinition(file, text);
      expect(typeof result, text).toBe('string');
      return result as string;
    };
    expect(typeof parseBenchmarkDefinition('integration_jobparate.yaml', GOOD)).toBe('object');
    expect(bad(GOOD.replace('scale: percent', 'scale: count'))).toMatch(
      /^integration_jobparate\.yaml: jobindsats\.value\.scale: en andel har scale percent eller fraction/,
    );
    expect(bad(GOOD.replace('type: M, latest: 25, to: quarter, aggregate: last', 'type: QMAT, latest: 25, to: quarter, aggregate: mean'))).toContain(
      'jobindsats.period.aggregate: en QMAT-værdi er et løbende år',
    );
    expect(bad(GOOD.replace('table: y35a03', 'table: "../y35a03"'))).toContain('jobindsats.table: et tabel-id består af bogstaver, tal og _');
    expect(bad(GOOD.replace('  period:', '  filters: { nykom: "/" }\n  period:'))).toContain('et hierarki-id fra Jobindsats begynder med _');
    expect(bad(GOOD.replace('note: "Jobindsats måler hele måneden, vi kvartalets sidste uge."\n', ''))).toContain('note:');
    expect(bad(`${GOOD}extra: 1\n`)).toMatch(/Unrecognized key.*extra|extra/);
    expect(bad('kpi: integration_jobparate\ncomparable: false\n')).toContain('reason:');
    expect(bad(GOOD, 'samarbejdsgrad.yaml')).toContain('samarbejdsgrad.yaml: filen skal hedde integration_jobparate.yaml');
    expect(bad('kpi: [unclosed')).toContain('er ikke gyldig YAML');
  });

  it('are checked against the KPI catalogue: a known KPI, in the same unit', async () => {
    const kpis = await units();
    expect(parseBenchmarkDefinition('ukendt_kpi.yaml', GOOD.replace('kpi: integration_jobparate', 'kpi: ukendt_kpi'), kpis)).toContain(
      'KPI’en ukendt_kpi findes ikke',
    );
    const count = GOOD.replace('kpi: integration_jobparate', 'kpi: virksomheder_nye').replace('unit: share, scale: percent', 'unit: share, scale: fraction');
    expect(parseBenchmarkDefinition('virksomheder_nye.yaml', count, kpis)).toContain('KPI’en virksomheder_nye er et antal, men Jobindsats-serien er en andel');
  });

  it('stop the whole folder with every problem listed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-benchmarkdefs-'));
    await writeFile(join(dir, 'integration_jobparate.yaml'), GOOD.replace('scale: percent', 'scale: pct'));
    await writeFile(join(dir, 'samarbejdsgrad.yaml'), 'kpi: samarbejdsgrad\ncomparable: maybe\n');
    const error = await loadBenchmarkDefinitions(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BenchmarkDefinitionsError);
    expect((error as BenchmarkDefinitionsError).problems).toHaveLength(2);
    expect((error as Error).message).toContain(`Benchmark-definitionerne i ${dir} har fejl:`);
  });
});

describe('the config’s comparison areas', () => {
  it('are the whole country and Allerød’s comparable municipalities, keyed for the store, with the source of the group', async () => {
    const config = await loadConfig(DEMO_CONFIG);
    expect(comparisonAreas(config)).toEqual([
      { area: 'hele_landet', area_name: 'Hele landet', kind: 'national' },
      { area: 'egedal', area_name: 'Egedal', kind: 'municipality' },
      { area: 'furesoe', area_name: 'Furesø', kind: 'municipality' },
      { area: 'hoersholm', area_name: 'Hørsholm', kind: 'municipality' },
      { area: 'lyngby_taarbaek', area_name: 'Lyngby-Taarbæk', kind: 'municipality' },
      { area: 'gentofte', area_name: 'Gentofte', kind: 'municipality' },
    ]);
    expect(config.comparison?.source).toContain('STAR');
    // The hand-made benchmarks.csv areas still work beside it.
    expect(config.benchmark_areas).toEqual({ hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' });
  });

  it('default to the whole country for a config without the block, and need a source for a group', () => {
    const plain = municipalityConfigSchema.parse({ municipality: 'Testkommune', committee: 'Udvalget' });
    expect(comparisonAreas(plain)).toEqual([{ area: 'hele_landet', area_name: 'Hele landet', kind: 'national' }]);
    const noSource = municipalityConfigSchema.safeParse({ municipality: 'T', committee: 'Udvalget', comparison: { municipalities: [{ name: 'Egedal' }] } });
    expect(noSource.success).toBe(false);
    const twice = municipalityConfigSchema.safeParse({
      municipality: 'Testkommune',
      committee: 'Udvalget',
      comparison: { source: 'STAR', municipalities: [{ name: 'Egedal' }, { name: 'egedal' }] },
    });
    expect(twice.success).toBe(false);
    const coded = municipalityConfigSchema.parse({
      municipality: 'Testkommune',
      committee: 'Udvalget',
      comparison: { national: false, source: 'STAR', municipalities: [{ name: 'Lyngby-Taarbæk Kommune', jobindsats_area_code: '/173/' }] },
    });
    expect(comparisonAreas(coded)).toEqual([{ area: 'lyngby_taarbaek', area_name: 'Lyngby-Taarbæk', kind: 'municipality', jobindsats_area_code: '/173/' }]);
  });
});

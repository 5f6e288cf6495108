import { describe, expect, it } from 'vitest';
import { DEFAULT_KPIS_DIR, DEMO_CONFIG } from '../../functions/cli/paths.ts';
import { loadKpis } from '../../functions/compute/catalog.ts';
import { loadConfig } from '../../functions/config/municipality.ts';

/** The shipped KPI catalogue: one SQL + definition each (a KPI added by files joins it). */
async function catalogueIds(): Promise<string[]> {
  return (await loadKpis(DEFAULT_KPIS_DIR)).map((kpi) => kpi.definition.id);
}

describe('the Allerød demo config', () => {
  it('parses, with the committee, cell size and benchmark areas of the demo', async () => {
    const config = await loadConfig(DEMO_CONFIG);
    expect(config.municipality).toBe('Allerød Kommune');
    expect(config.committee).toBe('Erhvervs- og Beskæftigelsesudvalget');
    expect(config.min_cell_size).toBe(5);
    expect(config.benchmark_areas).toEqual({ hele_landet: 'Hele landet', region_hovedstaden: 'Region Hovedstaden' });
  });

  it('has goals only for KPIs in the catalogue, each with its source', async () => {
    const ids = await catalogueIds();
    const config = await loadConfig(DEMO_CONFIG);
    for (const goal of config.goals) {
      expect(ids, goal.kpi).toContain(goal.kpi);
      expect(goal.source.length, goal.kpi).toBeGreaterThan(20);
    }
  });

  it('carries every goal the seeds set, with its target and year', async () => {
    const config = await loadConfig(DEMO_CONFIG);
    const goals = config.goals.map(({ kpi, target, year }) => `${kpi} ${target} ${year ?? 'stående'}`).sort();
    expect(goals).toEqual(
      [
        'flygtninge_job_foerste_aar 0.33 2017',
        'flygtninge_job_foerste_aar 0.5 stående',
        'langtid_virksomhedsrettet 0.45 2017',
        'unge_uddannelsesstart 0.02 2017',
        'integration_selvforsoergende 0.33 2017',
        'integration_selvforsoergende 0.5 2020',
        'integration_selvforsoergende 0.6 2021',
        'integration_afgang_job_uddannelse 0.18 stående',
        'virksomhedsrettet_foerste_maaned 1 stående',
        'virksomheder_nye 45 2017',
        'partnerskabsaftaler_nye 10 2017',
        'samarbejdsgrad 0.25 stående',
      ].sort(),
    );
    // Esbjerg's goals are borrowed for the demo, and the config says so
    for (const goal of config.goals.filter((g) => g.source.includes('Esbjerg'))) expect(goal.note, goal.kpi).toMatch(/lånt til demoen/);
  });
});

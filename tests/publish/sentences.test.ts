import { beforeAll, describe, expect, it } from 'vitest';
import { loadKpis } from '../../functions/compute/catalog.ts';
import type { Kpi } from '../../functions/compute/kpiDefinition.ts';
import type { Results } from '../../functions/compute/results.ts';
import { goalOverview, reportView, type KpiView } from '../../functions/publish/model.ts';
import { fixtureConfig, fixtureResults } from '../fixtures/results.ts';

let kpis: Kpi[];
beforeAll(async () => {
  kpis = await loadKpis('dashboards/kpis');
});

function views(results: Results = fixtureResults): Map<string, KpiView> {
  const report = reportView(results, new Map(kpis.map((k) => [k.definition.id, k.definition])), fixtureConfig);
  return new Map(report.kpis.map((k) => [k.id, k]));
}

/** The fixture as of the 3rd quarter: the trend's last entry moved off, values as they were then. */
function asOfQ3(): Results {
  return {
    ...fixtureResults,
    quarter: '2017Q3',
    kpis: fixtureResults.kpis.map((k) => {
      const trend = k.trend.slice(0, -1);
      const last = trend[trend.length - 1]!;
      return {
        ...k,
        trend,
        value: last.value,
        numerator: last.numerator,
        denominator: last.denominator,
        suppressed: last.suppressed,
        breakdowns: last.breakdowns,
        benchmarks: [],
      };
    }),
  };
}

describe('the summary sentences', () => {
  it('a share against this year’s goal, with the later goals', () => {
    const v = views().get('integration_selvforsoergende')!;
    // 43 / 110 = 0.3909…; benchmarks 37,2 and 36,1 pct. are below it.
    expect(v.sentences).toEqual([
      'Andelen af borgere i integrationsprogrammet, der er selvforsørgende, var 39,1 pct. i 4. kvartal 2017.',
      // 40 / 111 = 36,0 and 30 / 107 = 28,0 pct.: the differences of the printed numbers.
      'Andelen er steget 3,1 procentpoint siden 3. kvartal 2017 og 11,1 procentpoint siden 4. kvartal 2016.',
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 37,2 pct. og over tallet for Region Hovedstaden på 36,1 pct.',
      'Målet for 2017 er mindst 33 pct., så målet er nået.',
      'Målet for 2020 er mindst 50 pct.',
      'Målet for 2021 er mindst 60 pct.',
    ]);
    expect(v.goalText).toBe('mindst 33 pct. i 2017');
    expect([v.statusSymbol, v.statusLabel]).toEqual(['✓', 'Nået']);
  });

  it('a monthly KPI is a monthly average', () => {
    const v = views().get('langtid_virksomhedsrettet')!;
    // (43/99 + 42/98 + 43/100) / 3 = 0.43097…
    expect(v.sentences[0]).toBe('Andelen af langtidsforsørgede i virksomhedsrettet tilbud var i gennemsnit 43,1 pct. pr. måned i 4. kvartal 2017.');
    // 3. kv. 2017: (43/102 + 44/101 + 44/102) / 3 = 43,0 pct.; 4. kv. 2016: 41,3 pct.
    expect(v.sentences[1]).toBe('Andelen er steget 0,1 procentpoint siden 3. kvartal 2017 og 1,8 procentpoint siden 4. kvartal 2016.');
    // The whole country 41,2 pct.; the average of the 4 comparable municipalities with a figure 41,2 + 2,2 pct.
    expect(v.sentences[2]).toBe(
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 41,2 pct. og under gennemsnittet for 4 af de 5 sammenlignelige kommuner på 43,4 pct.',
    );
    expect(v.sentences[3]).toBe('Målet for 2017 er mindst 45 pct., så målet er ikke nået.');
    expect(v.status).toBe('not_met');
    expect(v.comparison).toEqual({
      citation: 'Kilde: Jobindsats, tabel mm12 (Ministerens mål: langtidsforsørgede i virksomhedsrettet tilbud), hentet 3. februar 2018.',
      note: expect.stringMatching(/^STAR's indikator og vores KPI bygger på samme formulering/),
    });
  });

  it('a year-to-date count after the 3rd quarter is judged pro rata and says so', () => {
    const v = views(asOfQ3()).get('virksomheder_nye')!;
    // 28 companies; 45 × 3 / 4 = 33.75, i.e. 34 companies.
    expect(v.sentences).toEqual([
      'Fra årets start til udgangen af 3. kvartal 2017 var der 28 nye virksomheder i samarbejde med jobcenteret.',
      'Antallet er faldet med 2 siden 3. kvartal 2016 (samme tidspunkt året før).',
      'Årets mål er 45, og efter 3. kvartal svarer det til 34; målet er ikke nået endnu.',
    ]);
    expect(v.goalText).toBe('45 i 2017 (34 efter 3. kvartal)');
    expect(v.statusLabel).toBe('Ikke nået');
  });

  it('the same KPI in the 4th quarter is judged on the whole year', () => {
    const v = views().get('virksomheder_nye')!;
    expect(v.sentences[1]).toBe('Antallet er steget med 6 siden 4. kvartal 2016 (samme tidspunkt året før).');
    expect(v.sentences[2]).toBe('Årets mål er 45, så målet er nået.');
    expect(v.trendRows.map((r) => r.goal)).toEqual(['–', '–', '–', '–', '12', '23', '34', '45']);
  });

  it('a year-to-date share with a standing goal: pro rata before the 4th quarter', () => {
    const q3 = views(asOfQ3()).get('integration_afgang_job_uddannelse')!;
    // 12 / 58 = 20,7 pct.; 18 pct. × 3 / 4 = 13,5 pct.; the year's 18 pct. is already reached.
    expect(q3.sentences).toEqual([
      'Andelen af flygtninge og familiesammenførte, der er gået i job eller uddannelse siden årets start, var 20,7 pct. ved udgangen af 3. kvartal 2017 (år til dato).',
      'Andelen er steget 3,0 procentpoint siden 3. kvartal 2016 (samme tidspunkt året før).',
      'Årets mål er mindst 18 pct., og efter 3. kvartal svarer det til 13,5 pct.; målet er allerede nået.',
    ]);
    expect(q3.goalText).toBe('mindst 18 pct. (13,5 pct. efter 3. kvartal)');
    expect(q3.trendRows.map((r) => r.goal)).toEqual(['4,5 pct.', '9 pct.', '13,5 pct.', '18 pct.', '4,5 pct.', '9 pct.', '13,5 pct.']);
    expect(views().get('integration_afgang_job_uddannelse')!.sentences[2]).toBe('Årets mål er mindst 18 pct., så målet er nået.');
  });

  it('a KPI without goals says so and compares with the national average', () => {
    const v = views().get('integration_jobparate')!;
    // 33 / 87 = 0.3793…; national 32,1 pct.
    expect(v.sentences).toEqual([
      'Andelen af borgere på integrationsydelse, der er visiteret jobparate, var 37,9 pct. i 4. kvartal 2017.',
      'Andelen er steget 1,9 procentpoint siden 3. kvartal 2017 og 5,0 procentpoint siden 4. kvartal 2016.',
      'I 4. kvartal 2017 ligger Allerød Kommune over landsgennemsnittet på 32,1 pct. og over gennemsnittet for 4 af de 5 sammenlignelige kommuner på 34,3 pct.',
      'Der er ikke fastsat et politisk mål for dette nøgletal.',
    ]);
    expect(v.status).toBe('no_goal');
  });

  it('a KPI without a comparable series says so, with the reason, instead of showing nothing', () => {
    const v = views().get('virksomheder_nye')!;
    expect(v.benchmarks).toEqual([]);
    expect(v.comparison).toEqual({
      missing: expect.stringMatching(/^Der findes ingen sammenlignelig serie på Jobindsats for dette nøgletal\. Jobindsats offentliggør ikke/),
    });
    expect(v.sentences.join(' ')).not.toContain('Jobindsats');
  });

  it('never judges a hidden number against the comparison, but still gives the comparison’s level', () => {
    const results = {
      ...fixtureResults,
      kpis: fixtureResults.kpis.map((k) => {
        if (k.id !== 'langtid_virksomhedsrettet') return k;
        const last = { ...k.trend.at(-1)!, value: null, numerator: null, denominator: null, suppressed: true };
        return { ...k, ...last, trend: [...k.trend.slice(0, -1), last] };
      }),
    };
    const v = views(results).get('langtid_virksomhedsrettet')!;
    expect(v.sentences).toContain('I 4. kvartal 2017 var landsgennemsnittet 41,2 pct. og gennemsnittet for 4 af de 5 sammenlignelige kommuner 43,4 pct.');
    expect(v.sentences.join(' ')).not.toMatch(/ligger Allerød|43,1/);
  });

  it('a suppressed quarter gives no number and no status', () => {
    const results = asOfQ3();
    // Afgang 2017Q2: 9 of 58, only 3 more than the published 2017Q1, so hidden over time.
    const afgang = results.kpis.find((k) => k.id === 'integration_afgang_job_uddannelse')!;
    const q2 = { ...results, quarter: '2017Q2', kpis: [{ ...afgang, ...afgang.trend[5]!, trend: afgang.trend.slice(0, 6) }] };
    const v = views(q2).get('integration_afgang_job_uddannelse')!;
    // 9 of 58 is not few: it is hidden so the 3 who left cannot be worked out. Never "under 5".
    expect(v.valueText).toBe('skjult');
    expect(v.sentences[0]).toBe(
      'Andelen af flygtninge og familiesammenførte, der er gået i job eller uddannelse siden årets start, ved udgangen af 2. kvartal 2017 (år til dato) vises ikke af hensyn til diskretion: ellers ville et andet skjult tal kunne regnes ud, fx som forskellen til et tidligere kvartal.',
    );
    expect(v.status).toBe('unknown');
    // The same cell hidden because it rests on few persons says so.
    const few = { ...q2, kpis: [{ ...q2.kpis[0]!, suppressed_because: 'small' as const }] };
    const small = views(few).get('integration_afgang_job_uddannelse')!;
    expect(small.valueText).toBe('under 5');
    expect(small.sentences[0]).toBe(
      'Andelen af flygtninge og familiesammenførte, der er gået i job eller uddannelse siden årets start, ved udgangen af 2. kvartal 2017 (år til dato) vises ikke: den bygger på så få, at den ikke kan offentliggøres af hensyn til diskretion.',
    );
  });

  it('the chart’s text alternative follows the trend and names the gaps', () => {
    const v = views().get('flygtninge_job_foerste_aar')!;
    // Published: 5/21 = 23,8 pct. (2016Q1) … 9/23 = 39,1 pct. (2017Q4); 2016Q2 (3 of 12) is hidden.
    expect(v.chartDescription).toBe(
      'For Allerød Kommune steg tallet fra 23,8 pct. i 1. kv. 2016 til 39,1 pct. i 4. kv. 2017. ' +
        'Højest 39,1 pct. i 4. kv. 2017, lavest 23,8 pct. i 1. kv. 2016. ' +
        'For Hele landet steg tallet fra 26,2 pct. i 1. kv. 2016 til 31,8 pct. i 4. kv. 2017. ' +
        'For gennemsnittet af de 5 sammenlignelige kommuner steg tallet fra 29,1 pct. i 1. kv. 2016 til 34,0 pct. i 4. kv. 2017. ' +
        'Stiplede vandrette linjer viser målene: Mål 2017: 33 pct. og Mål: 50 pct. ' +
        '2. kv. 2016 vises ikke af hensyn til diskretion (tal under 5).',
    );
  });

  it('orders the report by the plan: KPIs with goals in config order, then the rest', () => {
    const order = [...views().keys()];
    expect(order).toEqual([
      'flygtninge_job_foerste_aar',
      'langtid_virksomhedsrettet',
      'unge_uddannelsesstart',
      'integration_selvforsoergende',
      'virksomheder_nye',
      'partnerskabsaftaler_nye',
      'integration_afgang_job_uddannelse',
      'integration_jobparate',
    ]);
  });

  it('counts the goals at a glance, without judging a hidden number', () => {
    const all = [...views().values()];
    expect(goalOverview({ quarter: '2017Q4', kpis: all }).sentence).toBe(
      '5 af 7 mål er nået eller på vej. 2 er ikke nået. 1 nøgletal har ikke et mål for 2017.',
    );
    const hidden = all.map((k) => (k.id === 'virksomheder_nye' ? { ...k, status: 'unknown' as const } : k));
    expect(goalOverview({ quarter: '2017Q4', kpis: hidden })).toMatchObject({
      total: 7,
      met: 4,
      unknown: 1,
      sentence:
        '4 af 7 mål er nået eller på vej. 2 er ikke nået. 1 kan ikke vurderes, fordi tallet ikke vises af hensyn til diskretion. 1 nøgletal har ikke et mål for 2017.',
    });
    const noGoals = all.map((k) => ({ ...k, status: 'no_goal' as const }));
    expect(goalOverview({ quarter: '2017Q4', kpis: noGoals }).sentence).toBe('Ingen af nøgletallene har et mål for 2017.');
  });
});

import { DEFAULT_MIN_CELL_SIZE, SMALLEST_MIN_CELL_SIZE } from '../compute/disclosure.ts';
import type { KpiDefinition } from '../compute/kpiDefinition.ts';
import { GENERATED } from './contractDoc.ts';

/**
 * docs/kpis.md, written from the KPI definitions (dashboards/kpis/*.yaml) and the disclosure
 * rule as the code applies it, so what the committee's numbers mean is documented where it is
 * computed. `npm run docs` writes it; a test fails when it is out of date.
 */
export function kpisDoc(definitions: readonly KpiDefinition[]): string {
  return [
    '# The KPI catalogue',
    '',
    GENERATED,
    '',
    'Every KPI is `dashboards/kpis/<id>.sql` with its definition `<id>.yaml` beside it (how to add',
    'one: [add-a-kpi.md](add-a-kpi.md)). Goals are political and live in the municipality’s config',
    '(`dashboards/municipalities/*.yaml`), each with the document it comes from. Every person KPI is',
    'also broken down by sex; shares are fractions 0–1, shown as "39,1 pct.".',
    '',
    '| id | title | unit | grain | better | year to date | about |',
    '|---|---|---|---|---|---|---|',
    ...definitions.map(
      (d) =>
        `| [\`${d.id}\`](#${d.id}) | ${d.title} | ${d.unit === 'share' ? 'share' : 'count'} | ${d.grain} | ${d.direction === 'higher_is_better' ? 'higher' : 'lower'} | ${d.year_to_date ? 'yes' : 'no'} | ${d.about} |`,
    ),
    '',
    ...definitions.flatMap(section),
    '## Disclosure control (every published number)',
    '',
    'Published means anything in a report, an embed, a chart, the PDF, the note or a CSV/JSON',
    `download. The minimum cell size n is ${DEFAULT_MIN_CELL_SIZE} by default, set per municipality (\`min_cell_size\`), never below ${SMALLEST_MIN_CELL_SIZE}.`,
    'The rules live in one place, `functions/compute/disclosure.ts`, applied before anything is',
    'written and checked again when a report is published:',
    '',
    '- A count c with 0 < c < n is shown as "under n" and carries no value.',
    '- A share is hidden when its denominator is under n, or its numerator or (denominator −',
    '  numerator) is between 1 and n − 1.',
    '- In a breakdown whose cells add up to a published total, if exactly one cell is hidden, the',
    '  smallest other cell is hidden too, so it cannot be recovered by subtraction.',
    '- Hidden numbers are never written anywhere public, including JSON and chart data.',
    '- For the monthly KPIs a quarter cell (total or group) is judged on its summed numerator and',
    '  denominator; a group’s value is the mean of that group’s monthly shares.',
    '- Over time: for a year-to-date KPI about persons, a count (numerator or denominator, of the',
    '  total or a group) minus the same cell’s most recent published value earlier in the same year',
    '  must be 0 or at least n; otherwise that cell is hidden (value and counts), and a hidden total',
    '  takes its groups with it. Order within a quarter: the share rule, then this rule, then the',
    '  breakdown rule; a quarter is compared with what was finally published, in every revision.',
    '- Counts of companies (KPIs `about: companies`) are not about persons: they are published as',
    '  they are, small or not.',
    '',
  ].join('\n');
}

function section(d: KpiDefinition): string[] {
  return [
    `## ${d.title}`,
    '',
    `<a id="${d.id}"></a>\`${d.id}\` — ${d.unit === 'share' ? 'a share' : 'a count'}, ${d.grain === 'month' ? 'measured each month (the quarter is the mean of its months)' : 'measured each quarter'}${d.year_to_date ? ', year to date' : ''}; ${d.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'}.`,
    '',
    d.description,
    '',
    `- **Who is counted:** ${d.population}`,
    ...(d.numerator ? [`- **Of them:** ${d.numerator}`] : []),
    `- **Breakdowns:** ${d.breakdowns.length > 0 ? d.breakdowns.join(', ') : 'none'}`,
    `- **Source:** ${d.source}`,
    '',
  ];
}

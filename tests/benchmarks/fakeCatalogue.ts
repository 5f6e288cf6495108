import type { ComparableDefinition, BenchmarkDefinition } from '../../functions/benchmarks/definitions.ts';
import { jobindsatsMonthCode } from '../../functions/benchmarks/periods.ts';
import type { FakeTable } from './fakeJobindsats.ts';

/**
 * A small Jobindsats for the shipped definitions: every table a comparable definition names,
 * with its measure, filters and period type, for the whole country and the municipalities a
 * config compares with, 2015–2017. Values are deterministic and written as Jobindsats writes
 * them ("31,2", in percent), so a test can compute what the pull must store.
 */

/** Value ids as the recorded area hierarchy has them (`/<municipality code>/`, assumed). */
export const MUNICIPALITIES = [
  { id: '/201/', name: 'Allerød' },
  { id: '/240/', name: 'Egedal' },
  { id: '/190/', name: 'Furesø' },
  { id: '/223/', name: 'Hørsholm' },
  { id: '/173/', name: 'Lyngby-Taarbæk' },
  { id: '/157/', name: 'Gentofte' },
];

const AREA_LEVEL: Record<string, number> = { '/': 30, '/201/': 40, '/240/': 35, '/190/': 33, '/223/': 38, '/173/': 36, '/157/': 42 };

/** The percent Jobindsats publishes for an area in a period: a level per area plus 0.2 a month. */
export function fakePercent(area: string, period: string): number {
  const m = /^(\d{4})(?:M|QMAT)(\d{2})$/.exec(period);
  const q = /^(\d{4})Q([1-4])$/.exec(period);
  const step = m ? (Number(m[1]) - 2015) * 12 + Number(m[2]) - 1 : (Number(q![1]) - 2015) * 12 + Number(q![2]) * 3 - 1;
  return Math.round(((AREA_LEVEL[area] ?? 20) + step * 0.2) * 10) / 10;
}

/** "31,2": Danish decimal comma, as a string cell. */
export function danish(value: number): string {
  return value.toFixed(1).replace('.', ',');
}

function periodsOf(type: 'M' | 'Q' | 'QMAT'): string[] {
  if (type === 'Q') return [2015, 2016, 2017].flatMap((y) => [1, 2, 3, 4].map((q) => `${y}Q${q}`));
  return Array.from({ length: 36 }, (_, i) => jobindsatsMonthCode(2015 * 12 + i, type));
}

export interface CatalogueOptions {
  /** Cells published as a gap: `<area id> <period>`. */
  gaps?: string[];
}

export function catalogueFor(definitions: readonly BenchmarkDefinition[], options: CatalogueOptions = {}): Record<string, FakeTable> {
  const gaps = new Set(options.gaps ?? []);
  const tables: Record<string, FakeTable> = {};
  for (const d of definitions.filter((x): x is ComparableDefinition => x.comparable)) {
    const s = d.jobindsats;
    tables[s.table] = {
      name: s.table_name,
      periodType: s.period.type,
      periods: periodsOf(s.period.type),
      mgroup: s.measure.group,
      measure: { id: s.measure.id, name: s.measure.column },
      areaHierarchy: s.area_hierarchy,
      municipalities: MUNICIPALITIES,
      otherHierarchies: Object.keys(s.filters),
      value: (area, period) => (gaps.has(`${area} ${period}`) ? '..' : danish(fakePercent(area, period))),
    };
  }
  return tables;
}

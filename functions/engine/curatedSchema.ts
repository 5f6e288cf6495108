import { OFFER_GROUPS, STATUS_GROUPS } from '../contract/groups.ts';

/**
 * The curated tables' columns: one source of truth for ingest (Parquet), the DuckDB views,
 * the Glue catalog (infra) and KPI checks. docs/architecture.md explains each column.
 *
 * Besides one table per extract and the calendar, ingest writes tables derived once per
 * snapshot, so KPI SQL stays short and cheap: `benefit_spells` (benefit_weeks as runs of one
 * status) and the lookup tables `status_groups` and `offer_groups` (contract/groups.ts).
 */
export type CuratedType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'DATE' | 'BOOLEAN';

const flags = <G extends string>(groups: Record<G, unknown>) =>
  Object.fromEntries(Object.keys(groups).map((group) => [group, 'BOOLEAN'])) as Record<G, 'BOOLEAN'>;

export const CURATED_SCHEMA = {
  persons: {
    person_id: 'VARCHAR',
    sex: 'VARCHAR',
    birth_year: 'INTEGER',
    integration_group: 'VARCHAR',
    arrival_date: 'DATE',
    arrival_week: 'INTEGER',
  },
  benefit_weeks: { person_id: 'VARCHAR', week: 'INTEGER', status: 'VARCHAR', visitation: 'VARCHAR' },
  offers: {
    person_id: 'VARCHAR',
    offer_type: 'VARCHAR',
    start_date: 'DATE',
    end_date: 'DATE',
    start_week: 'INTEGER',
    end_week: 'INTEGER',
  },
  companies: { company_id: 'VARCHAR', year: 'INTEGER', employees: 'DOUBLE' },
  company_contacts: {
    company_id: 'VARCHAR',
    contact_date: 'DATE',
    contact_type: 'VARCHAR',
    contact_year: 'INTEGER',
    contact_quarter: 'INTEGER',
  },
  benchmarks: { kpi_id: 'VARCHAR', period: 'VARCHAR', area: 'VARCHAR', value: 'DOUBLE', quarter: 'INTEGER', month: 'INTEGER' },
  /**
   * A spell: a maximal run of consecutive weeks in which a person has a benefit_weeks row with
   * the same status, first_week to last_week (inclusive). Every row of benefit_weeks is in
   * exactly one spell; a missing week or another status ends a spell.
   */
  benefit_spells: { person_id: 'VARCHAR', status: 'VARCHAR', first_week: 'INTEGER', last_week: 'INTEGER' },
  /** Every contract status with a flag per group of kpis.md. */
  status_groups: { status: 'VARCHAR', ...flags(STATUS_GROUPS) },
  /** Every contract offer type with a flag per group. */
  offer_groups: { offer_type: 'VARCHAR', ...flags(OFFER_GROUPS) },
  calendar: {
    week: 'INTEGER',
    iso_label: 'VARCHAR',
    iso_year: 'INTEGER',
    iso_week: 'INTEGER',
    month: 'INTEGER',
    quarter: 'INTEGER',
    last_of_month: 'BOOLEAN',
    last_of_quarter: 'BOOLEAN',
  },
} as const satisfies Record<string, Record<string, CuratedType>>;

export type CuratedTable = keyof typeof CURATED_SCHEMA;
export const CURATED_TABLES = Object.keys(CURATED_SCHEMA) as CuratedTable[];

/** `CREATE TABLE` column list for DuckDB, e.g. for empty tables of absent optional extracts. */
export function columnDdl(table: CuratedTable): string {
  return Object.entries(CURATED_SCHEMA[table])
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
}

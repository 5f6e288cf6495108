/**
 * The curated tables' columns: one source of truth for ingest (Parquet), the DuckDB views,
 * the Glue catalog (infra) and KPI checks. docs/architecture.md explains each column.
 */
export type CuratedType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'DATE' | 'BOOLEAN';

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

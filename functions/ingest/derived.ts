import { offerGroupRows, statusGroupRows } from '../contract/groups.ts';
import { CURATED_SCHEMA, type CuratedTable } from '../engine/curatedSchema.ts';
import { sqlString } from '../engine/sql.ts';
import { typedSelect } from './curate.ts';

/**
 * The curated tables ingest derives once per snapshot rather than every KPI deriving them on
 * every run: the group lookups from the contract, and benefit_weeks as spells. The same SQL
 * builds them for the fixtures of `pejlemaerke check` and the KPI tests.
 */

function lookupSql(table: 'status_groups' | 'offer_groups', rows: [string, ...boolean[]][]): string {
  const columns = Object.keys(CURATED_SCHEMA[table]);
  const values = rows.map(([key, ...flags]) => `(${[sqlString(key), ...flags.map(String)].join(', ')})`).join(', ');
  return `SELECT ${typedSelect(table, (column) => column)} FROM (VALUES ${values}) AS v(${columns.join(', ')}) ORDER BY ${columns[0]}`;
}

/** `status_groups`: every contract status and its groups (contract/groups.ts). */
export function statusGroupsSql(): string {
  return lookupSql('status_groups', statusGroupRows());
}

/** `offer_groups`: every contract offer type and its groups. */
export function offerGroupsSql(): string {
  return lookupSql('offer_groups', offerGroupRows());
}

/** The lookup tables by name. */
export const LOOKUP_SQL: Partial<Record<CuratedTable, () => string>> = { status_groups: statusGroupsSql, offer_groups: offerGroupsSql };

/**
 * `benefit_spells` from any relation with person_id, week and status, in any row order: rows of
 * one person and status whose weeks are consecutive share `week - row_number()` (the classic
 * gaps-and-islands key), so each group is one spell. A sort by person and week; ingest uses the
 * streaming form (spells.ts) when the delivery is already in that order, and this otherwise.
 */
export function spellsFromWeeksSql(source: string): string {
  return (
    `SELECT ${typedSelect('benefit_spells', (column) => column)} FROM (` +
    `SELECT person_id, status, min(week) AS first_week, max(week) AS last_week FROM (` +
    `SELECT person_id, status, week, week - row_number() OVER (PARTITION BY person_id, status ORDER BY week) AS island FROM ${source}) ` +
    `GROUP BY person_id, status, island) ORDER BY person_id, first_week`
  );
}

/** The derived tables of a snapshot whose base tables are already filled, as INSERT statements (fixtures). */
export function deriveTablesSql(): string[] {
  return [
    `INSERT INTO benefit_spells ${spellsFromWeeksSql('benefit_weeks')}`,
    `INSERT INTO status_groups ${statusGroupsSql()}`,
    `INSERT INTO offer_groups ${offerGroupsSql()}`,
  ];
}

/** Tables filled by deriveTablesSql, not from fixture rows. */
export const DERIVED_TABLES = ['benefit_spells', 'status_groups', 'offer_groups'] as const satisfies readonly CuratedTable[];
export type DerivedTable = (typeof DERIVED_TABLES)[number];
export const isDerived = (table: CuratedTable): table is DerivedTable => (DERIVED_TABLES as readonly string[]).includes(table);

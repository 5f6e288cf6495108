/**
 * KPI SQL has two placeholders, replaced by integer literals only (never user text), so the
 * same file runs unchanged on DuckDB and Athena without engine-specific parameter syntax.
 */
const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;
export const KPI_PLACEHOLDERS = ['from_quarter', 'to_quarter'] as const;

export function renderKpiSql(sql: string, range: { fromQuarter: number; toQuarter: number }): string {
  const values: Record<string, number> = { from_quarter: range.fromQuarter, to_quarter: range.toQuarter };
  return sql.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || !Number.isInteger(value)) {
      throw new Error(`Ukendt pladsholder ${whole}; en KPI's SQL må bruge ${KPI_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' og ')}`);
    }
    return String(value);
  });
}

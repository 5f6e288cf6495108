import { cellColumn as cell, dateValueSql, uniqueKeyCells, type RuleContext } from './validateRules.ts';

/**
 * Rules across cells and rows. Only well-formed lines take part: on other lines the cells
 * are misaligned and already reported.
 */
export async function checkRows(ctx: RuleContext): Promise<void> {
  const insert = (select: string) => ctx.sql.run(`INSERT INTO ${ctx.problems} ${select}`);
  await checkDuplicates(ctx, insert);
  await checkCells(ctx, insert);
}

/**
 * A second line with the same key is reported, naming the first. Only keys whose hash the
 * grouped pass saw more than once are looked at.
 */
async function checkDuplicates(ctx: RuleContext, insert: (select: string) => Promise<void>): Promise<void> {
  const key = uniqueKeyCells(ctx);
  const [suspects] = key ? await ctx.sql.rows(`SELECT count(*) AS n FROM ${ctx.values} WHERE col = 0 AND value IS NOT NULL`) : [];
  if (!key || Number(suspects?.n ?? 0) === 0) return;
  const first = ctx.columnIndex.get(ctx.spec.uniqueKey![0]!);
  await insert(
    `SELECT line, ${first}, NULL, 'duplicate_row', NULL, first_line FROM (` +
      `SELECT line, min(line) OVER (PARTITION BY ${key.join(', ')}) AS first_line FROM ${ctx.cells} ` +
      `WHERE n = ${ctx.k} AND ${key.map((c) => `${c} <> ''`).join(' AND ')} ` +
      `AND CAST(hash(${key.join(', ')}) AS VARCHAR) IN (SELECT value FROM ${ctx.values} WHERE col = 0)) WHERE line > first_line`,
  );
}

/** Rules between two cells of the same line. */
async function checkCells(ctx: RuleContext, insert: (select: string) => Promise<void>): Promise<void> {
  const { cells, k, columnIndex } = ctx;
  const has = (...names: string[]) => names.every((n) => columnIndex.has(n));
  if (has('start_date', 'end_date')) {
    await insert(
      `SELECT line, ${columnIndex.get('end_date')}, NULL, 'end_before_start', NULL, NULL FROM ${cells} ` +
        `WHERE n = ${k} AND ${dateValueSql(cell('end_date'))} < ${dateValueSql(cell('start_date'))}`,
    );
  }
  if (has('integration_group', 'arrival_date')) {
    await insert(
      `SELECT line, ${columnIndex.get('arrival_date')}, NULL, 'arrival_required', NULL, NULL FROM ${cells} ` +
        `WHERE n = ${k} AND ${cell('integration_group')} <> '' AND ${cell('arrival_date')} = ''`,
    );
  }
}

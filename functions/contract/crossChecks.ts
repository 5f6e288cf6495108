import { cellColumn as cell, dateValueSql, uniqueKeyCells, type RuleContext } from './validateRules.ts';

/**
 * Rules across cells and rows. Only well-formed lines take part: on other lines the cells
 * are misaligned and already reported.
 */
export async function checkRows(ctx: RuleContext, options: { duplicates: 'suspects' | 'none' }): Promise<void> {
  if (options.duplicates === 'suspects') await checkDuplicates(ctx, 'suspects');
  await checkCells(ctx);
}

/**
 * A second line with the same key is reported, naming the first. With scope `suspects`, a
 * cheaper pass first finds the owners (first key column) that can have duplicates: for a
 * one-column key, values seen more than once; otherwise owners with more rows than distinct
 * hashes of the rest of the key. Only their lines are then compared exactly.
 */
export async function checkDuplicates(ctx: RuleContext, scope: 'suspects' | 'all'): Promise<void> {
  const key = uniqueKeyCells(ctx);
  if (!key) return;
  const { cells, k, values, spec, columnIndex } = ctx;
  const [owner, ...rest] = key as [string, ...string[]];
  const ownerColumn = columnIndex.get(spec.uniqueKey![0]!)!;
  const wellFormed = `n = ${k} AND ${key.map((c) => `${c} <> ''`).join(' AND ')}`;
  let owners = '';
  if (scope === 'suspects') {
    const suspects = `suspects_${spec.name}`;
    await ctx.sql.run(
      rest.length === 0
        ? `CREATE OR REPLACE TABLE ${suspects} AS SELECT value AS owner FROM ${values} WHERE col = ${ownerColumn} AND rows > 1 AND value <> ''`
        : `CREATE OR REPLACE TABLE ${suspects} AS SELECT owner FROM (SELECT ${owner} AS owner, hash(${rest.join(', ')}) AS h FROM ${cells} WHERE ${wellFormed}) ` +
            `GROUP BY owner HAVING count(*) > len(list_distinct(list(h)))`,
    );
    const [found] = await ctx.sql.rows(`SELECT count(*) AS n FROM ${suspects}`);
    if (Number(found?.n ?? 0) === 0) return;
    owners = ` AND ${owner} IN (SELECT owner FROM ${suspects})`;
  }
  await ctx.sql.run(
    `INSERT INTO ${ctx.problems} SELECT line, ${ownerColumn}, NULL, 'duplicate_row', NULL, first_line FROM (` +
      `SELECT line, min(line) OVER (PARTITION BY ${key.join(', ')}) AS first_line FROM ${cells} ` +
      `WHERE ${wellFormed}${owners}) WHERE line > first_line`,
  );
}

/** Rules between two cells of the same line. */
async function checkCells(ctx: RuleContext): Promise<void> {
  const { cells, k, columnIndex } = ctx;
  const insert = (select: string) => ctx.sql.run(`INSERT INTO ${ctx.problems} ${select}`);
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

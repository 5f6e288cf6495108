import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURATED_SCHEMA, CURATED_TABLES, columnDdl } from '../../functions/engine/curatedSchema.ts';
import { DuckDbEngine } from '../../functions/engine/duckdbEngine.ts';
import { sqlString } from '../../functions/engine/sql.ts';
import { LocalStore } from '../../functions/store/localStore.ts';
import { keys } from '../../functions/store/store.ts';

describe('DuckDbEngine', () => {
  it('exposes a snapshot under the curated table names with exactly the curated columns', async () => {
    const store = new LocalStore(await mkdtemp(join(tmpdir(), 'pejlemaerke-engine-')));
    const writer = await DuckDbEngine.open();
    for (const table of CURATED_TABLES) {
      const path = store.pathOf(keys.curated(table, 'abcdef0123456789'));
      await mkdir(dirname(path), { recursive: true });
      await writer.exec(`CREATE TABLE ${table} (${columnDdl(table)})`);
      await writer.exec(`COPY ${table} TO ${sqlString(path)} (FORMAT parquet)`);
    }
    await writer.close();

    const engine = await DuckDbEngine.open(store);
    await engine.useSnapshot('abcdef0123456789');
    for (const table of CURATED_TABLES) {
      const columns = await engine.query(`DESCRIBE ${table}`);
      expect(columns.map((c) => [c.column_name, c.column_type])).toEqual(Object.entries(CURATED_SCHEMA[table]));
    }
    await engine.close();
  });

  it('returns BIGINT as numbers, DATE as ISO text and NULL as null', async () => {
    const engine = await DuckDbEngine.open();
    const [row] = await engine.query(`SELECT CAST(7 AS BIGINT) AS n, DATE '2017-12-31' AS d, CAST(NULL AS VARCHAR) AS x, CAST(3 AS DOUBLE) / 2 AS y`);
    expect(row).toEqual({ n: 7, d: '2017-12-31', x: null, y: 1.5 });
    await engine.close();
  });
});

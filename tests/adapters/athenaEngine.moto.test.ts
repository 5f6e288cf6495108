/**
 * The Athena engine against a real moto_server. Moto does not run SQL: it answers each query
 * with the next seeded result (POST /moto-api/static/athena/query-results), moves executions
 * QUEUED → RUNNING → SUCCEEDED as its state manager says, and returns all rows in one
 * GetQueryResults page (moto 5.2 ignores MaxResults), so NextToken paging, FAILED and
 * throttling are covered in athenaEngine.unit.test.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, CreateWorkGroupCommand, GetQueryExecutionCommand, ListQueryExecutionsCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine, AthenaQueryError } from '../../functions/engine/athenaEngine.ts';
import { MOTO_ACCOUNT_ID, startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';

const REGION = 'eu-north-1';
const WORKGROUP = 'pejlemaerke';
const DATABASE = 'pm_curated';

let moto: Moto;
let client: AthenaClient;
/** GetQueryExecution calls the engine made, counted on its client. */
let polls = 0;

type Cell = string | null;

async function seed(columns: [string, string][], rows: Cell[][]): Promise<void> {
  const header = columns.map(([name]) => name);
  await moto.api('/moto-api/static/athena/query-results', {
    account_id: MOTO_ACCOUNT_ID,
    region: REGION,
    results: [
      {
        rows: [header, ...rows].map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
        column_info: columns.map(([name, type]) => ({
          CatalogName: 'hive',
          SchemaName: '',
          TableName: '',
          Name: name,
          Label: name,
          Type: type,
          Precision: 0,
          Scale: 0,
          Nullable: 'UNKNOWN',
          CaseSensitive: false,
        })),
      },
    ],
  });
}

/** Athena executions advance one state every `times` GetQueryExecution calls. */
async function executionsAdvanceEvery(times: number): Promise<void> {
  await moto.api('/moto-api/state-manager/set-transition', { model_name: 'athena::execution', transition: { progression: 'manual', times } });
}

function engine(workgroup = WORKGROUP): AthenaEngine {
  return new AthenaEngine({ workgroup, database: DATABASE, client, pollMs: 5, maxPollMs: 20 });
}

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  moto = await startMoto();
  client = new AthenaClient({ endpoint: moto.endpoint, region: REGION });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'GetQueryExecutionCommand') polls++;
      return next(args);
    },
    { step: 'initialize' },
  );
  await client.send(
    new CreateWorkGroupCommand({
      Name: WORKGROUP,
      Configuration: { ResultConfiguration: { OutputLocation: 's3://pejlemaerke-athena-results/' }, EnforceWorkGroupConfiguration: true },
    }),
  );
});

afterEach(async () => {
  await moto.api('/moto-api/state-manager/unset-transition', { model_name: 'athena::execution' });
  polls = 0;
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

describe('AthenaEngine against moto_server', () => {
  it('polls until SUCCEEDED and converts every column type, dropping the header once', async () => {
    await seed(
      [
        ['quarter', 'integer'],
        ['sex', 'varchar'],
        ['numerator', 'bigint'],
        ['share', 'double'],
        ['amount', 'decimal'],
        ['last_of_quarter', 'boolean'],
        ['arrival_date', 'date'],
      ],
      [
        ['8068', 'K', '12', '0.25', '1.50', 'true', '2016-11-15'],
        ['8068', 'M', '0', null, null, 'false', null],
      ],
    );
    await executionsAdvanceEvery(2);
    const rows = await engine().query('SELECT quarter, sex, numerator FROM kpi');
    expect(rows).toEqual([
      { quarter: 8068, sex: 'K', numerator: 12, share: 0.25, amount: 1.5, last_of_quarter: true, arrival_date: '2016-11-15' },
      { quarter: 8068, sex: 'M', numerator: 0, share: null, amount: null, last_of_quarter: false, arrival_date: null },
    ]);
    // QUEUED, QUEUED→RUNNING, RUNNING, RUNNING→SUCCEEDED: two calls per step.
    expect(polls).toBe(4);
  });

  it('sends the rewritten query with workgroup context to Athena', async () => {
    await seed([['n', 'bigint']], [['4']]);
    const athena = engine();
    await athena.useSnapshot('0123456789abcdef');
    expect(await athena.query('-- count\nSELECT COUNT(*) AS n FROM persons')).toEqual([{ n: 4 }]);

    const ids = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds ?? [];
    const executions = await Promise.all(ids.map((id) => client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))));
    const sent = executions.map((e) => e.QueryExecution!).find((q) => q.Query?.startsWith('-- count\nWITH persons AS ('));
    expect(sent?.Query).toBe(athena.rewrite('-- count\nSELECT COUNT(*) AS n FROM persons'));
    expect(sent?.Query).toContain(`FROM "AwsDataCatalog"."${DATABASE}"."benefit_weeks" WHERE snapshot = '0123456789abcdef'`);
    expect(sent?.QueryExecutionContext).toEqual({ Database: DATABASE, Catalog: 'AwsDataCatalog' });
  });

  it('reads a result of more than 1000 rows completely and in order', async () => {
    const rows = Array.from({ length: 2501 }, (_, i) => [String(i), i % 2 === 0 ? 'K' : 'M']);
    await seed(
      [
        ['week', 'integer'],
        ['sex', 'varchar'],
      ],
      rows,
    );
    const result = await engine().query('SELECT week, sex FROM benefit_weeks');
    expect(result.length).toBe(2501);
    expect(result[0]).toEqual({ week: 0, sex: 'K' });
    expect(result[2500]).toEqual({ week: 2500, sex: 'K' });
    expect(result.reduce((sum, r) => sum + Number(r.week), 0)).toBe((2500 * 2501) / 2);
  });

  it('returns no rows for an empty result', async () => {
    // Nothing seeded: moto answers with no rows and no columns.
    expect(await engine().query('SELECT 1 WHERE false')).toEqual([]);
  });

  it('rejects a workgroup that does not exist', async () => {
    await expect(engine('no-such-workgroup').query('SELECT 1')).rejects.toThrow(/WorkGroup does not exist/);
  });

  it('reports a query cancelled while it runs', async () => {
    await executionsAdvanceEvery(1_000_000);
    const before = new Set((await client.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds);
    const running = engine()
      .query('SELECT 1', 'samarbejdsgrad')
      .catch((e: unknown) => e);

    let id: string | undefined;
    while (!id) {
      const now = (await client.send(new ListQueryExecutionsCommand({ WorkGroup: WORKGROUP }))).QueryExecutionIds ?? [];
      id = now.find((candidate) => !before.has(candidate));
      if (!id) await sleep(5);
    }
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));

    const error = await running;
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).details).toMatchObject({ queryExecutionId: id, state: 'CANCELLED', context: 'samarbejdsgrad' });
    expect((error as AthenaQueryError).message).toBe(`Athena query ${id} for samarbejdsgrad CANCELLED`);
  });
});

/**
 * Unit tests of the Athena engine's protocol handling against a scripted endpoint (real SDK,
 * scripted answers): failures with their error category, throttling, paging, timeouts. The
 * same engine is run against a real moto_server in athenaEngine.moto.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { AthenaEngine, AthenaQueryError, backoffDelay } from '../../functions/engine/athenaEngine.ts';
import { executionState, resultsPage, scriptedAthena, type AthenaAnswer } from './scriptedAthena.ts';

const COLUMNS: [string, string][] = [
  ['quarter', 'integer'],
  ['sex', 'varchar'],
  ['numerator', 'bigint'],
];

function engineFor(
  script: (operation: string, request: Record<string, unknown>, call: number) => AthenaAnswer,
  options: { timeoutMs?: number; pollMs?: number; maxPollMs?: number } = {},
) {
  const { client, calls } = scriptedAthena(script);
  const engine = new AthenaEngine({ workgroup: 'pejlemaerke', database: 'pm_curated', client, pollMs: 1, maxPollMs: 4, ...options });
  return { engine, calls };
}

/** A query that succeeds at once and returns one page. */
function happy(operation: string): AthenaAnswer {
  if (operation === 'StartQueryExecution') return { body: { QueryExecutionId: 'q-1' } };
  if (operation === 'GetQueryExecution') return executionState('SUCCEEDED');
  if (operation === 'GetQueryResults')
    return {
      body: resultsPage(COLUMNS, [
        ['quarter', 'sex', 'numerator'],
        ['8068', 'K', '3'],
      ]),
    };
  if (operation === 'StopQueryExecution') return { body: {} };
  throw new Error(`unexpected ${operation}`);
}

describe('backoffDelay', () => {
  it('doubles from pollMs and stops at maxPollMs', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 500, 5000))).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
  });
});

describe('AthenaEngine (scripted endpoint)', () => {
  it('starts the query in the workgroup with database and catalog, polls until SUCCEEDED', async () => {
    const states = ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'];
    const { engine, calls } = engineFor(
      (operation, _request, call) => (operation === 'GetQueryExecution' ? executionState(states[call - 1]!) : happy(operation)),
      { pollMs: 20, maxPollMs: 40 },
    );
    expect(await engine.query('SELECT 1')).toEqual([{ quarter: 8068, sex: 'K', numerator: 3 }]);

    const start = calls.find((c) => c.operation === 'StartQueryExecution')!.request;
    expect(start).toMatchObject({
      QueryString: 'SELECT 1',
      WorkGroup: 'pejlemaerke',
      QueryExecutionContext: { Database: 'pm_curated', Catalog: 'AwsDataCatalog' },
    });
    expect(String(start.ClientRequestToken).length).toBeGreaterThanOrEqual(32);

    const polls = calls.filter((c) => c.operation === 'GetQueryExecution');
    expect(polls.length).toBe(6);
    const gaps = polls.slice(1).map((p, i) => p.atMs - polls[i]!.atMs);
    // Waits of 20, 40, then capped at 40 (uncapped would be 80 and 160).
    [20, 40, 40, 40, 40].forEach((least, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(least - 2);
    });
    expect(gaps[4]).toBeLessThan(150);
  });

  it('sends the snapshot CTEs once a snapshot is chosen', async () => {
    const { engine, calls } = engineFor(happy);
    await engine.useSnapshot('00ff00ff00ff00ff');
    await engine.query('SELECT COUNT(*) AS n FROM persons');
    const sql = String(calls[0]!.request.QueryString);
    expect(sql.startsWith('WITH persons AS (SELECT ')).toBe(true);
    expect(sql).toContain(`FROM "AwsDataCatalog"."pm_curated"."calendar" WHERE snapshot = '00ff00ff00ff00ff')`);
    expect(sql.endsWith('\nSELECT COUNT(*) AS n FROM persons')).toBe(true);
    await expect(engine.useSnapshot("00ff00ff00ff00f'")).rejects.toThrow(/Invalid snapshot id/);
  });

  it('reports a FAILED query with its error category, type, reason and KPI', async () => {
    const reason = "COLUMN_NOT_FOUND: line 3:8: Column 'sexx' cannot be resolved";
    const { engine } = engineFor((operation) =>
      operation === 'GetQueryExecution'
        ? executionState('FAILED', { StateChangeReason: reason, AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: reason } })
        : happy(operation),
    );
    const error = await engine.query('SELECT sexx FROM persons', 'flygtninge_job_foerste_aar').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryError);
    const failure = error as AthenaQueryError;
    expect(failure.details).toEqual({
      queryExecutionId: 'q-1',
      state: 'FAILED',
      errorCategory: 2,
      errorType: 1006,
      reason,
      context: 'flygtninge_job_foerste_aar',
    });
    expect(failure.message).toBe(`Athena query q-1 for flygtninge_job_foerste_aar FAILED (user error, category 2, type 1006): ${reason}`);
  });

  it('names system errors and cancelled queries', async () => {
    const system = engineFor((operation) =>
      operation === 'GetQueryExecution'
        ? executionState('FAILED', { StateChangeReason: 'Internal error', AthenaError: { ErrorCategory: 1, ErrorType: 401 } })
        : happy(operation),
    );
    await expect(system.engine.query('SELECT 1')).rejects.toThrow('Athena query q-1 FAILED (system error, category 1, type 401): Internal error');

    const cancelled = engineFor((operation) => (operation === 'GetQueryExecution' ? executionState('CANCELLED') : happy(operation)));
    await expect(cancelled.engine.query('SELECT 1')).rejects.toMatchObject({ details: { state: 'CANCELLED', errorCategory: undefined } });
  });

  it('retries throttled calls with the same request token and gives up after the limit', async () => {
    const { engine, calls } = engineFor((operation, _request, call) => {
      if (operation === 'StartQueryExecution' && call <= 2) return { error: 'TooManyRequestsException', message: 'Rate exceeded' };
      if (operation === 'GetQueryResults' && call === 1) return { error: 'ThrottlingException', message: 'Rate exceeded' };
      return happy(operation);
    });
    expect(await engine.query('SELECT 1')).toEqual([{ quarter: 8068, sex: 'K', numerator: 3 }]);
    const starts = calls.filter((c) => c.operation === 'StartQueryExecution');
    expect(starts.length).toBe(3);
    expect(new Set(starts.map((s) => s.request.ClientRequestToken)).size).toBe(1);
    expect(calls.filter((c) => c.operation === 'GetQueryResults').length).toBe(2);

    const always = engineFor((operation) =>
      operation === 'StartQueryExecution' ? { error: 'ThrottlingException', message: 'Rate exceeded' } : happy(operation),
    );
    await expect(always.engine.query('SELECT 1')).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(always.calls.length).toBe(8);
  });

  it('does not retry errors that are not throttling', async () => {
    const { engine, calls } = engineFor((operation) =>
      operation === 'StartQueryExecution' ? { error: 'InvalidRequestException', message: 'WorkGroup is disabled' } : happy(operation),
    );
    await expect(engine.query('SELECT 1')).rejects.toMatchObject({ name: 'InvalidRequestException' });
    expect(calls.length).toBe(1);
  });

  it('follows NextToken across pages and drops only the first page header', async () => {
    const pages: Record<string, unknown> = {
      '': resultsPage(
        COLUMNS,
        [
          ['quarter', 'sex', 'numerator'],
          ['8068', 'K', '1'],
          ['8068', 'M', '2'],
        ],
        'page-2',
      ),
      'page-2': resultsPage(
        COLUMNS,
        [
          ['8069', 'K', '3'],
          ['8069', 'M', null],
        ],
        'page-3',
      ),
      // A data row that looks like the header must survive on later pages.
      'page-3': resultsPage(COLUMNS, [['8070', 'sex', '5']]),
    };
    const { engine, calls } = engineFor((operation, request) =>
      operation === 'GetQueryResults' ? { body: pages[String(request.NextToken ?? '')] } : happy(operation),
    );
    expect(await engine.query('SELECT 1')).toEqual([
      { quarter: 8068, sex: 'K', numerator: 1 },
      { quarter: 8068, sex: 'M', numerator: 2 },
      { quarter: 8069, sex: 'K', numerator: 3 },
      { quarter: 8069, sex: 'M', numerator: null },
      { quarter: 8070, sex: 'sex', numerator: 5 },
    ]);
    const requests = calls.filter((c) => c.operation === 'GetQueryResults').map((c) => c.request);
    expect(requests.map((r) => [r.NextToken, r.MaxResults])).toEqual([
      [undefined, 1000],
      ['page-2', 1000],
      ['page-3', 1000],
    ]);
  });

  it('refuses a first page whose first row is not the header, and malformed pages', async () => {
    const headerless = engineFor((operation) => (operation === 'GetQueryResults' ? { body: resultsPage(COLUMNS, [['8068', 'K', '1']]) } : happy(operation)));
    await expect(headerless.engine.query('SELECT 1')).rejects.toThrow(/ikke overskrifterne/);

    const malformed = engineFor((operation) =>
      operation === 'GetQueryResults' ? { body: { ResultSet: { ResultSetMetadata: { ColumnInfo: [] } } } } : happy(operation),
    );
    await expect(malformed.engine.query('SELECT 1')).rejects.toBeInstanceOf(ZodError);
  });

  it('stops a query that runs past the timeout', async () => {
    const { engine, calls } = engineFor((operation) => (operation === 'GetQueryExecution' ? executionState('RUNNING') : happy(operation)), {
      timeoutMs: 60,
      pollMs: 5,
      maxPollMs: 10,
    });
    await expect(engine.query('SELECT 1', 'samarbejdsgrad')).rejects.toMatchObject({
      details: { state: 'TIMEOUT', context: 'samarbejdsgrad', queryExecutionId: 'q-1' },
    });
    const stops = calls.filter((c) => c.operation === 'StopQueryExecution');
    expect(stops.map((s) => s.request.QueryExecutionId)).toEqual(['q-1']);
    expect(calls.filter((c) => c.operation === 'GetQueryResults')).toEqual([]);
  });
});

import { AthenaClient } from '@aws-sdk/client-athena';

/**
 * An Athena endpoint answered by a script, plugged in as the SDK's HTTP handler: the real SDK
 * serialises requests and parses responses and errors, the script decides what Athena says.
 * For what moto cannot do: FAILED queries with an error category, throttling, real paging.
 */
export type AthenaAnswer = { body: unknown } | { error: string; message: string; status?: number };
export type AthenaScript = (operation: string, request: Record<string, unknown>, call: number) => AthenaAnswer;

export interface RecordedCall {
  operation: string;
  request: Record<string, unknown>;
  atMs: number;
}

export function scriptedAthena(script: AthenaScript): { client: AthenaClient; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const perOperation = new Map<string, number>();
  const handler = {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      const operation = (request.headers['x-amz-target'] ?? '').replace(/^AmazonAthena\./, '');
      const text = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body ?? '');
      const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const call = (perOperation.get(operation) ?? 0) + 1;
      perOperation.set(operation, call);
      calls.push({ operation, request: parsed, atMs: performance.now() });
      const answer = script(operation, parsed, call);
      const [status, body] = 'error' in answer ? [answer.status ?? 400, { __type: answer.error, message: answer.message }] : [200, answer.body];
      return {
        response: {
          statusCode: status,
          reason: status === 200 ? 'OK' : 'Bad Request',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `req-${calls.length}` },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      };
    },
  };
  const client = new AthenaClient({
    region: 'eu-north-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // Only the engine's own throttling retries, so the script sees every attempt.
    maxAttempts: 1,
    requestHandler: handler,
  });
  return { client, calls };
}

/** A GetQueryResults page in Athena's wire format; `null` cells are NULLs (no VarCharValue). */
export function resultsPage(columns: [string, string][], rows: (string | null)[][], nextToken?: string): unknown {
  return {
    ResultSet: {
      Rows: rows.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
      ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Label: Name, Type, Nullable: 'UNKNOWN' })) },
    },
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export function executionState(state: string, extra: Record<string, unknown> = {}): AthenaAnswer {
  return { body: { QueryExecution: { QueryExecutionId: 'q-1', Status: { State: state, ...extra } } } };
}

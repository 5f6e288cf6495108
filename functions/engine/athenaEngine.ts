import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { z } from 'zod';
import { pageRows, resultColumns, resultsPageSchema, type ResultColumn } from './athenaResults.ts';
import { prependCtes, snapshotCtes } from './athenaSnapshot.ts';
import type { Engine, SqlRow } from './engine.ts';

export interface AthenaEngineOptions {
  workgroup: string;
  /** Glue database holding the curated tables. */
  database: string;
  catalog?: string;
  client?: AthenaClient;
  /** First polling delay; doubles up to `maxPollMs`. Also the first throttling retry delay. */
  pollMs?: number;
  maxPollMs?: number;
  /** A query still running after this long is stopped and reported as failed. */
  timeoutMs?: number;
  /** Attempts per API call when Athena throttles. */
  maxThrottleAttempts?: number;
}

/** Athena's AthenaError.ErrorCategory: 1 = system, 2 = user (e.g. the SQL), 3 = other. */
export const ERROR_CATEGORIES: Record<number, string> = { 1: 'system', 2: 'user', 3: 'other' };

/** A query that ended FAILED or CANCELLED (or timed out), with what Athena said about it. */
export class AthenaQueryError extends Error {
  override readonly name = 'AthenaQueryError';
  constructor(
    message: string,
    readonly details: {
      queryExecutionId: string;
      state: 'FAILED' | 'CANCELLED' | 'TIMEOUT';
      errorCategory?: number;
      errorType?: number;
      reason?: string;
      context?: string;
    },
  ) {
    super(message);
  }
}

const executionSchema = z.object({
  QueryExecution: z.object({
    Status: z.object({
      State: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']),
      StateChangeReason: z.string().optional(),
      AthenaError: z
        .object({ ErrorCategory: z.number().int().optional(), ErrorType: z.number().int().optional(), ErrorMessage: z.string().optional() })
        .optional(),
    }),
  }),
});

const startSchema = z.object({ QueryExecutionId: z.string().min(1) });

/** Capped exponential backoff: pollMs, 2·pollMs, 4·pollMs, … never more than maxPollMs. */
export function backoffDelay(attempt: number, pollMs: number, maxPollMs: number): number {
  return Math.min(pollMs * 2 ** attempt, maxPollMs);
}

const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException']);
/** Athena's page size limit for GetQueryResults. */
const PAGE_SIZE = 1000;

/**
 * Athena as the engine on AWS: one query execution per KPI in the workgroup (whose enforced
 * settings decide the results location, encryption and bytes-scanned cutoff), polled with capped
 * exponential backoff, results read page by page and converted by column type.
 */
export class AthenaEngine implements Engine {
  readonly name = 'athena' as const;
  private readonly client: AthenaClient;
  private readonly ownsClient: boolean;
  private readonly catalog: string;
  private readonly pollMs: number;
  private readonly maxPollMs: number;
  private readonly timeoutMs: number;
  private readonly maxThrottleAttempts: number;
  private ctes: string | undefined;

  constructor(private readonly options: AthenaEngineOptions) {
    this.ownsClient = !options.client;
    this.client = options.client ?? new AthenaClient({});
    this.catalog = options.catalog ?? 'AwsDataCatalog';
    this.pollMs = options.pollMs ?? 500;
    this.maxPollMs = options.maxPollMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
    this.maxThrottleAttempts = options.maxThrottleAttempts ?? 8;
  }

  async useSnapshot(snapshot: string): Promise<void> {
    this.ctes = snapshotCtes({ catalog: this.catalog, database: this.options.database, snapshot });
  }

  /** The SQL Athena actually runs: the query behind the snapshot CTEs once a snapshot is chosen. */
  rewrite(sql: string): string {
    return this.ctes === undefined ? sql : prependCtes(sql, this.ctes);
  }

  async query(sql: string, context?: string): Promise<SqlRow[]> {
    const id = await this.start(this.rewrite(sql));
    await this.waitForSuccess(id, context);
    return this.readResults(id);
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private async start(sql: string): Promise<string> {
    // One token for every retry of this start, so a throttled retry cannot start it twice.
    const token = randomUUID();
    const output = await this.retryThrottled(() =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.options.workgroup,
          QueryExecutionContext: { Database: this.options.database, Catalog: this.catalog },
          ClientRequestToken: token,
        }),
      ),
    );
    return startSchema.parse(output).QueryExecutionId;
  }

  private async waitForSuccess(id: string, context: string | undefined): Promise<void> {
    const startedAt = Date.now();
    for (let attempt = 0; ; attempt++) {
      const output = await this.retryThrottled(() => this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
      const status = executionSchema.parse(output).QueryExecution.Status;
      if (status.State === 'SUCCEEDED') return;
      if (status.State === 'FAILED' || status.State === 'CANCELLED') {
        const category = status.AthenaError?.ErrorCategory;
        const errorType = status.AthenaError?.ErrorType;
        const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage;
        const kind =
          category === undefined
            ? ''
            : ` (${ERROR_CATEGORIES[category] ?? 'unknown'} error, category ${category}${errorType === undefined ? '' : `, type ${errorType}`})`;
        throw new AthenaQueryError(`Athena query ${id}${context ? ` for ${context}` : ''} ${status.State}${kind}${reason ? `: ${reason}` : ''}`, {
          queryExecutionId: id,
          state: status.State,
          errorCategory: category,
          errorType,
          reason,
          context,
        });
      }
      const delay = this.backoff(attempt);
      if (Date.now() - startedAt + delay > this.timeoutMs) {
        await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new AthenaQueryError(`Athena query ${id}${context ? ` for ${context}` : ''} did not finish within ${this.timeoutMs} ms and was stopped`, {
          queryExecutionId: id,
          state: 'TIMEOUT',
          context,
        });
      }
      await sleep(delay);
    }
  }

  private async readResults(id: string): Promise<SqlRow[]> {
    const rows: SqlRow[] = [];
    let columns: ResultColumn[] | undefined;
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const output = await this.retryThrottled(() =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: PAGE_SIZE, NextToken: token })),
      );
      const page = resultsPageSchema.parse(output);
      const firstPage = columns === undefined;
      columns ??= resultColumns(page);
      for (const row of pageRows(page, columns, firstPage)) rows.push(row);
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return rows;
  }

  private backoff(attempt: number): number {
    return backoffDelay(attempt, this.pollMs, this.maxPollMs);
  }

  /** Runs one API call, waiting and retrying while Athena answers that it is throttling. */
  private async retryThrottled<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const throttled = error instanceof Error && THROTTLING.has(error.name);
        if (!throttled || attempt >= this.maxThrottleAttempts) throw error;
        await sleep(this.backoff(attempt - 1));
      }
    }
  }
}

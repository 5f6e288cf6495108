import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import {
  dataResponseSchema,
  errorBodySchema,
  tableMetadataSchema,
  tablesResponseSchema,
  type JobindsatsDataTable,
  type JobindsatsTable,
  type JobindsatsTableMetadata,
} from './jobindsatsSchemas.ts';

/** STAR's API, version 3 (v2 is being retired). */
export const DEFAULT_JOBINDSATS_URL = 'https://api.jobindsats.dk/v3';

export type JobindsatsErrorCode =
  /** 401/403: the key is wrong, expired or not valid for v3. */
  | 'auth'
  /** 404: the table (or path) does not exist. */
  | 'not_found'
  /** Another 4xx: the request itself is wrong (e.g. an unknown measure id). */
  | 'bad_request'
  /** 429 on every attempt, or a Retry-After longer than we wait. */
  | 'rate_limited'
  /** 5xx on every attempt. */
  | 'server'
  | 'timeout'
  | 'unreachable'
  /** The answer did not have the documented shape. */
  | 'shape'
  /** One request would ask for more cells than the API hands out at once. */
  | 'too_many_cells';

/** A failed call, with a Danish message that never contains the key. */
export class JobindsatsError extends Error {
  override readonly name = 'JobindsatsError';

  constructor(
    readonly code: JobindsatsErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface JobindsatsClientOptions {
  /** The organisation's API key, sent as `Authorization: Bearer <key>` and nowhere else. */
  token: string;
  /** Default https://api.jobindsats.dk/v3; a test server or a proxy otherwise. */
  baseUrl?: string;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  /** Attempts per request for 429, 5xx, timeouts and network errors. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt, with jitter, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the call gives up at once. */
  maxRetryAfterMs?: number;
  /** Cells (periods × values × measures) per data request; larger selections are split by period. */
  maxCellsPerRequest?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1; the jitter's source, replaceable so tests can check the waits. */
  random?: () => number;
}

/** What to take from a table: `mgroup.<id>=…`, `period.<type>=…`, `hierarchy.<id>=…`. */
export interface DataSelection {
  /** Measure group id → measure ids. */
  measures: Record<string, readonly string[]>;
  /** A period type (`M`, `Q`, `QMAT`) and its period ids, e.g. `2017M03`. */
  period: { type: string; values: readonly string[] };
  /** Hierarchy id → value ids (`/` is the hierarchy's total, e.g. the whole country). */
  hierarchies: Record<string, readonly string[]>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const TABLE_ID = /^[A-Za-z0-9_]{1,40}$/;
const HIDDEN = '[nøgle skjult]';

type Attempt = { ok: true; text: string } | { ok: false; error: JobindsatsError; retryable: boolean; retryAfterMs?: number };

/**
 * A client for Jobindsats API v3: bearer auth, JSON, table metadata and data, retries with
 * exponential backoff and jitter on 429/5xx/timeouts (Retry-After honoured), a timeout per
 * attempt, data requests split by period to stay under the cell limit, and every answer parsed
 * with zod. The key is only ever put in the Authorization header; every message is scrubbed of it.
 */
export class JobindsatsClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxCells: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: JobindsatsClientOptions) {
    const token = options.token.trim();
    // A key with whitespace or control characters would break (or inject into) the header.
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new JobindsatsError(
        'auth',
        'API-nøglen til Jobindsats er tom eller indeholder mellemrum eller usynlige tegn. Læg kun selve nøglen i filen/secret’en.',
      );
    }
    this.token = token;
    this.baseUrl = (options.baseUrl ?? DEFAULT_JOBINDSATS_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+/.test(this.baseUrl))
      throw new JobindsatsError('bad_request', `Adressen til Jobindsats skal begynde med https:// (fik ${this.baseUrl}).`);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
    this.maxCells = options.maxCellsPerRequest ?? 50_000;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.sleepFn = options.sleep ?? ((ms) => sleep(ms));
    this.random = options.random ?? Math.random;
  }

  /** Every table the key may read: id, name and subject. */
  async tables(): Promise<JobindsatsTable[]> {
    return this.getParsed('/tables', [], tablesResponseSchema);
  }

  /** One table's periods, measure groups and dimensions. */
  async table(tableId: string): Promise<JobindsatsTableMetadata> {
    return this.getParsed(`/table/${checkedTableId(tableId)}`, [], tableMetadataSchema);
  }

  /**
   * Data for a selection. A selection above the cell limit is fetched in period chunks and the
   * rows joined, so callers never see the limit; one period above the limit is an error.
   */
  async data(tableId: string, selection: DataSelection): Promise<JobindsatsDataTable> {
    const path = `/data/${checkedTableId(tableId)}`;
    const perPeriod =
      Object.values(selection.hierarchies).reduce((n, values) => n * Math.max(1, values.length), 1) *
      Math.max(
        1,
        Object.values(selection.measures).reduce((n, ids) => n + ids.length, 0),
      );
    if (perPeriod > this.maxCells) {
      throw new JobindsatsError(
        'too_many_cells',
        `Forespørgslen på ${path} giver ${perPeriod} celler pr. periode, mere end de ${this.maxCells}, Jobindsats udleverer ad gangen. Vælg færre områder, målinger eller filterværdier.`,
      );
    }
    const chunkSize = Math.max(1, Math.floor(this.maxCells / perPeriod));
    const periods = [...selection.period.values];
    if (periods.length === 0) throw new JobindsatsError('bad_request', `Forespørgslen på ${path} vælger ingen perioder.`);
    let columns: string[] | undefined;
    const rows: JobindsatsDataTable['rows'] = [];
    for (let i = 0; i < periods.length; i += chunkSize) {
      const chunk = periods.slice(i, i + chunkSize);
      const page = await this.getParsed(path, dataParams(selection, chunk), dataResponseSchema);
      if (columns && columns.join('\u0000') !== page.columns.join('\u0000')) {
        throw new JobindsatsError(
          'shape',
          `Jobindsats’ svar på ${path} skiftede kolonner mellem to dele af samme forespørgsel (${columns.join(', ')} / ${page.columns.join(', ')}).`,
        );
      }
      columns = page.columns;
      rows.push(...page.rows);
    }
    return { columns: columns!, rows };
  }

  /** GET, retried as needed, then parsed: a shape error names the path and the first issues. */
  private async getParsed<T extends z.ZodType>(path: string, params: [string, string][], schema: T): Promise<z.output<T>> {
    const text = await this.get(path, params);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JobindsatsError('shape', `Jobindsats’ svar på ${path} er ikke JSON (det begynder med »${this.scrub(text.slice(0, 60))}«). Intet er gemt.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(hele svaret)'}: ${i.message}`)
        .join('; ');
      throw new JobindsatsError(
        'shape',
        `Jobindsats’ svar på ${path} har ikke den forventede form (${this.scrub(issues)}). Intet er gemt; se docs/jobindsats.md og ret functions/benchmarks/jobindsatsSchemas.ts, hvis STAR har ændret API’et.`,
      );
    }
    return parsed.data;
  }

  private async get(path: string, params: [string, string][]): Promise<string> {
    const url = `${this.baseUrl}${path}?${queryString([...params, ['format', 'json']])}`;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(url, path);
      if (result.ok) return result.text;
      const { error } = result;
      if (!result.retryable) throw error;
      if (result.retryAfterMs !== undefined && result.retryAfterMs > this.maxRetryAfterMs) {
        throw new JobindsatsError(
          error.code,
          `${error.message} Jobindsats bad os vente ${Math.ceil(result.retryAfterMs / 1000)} sekunder (Retry-After), længere end de ${seconds(this.maxRetryAfterMs)}, vi venter. Prøv igen senere.`,
          error.status,
        );
      }
      if (attempt >= this.maxAttempts) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1).replace('.', ',');
        throw new JobindsatsError(error.code, `${error.message} Opgivet efter ${attempt} forsøg over ${seconds} sekunder.`, error.status);
      }
      await this.sleepFn(result.retryAfterMs ?? this.backoff(attempt));
    }
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random, so waits still grow. */
  private backoff(attempt: number): number {
    const step = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + this.random() * (step / 2));
  }

  private async attempt(url: string, path: string): Promise<Attempt> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetchFn(url, {
        headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', 'User-Agent': `pejlemaerke/${packageJson.version}` },
        signal: controller.signal,
        redirect: 'error',
      });
      const text = await response.text();
      if (response.ok) return { ok: true, text };
      return this.failed(response, text, path);
    } catch (error) {
      if (controller.signal.aborted) {
        return {
          ok: false,
          retryable: true,
          error: new JobindsatsError('timeout', `Jobindsats svarede ikke inden for ${seconds(this.timeoutMs)} sekunder på ${path}.`),
        };
      }
      const code = networkCode(error);
      return {
        ok: false,
        retryable: true,
        error: new JobindsatsError(
          'unreachable',
          `Kunne ikke få forbindelse til Jobindsats (${new URL(url).origin}) for ${path}: ${code}. Tjek netværket, en evt. proxy og adressen (--jobindsats-url).`,
        ),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(response: Response, text: string, path: string): Attempt {
    const status = response.status;
    const said = this.serverMessage(text);
    const quote = said ? ` Jobindsats svarede: »${said}«.` : '';
    if (status === 401 || status === 403) {
      return {
        ok: false,
        retryable: false,
        error: new JobindsatsError(
          'auth',
          `Jobindsats afviste API-nøglen (HTTP ${status}): nøglen er forkert, udløbet eller ikke gyldig til API version 3.${quote} Hent organisationens gyldige nøgle (jeres kontaktperson har den, ellers jobindsats@star.dk) og læg den i nøglefilen eller secret’en.`,
          status,
        ),
      };
    }
    if (status === 404) {
      return {
        ok: false,
        retryable: false,
        error: new JobindsatsError('not_found', `Jobindsats kender ikke ${path} (HTTP 404).${quote} Tjek tabel-id’et i dashboards/benchmarks/.`, status),
      };
    }
    if (RETRYABLE_STATUS.has(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const error =
        status === 429
          ? new JobindsatsError(
              'rate_limited',
              `Jobindsats afviste forespørgslen på ${path}, fordi der er sendt for mange forespørgsler (HTTP 429).${quote}`,
              status,
            )
          : new JobindsatsError('server', `Jobindsats svarede med en serverfejl (HTTP ${status}) på ${path}.${quote}`, status);
      return { ok: false, retryable: true, error, retryAfterMs };
    }
    return {
      ok: false,
      retryable: false,
      error: new JobindsatsError('bad_request', `Jobindsats afviste forespørgslen på ${path} (HTTP ${status}).${quote}`, status),
    };
  }

  /** The server's own words, short, scrubbed of the key (some servers echo request headers). */
  private serverMessage(text: string): string | undefined {
    let said: string | undefined;
    try {
      const parsed = errorBodySchema.safeParse(JSON.parse(text));
      said = parsed.success ? parsed.data : undefined;
    } catch {
      said = /^\s*</.test(text) ? undefined : text;
    }
    const clean = said?.replace(/\s+/g, ' ').trim();
    if (!clean) return undefined;
    return this.scrub(clean.length > 300 ? `${clean.slice(0, 300)}…` : clean);
  }

  private scrub(text: string): string {
    return text.replaceAll(this.token, HIDDEN).replace(/Bearer\s+[\x21-\x7e]+/gi, `Bearer ${HIDDEN}`);
  }
}

/** 150 → "0,15", 60000 → "60": seconds the Danish way. */
function seconds(ms: number): string {
  return String(ms / 1000).replace('.', ',');
}

function checkedTableId(tableId: string): string {
  if (!TABLE_ID.test(tableId)) throw new JobindsatsError('bad_request', `Ugyldigt tabel-id til Jobindsats: »${tableId}« (kun bogstaver, tal og _).`);
  return tableId;
}

function dataParams(selection: DataSelection, periods: readonly string[]): [string, string][] {
  return [
    ...Object.entries(selection.measures).map(([group, ids]): [string, string] => [`mgroup.${group}`, ids.join(',')]),
    [`period.${selection.period.type}`, periods.join(',')],
    ...Object.entries(selection.hierarchies).map(([hierarchy, values]): [string, string] => [`hierarchy.${hierarchy}`, values.join(',')]),
  ];
}

/**
 * Query text as public v3 clients send it: `:`, `,`, `*` and `/` unescaped (they separate
 * lists, name levels and select totals, e.g. `hierarchy._nykom=/`, `period.M=latest:12`).
 */
export function queryString(params: readonly (readonly [string, string])[]): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/');
  return params.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

/** Retry-After as delay seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** ECONNREFUSED, ENOTFOUND, …: the useful part of fetch's "fetch failed". */
function networkCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

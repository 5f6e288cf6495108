import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A stand-in for api.jobindsats.dk on a loopback port (node:http, port 0), answering with
 * bodies in the recorded shapes (./recorded/README.md). Scriptable per test: queue answers
 * (a 429 storm, a 500, a hang), or serve a small catalogue of tables generated in the same
 * shape. Every request is recorded, Authorization header included, so tests can check it.
 */

export const RECORDED = join(import.meta.dirname, 'recorded');

export function recorded(file: string): unknown {
  return JSON.parse(readFileSync(join(RECORDED, file), 'utf8'));
}

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  /** The raw query text, to check what is (not) escaped. */
  rawQuery: string;
  authorization: string | undefined;
}

export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Accept the request and never answer (a timeout). */
  | 'hang';

export type Handler = (request: SeenRequest) => Answer;

export interface FakeJobindsats {
  /** e.g. `http://127.0.0.1:40123/v3` */
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Answers used before the handler, first in first out. */
  queue(...answers: Answer[]): void;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startFakeJobindsats(handler: Handler = () => ({ status: 404, body: { message: 'Ikke fundet' } })): Promise<FakeJobindsats> {
  const requests: SeenRequest[] = [];
  const queued: Answer[] = [];
  let current = handler;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const seen: SeenRequest = {
      path: url.pathname.replace(/^\/v3/, ''),
      query: url.searchParams,
      rawQuery: url.search.slice(1),
      authorization: req.headers.authorization,
    };
    requests.push(seen);
    const answer = queued.shift() ?? current(seen);
    if (answer === 'hang') return;
    const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? null);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v3`,
    requests,
    queue: (...answers) => queued.push(...answers),
    handle: (h) => {
      current = h;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A table the generated catalogue serves: metadata and data in the recorded shapes. */
export interface FakeTable {
  name: string;
  periodType: 'M' | 'Q' | 'QMAT';
  periods: string[];
  mgroup: string;
  measure: { id: string; name: string };
  areaHierarchy: string;
  /** Municipalities: value id and name, as the area hierarchy lists them. */
  municipalities: { id: string; name: string }[];
  /** Other hierarchies the table has (their totals are used unless a filter picks a value). */
  otherHierarchies?: string[];
  /** The published cell for an area value id and a period code; undefined: no row at all. */
  value: (area: string, period: string) => number | string | null | undefined;
}

/**
 * A handler serving `/tables`, `/table/{id}` and `/data/{id}` for the given tables, in the
 * recorded shapes, for the one key it accepts; any other key gets the recorded 401 body.
 */
export function catalogueHandler(token: string, tables: Record<string, FakeTable>): Handler {
  return (request) => {
    if (request.authorization !== `Bearer ${token}`) return { status: 401, body: recorded('error-401.json') };
    if (request.query.get('format') !== 'json') return { status: 400, body: { message: 'format mangler' } };
    if (request.path === '/tables') return { status: 200, body: Object.entries(tables).map(([id, t]) => ({ table_id: id, table_name: t.name })) };
    const m = /^\/(table|data)\/([A-Za-z0-9_]+)$/.exec(request.path);
    const table = m ? tables[m[2]!] : undefined;
    if (!m || !table) return { status: 404, body: { message: `Tabellen findes ikke: ${request.path}` } };
    if (m[1] === 'table') return { status: 200, body: metadataOf(m[2]!, table) };

    if (request.query.get(`mgroup.${table.mgroup}`) !== table.measure.id) return { status: 400, body: { message: 'Ukendt måling' } };
    const periods = request.query.get(`period.${table.periodType}`)?.split(',') ?? [];
    const area = request.query.get(`hierarchy.${table.areaHierarchy}`) ?? '/';
    const areaName = area === '/' ? 'Hele landet' : (table.municipalities.find((x) => x.id === area)?.name ?? area);
    const rows = periods
      .filter((p) => table.periods.includes(p))
      .map((p) => [p, areaName, table.value(area, p)] as const)
      .filter(([, , v]) => v !== undefined);
    return { status: 200, body: { columns: ['Periode', 'Område', table.measure.name], rows } };
  };
}

function metadataOf(id: string, table: FakeTable): unknown {
  return {
    table_id: id,
    table_name: table.name,
    periods: [{ periodtype_id: table.periodType, values: table.periods.map((p) => ({ period_id: p })) }],
    mgroups: [{ mgroup_id: table.mgroup, measures: [{ measure_id: table.measure.id, measure_name: table.measure.name }] }],
    dimensions: [
      {
        hierarchy_id: table.areaHierarchy,
        hierarchy_name: 'Område',
        levels: [
          { level_id: '1', level_name: 'Hele landet', values: [{ value_id: '/', value_name: 'Hele landet' }] },
          { level_id: '2', level_name: 'Kommune', values: table.municipalities.map((x) => ({ value_id: x.id, value_name: x.name })) },
        ],
      },
      ...(table.otherHierarchies ?? []).map((h) => ({ hierarchy_id: h, values: [{ value_id: '/', value_name: 'I alt' }] })),
    ],
  };
}

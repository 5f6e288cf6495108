import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobindsatsClient, JobindsatsError, parseRetryAfter, queryString, type JobindsatsClientOptions } from '../../functions/benchmarks/jobindsatsClient.ts';
import { recorded, startFakeJobindsats, type FakeJobindsats } from './fakeJobindsats.ts';

const TOKEN = 'jbi-SECRET-7f3a9c2e41';

let api: FakeJobindsats;
let waits: number[];

beforeAll(async () => {
  api = await startFakeJobindsats();
});
afterAll(() => api.close());
afterEach(() => {
  api.requests.length = 0;
});

/** A client whose waits are recorded instead of slept, with a fixed jitter. */
function client(options: Partial<JobindsatsClientOptions> = {}): JobindsatsClient {
  waits = [];
  return new JobindsatsClient({
    token: TOKEN,
    baseUrl: api.url,
    maxAttempts: 4,
    baseDelayMs: 100,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
}

/** The error a call fails with; the test fails if it does not. */
async function failure(call: Promise<unknown>): Promise<JobindsatsError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JobindsatsError);
  const e = error as JobindsatsError;
  // Whatever went wrong, the key is never part of the message.
  expect(e.message).not.toContain(TOKEN);
  expect(JSON.stringify(e)).not.toContain(TOKEN);
  return e;
}

describe('the Jobindsats v3 client, against a local server answering in the recorded shapes', () => {
  it('sends the key as a bearer token, asks for JSON, and parses the table list and a table’s metadata', async () => {
    api.handle((r) => (r.path === '/tables' ? { status: 200, body: recorded('tables.json') } : { status: 200, body: recorded('table-y35a03.json') }));
    const c = client();
    const tables = await c.tables();
    expect(tables.map((t) => t.id)).toEqual(['y35a03', 'mm13']);
    expect(tables[0]!.subjectName).toBe('Selvforsørgelses- og hjemrejseydelse samt overgangsydelse');

    const meta = await c.table('y35a03');
    expect(meta.periodTypes.map((p) => p.type)).toEqual(['M', 'Q']);
    expect(meta.periodTypes[0]!.periods).toContain('2017M12');
    expect(meta.mgroups[0]!.measures.map((m) => m.name)).toContain('Andel jobparate (pct.)');
    const area = meta.hierarchies.find((h) => h.id === '_nykom')!;
    expect(area.values).toContainEqual({ id: '/201/', name: 'Allerød' });
    expect(area.values).toContainEqual({ id: '/', name: 'Hele landet' });

    expect(api.requests.map((r) => r.path)).toEqual(['/tables', '/table/y35a03']);
    for (const r of api.requests) {
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.query.get('format')).toBe('json');
      // The key never travels in the address.
      expect(r.rawQuery).not.toContain(TOKEN);
    }
  });

  it('asks for data with measure, period and hierarchy selections, lists unescaped as v3 clients send them', async () => {
    api.handle(() => ({ status: 200, body: recorded('data-y35a03.json') }));
    const data = await client().data('y35a03', {
      measures: { mgrpy35a03_1: ['measa03_2'] },
      period: { type: 'M', values: ['2017M10', '2017M11', '2017M12'] },
      hierarchies: { _nykom: ['/'], _kon: ['/1/'] },
    });
    expect(data.columns).toEqual(['Periode', 'Område', 'Andel jobparate (pct.)']);
    expect(data.rows).toHaveLength(3);
    const [request] = api.requests;
    expect(request!.path).toBe('/data/y35a03');
    expect(request!.rawQuery).toBe('mgroup.mgrpy35a03_1=measa03_2&period.M=2017M10,2017M11,2017M12&hierarchy._nykom=/&hierarchy._kon=/1/&format=json');
  });

  it('splits a selection above the cell limit into period chunks and joins the rows', async () => {
    api.handle((r) => ({
      status: 200,
      body: {
        columns: ['Periode', 'Område', 'Andel'],
        rows: r.query
          .get('period.M')!
          .split(',')
          .map((p) => [p, 'Hele landet', 1]),
      },
    }));
    const periods = ['2017M01', '2017M02', '2017M03', '2017M04', '2017M05'];
    const data = await client({ maxCellsPerRequest: 4 }).data('y35a03', {
      measures: { g: ['m'] },
      period: { type: 'M', values: periods },
      hierarchies: { _nykom: ['/', '/201/'] },
    });
    expect(api.requests.map((r) => r.query.get('period.M'))).toEqual(['2017M01,2017M02', '2017M03,2017M04', '2017M05']);
    expect(data.rows.map((r) => r[0])).toEqual(periods);

    const tooWide = await failure(
      client({ maxCellsPerRequest: 4 }).data('y35a03', {
        measures: { g: ['a', 'b', 'c'] },
        period: { type: 'M', values: periods },
        hierarchies: { _nykom: ['/', '/201/'] },
      }),
    );
    expect(tooWide.code).toBe('too_many_cells');
    expect(tooWide.message).toMatch(/6 celler pr\. periode/);
  });

  it('says in Danish that the key is wrong or expired, quoting the server, without retrying', async () => {
    api.handle(() => ({ status: 401, body: recorded('error-401.json') }));
    const e = await failure(client().table('y35a03'));
    expect(e.code).toBe('auth');
    expect(e.status).toBe(401);
    expect(e.message).toContain('Jobindsats afviste API-nøglen (HTTP 401)');
    expect(e.message).toContain('forkert, udløbet eller ikke gyldig til API version 3');
    expect(e.message).toContain('»Adgang nægtet: API-nøglen er ugyldig eller udløbet.«');
    expect(api.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('scrubs the key from a server message that echoes the request', async () => {
    api.handle(() => ({ status: 403, body: { message: `Ugyldig header: Authorization: Bearer ${TOKEN}` } }));
    const e = await failure(client().tables());
    expect(e.code).toBe('auth');
    expect(e.message).toContain('[nøgle skjult]');
  });

  it('rides out a 429 storm, waiting what Retry-After asks, then succeeds', async () => {
    api.queue(
      { status: 429, headers: { 'retry-after': '2' }, body: { message: 'For mange forespørgsler' } },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 503 },
    );
    api.handle(() => ({ status: 200, body: recorded('tables.json') }));
    const tables = await client().tables();
    expect(tables).toHaveLength(2);
    expect(api.requests).toHaveLength(4);
    // Retry-After exactly; without it (the 503), backoff: step 400 ms at attempt 3, equal jitter at 0.5 → 300 ms.
    expect(waits).toEqual([2000, 1000, 300]);
  });

  it('backs off exponentially with jitter when no Retry-After is given', async () => {
    api.handle(() => ({ status: 502 }));
    const e = await failure(client({ maxAttempts: 5, random: () => 0 }).tables());
    expect(e.code).toBe('server');
    expect(waits).toEqual([50, 100, 200, 400]);
    const withJitter = await failure(client({ maxAttempts: 3, random: () => 0.999 }).tables());
    expect(withJitter.code).toBe('server');
    expect(waits.every((w, i) => w >= 50 * 2 ** i && w <= 100 * 2 ** i)).toBe(true);
  });

  it('gives up on a 429 storm after its attempts, with a clear Danish message', async () => {
    api.handle(() => ({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'For mange forespørgsler' } }));
    const e = await failure(client().data('y35a03', { measures: { g: ['m'] }, period: { type: 'M', values: ['2017M12'] }, hierarchies: {} }));
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain('for mange forespørgsler (HTTP 429)');
    expect(e.message).toMatch(/Opgivet efter 4 forsøg over \d+,\d sekunder\./);
    expect(api.requests).toHaveLength(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it('does not wait for a Retry-After longer than it is willing to', async () => {
    api.handle(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const e = await failure(client({ maxRetryAfterMs: 60_000 }).tables());
    expect(e.code).toBe('rate_limited');
    expect(e.message).toContain('bad os vente 3600 sekunder (Retry-After)');
    expect(api.requests).toHaveLength(1);
  });

  it('stops on a changed response shape: an error naming the path, never a number', async () => {
    api.handle(() => ({ status: 200, body: recorded('data-v2-shape.json') }));
    const e = await failure(client().data('y35a03', { measures: { g: ['m'] }, period: { type: 'M', values: ['2017M10'] }, hierarchies: {} }));
    expect(e.code).toBe('shape');
    expect(e.message).toContain('Jobindsats’ svar på /data/y35a03 har ikke den forventede form');
    expect(e.message).toContain('Intet er gemt');

    api.handle(() => ({ status: 200, body: { columns: ['Periode', 'Værdi'], rows: [['2017M10']] } }));
    const ragged = await failure(client().data('y35a03', { measures: { g: ['m'] }, period: { type: 'M', values: ['2017M10'] }, hierarchies: {} }));
    expect(ragged.message).toContain('rækken har 1 celler, men der er 2 kolonner');

    api.handle(() => ({ status: 200, body: '<html>Vedligeholdelse</html>' }));
    const html = await failure(client().tables());
    expect(html.message).toContain('er ikke JSON');
  });

  it('names the server it cannot reach, after retrying', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    probe.close();
    await once(probe, 'close');
    const e = await failure(client({ baseUrl: `http://127.0.0.1:${port}/v3` }).tables());
    expect(e.code).toBe('unreachable');
    expect(e.message).toContain(`Kunne ikke få forbindelse til Jobindsats (http://127.0.0.1:${port})`);
    expect(e.message).toContain('ECONNREFUSED');
    expect(waits).toHaveLength(3);
  });

  it('times out a request that never answers', async () => {
    api.handle(() => 'hang');
    const started = Date.now();
    const e = await failure(client({ timeoutMs: 150, maxAttempts: 2 }).tables());
    expect(e.code).toBe('timeout');
    expect(e.message).toContain('svarede ikke inden for 0,15 sekunder på /tables');
    expect(api.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a key with whitespace and a table id that is not one, before sending anything', async () => {
    expect(() => new JobindsatsClient({ token: 'abc def' })).toThrow(/mellemrum eller usynlige tegn/);
    expect(() => new JobindsatsClient({ token: '   ' })).toThrow(JobindsatsError);
    await expect(client().table('../tables')).rejects.toThrow(/Ugyldigt tabel-id/);
    expect(api.requests).toHaveLength(0);
  });
});

describe('request details', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('keeps : , * and / readable in the query, and escapes the rest', () => {
    expect(
      queryString([
        ['period.M', 'latest:12'],
        ['hierarchy._nykom', '*'],
        ['x', 'a b&c'],
      ]),
    ).toBe('period.M=latest:12&hierarchy._nykom=*&x=a%20b%26c');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real `moto_server` (S3, Athena, … over HTTP) on a free loopback port, one per test file:
 * `const moto = await startMoto()` in beforeAll, `await moto.stop()` in afterAll.
 */
export interface Moto {
  /** e.g. `http://127.0.0.1:40123`; pass as the SDK client's `endpoint`. */
  readonly endpoint: string;
  /** POST a JSON body to moto's control API, e.g. `/moto-api/static/athena/query-results`. */
  api(path: string, body: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The one thing npm cannot install for the tests: a test that needs moto_server and cannot
 * find it fails with this sentence, never skips silently.
 */
export const MOTO_MISSING = 'moto_server findes ikke på denne maskine; S3- og Athena-testene kører mod den. Installér den med: pip install "moto[server]"';

/** Moto's default account, which its control API uses when none is given. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** Dummy credentials for the SDK's default provider chain; moto accepts any. */
export function useDummyAwsCredentials(region = 'eu-north-1'): void {
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env.AWS_SESSION_TOKEN = 'test';
  process.env.AWS_REGION = region;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('No TCP port from the OS');
  return address.port;
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/`);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // The child leads its own process group (detached), so this ends moto and nothing else.
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function launch(timeoutMs: number): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Keep the start of the output (errors on start-up), not every request line.
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const deadline = Date.now() + timeoutMs;
  // Our server is up once it says it bound the port (a stranger on the port could also answer).
  while (!stderr.includes(`Running on ${endpoint}`) || !(await answers(endpoint))) {
    const failed = await Promise.race([spawnError, sleep(100).then(() => undefined)]);
    if (failed) throw (failed as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(MOTO_MISSING) : failed;
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms: ${stderr}`);
    }
  }

  return {
    endpoint,
    async api(path, body) {
      const response = await fetch(`${endpoint}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`moto ${path} answered ${response.status}: ${text}`);
    },
    stop: () => stopProcess(child),
  };
}

/** Starts moto_server; retries on a fresh port if another process took the probed one first. */
export async function startMoto({ timeoutMs = 30_000, attempts = 3 } = {}): Promise<Moto> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(timeoutMs);
    } catch (error) {
      if (attempt >= attempts || (error as Error).message === MOTO_MISSING) throw error;
    }
  }
}

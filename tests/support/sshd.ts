import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A real OpenSSH server (`sshd -D -e`) on a free loopback port, serving SFTP only, as the
 * current user, with throw-away host and client keys, one per test file:
 * `const sshd = await startSshd()` in beforeAll, `await sshd.stop()` in afterAll.
 */
export interface Sshd {
  readonly port: number;
  /** The user it lets in (the current one). */
  readonly user: string;
  /** The local folder the tests put deliveries into; SFTP sessions start in it. */
  readonly served: string;
  /** The client's private key file (ed25519, no passphrase), in authorized_keys. */
  readonly identity: string;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it: `SHA256:…`. */
  readonly hostKey: string;
  /** `sftp://user@127.0.0.1:port/<absolute path of served/relative>`. */
  url(relative?: string): string;
  /** What sshd has logged so far: listening, accepted and refused logins. */
  log(): string;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

/** Makes an ed25519 key pair without passphrase: `path` and `path.pub`. */
export async function generateKey(path: string): Promise<void> {
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pejlemaerke-test', '-f', path]);
}

/** The fingerprint OpenSSH itself computes for a public key file. */
export async function sshKeygenFingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await exec('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const match = /\b(SHA256:[A-Za-z0-9+/]+)/.exec(stdout);
  if (!match) throw new Error(`ssh-keygen -lf printed no SHA256 fingerprint: ${stdout}`);
  return match[1]!;
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

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // sshd leads its own process group (detached): this ends it and its session children only.
  process.kill(-child.pid!, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function config(dir: string, served: string, port: number, user: string): string {
  // No ChrootDirectory: OpenSSH refuses a chroot below a world-writable folder such as /tmp.
  // Sessions start in `served` and can run nothing but SFTP.
  const sftp = `internal-sftp -d ${served}`;
  return `${[
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    'AddressFamily inet',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${user}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    `Subsystem sftp ${sftp}`,
    `ForceCommand ${sftp}`,
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'PermitTTY no',
    'LogLevel INFO',
    'MaxStartups 50',
  ].join('\n')}\n`;
}

async function launch(dir: string, served: string, timeoutMs: number): Promise<{ child: ChildProcess; port: number; log: () => string }> {
  const port = await freePort();
  const user = userInfo().username;
  const configFile = join(dir, 'sshd_config');
  await writeFile(configFile, config(dir, served, port, user));
  const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (log.length < 4_000_000) log += chunk.toString();
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + timeoutMs;
  while (!log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
    const failed = await Promise.race([spawnError, sleep(50).then(() => undefined)]);
    if (failed) throw failed;
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log}`);
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`sshd did not listen on port ${port} within ${timeoutMs} ms: ${log}`);
    }
  }
  return { child, port, log: () => log };
}

export async function startSshd({ timeoutMs = 15_000, attempts = 3 } = {}): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    throw new Error(
      `${SSHD} mangler: installér openssh-server (apt-get install openssh-server) for at køre SFTP-testene. ` +
        `${SSHD} is missing: install openssh-server to run the SFTP tests.`,
    );
  }
  // As root, sshd needs its privilege separation folder, which the package's service makes at boot.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) await mkdir('/run/sshd', { mode: 0o755, recursive: true });

  const dir = await mkdtemp(join(tmpdir(), 'pejlemaerke-sshd-'));
  const served = join(dir, 'served');
  await mkdir(served);
  await generateKey(join(dir, 'host_ed25519'));
  await generateKey(join(dir, 'client_ed25519'));
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_ed25519.pub')));
  const hostKey = await sshKeygenFingerprint(join(dir, 'host_ed25519.pub'));

  let running: Awaited<ReturnType<typeof launch>> | undefined;
  for (let attempt = 1; !running; attempt++) {
    try {
      running = await launch(dir, served, timeoutMs);
    } catch (error) {
      // Another process may have taken the probed port first: try a fresh one.
      if (attempt >= attempts) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const { child, port, log } = running;
  const user = userInfo().username;
  return {
    port,
    user,
    served,
    identity: join(dir, 'client_ed25519'),
    hostKey,
    url: (relative = '') => `sftp://${encodeURIComponent(user)}@127.0.0.1:${port}${join(served, relative).split('/').map(encodeURIComponent).join('/')}`,
    log,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

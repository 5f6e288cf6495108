import { open as openLocal } from 'node:fs/promises';
import ssh2, { type ConnectConfig, type FileEntryWithStats, type SFTPWrapper, type Stats } from 'ssh2';
import { hostKeyFingerprint } from './hostKey.ts';
import type { SftpLocation } from './sftpUrl.ts';

// ssh2 is CommonJS without named ESM exports.
const { Client, utils } = ssh2;

/** Why a pull could not talk to the server; `message` is Danish and says what to check. */
export class SftpPullError extends Error {
  override readonly name = 'SftpPullError';
  constructor(
    readonly kind: 'host-key' | 'auth' | 'unreachable' | 'key' | 'path' | 'server',
    message: string,
  ) {
    super(message);
  }
}

export interface SftpConnectOptions {
  server: Omit<SftpLocation, 'path'>;
  /** OpenSSH or PEM private key text; never logged. */
  privateKey: Buffer | string;
  /** The pinned fingerprint (`SHA256:…`); undefined accepts any host key (the caller warns). */
  hostKey: string | undefined;
  /** TCP connect + SSH handshake + login; a silent firewall fails after this long. */
  connectTimeoutMs?: number;
}

export interface RemoteEntry {
  name: string;
  kind: 'file' | 'folder' | 'other';
  size: number;
  /** Modification time in ms since epoch (SFTP gives whole seconds). */
  mtimeMs: number;
}

/** An open SFTP connection with the few operations a pull needs, as promises. */
export interface SftpSession {
  /** The fingerprint of the key the server showed (pinned or not). */
  readonly hostKey: string;
  /** A folder's entries, without `.` and `..`; symbolic links are followed. */
  list(path: string): Promise<RemoteEntry[]>;
  /** Undefined when nothing is at the path. */
  stat(path: string): Promise<RemoteEntry | undefined>;
  /** A whole small file; undefined when it does not exist, an error when it is over maxBytes. */
  readSmall(path: string, maxBytes: number): Promise<Buffer | undefined>;
  /**
   * Copies bytes `from`…`size` of a remote file to the same offsets of a local file, which is
   * cut to `from` bytes first. Bytes are written in order, so an interrupted copy leaves a
   * prefix that the next call can continue from. Returns the number of bytes transferred.
   */
  download(remotePath: string, localPath: string, options: { from: number; size: number; onBytes?: (done: number) => void }): Promise<number>;
  close(): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
/** Reads in flight per file and bytes per read: a 1 MiB window hides the round trip. */
const READ_AHEAD = 16;
const READ_SIZE = 64 * 1024;

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that we translate. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** Checks the key text before connecting, so a wrong file gives a clear message. */
export function checkPrivateKey(privateKey: Buffer | string): void {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    if (/passphrase/i.test(parsed.message)) {
      throw new SftpPullError(
        'key',
        'den private nøgle er beskyttet med en adgangsfrase; pull bruger en nøgle uden adgangsfrase, der opbevares sikkert (fx i Secrets Manager)',
      );
    }
    throw new SftpPullError('key', 'den private nøgle kan ikke læses: brug en OpenSSH- eller PEM-nøgle (fx ~/.ssh/id_ed25519, ikke .pub-filen)');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key.isPrivateKey?.() === false || key.getPrivatePEM() === null) {
    throw new SftpPullError('key', 'filen indeholder ingen privat nøgle (er det .pub-filen?)');
  }
}

function where(server: SftpConnectOptions['server']): string {
  return `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
}

/** Connects, checks the host key before anything is sent, logs in and opens SFTP. */
export async function openSftp(options: SftpConnectOptions): Promise<SftpSession> {
  checkPrivateKey(options.privateKey);
  const { server } = options;
  const client = new Client();
  let seen: string | undefined;
  let failure: SftpPullError | undefined;

  const config: ConnectConfig = {
    host: server.host,
    port: server.port,
    username: server.user,
    privateKey: options.privateKey,
    readyTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // A server that stops answering mid-transfer fails the pull instead of hanging it.
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    // Only the key: no password or keyboard prompts, no agent.
    authHandler: ['publickey'],
    hostVerifier: (key: Buffer) => {
      seen = hostKeyFingerprint(key);
      return options.hostKey === undefined || seen === options.hostKey;
    },
  };

  let ready = false;
  const connected = new Promise<void>((resolve, reject) => {
    client.once('ready', () => {
      ready = true;
      resolve();
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      // After login every failure is a broken line (reset, keepalive timeout): the pull resumes.
      failure = ready ? interruptedError(server) : translateConnectError(error, server, options.hostKey, seen);
      reject(failure);
    });
    client.once('close', () => reject(failure ?? new SftpPullError('unreachable', `${where(server)} lukkede forbindelsen under login`)));
  });
  client.connect(config);
  try {
    await connected;
  } catch (error) {
    client.end();
    throw error;
  }

  let sftp: SFTPWrapper;
  try {
    sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, wrapper) => (error ? reject(error) : resolve(wrapper))));
  } catch {
    client.end();
    throw new SftpPullError('server', `${where(server)} tilbyder ikke SFTP til brugeren ${server.user} (mangler "Subsystem sftp" i sshd_config?)`);
  }
  return session(sftp, client, seen!, () => failure ?? interruptedError(server));
}

function interruptedError(server: SftpConnectOptions['server']): SftpPullError {
  return new SftpPullError('unreachable', `forbindelsen til ${where(server)} blev afbrudt undervejs; kør igen: hentningen fortsætter, hvor den slap`);
}

function translateConnectError(
  error: Error & { level?: string; code?: string },
  server: SftpConnectOptions['server'],
  pinned: string | undefined,
  seen: string | undefined,
): SftpPullError {
  const at = where(server);
  if (pinned !== undefined && seen !== undefined && seen !== pinned) {
    return new SftpPullError(
      'host-key',
      `serverens værtsnøgle passer ikke: ${at} viste ${seen}, men den fastlåste nøgle er ${pinned}. ` +
        'Der er ikke logget ind. Få den rigtige nøgle bekræftet af den, der driver serveren: den kan være skiftet, eller en anden udgiver sig for serveren.',
    );
  }
  if (error.level === 'client-authentication') {
    return new SftpPullError(
      'auth',
      `${at} afviste login som ${server.user} med nøglen: tjek brugernavnet, og at den offentlige nøgle står i brugerens authorized_keys på serveren`,
    );
  }
  if (error.level === 'client-timeout') {
    return new SftpPullError('unreachable', `intet svar fra ${at} i tide: tjek adresse og port, og at en firewall lukker os ind`);
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SftpPullError('unreachable', `${at} afviste forbindelsen: kører SFTP-serveren, og er porten rigtig?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SftpPullError('unreachable', `værtsnavnet ${server.host} kan ikke slås op (DNS): tjek adressen`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new SftpPullError('unreachable', `${at} kan ikke nås fra denne maskine (netværk eller firewall)`);
    case 'ECONNRESET':
      return new SftpPullError('unreachable', `${at} afbrød forbindelsen`);
  }
  if (error.level === 'handshake' || error.level === 'protocol') {
    return new SftpPullError('server', `SSH-forhandlingen med ${at} mislykkedes: ${error.message}`);
  }
  return new SftpPullError('unreachable', `forbindelsen til ${at} mislykkedes: ${error.message}`);
}

function toEntry(name: string, stats: Stats): RemoteEntry {
  const kind = stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : 'other';
  return { name, kind, size: stats.size, mtimeMs: stats.mtime * 1000 };
}

function session(sftp: SFTPWrapper, client: InstanceType<typeof Client>, hostKey: string, interrupted: () => SftpPullError): SftpSession {
  // ssh2 does not always answer requests that were pending when the connection broke
  // (network, server restart): they are failed here, so a pull never hangs on a dead line.
  const pending = new Set<(error: Error) => void>();
  let closed = false;
  client.on('close', () => {
    closed = true;
    for (const fail of pending) fail(interrupted());
    pending.clear();
  });
  const call = <T>(run: (done: (error: Error | undefined | null, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(interrupted());
      pending.add(reject);
      run((error, value) => {
        pending.delete(reject);
        if (!error) resolve(value as T);
        else reject(closed || /No response from server/.test(error.message) ? interrupted() : error);
      });
    });
  const code = (error: unknown): number | undefined => (error as { code?: unknown }).code as number | undefined;

  const stat = async (path: string): Promise<RemoteEntry | undefined> => {
    try {
      return toEntry(path.slice(path.lastIndexOf('/') + 1), await call<Stats>((done) => sftp.stat(path, done)));
    } catch (error) {
      if (code(error) === NO_SUCH_FILE) return undefined;
      throw error;
    }
  };

  const readFully = async (handle: Buffer, position: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    // A server may answer with fewer bytes than asked for; zero bytes is the end of the file.
    while (got < length) {
      const n = await call<number>((done) => sftp.read(handle, buffer, got, length - got, position + got, (error, bytesRead) => done(error, bytesRead)));
      if (!n) break;
      got += n;
    }
    return got === length ? buffer : buffer.subarray(0, got);
  };

  return {
    hostKey,
    stat,

    async list(path) {
      const entries = await call<FileEntryWithStats[]>((done) => sftp.readdir(path, done));
      const out: RemoteEntry[] = [];
      for (const entry of entries) {
        if (entry.attrs.isSymbolicLink()) {
          const target = await stat(`${path.replace(/\/+$/, '')}/${entry.filename}`);
          if (target) out.push({ ...target, name: entry.filename });
        } else out.push(toEntry(entry.filename, entry.attrs));
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async readSmall(path, maxBytes) {
      const entry = await stat(path);
      if (!entry) return undefined;
      if (entry.size > maxBytes) throw new SftpPullError('server', `${path} er større end ${maxBytes} bytes`);
      const handle = await call<Buffer>((done) => sftp.open(path, 'r', done));
      try {
        return await readFully(handle, 0, entry.size);
      } finally {
        await call((done) => sftp.close(handle, done)).catch(() => {});
      }
    },

    async download(remotePath, localPath, { from, size, onBytes }) {
      const handle = await call<Buffer>((done) => sftp.open(remotePath, 'r', done));
      const file = await openLocal(localPath, from > 0 ? 'r+' : 'w', 0o600);
      const inFlight: { position: number; length: number; data: Promise<Buffer> }[] = [];
      try {
        await file.truncate(from);
        let next = from;
        let written = from;
        while (written < size) {
          while (inFlight.length < READ_AHEAD && next < size) {
            const length = Math.min(READ_SIZE, size - next);
            const data = readFully(handle, next, length);
            // Awaited below in order; this only keeps a failure after an earlier one from going unhandled.
            data.catch(() => {});
            inFlight.push({ position: next, length, data });
            next += length;
          }
          const chunk = inFlight.shift()!;
          const data = await chunk.data;
          await file.write(data, 0, data.length, written);
          written += data.length;
          onBytes?.(written - from);
          // The file shrank since it was listed: stop; the checksum will tell.
          if (data.length < chunk.length) break;
        }
        return written - from;
      } finally {
        await Promise.allSettled(inFlight.map((c) => c.data));
        await file.close();
        await call((done) => sftp.close(handle, done)).catch(() => {});
      }
    },

    close() {
      sftp.end();
      client.end();
    },
  };
}

/** The folder (or file) a pull was pointed at is not on the server. */
export function missingPath(path: string, server: SftpLocation): SftpPullError {
  return new SftpPullError('path', `${path} findes ikke på ${where(server)}: tjek stien i adressen`);
}

/** Translates an SFTP status for a path into a Danish message, or passes the error on. */
export function pathError(error: unknown, path: string, server: SftpLocation): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === NO_SUCH_FILE) return missingPath(path, server);
  if (code === PERMISSION_DENIED) return new SftpPullError('path', `brugeren ${server.user} må ikke læse ${path} på ${where(server)}`);
  return error;
}

/** True for an SFTP "permission denied" status. */
export function isPermissionDenied(error: unknown): boolean {
  return (error as { code?: unknown }).code === PERMISSION_DENIED;
}

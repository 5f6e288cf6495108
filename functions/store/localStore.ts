import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store, StoredObject, VersionedObject } from './store.ts';

/** A short critical section held longer than this belongs to a process that died in it. */
const MUTEX_STALE_MS = 10_000;

/**
 * A folder with the bucket's key layout: the embedded default for local runs. Every write goes
 * to a temporary file beside the target and is renamed into place, so a run killed mid-write
 * leaves the old file or the new one, never half of one (as S3 does).
 */
export class LocalStore implements Store {
  readonly root: string;
  readonly location: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.location = this.root;
  }

  /** Absolute path of a key; lets DuckDB read Parquet in place without staging. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error(`Nøglen peger uden for lageret: ${key}`);
    return path;
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async tryGet(key: string): Promise<Buffer | undefined> {
    try {
      return await this.get(key);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const path = this.pathOf(key);
    const temp = await this.tempBeside(path);
    await writeFile(temp, body);
    await rename(temp, path);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const path = this.pathOf(key);
    if (resolve(localPath) === path) return;
    const temp = await this.tempBeside(path);
    await pipeline(createReadStream(localPath), createWriteStream(temp));
    await rename(temp, path);
  }

  async getFile(key: string, localPath: string): Promise<void> {
    await mkdir(dirname(resolve(localPath)), { recursive: true });
    if (resolve(localPath) === this.pathOf(key)) return;
    await pipeline(createReadStream(this.pathOf(key)), createWriteStream(localPath));
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw error;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && !entry.name.startsWith('.pejlemaerke-')) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) {
            const info = await stat(full);
            out.push({ key, size: info.size, modifiedMs: Math.floor(info.mtimeMs) });
          }
        }
      }
    };
    // Walk from the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(this.pathOf(folder));
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const to = this.pathOf(toKey);
    const temp = await this.tempBeside(to);
    await copyFile(this.pathOf(fromKey), temp);
    await rename(temp, to);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async putIfAbsent(key: string, body: Buffer | string): Promise<string | undefined> {
    const path = this.pathOf(key);
    const temp = await this.tempBeside(path);
    await writeFile(temp, body);
    try {
      // link() creates the name only if it is free, atomically, with the whole content behind it.
      await link(temp, path);
      return versionOf(Buffer.from(body));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw error;
    } finally {
      await unlink(temp).catch(() => {});
    }
  }

  async getVersioned(key: string): Promise<VersionedObject | undefined> {
    const body = await this.tryGet(key);
    return body === undefined ? undefined : { body, version: versionOf(body) };
  }

  async replaceIfVersion(key: string, body: Buffer | string, version: string): Promise<string | undefined> {
    const path = this.pathOf(key);
    return this.withMutex(path, async () => {
      const current = await this.tryGet(key);
      if (current === undefined || versionOf(current) !== version) return undefined;
      const temp = await this.tempBeside(path);
      await writeFile(temp, body);
      await rename(temp, path);
      return versionOf(Buffer.from(body));
    });
  }

  async deleteIfVersion(key: string, version: string): Promise<boolean> {
    const path = this.pathOf(key);
    return this.withMutex(path, async () => {
      const current = await this.tryGet(key);
      if (current === undefined || versionOf(current) !== version) return false;
      await unlink(path);
      return true;
    });
  }

  private async tempBeside(path: string): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    return join(dirname(path), `.pejlemaerke-${randomUUID()}.tmp`);
  }

  /** A compare-and-swap needs a moment nobody else writes: mkdir is atomic on every file system. */
  private async withMutex<T>(path: string, work: () => Promise<T>): Promise<T> {
    const mutex = join(dirname(path), `.pejlemaerke-mutex-${relative(dirname(path), path)}`);
    await mkdir(dirname(path), { recursive: true });
    for (;;) {
      try {
        await mkdir(mutex);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const info = await stat(mutex).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > MUTEX_STALE_MS) await rm(mutex, { recursive: true, force: true });
        else await sleep(5);
      }
    }
    try {
      return await work();
    } finally {
      await rmdir(mutex).catch(() => {});
    }
  }
}

function versionOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

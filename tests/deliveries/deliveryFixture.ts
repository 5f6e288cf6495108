import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTRACT_VERSION } from '../../functions/contract/extracts.ts';
import { digestBytes } from '../../functions/deliveries/digest.ts';
import { manifestJson, type Manifest } from '../../functions/deliveries/manifest.ts';
import type { Store, StoredObject, VersionedObject } from '../../functions/store/store.ts';

/** A CSV of `rows` data rows under a header; `salt` makes two files' bytes differ. */
export function csv(rows: number, salt = ''): Buffer {
  const lines = ['person_id,sex,birth_year'];
  for (let i = 0; i < rows; i++) lines.push(`p${salt}${String(i).padStart(7, '0')},${i % 2 ? 'M' : 'K'},${1950 + (i % 50)}`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

export interface FixtureDelivery {
  id: string;
  extractedAt: string;
  files: Record<string, Buffer>;
}

/**
 * Writes a delivery the way the export job does: the files, then manifest.json naming each with
 * its SHA-256 and rows. `listed` overrides what the manifest says (to make a mismatch).
 */
export async function writeDelivery(folder: string, delivery: FixtureDelivery, listed: Record<string, Buffer> = delivery.files): Promise<Buffer> {
  await mkdir(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(delivery.files)) await writeFile(join(folder, name), bytes);
  const manifest: Manifest = {
    contract_version: CONTRACT_VERSION,
    delivery_id: delivery.id,
    municipality: 'Testkommune',
    extracted_at: delivery.extractedAt,
    data_until: '2026-09-30',
    files: Object.entries(listed).map(([name, bytes]) => {
      const digest = digestBytes(bytes);
      return { name, sha256: digest.sha256, rows: digest.rows };
    }),
  };
  const bytes = Buffer.from(manifestJson(manifest));
  await writeFile(join(folder, 'manifest.json'), bytes);
  return bytes;
}

/** A store that records every write, in order, and passes everything on. */
export class RecordingStore implements Store {
  readonly writes: string[] = [];
  readonly location: string;

  constructor(private readonly inner: Store) {
    this.location = inner.location;
  }

  get(key: string): Promise<Buffer> {
    return this.inner.get(key);
  }
  tryGet(key: string): Promise<Buffer | undefined> {
    return this.inner.tryGet(key);
  }
  async put(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    this.writes.push(key);
    await this.inner.put(key, body, contentType);
  }
  async putFile(key: string, localPath: string, contentType?: string): Promise<void> {
    this.writes.push(key);
    await this.inner.putFile(key, localPath, contentType);
  }
  getFile(key: string, localPath: string): Promise<void> {
    return this.inner.getFile(key, localPath);
  }
  list(prefix: string): Promise<StoredObject[]> {
    return this.inner.list(prefix);
  }
  async copy(fromKey: string, toKey: string): Promise<void> {
    this.writes.push(toKey);
    await this.inner.copy(fromKey, toKey);
  }
  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }
  async putIfAbsent(key: string, body: Buffer | string): Promise<string | undefined> {
    this.writes.push(key);
    return this.inner.putIfAbsent(key, body);
  }
  getVersioned(key: string): Promise<VersionedObject | undefined> {
    return this.inner.getVersioned(key);
  }
  async replaceIfVersion(key: string, body: Buffer | string, version: string): Promise<string | undefined> {
    this.writes.push(key);
    return this.inner.replaceIfVersion(key, body, version);
  }
  deleteIfVersion(key: string, version: string): Promise<boolean> {
    return this.inner.deleteIfVersion(key, version);
  }
}

import type { Store, StoredObject, VersionedObject } from '../store/store.ts';

/** What CloudFront serves: the published site and the previews behind its allow-list. */
const SITE_PREFIXES = ['reports/', 'previews/'] as const;

/**
 * On AWS the published site lives in its own bucket (CloudFront's private origin) while
 * everything else lives in the data bucket. This store keeps the one key layout the stages
 * know: keys under `reports/` and `previews/` go to the reports store, every other key to the
 * data store.
 */
export class ReportsRoutedStore implements Store {
  readonly location: string;

  constructor(
    private readonly data: Store,
    private readonly reports: Store,
  ) {
    this.location = `${data.location} (+ ${reports.location} for ${SITE_PREFIXES.join(', ')})`;
  }

  private storeFor(key: string): Store {
    return SITE_PREFIXES.some((p) => key.startsWith(p)) ? this.reports : this.data;
  }

  get(key: string): Promise<Buffer> {
    return this.storeFor(key).get(key);
  }

  tryGet(key: string): Promise<Buffer | undefined> {
    return this.storeFor(key).tryGet(key);
  }

  put(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    return this.storeFor(key).put(key, body, contentType);
  }

  putFile(key: string, localPath: string, contentType?: string): Promise<void> {
    return this.storeFor(key).putFile(key, localPath, contentType);
  }

  getFile(key: string, localPath: string): Promise<void> {
    return this.storeFor(key).getFile(key, localPath);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    if (SITE_PREFIXES.some((p) => prefix.startsWith(p))) return this.reports.list(prefix);
    const fromData = await this.data.list(prefix);
    // A prefix such as '' or 'rep' spans both stores.
    if (!SITE_PREFIXES.some((p) => p.startsWith(prefix))) return fromData;
    const onSite = (key: string) => SITE_PREFIXES.some((p) => key.startsWith(p));
    const merged = [...fromData.filter((o) => !onSite(o.key)), ...(await this.reports.list(prefix))];
    return merged.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.storeFor(fromKey);
    const to = this.storeFor(toKey);
    if (from === to) return from.copy(fromKey, toKey);
    // The target store sets the content type from the key, as for any other put.
    await to.put(toKey, await from.get(fromKey));
  }

  exists(key: string): Promise<boolean> {
    return this.storeFor(key).exists(key);
  }

  putIfAbsent(key: string, body: Buffer | string): Promise<string | undefined> {
    return this.storeFor(key).putIfAbsent(key, body);
  }

  getVersioned(key: string): Promise<VersionedObject | undefined> {
    return this.storeFor(key).getVersioned(key);
  }

  replaceIfVersion(key: string, body: Buffer | string, version: string): Promise<string | undefined> {
    return this.storeFor(key).replaceIfVersion(key, body, version);
  }

  deleteIfVersion(key: string, version: string): Promise<boolean> {
    return this.storeFor(key).deleteIfVersion(key, version);
  }
}

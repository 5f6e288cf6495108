import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { cacheControlOf, type Store, type StoredObject, type VersionedObject } from './store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket; store keys are relative to it. */
  prefix?: string;
  client?: S3Client;
  /** An S3-compatible server (MinIO, moto) instead of AWS. */
  endpoint?: string;
  region?: string;
}

/** What browsers and CloudFront need to show report files; the rest is opaque bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream';
}

/** Files above this go up as a multipart upload, in parts of this size. */
const PART_SIZE = 8 * 1024 * 1024;

/** A missing key (404), but not a missing bucket: that is a configuration error to report. */
function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'NoSuchBucket') return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404;
}

/**
 * A conditional request whose condition did not hold: 412 Precondition Failed, or 409 when S3
 * saw a concurrent conditional write to the same key (the other writer won).
 */
function isConditionFailed(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'PreconditionFailed' || error.name === 'ConditionalRequestConflict' || status === 412 || status === 409;
}

/**
 * A bucket prefix with the same key layout as the local folder store. Credentials come from the
 * default provider chain (Lambda role, environment, profile).
 */
export class S3Store implements Store {
  readonly bucket: string;
  /** Normalised prefix without leading or trailing `/`; empty for the bucket root. */
  readonly prefix: string;
  readonly location: string;
  readonly client: S3Client;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.client = options.client ?? new S3Client(clientConfig(options));
  }

  /** `s3://bucket` or `s3://bucket/some/prefix`, as given to `--store`. */
  static fromUrl(url: string, options: Omit<S3StoreOptions, 'bucket' | 'prefix'> = {}): S3Store {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match) throw new Error(`${url} er ikke en S3-adresse; skriv s3://bucket eller s3://bucket/prefix`);
    return new S3Store({ ...options, bucket: match[1]!, prefix: match[2] });
  }

  /** The object key in the bucket for a store key. */
  objectKey(key: string): string {
    if (key.startsWith('/')) throw new Error(`Lagernøgler er relative, ikke ${key}`);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  async get(key: string): Promise<Buffer> {
    const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    if (!output.Body) throw new Error(`S3 svarede uden indhold for ${this.location}/${key}`);
    return Buffer.from(await output.Body.transformToByteArray());
  }

  async tryGet(key: string): Promise<Buffer | undefined> {
    try {
      return await this.get(key);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async put(key: string, body: Buffer | string, contentType?: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        ContentType: contentType ?? contentTypeOf(key),
        CacheControl: cacheControlOf(key),
      }),
    );
  }

  async putFile(key: string, localPath: string, contentType?: string): Promise<void> {
    // Upload sends small files as one PUT and large ones as parts, never holding the whole file.
    const upload = new Upload({
      client: this.client,
      partSize: PART_SIZE,
      queueSize: 2,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: createReadStream(localPath),
        ContentType: contentType ?? contentTypeOf(key),
        CacheControl: cacheControlOf(key),
      },
    });
    await upload.done();
  }

  async getFile(key: string, localPath: string): Promise<void> {
    const target = resolve(localPath);
    await mkdir(dirname(target), { recursive: true });
    const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    if (!(output.Body instanceof Readable)) throw new Error(`S3 svarede ikke med en strøm for ${this.location}/${key}`);
    // Written beside the target and renamed, so a broken download never looks like a file.
    const partial = `${target}.${randomUUID()}.part`;
    try {
      await pipeline(output.Body, createWriteStream(partial));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.objectKey(prefix), ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        out.push({ key: object.Key.slice(strip), size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // S3 orders by UTF-8 bytes; sort by JS string order like the local store.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = `${this.bucket}/${this.objectKey(fromKey)}`.split('/').map(encodeURIComponent).join('/');
    // The target's own headers: a revision's immutable caching must not follow it to an entry point.
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(toKey),
        CopySource: source,
        MetadataDirective: 'REPLACE',
        ContentType: contentTypeOf(toKey),
        CacheControl: cacheControlOf(toKey),
      }),
    );
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async putIfAbsent(key: string, body: Buffer | string): Promise<string | undefined> {
    return this.conditionalPut(key, body, { IfNoneMatch: '*' });
  }

  async getVersioned(key: string): Promise<VersionedObject | undefined> {
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!output.Body || !output.ETag) throw new Error(`Svaret for ${this.location}/${key} mangler indhold eller ETag`);
      return { body: Buffer.from(await output.Body.transformToByteArray()), version: output.ETag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async replaceIfVersion(key: string, body: Buffer | string, version: string): Promise<string | undefined> {
    return this.conditionalPut(key, body, { IfMatch: version });
  }

  async deleteIfVersion(key: string, version: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), IfMatch: version }));
      return true;
    } catch (error) {
      if (isConditionFailed(error) || isNotFound(error)) return false;
      throw error;
    }
  }

  private async conditionalPut(key: string, body: Buffer | string, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<string | undefined> {
    try {
      const output = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
          ContentType: contentTypeOf(key),
          ...condition,
        }),
      );
      if (!output.ETag) throw new Error(`S3 svarede uden ETag for ${this.location}/${key}`);
      return output.ETag;
    } catch (error) {
      if (isConditionFailed(error) || (condition.IfMatch !== undefined && isNotFound(error))) return undefined;
      throw error;
    }
  }
}

function clientConfig(options: S3StoreOptions): S3ClientConfig {
  if (!options.endpoint) return options.region ? { region: options.region } : {};
  // Third-party servers take path-style URLs and do not implement the newer default checksums.
  return {
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

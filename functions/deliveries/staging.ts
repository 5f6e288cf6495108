import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFile, type FileDigest } from './digest.ts';
import { MANIFEST_FILE, type ManifestFile } from './manifest.ts';
import type { RemoteEntry, SftpSession } from './sftpSession.ts';

/**
 * The local folder a delivery is downloaded into before anything reaches the store:
 * `<workDir>/pull/<delivery-id>/<file>.part`. A `.part` file is always a prefix of the remote
 * file, so an interrupted pull continues where it stopped; only a delivery whose every file
 * matches its manifest leaves this folder.
 */
export function stagingDir(workDir: string, deliveryId: string): string {
  return join(workDir, 'pull', deliveryId);
}

/**
 * Makes the folder, owner-only (the extracts are anonymised, not public). When it holds parts of
 * a delivery with another manifest under the same id, those parts are worthless and go.
 */
export async function prepareStaging(dir: string, manifestBytes: Buffer): Promise<void> {
  const previous = await readFile(join(dir, MANIFEST_FILE)).catch(() => undefined);
  if (previous && !previous.equals(manifestBytes)) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, MANIFEST_FILE), manifestBytes, { mode: 0o600 });
}

export interface StagedFile {
  path: string;
  digest: FileDigest;
  /** Bytes that came over the network in this pull (less than the size when resumed). */
  transferred: number;
}

function matches(digest: FileDigest, listed: ManifestFile): boolean {
  return digest.sha256 === listed.sha256 && digest.rows === listed.rows;
}

/**
 * Downloads one listed file into the staging folder, continuing a `.part` from an earlier pull,
 * and digests it. If a continued file does not match the manifest, the kept prefix may be of an
 * older copy of the file, so it is fetched whole once more before the mismatch counts. A file
 * whose bytes are wrong is removed (it is no use to resume); one whose bytes are right stays.
 */
export async function stageFile(
  session: SftpSession,
  remotePath: string,
  remote: RemoteEntry,
  listed: ManifestFile,
  dir: string,
  onBytes?: (done: number) => void,
): Promise<StagedFile> {
  const path = join(dir, `${listed.name}.part`);
  const have = (await stat(path).catch(() => undefined))?.size ?? 0;
  const from = have <= remote.size ? have : 0;
  let transferred = await session.download(remotePath, path, { from, size: remote.size, onBytes: (done) => onBytes?.(from + done) });
  let digest = await digestFile(path);
  if (!matches(digest, listed) && from > 0) {
    transferred += await session.download(remotePath, path, { from: 0, size: remote.size, onBytes });
    digest = await digestFile(path);
  }
  if (digest.sha256 !== listed.sha256) await rm(path, { force: true });
  return { path, digest, transferred };
}

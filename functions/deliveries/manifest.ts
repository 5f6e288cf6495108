import { z } from 'zod';
import { CONTRACT_VERSION } from '../contract/extracts.ts';

/**
 * `manifest.json` (extract contract v1.1, docs/contract.md "Deliveries"): written last by the
 * export job, so its presence means the delivery is complete. It names every file with the
 * SHA-256 of its bytes and its number of data rows; a delivery whose files do not match it is
 * never ingested.
 */
export const MANIFEST_FILE = 'manifest.json';

export const DELIVERY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A delivered file's name: a plain file name, never a path. */
const FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export const manifestFileSchema = z.object({
  name: z
    .string()
    .regex(FILE_NAME_PATTERN, 'et filnavn uden mapper, fx persons.csv')
    .refine((name) => name !== MANIFEST_FILE, 'manifest.json nævner ikke sig selv'),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'SHA-256 som 64 hex-tegn')
    .transform((hex) => hex.toLowerCase()),
  rows: z.number().int().nonnegative(),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const manifestSchema = z.object({
  contract_version: z.literal(CONTRACT_VERSION),
  delivery_id: z.string().regex(DELIVERY_ID_PATTERN, '1–64 tegn af A-Z a-z 0-9 _ -'),
  municipality: z.string().min(1),
  extracted_at: z.iso.datetime({ offset: true }),
  data_until: z.iso.date(),
  files: z
    .array(manifestFileSchema)
    .min(1)
    .refine((files) => new Set(files.map((f) => f.name)).size === files.length, 'hver fil må kun stå én gang'),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** A manifest that does not parse; `issues` are Danish, one per field. */
export class InvalidManifestError extends Error {
  constructor(
    readonly where: string,
    readonly issues: string[],
  ) {
    super(`${where} er ikke et gyldigt manifest: ${issues.join('; ')}`);
    this.name = 'InvalidManifestError';
  }
}

/** Parses manifest.json bytes; throws InvalidManifestError naming each wrong field. */
export function parseManifest(bytes: Buffer | string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch {
    throw new InvalidManifestError(where, ['filen er ikke gyldig JSON']);
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidManifestError(
      where,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(hele filen)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/** The manifest as the product writes it: stable key order, 2-space indent, final newline. */
export function manifestJson(manifest: Manifest): string {
  const { contract_version, delivery_id, municipality, extracted_at, data_until } = manifest;
  const files = [...manifest.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `${JSON.stringify({ contract_version, delivery_id, municipality, extracted_at, data_until, files: files.map(({ name, sha256, rows }) => ({ name, sha256, rows })) }, null, 2)}\n`;
}

/** Why a delivery is not complete: one entry per file (or the manifest itself), in Danish. */
export interface DeliveryProblem {
  file: string;
  reason: 'missing' | 'extra' | 'sha256' | 'rows' | 'manifest';
  message: string;
}

/**
 * Compares the files actually delivered with what the manifest lists: every listed file must
 * be there with the same SHA-256 and row count, and no other file may be there.
 */
export function compareWithManifest(listedFiles: readonly ManifestFile[], actual: ReadonlyMap<string, { sha256: string; rows: number }>): DeliveryProblem[] {
  const problems: DeliveryProblem[] = [];
  for (const listed of listedFiles) {
    const found = actual.get(listed.name);
    if (!found) problems.push({ file: listed.name, reason: 'missing', message: 'står i manifestet, men er ikke leveret' });
    else if (found.sha256 !== listed.sha256) {
      problems.push({
        file: listed.name,
        reason: 'sha256',
        message: 'indholdet passer ikke med manifestets SHA-256 (filen er ændret eller kun delvist overført)',
      });
    } else if (found.rows !== listed.rows) {
      problems.push({ file: listed.name, reason: 'rows', message: `har ${found.rows} rækker, manifestet siger ${listed.rows}` });
    }
  }
  const listedNames = new Set(listedFiles.map((f) => f.name));
  for (const name of [...actual.keys()].sort()) {
    if (!listedNames.has(name)) problems.push({ file: name, reason: 'extra', message: 'er leveret, men står ikke i manifestet' });
  }
  return problems;
}

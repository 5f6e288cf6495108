import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import ora, { type Ora } from 'ora';
import { FINGERPRINT_HINT, parseFingerprint } from '../deliveries/hostKey.ts';
import { DeliveryIdConflictError, pullDelivery, type PullOutcome } from '../deliveries/sftpPull.ts';
import { SftpPullError } from '../deliveries/sftpSession.ts';
import { formatSftpLocation, parseSftpUrl, SftpUrlError, type SftpLocation } from '../deliveries/sftpUrl.ts';
import { formatCount } from '../publish/format.ts';
import { LocalStore } from '../store/localStore.ts';
import { S3Store } from '../store/s3Store.ts';
import { keys, type Store } from '../store/store.ts';
import { EXIT } from './exitCodes.ts';
import { storeArgsText } from './outcome.ts';
import { cliLog } from './progress.ts';

export interface PullArgs {
  from: SftpLocation;
  identity?: string;
  hostKey?: string;
  out?: string;
  store?: string;
  endpoint?: string;
  workDir?: string;
}

/** The keys `ssh` itself tries, in its order, when no `--identity` is given. */
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function sftpArgument(text: string): SftpLocation {
  try {
    return parseSftpUrl(text);
  } catch (error) {
    if (error instanceof SftpUrlError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

function fingerprintArgument(text: string): string {
  const fingerprint = parseFingerprint(text);
  if (!fingerprint) throw new InvalidArgumentError(FINGERPRINT_HINT);
  return fingerprint;
}

export function pullCommand(): Command {
  return new Command('pull')
    .description('hent den nyeste færdige levering (mappe med manifest.json) fra en SFTP-server til incoming/<leverings-id>/')
    .requiredOption('--from <url>', 'sftp://BRUGER@VÆRT[:PORT]/STI: mappen med én undermappe pr. levering, eller én levering', sftpArgument)
    .option('--identity <fil>', 'privat SSH-nøgle uden adgangsfrase (standard: ~/.ssh/id_ed25519, id_ecdsa eller id_rsa)')
    .option('--host-key <SHA256:…>', 'serverens værtsnøgle som fingeraftryk; uden den godtages nøglen med en advarsel', fingerprintArgument)
    .option('--out <dir>', 'lokal mappe med samme opbygning som bucket’en (standard: ./out)')
    .addOption(new Option('--store <url>', 'S3-lager i stedet for --out, fx s3://bucket/prefix').conflicts('out'))
    .option('--endpoint <url>', 'S3-kompatibelt endpoint (MinIO, moto) til --store')
    .option('--work-dir <dir>', 'mappe til delvist hentede filer, så en afbrudt hentning fortsætter hvor den slap')
    .action(async (args: PullArgs, command: Command) => {
      command.setOptionValue('exitCode', await pull(args));
    });
}

/** The whole pull; returns the exit code and prints what happened and what to do next. */
export async function pull(args: PullArgs): Promise<number> {
  let privateKey: Buffer;
  try {
    privateKey = await readIdentity(args.identity);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const store: Store = args.store ? S3Store.fromUrl(args.store, { endpoint: args.endpoint }) : new LocalStore(args.out ?? 'out');
  const workDir = args.workDir ?? join(tmpdir(), `pejlemaerke-${userInfo().username}`);
  const source = formatSftpLocation(args.from);

  const progress = fileProgress();
  let outcome: PullOutcome;
  try {
    outcome = await pullDelivery({ from: args.from, privateKey, hostKey: args.hostKey, store, workDir, log: cliLog, onProgress: progress.update });
  } catch (error) {
    progress.stop();
    if (error instanceof SftpPullError) {
      process.stderr.write(`Kan ikke hente fra ${source}: ${error.message}\n`);
      return error.kind === 'key' || error.kind === 'path' ? EXIT.usage : EXIT.failure;
    }
    if (error instanceof DeliveryIdConflictError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.failure;
    }
    throw error;
  }
  progress.stop();

  for (const skipped of outcome.skipped) cliLog.warn(skipped.message);
  const where = (deliveryId: string) => {
    const prefix = keys.delivery(deliveryId, '');
    return store instanceof LocalStore ? `${shortPath(store.pathOf(prefix))}/` : `${store.location}/${prefix}`;
  };

  switch (outcome.status) {
    case 'none':
      process.stdout.write(`Ingen færdig levering på ${source}: ingen mappe med manifest.json. Intet er hentet.\n`);
      return EXIT.ok;
    case 'incomplete':
      process.stderr.write(`Levering ${outcome.deliveryId} i ${outcome.folder} er ufuldstændig; intet er lagt i ${store.location}:\n`);
      for (const problem of outcome.problems) process.stderr.write(`  ${problem.file}: ${problem.message}\n`);
      process.stderr.write('Bed eksportjobbet om at levere igen (filerne og manifest.json sidst), og kør pull igen.\n');
      return EXIT.deliveryIncomplete;
    case 'already':
      process.stdout.write(`Levering ${outcome.deliveryId} er allerede hentet: ${where(outcome.deliveryId)}\n`);
      break;
    case 'pulled': {
      const rows = outcome.files.reduce((sum, f) => sum + f.rows, 0);
      const bytes = outcome.files.reduce((sum, f) => sum + f.bytes, 0);
      process.stdout.write(
        `Levering ${outcome.deliveryId} hentet fra ${outcome.folder}: ${outcome.files.length} ${outcome.files.length === 1 ? 'fil' : 'filer'}, ` +
          `${formatCount(rows)} rækker, ${megabytes(bytes)}\n`,
      );
      process.stdout.write(`Lagt i ${where(outcome.deliveryId)}\n`);
      break;
    }
  }
  // Without --input and --quarter, run takes the newest complete delivery and the newest quarter it covers.
  process.stdout.write(`Næste skridt: npx pejlemaerke run ${storeArgsText(args)}\n`);
  return EXIT.ok;
}

async function readIdentity(path: string | undefined): Promise<Buffer> {
  if (path !== undefined) {
    try {
      return await readFile(path);
    } catch {
      throw new Error(`--identity ${path} kan ikke læses`);
    }
  }
  const found = DEFAULT_IDENTITIES.map((name) => join(homedir(), '.ssh', name)).find((file) => existsSync(file));
  if (!found) throw new Error('Ingen privat nøgle: angiv --identity FIL (fx ~/.ssh/id_ed25519)');
  return readFile(found);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1).replace('.', ',')} MB`;
}

/** Relative to the working folder when inside it, absolute otherwise. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** A spinner on stderr while files download (nothing in CI logs, where stderr is no terminal). */
function fileProgress(): { update: (p: { file: string; bytes: number; size: number }) => void; stop: () => void } {
  let spinner: Ora | undefined;
  return {
    update: ({ file, bytes, size }) => {
      spinner ??= ora({ stream: process.stderr }).start();
      spinner.text = `Henter ${file}: ${megabytes(bytes)} af ${megabytes(size)}`;
    },
    stop: () => spinner?.stop(),
  };
}

import { stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { LocalStore } from '../store/localStore.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { UsageError } from '../usageError.ts';

/** `--out DIR | --store s3://… [--endpoint URL]`: where a command reads and writes. */
export interface StoreArgs {
  out?: string;
  store?: string;
  endpoint?: string;
}

export function addStoreOptions(command: Command): Command {
  return command
    .option('--out <dir>', 'lokal mappe med samme opbygning som bucket’en (standard: ./out)')
    .addOption(new Option('--store <url>', 'S3-lager i stedet for --out, fx s3://bucket/prefix').conflicts('out'))
    .option('--endpoint <url>', 'S3-kompatibelt endpoint (MinIO, moto) til --store');
}

export async function openStore(args: StoreArgs): Promise<Store> {
  if (args.store) {
    try {
      return S3Store.fromUrl(args.store, { endpoint: args.endpoint });
    } catch (error) {
      throw new UsageError(`--store: ${(error as Error).message}`);
    }
  }
  if (args.endpoint) throw new UsageError('--endpoint hører til --store s3://…');
  const out = args.out ?? 'out';
  const info = await stat(out).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${out} er en fil, ikke en mappe. Angiv en mappe (den oprettes, hvis den ikke findes).`);
  return new LocalStore(out);
}

import '../danishMessages.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { loadBenchmarkDefinitions, type BenchmarkDefinition } from '../benchmarks/definitions.ts';
import { JobindsatsClient } from '../benchmarks/jobindsatsClient.ts';
import { runBenchmarksPull } from '../benchmarks/pullStage.ts';
import { loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import type { Log } from '../log.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { parseEnv } from './lambdaEnv.ts';
import { LOG_EVENTS } from './logEvents.ts';
import { powertoolsLog } from './powertoolsLog.ts';

/** The benchmarks Lambda's environment (infra/constructs/benchmarksPull.ts sets it). */
export const benchmarksEnvSchema = z.object({
  DATA_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
  /** The secret holding the Jobindsats key: the key itself, or JSON `{"token": "…"}`. */
  JOBINDSATS_SECRET_ARN: z.string().min(1),
  /** dashboards/benchmarks and the municipality config, copied into the asset at bundling time. */
  BENCHMARKS_DIR: z.string().min(1),
  MUNICIPALITY_CONFIG: z.string().min(1),
  JOBINDSATS_URL: z.url().optional(),
});

export interface BenchmarksDeps {
  store: Store;
  client: JobindsatsClient;
  definitions: readonly BenchmarkDefinition[];
  config: MunicipalityConfig;
  log: Log;
  now?: () => Date;
}

export interface BenchmarksOutput {
  pullId: string;
  rows: number;
  key: string;
}

/** A pull that wrote nothing; the invocation fails so Lambda's Errors metric counts it too. */
export class BenchmarksPullFailed extends Error {
  override readonly name = 'BenchmarksPullFailed';
}

/**
 * The monthly pull: the same stage as `pejlemaerke benchmarks pull`. A failure is logged once
 * as a structured line (`event: benchmarks_pull_failed`, what the alarm's metric filter
 * matches) and thrown; the previous pull stays in use.
 */
export async function runBenchmarks(deps: BenchmarksDeps): Promise<BenchmarksOutput> {
  const outcome = await runBenchmarksPull(deps);
  if (!outcome.ok) {
    const message = `Benchmarks blev ikke hentet: ${outcome.message}`;
    deps.log.warn(message, {
      event: LOG_EVENTS.benchmarksPullFailed,
      code: outcome.code,
      ...(outcome.kpi ? { kpi: outcome.kpi } : {}),
      ...(outcome.previous ? { previousPullId: outcome.previous.pull_id } : {}),
    });
    throw new BenchmarksPullFailed(message);
  }
  return { pullId: outcome.pull.pull_id, rows: outcome.pull.rows.length, key: outcome.key };
}

/** The key from Secrets Manager: a plain string, or JSON with a `token` field. Never logged. */
export async function readJobindsatsToken(secrets: SecretsManagerClient, secretId: string): Promise<string> {
  const output = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
  const text = z.string().min(1).safeParse(output.SecretString);
  if (!text.success) throw new Error(`Secret’en ${secretId} har ingen tekstværdi; læg Jobindsats-nøglen i den (aws secretsmanager put-secret-value).`);
  if (!text.data.trimStart().startsWith('{')) return text.data.trim();
  const json = z.object({ token: z.string().min(1) }).safeParse(safeJson(text.data));
  if (!json.success) throw new Error(`Secret’en ${secretId} er JSON uden feltet "token"; læg nøglen i feltet token eller som ren tekst.`);
  return json.data.token.trim();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const logger = new Logger({ serviceName: 'pejlemaerke', persistentKeys: { stage: 'benchmarks' } });
let content: Promise<[BenchmarkDefinition[], MunicipalityConfig]> | undefined;

export async function handler(_event: unknown, context: Context): Promise<BenchmarksOutput> {
  logger.addContext(context);
  const log = powertoolsLog(logger);
  try {
    const env = parseEnv(benchmarksEnvSchema);
    content ??= Promise.all([loadBenchmarkDefinitions(env.BENCHMARKS_DIR), loadConfig(env.MUNICIPALITY_CONFIG)]);
    const [definitions, config] = await content;
    const token = await readJobindsatsToken(new SecretsManagerClient({}), env.JOBINDSATS_SECRET_ARN);
    const client = new JobindsatsClient({ token, ...(env.JOBINDSATS_URL ? { baseUrl: env.JOBINDSATS_URL } : {}) });
    return await runBenchmarks({ store: new S3Store({ bucket: env.DATA_BUCKET }), client, definitions, config, log });
  } catch (error) {
    // runBenchmarks has logged its own failure; anything before it (env, secret, files) is logged here.
    if (!(error instanceof BenchmarksPullFailed)) {
      log.warn(`Benchmarks blev ikke hentet: ${(error as Error).message}`, { event: LOG_EVENTS.benchmarksPullFailed, code: 'setup' });
    }
    throw error;
  }
}

import '../danishMessages.ts';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { pullDelivery, type PullOutcome } from '../deliveries/sftpPull.ts';
import { checkPrivateKey } from '../deliveries/sftpSession.ts';
import type { SftpLocation } from '../deliveries/sftpUrl.ts';
import type { Log } from '../log.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { parseEnv } from './lambdaEnv.ts';
import { LOG_EVENTS } from './logEvents.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { pullEnvSchema } from './pullEnv.ts';

export interface PullDeps {
  store: Store;
  from: SftpLocation;
  /** Pinned: the scheduled pull never accepts an unknown host key. */
  hostKey: string;
  privateKey: Buffer;
  workDir: string;
  log: Log;
}

/** What the scheduled invocation returns: small, file names and reasons only, never a value. */
export interface PullSummary {
  status: PullOutcome['status'];
  deliveryId?: string;
  files?: number;
  problems?: { file: string; reason: string }[];
  skipped?: string[];
}

/**
 * One scheduled pull: the newest complete delivery on the SFTP server into incoming/<id>/ of
 * the data bucket. An incomplete delivery and an unreadable manifest are outcomes, logged with
 * an event name the alarms match; a failure to connect or log in is an error (Lambda retries
 * it, and the Errors alarm fires).
 */
export async function runPull(deps: PullDeps): Promise<PullSummary> {
  const outcome = await pullDelivery({
    from: deps.from,
    privateKey: deps.privateKey,
    hostKey: deps.hostKey,
    store: deps.store,
    workDir: deps.workDir,
    log: deps.log,
  });
  for (const skipped of outcome.skipped) deps.log.warn(skipped.message, { event: LOG_EVENTS.manifestInvalid, folder: skipped.folder });
  const skipped = outcome.skipped.length > 0 ? { skipped: outcome.skipped.map((s) => s.folder) } : {};
  switch (outcome.status) {
    case 'none':
      deps.log.info('Ingen færdig levering på SFTP-serveren', { path: deps.from.path });
      return { status: 'none', ...skipped };
    case 'already':
      deps.log.info(`Levering ${outcome.deliveryId} er allerede hentet`, { deliveryId: outcome.deliveryId });
      return { status: 'already', deliveryId: outcome.deliveryId, ...skipped };
    case 'incomplete': {
      const problems = outcome.problems.map((p) => ({ file: p.file, reason: p.reason }));
      deps.log.warn(`Levering ${outcome.deliveryId} er ufuldstændig: ${outcome.problems.map((p) => `${p.file} ${p.message}`).join('; ')}`, {
        event: LOG_EVENTS.deliveryIncomplete,
        deliveryId: outcome.deliveryId,
        folder: outcome.folder,
        problems,
      });
      return { status: 'incomplete', deliveryId: outcome.deliveryId, problems, ...skipped };
    }
    case 'pulled':
      deps.log.info(`Levering ${outcome.deliveryId} hentet: ${outcome.files.length} filer`, {
        deliveryId: outcome.deliveryId,
        files: outcome.files.length,
        bytes: outcome.files.reduce((sum, f) => sum + f.bytes, 0),
        transferred: outcome.files.reduce((sum, f) => sum + f.transferred, 0),
      });
      return { status: 'pulled', deliveryId: outcome.deliveryId, files: outcome.files.length, ...skipped };
  }
}

/** The private key from Secrets Manager; the operator puts it there after the deploy. */
export async function privateKeyFromSecret(client: SecretsManagerClient, secretArn: string): Promise<Buffer> {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  const value =
    secret.SecretString !== undefined ? Buffer.from(secret.SecretString, 'utf8') : secret.SecretBinary ? Buffer.from(secret.SecretBinary) : undefined;
  try {
    if (!value) throw new Error('hemmeligheden er tom');
    checkPrivateKey(value);
  } catch (error) {
    // The reason only: the value itself is never put in a message.
    throw new Error(
      `Hemmeligheden ${secretArn} indeholder ikke en brugbar privat SSH-nøgle (${(error as Error).message}). ` +
        `Læg nøglen ind med: aws secretsmanager put-secret-value --secret-id ${secretArn} --secret-string file://id_ed25519`,
    );
  }
  return value;
}

const logger = stageLogger('pull');
let secrets: SecretsManagerClient | undefined;

export async function handler(_event: unknown, context: Context): Promise<PullSummary> {
  logger.addContext(context);
  const env = parseEnv(pullEnvSchema);
  secrets ??= new SecretsManagerClient({});
  // Read on every run, so a replaced key is used from the next pull on.
  const privateKey = await privateKeyFromSecret(secrets, env.SFTP_KEY_SECRET_ARN);
  return runPull({
    store: new S3Store({ bucket: env.DATA_BUCKET }),
    from: { host: env.SFTP_HOST, port: env.SFTP_PORT, user: env.SFTP_USER, path: env.SFTP_PATH },
    hostKey: env.SFTP_HOST_KEY,
    privateKey,
    workDir: env.WORK_DIR,
    log: powertoolsLog(logger),
  });
}

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../functions/lambda/lambdaEnv.ts';
import { LOG_EVENTS } from '../../functions/lambda/logEvents.ts';
import { privateKeyFromSecret, runPull, type PullDeps } from '../../functions/lambda/pull.ts';
import { pullEnvSchema } from '../../functions/lambda/pullEnv.ts';
import type { Log } from '../../functions/log.ts';
import { S3Store } from '../../functions/store/s3Store.ts';
import { parseSftpUrl } from '../../functions/deliveries/sftpUrl.ts';
import { startMoto, useDummyAwsCredentials, type Moto } from '../support/moto.ts';
import { startSshd, type Sshd } from '../support/sshd.ts';
import { csv, writeDelivery } from './deliveryFixture.ts';
import { recordingLog } from '../support/recordingLog.ts';

const BUCKET = 'pejlemaerke-data';
const REGION = 'eu-north-1';

let sshd: Sshd;
let moto: Moto;
let secrets: SecretsManagerClient;
let work: string;
let privateKey: Buffer;

function deps(path: string, log: Log, prefix: string): PullDeps {
  return {
    store: S3Store.fromUrl(`s3://${BUCKET}/${prefix}`, { endpoint: moto.endpoint, region: REGION }),
    from: parseSftpUrl(sshd.url(path)),
    hostKey: sshd.hostKey,
    privateKey,
    workDir: join(work, prefix),
    log,
  };
}

beforeAll(async () => {
  useDummyAwsCredentials(REGION);
  [sshd, moto] = await Promise.all([startSshd(), startMoto()]);
  work = await mkdtemp(join(tmpdir(), 'pejlemaerke-pull-lambda-'));
  privateKey = await readFile(sshd.identity);
  secrets = new SecretsManagerClient({ endpoint: moto.endpoint, region: REGION });
  const s3 = new S3Client({ endpoint: moto.endpoint, region: REGION, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  s3.destroy();

  const files = { 'persons.csv': csv(20, 'a'), 'offers.csv': csv(5, 'b') };
  await writeDelivery(join(sshd.served, 'ok', '2026-11'), { id: 'nov', extractedAt: '2026-11-30T06:00:00+01:00', files });
  await mkdir(join(sshd.served, 'ok', 'gammel'));
  await writeFile(join(sshd.served, 'ok', 'gammel', 'manifest.json'), 'ikke json');
  const broken = join(sshd.served, 'broken', '2026-11');
  await writeDelivery(broken, { id: 'nov-b', extractedAt: '2026-11-30T06:00:00+01:00', files });
  await writeFile(join(broken, 'offers.csv'), csv(6, 'b'));
});

afterAll(async () => {
  secrets?.destroy();
  await Promise.all([sshd?.stop(), moto?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the pull Lambda', () => {
  it('reads the private key from Secrets Manager', async () => {
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'pejlemaerke/sftp-key', SecretString: privateKey.toString('utf8') }));
    expect((await privateKeyFromSecret(secrets, ARN!)).equals(privateKey)).toBe(true);
  });

  it('says how to put the key in when the secret still holds the generated placeholder, without showing it', async () => {
    const placeholder = 'x7Pq!generated-by-cloudformation';
    const { ARN } = await secrets.send(new CreateSecretCommand({ Name: 'pejlemaerke/placeholder', SecretString: placeholder }));
    const error = (await privateKeyFromSecret(secrets, ARN!).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`aws secretsmanager put-secret-value --secret-id ${ARN} --secret-string file://id_ed25519`);
    expect(error.message).not.toContain(placeholder);
  });

  it('pulls into the bucket and returns a small summary; a second run is already done', async () => {
    const log = recordingLog();
    expect(await runPull(deps('ok', log, 'a'))).toEqual({ status: 'pulled', deliveryId: 'nov', files: 2, skipped: [join(sshd.served, 'ok', 'gammel')] });
    const invalid = log.lines.filter((l) => l.fields?.event === LOG_EVENTS.manifestInvalid);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ level: 'warn', fields: { folder: join(sshd.served, 'ok', 'gammel') } });
    expect(await runPull(deps('ok', recordingLog(), 'a'))).toMatchObject({ status: 'already', deliveryId: 'nov' });
    expect(JSON.stringify(log.lines)).not.toMatch(/PRIVATE KEY/);
  });

  it('logs one delivery_incomplete warning with file names and reasons for a delivery that does not match', async () => {
    const log = recordingLog();
    const summary = await runPull(deps('broken', log, 'b'));
    expect(summary).toEqual({ status: 'incomplete', deliveryId: 'nov-b', problems: [{ file: 'offers.csv', reason: 'sha256' }] });
    const warnings = log.lines.filter((l) => l.fields?.event === LOG_EVENTS.deliveryIncomplete);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({ deliveryId: 'nov-b', problems: [{ file: 'offers.csv', reason: 'sha256' }] });
  });

  it('parses its environment, and refuses to run without a pinned host key', () => {
    const env = {
      DATA_BUCKET: 'pejlemaerke-data',
      SFTP_HOST: 'sftp.kommune.dk',
      SFTP_USER: 'pejlemaerke',
      SFTP_PATH: '/udtraek',
      SFTP_HOST_KEY: sshd.hostKey,
      SFTP_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:pejlemaerke-sftp-AbCdEf',
    };
    expect(parseEnv(pullEnvSchema, env)).toMatchObject({ SFTP_PORT: 22, WORK_DIR: '/tmp', SFTP_HOST_KEY: sshd.hostKey });
    expect(parseEnv(pullEnvSchema, { ...env, SFTP_PORT: '2222' }).SFTP_PORT).toBe(2222);
    expect(() => parseEnv(pullEnvSchema, { ...env, SFTP_HOST_KEY: undefined })).toThrow(/SFTP_HOST_KEY/);
    expect(() => parseEnv(pullEnvSchema, { ...env, SFTP_HOST_KEY: 'ja tak' })).toThrow(/SFTP_HOST_KEY: expected an OpenSSH fingerprint/);
  });
});

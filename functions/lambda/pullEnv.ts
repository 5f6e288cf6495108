import { z } from 'zod';
import { parseFingerprint } from '../deliveries/hostKey.ts';
import { bucketName } from './lambdaEnv.ts';

/**
 * The pull Lambda's environment (infra/constructs/deliveryPull.ts sets it). The host key is
 * required here: a scheduled pull with no one watching must never trust an unknown server.
 */
export const pullEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  /** Lambda's writable scratch space; deliveries are staged in <WORK_DIR>/pull/<id>/. */
  WORK_DIR: z.string().default('/tmp'),
  SFTP_HOST: z.string().min(1),
  SFTP_PORT: z.coerce.number().int().min(1).max(65_535).default(22),
  SFTP_USER: z.string().min(1),
  /** The folder on the server, as in `pull --from` (absolute, or relative to the login folder). */
  SFTP_PATH: z.string().min(1),
  SFTP_HOST_KEY: z.string().transform((text, context) => {
    const fingerprint = parseFingerprint(text);
    if (!fingerprint) context.addIssue({ code: 'custom', message: 'expected an OpenSSH fingerprint, SHA256:…' });
    return fingerprint ?? z.NEVER;
  }),
  /** The Secrets Manager secret whose value is the private key (OpenSSH or PEM text). */
  SFTP_KEY_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/),
});
export type PullEnv = z.infer<typeof pullEnvSchema>;

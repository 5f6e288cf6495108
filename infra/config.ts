// Zod's messages in Danish for whoever runs cdk synth/deploy with a wrong config.
import '../functions/danishMessages.ts';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { municipalityConfigSchema, type MunicipalityConfig } from '../functions/config/municipality.ts';
import { FINGERPRINT_HINT, parseFingerprint } from '../functions/deliveries/hostKey.ts';
import { isSftpHost } from '../functions/deliveries/sftpUrl.ts';

/** An IPv4 CIDR block such as `193.163.32.0/24`: what the reports allow-list accepts. */
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;

/**
 * One deployment of Pejlemærke in one municipality's AWS account. Every field a data team may
 * want to change is here, validated before anything is synthesised; the defaults are the safe
 * ones (keep data on removal, 1 GB per query).
 */
export const deploymentConfigSchema = z
  .object({
    /** Short id used in resource names: lowercase letters, digits and `-`. */
    municipality: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'små bogstaver, tal og bindestreg, fx allerod'),
    /** The municipality's report config (goals, committee), relative to the project root. */
    municipalityConfig: z.string().regex(/\.ya?ml$/),
    /** AWS account and region; unset = the CLI's current credentials (`cdk deploy`). */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/)
      .optional(),
    schedule: z
      .object({
        /** EventBridge Scheduler cron: default 06:00 on the 15th of the month after a quarter. */
        cron: z
          .string()
          .regex(/^cron\(.+\)$/)
          .default('cron(0 6 15 1,4,7,10 ? *)'),
        timezone: z.string().min(3).default('Europe/Copenhagen'),
        enabled: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        /** Start a run when a delivery is complete: its manifest.json lands in incoming/<delivery>/. */
        runOnUpload: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /**
     * `required`: automated runs stop at a preview that a person approves (nothing reaches the
     * committee unattended); `automatic`: they publish, but a correction still needs a person.
     */
    approval: z.enum(['required', 'automatic']).default('required'),
    /**
     * Fetch deliveries from the municipality's SFTP server on a schedule (docs/aws.md "Levering
     * via SFTP / pull"). The private key goes into the Secrets Manager secret the stack makes.
     */
    pull: z
      .object({
        enabled: z.boolean().default(false),
        /** EventBridge Scheduler cron, read in `schedule.timezone`: default every day at 06:30. */
        cron: z
          .string()
          .regex(/^cron\(.+\)$/, 'EventBridge Scheduler-cron, fx cron(30 6 * * ? *)')
          .default('cron(30 6 * * ? *)'),
        sftp: z
          .object({
            host: z.string().refine(isSftpHost, 'værtsnavn eller IP-adresse, fx sftp.kommune.dk'),
            port: z.number().int().min(1, 'port 1–65535').max(65_535, 'port 1–65535').default(22),
            user: z.string().min(1, 'brugernavnet på SFTP-serveren'),
            /** The folder with one sub-folder per delivery (or one delivery), as in `pull --from`. */
            path: z.string().min(1, 'mappen med leveringerne, fx /udtraek'),
            /** The server's host key fingerprint, `SHA256:…`: the Lambda trusts no other key. */
            hostKey: z
              .string()
              .refine((text) => parseFingerprint(text) !== undefined, FINGERPRINT_HINT)
              .transform((text) => parseFingerprint(text)!)
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .superRefine((pull, context) => {
        if (!pull.enabled) return;
        if (!pull.sftp) context.addIssue({ code: 'custom', path: ['sftp'], message: 'kræves, når pull.enabled er true: host, user, path og hostKey' });
        else if (!pull.sftp.hostKey) {
          context.addIssue({
            code: 'custom',
            path: ['sftp', 'hostKey'],
            message: `kræves, når pull.enabled er true, så den planlagte hentning aldrig stoler på en ukendt server: ${FINGERPRINT_HINT}`,
          });
        }
      })
      .prefault({}),
    /**
     * Pull the national average and comparable municipalities from Jobindsats on a schedule
     * (docs/jobindsats.md). The organisation's API key goes into the Secrets Manager secret the
     * stack makes (output JobindsatsKeySecretArn); compute reads the newest pull either way.
     */
    benchmarks: z
      .object(
        {
          enabled: z.boolean({ error: 'true eller false' }).default(false),
          /** EventBridge Scheduler cron, read in `schedule.timezone`: default 06:00 on the 5th of every month. */
          cron: z
            .string({ error: 'EventBridge Scheduler-cron, fx cron(0 6 5 * ? *)' })
            .regex(/^cron\(.+\)$/, 'EventBridge Scheduler-cron, fx cron(0 6 5 * ? *)')
            .default('cron(0 6 5 * ? *)'),
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `ukendt felt ${issue.keys.join(', ')}; benchmarks kender enabled og cron`
              : 'skal være et objekt med enabled og cron',
        },
      )
      .strict()
      .prefault({}),
    /** Data staff's address for run results and alarms; AWS asks them to confirm it once. */
    alarmEmail: z.email(),
    retention: z
      .object({
        incomingDays: z.number().int().min(1).default(90),
        quarantineDays: z.number().int().min(1).default(730),
        athenaResultsDays: z.number().int().min(1).default(7),
        /** Old versions of overwritten objects (versioning is on everywhere). */
        noncurrentVersionDays: z.number().int().min(1).default(90),
        accessLogDays: z.number().int().min(1).default(365),
        logDays: z.union([z.literal(30), z.literal(90), z.literal(180), z.literal(365), z.literal(731)]).default(365),
      })
      .strict()
      .prefault({}),
    /** Athena cancels a query that would scan more; Athena's own minimum is 10 MB. */
    bytesScannedCutoffPerQuery: z.number().int().min(10_000_000).default(1_073_741_824),
    /** `retain` keeps buckets and data when the stack is deleted; `destroy` is for trials only. */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    reports: z
      .object({
        /** When set, only these IPv4 networks may open the reports (e.g. the town hall). */
        allowedCidrs: z.array(z.string().regex(IPV4_CIDR, 'IPv4-CIDR, fx 193.163.32.0/24')).optional(),
        /** Networks that may open previews on the site; without it previews are only reached by `aws s3 presign`. */
        previewAllowedCidrs: z.array(z.string().regex(IPV4_CIDR, 'IPv4-CIDR, fx 193.163.32.0/24')).optional(),
        /** A custom domain with its ACM certificate (us-east-1); without it *.cloudfront.net. */
        domain: z
          .object({ name: z.string().min(3), certificateArn: z.string().regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/.+$/) })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    /** Recorded in every output's code_version (CI sets PEJLEMAERKE_COMMIT). */
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/)
      .optional(),
  })
  .strict();
export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

/** Parse a config object, with every problem listed by its path. */
export function parseDeploymentConfig(value: unknown, source: string): DeploymentConfig {
  const parsed = deploymentConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(øverst)'}: ${i.message}`).join('\n');
    throw new Error(`Udrulningskonfigurationen ${source} er ugyldig:\n${issues}`);
  }
  return parsed.data;
}

/** Read a YAML config file; a relative path is taken from the project root. */
export function loadDeploymentConfig(path: string, projectRoot: string, overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  const file = isAbsolute(path) ? path : resolve(projectRoot, path);
  const value: unknown = parseYaml(readFileSync(file, 'utf8'));
  const base = typeof value === 'object' && value !== null ? value : {};
  return parseDeploymentConfig({ ...base, ...overrides }, path);
}

/** The municipality's report config must be valid before it is copied into the Lambdas. */
export function checkMunicipalityConfig(path: string, projectRoot: string): MunicipalityConfig {
  const file = isAbsolute(path) ? path : resolve(projectRoot, path);
  const parsed = municipalityConfigSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(øverst)'}: ${i.message}`).join('\n');
    throw new Error(`Kommunens konfiguration ${path} er ugyldig:\n${issues}`);
  }
  return parsed.data;
}

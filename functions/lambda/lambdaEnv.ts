import { z } from 'zod';

/**
 * The environment each stage Lambda is deployed with (infra/pejlemaerkeStack.ts sets it),
 * parsed once per cold start so a misconfigured deployment fails with the variable's name.
 */
export const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);

/** How long a stage's store lock holds without renewal: longer than the function's timeout. */
const lockTtl = { LOCK_TTL_SECONDS: z.coerce.number().int().min(60).default(1200) };

export const ingestEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  /** Lambda's writable scratch space. */
  WORK_DIR: z.string().default('/tmp'),
  ...lockTtl,
});

export const computeEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  /** Published revisions are read from here (disclosure over time). */
  REPORTS_BUCKET: bucketName,
  ATHENA_WORKGROUP: z.string().min(1),
  GLUE_DATABASE: z.string().regex(/^[a-z0-9_]+$/),
  /** KPI files, benchmark definitions and the municipality config, copied into the asset at bundling time. */
  KPIS_DIR: z.string().min(1),
  BENCHMARKS_DIR: z.string().min(1),
  MUNICIPALITY_CONFIG: z.string().min(1),
  ...lockTtl,
});

export const publishEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  REPORTS_BUCKET: bucketName,
  /** The report site's base address, e.g. https://d111111abcdef8.cloudfront.net */
  REPORTS_URL: z.url(),
  /** Whether CloudFront serves previews (an allow-list is configured) or staff presign them. */
  PREVIEWS_ON_SITE: z.enum(['true', 'false']).default('false'),
  /** The run's state machine, for the approval command in the e-mail. */
  STATE_MACHINE_ARN: z.string().min(1),
  ...lockTtl,
});

export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Lambda-funktionens miljøvariable er ugyldige (udrulningen er forkert): ${issues}`);
  }
  return parsed.data;
}

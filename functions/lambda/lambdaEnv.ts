import { z } from 'zod';

/**
 * The environment each stage Lambda is deployed with (infra/pejlemaerkeStack.ts sets it),
 * parsed once per cold start so a misconfigured deployment fails with the variable's name.
 */
export const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);

export const ingestEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  /** Lambda's writable scratch space. */
  WORK_DIR: z.string().default('/tmp'),
});

export const computeEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  ATHENA_WORKGROUP: z.string().min(1),
  GLUE_DATABASE: z.string().regex(/^[a-z0-9_]+$/),
  /** KPI files and the municipality config, copied into the asset at bundling time. */
  KPIS_DIR: z.string().min(1),
  MUNICIPALITY_CONFIG: z.string().min(1),
});

export const publishEnvSchema = z.object({
  DATA_BUCKET: bucketName,
  REPORTS_BUCKET: bucketName,
  /** The report site's base address, e.g. https://d111111abcdef8.cloudfront.net */
  REPORTS_URL: z.url(),
  KPIS_DIR: z.string().min(1),
  MUNICIPALITY_CONFIG: z.string().min(1),
});

export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Lambda environment is invalid: ${issues}`);
  }
  return parsed.data;
}

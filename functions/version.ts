import packageJson from '../package.json' with { type: 'json' };

/**
 * The code version recorded in every output: the package version, plus the commit when the
 * build sets PEJLEMAERKE_COMMIT (CI, the CDK bundling). Never a timestamp: reruns must match.
 */
export function codeVersion(env: NodeJS.ProcessEnv = process.env): string {
  const commit = env.PEJLEMAERKE_COMMIT?.trim();
  return commit ? `${packageJson.version}+${commit.slice(0, 12)}` : packageJson.version;
}

/**
 * The time written into results and reports. A report is a function of its inputs, so this is
 * the delivery's `extracted_at` (its manifest's time basis); SOURCE_DATE_EPOCH overrides it
 * (the reproducible-builds convention).
 */
export function generatedAt(extractedAt: string, env: NodeJS.ProcessEnv = process.env): string {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  const at = new Date(extractedAt);
  if (Number.isNaN(at.getTime())) throw new Error(`extracted_at er ikke et tidspunkt: ${extractedAt}`);
  return at.toISOString();
}

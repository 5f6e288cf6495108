/** The shipped KPIs whose dashboards/benchmarks definition names a comparable Jobindsats series, sorted. */
export const COMPARABLE_KPIS: readonly string[] = [
  'flygtninge_job_foerste_aar',
  'integration_jobparate',
  'integration_virksomhedsrettet',
  'langtid_virksomhedsrettet',
  'samarbejdsgrad',
  'unge_uddannelsesstart',
];

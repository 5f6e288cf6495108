/**
 * Event names the Lambdas put in their JSON log lines. CloudWatch metric filters match them
 * (infra/constructs/runAlarms.ts), so they are an interface: change both sides together.
 */
export const LOG_EVENTS = {
  /** One line per rejected file: `file`, `deliveryId`, `problems` (a count, never a value). */
  deliveryRejected: 'delivery_rejected',
  /** One line per failed benchmarks pull: `code` (auth, rate_limited, shape, …), `kpi`, `previousPullId`; never the key. */
  benchmarksPullFailed: 'benchmarks_pull_failed',
} as const;

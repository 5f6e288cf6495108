/**
 * Event names the Lambdas put in their JSON log lines. CloudWatch metric filters match them
 * (infra/constructs/runAlarms.ts), so they are an interface: change both sides together.
 */
export const LOG_EVENTS = {
  /** One line per rejected file: `file`, `deliveryId`, `problems` (a count, never a value). */
  deliveryRejected: 'delivery_rejected',
  /**
   * A delivery whose files do not match its manifest: one line per file from ingest
   * (`deliveryId`, `file`, `reason`), one line per delivery from the pull Lambda (`deliveryId`,
   * `folder`, `problems`: `file` and `reason` only).
   */
  deliveryIncomplete: 'delivery_incomplete',
  /** The pull Lambda skipped a folder whose manifest.json does not parse: `folder`. */
  manifestInvalid: 'manifest_invalid',
  /** One line per failed benchmarks pull: `code` (auth, rate_limited, shape, …), `kpi`, `previousPullId`; never the key. */
  benchmarksPullFailed: 'benchmarks_pull_failed',
  /** Compute could not read the newest benchmarks pull and went on without it (the report says so per KPI). */
  benchmarksUnreadable: 'benchmarks_unreadable',
} as const;

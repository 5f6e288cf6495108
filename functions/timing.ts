/**
 * Where a stage spends its time, for `npm run bench`: a stage wraps a part of its work in
 * `timed('publish.package', …)`, and the bench reads the sums afterwards. Nothing is recorded
 * unless a reader asked for it (`startTimings`), so a run pays one Map lookup per wrapped call.
 */
let recording: Map<string, number> | undefined;

export function startTimings(): void {
  recording = new Map();
}

/** Seconds per label since startTimings(). */
export function timings(): Record<string, number> {
  return Object.fromEntries([...(recording ?? new Map<string, number>())].map(([label, ms]) => [label, ms / 1000]));
}

export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!recording) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    recording.set(label, (recording.get(label) ?? 0) + performance.now() - started);
  }
}

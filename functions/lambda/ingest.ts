import '../danishMessages.ts';
import type { Context } from 'aws-lambda';
import { newestDelivery, readDelivery } from '../deliveries/storedDeliveries.ts';
import { ingest } from '../ingest/ingest.ts';
import type { Log } from '../log.ts';
import { withStoreLock } from '../store/lock.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { ingestEnvSchema, parseEnv } from './lambdaEnv.ts';
import { LOG_EVENTS } from './logEvents.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { requestedDelivery, requestedQuarter } from './runInput.ts';
import { ingestEventSchema, type IngestEvent, type IngestOutput } from './stageEvents.ts';

/**
 * The ingest stage for one run, holding the store's lock: the delivery whose manifest
 * arrived (or the one named, or the newest), checked against its manifest and validated. A
 * rejected or incomplete delivery is an outcome, not an error: the state machine tells data
 * staff and stops. A bad quarter in a manual input fails before any work.
 */
export async function runIngest(store: Store, event: IngestEvent, options: { log: Log; workDir?: string; lockTtlMs?: number }): Promise<IngestOutput> {
  const quarter = requestedQuarter(event.run.quarter) ?? null;
  const wanted = requestedDelivery(event.run);
  return withStoreLock(store, { purpose: `ingest (${event.run.trigger})`, ttlMs: options.lockTtlMs }, async () => {
    const delivery = wanted ? await readDelivery(store, wanted) : await newestDelivery(store, (m) => options.log.warn(m));
    options.log.info(`Levering ${delivery.id} (${event.run.trigger})`, { deliveryId: delivery.id, trigger: event.run.trigger, quarter });
    const result = await ingest(store, { deliveryId: delivery.id, expected: delivery.manifest.files, log: options.log, workDir: options.workDir });
    if (result.status === 'accepted') return { status: 'accepted', deliveryId: delivery.id, snapshot: result.snapshot, quarter };
    if (result.status === 'incomplete') {
      for (const p of result.problems)
        options.log.warn(`${p.file}: ${p.message}`, { event: LOG_EVENTS.deliveryIncomplete, deliveryId: delivery.id, file: p.file, reason: p.reason });
      return { status: 'incomplete', deliveryId: delivery.id, summary: result.problems.map((p) => `${p.file}: ${p.message}`).join('\n') };
    }
    const files = result.rejected.map((r) => ({ file: r.file, deliveryId: r.deliveryId, problems: r.totalProblems }));
    for (const f of files) {
      // File name and count only: problem messages stay in quarantine/, next to the file.
      options.log.warn(`${f.file} er afvist med ${f.problems} problem(er)`, { event: LOG_EVENTS.deliveryRejected, ...f });
    }
    const summary = files.map((f) => `${f.file}: ${f.problems} problem(er)${f.deliveryId ? `, se quarantine/${f.deliveryId}/` : ''}`).join('\n');
    return { status: 'rejected', deliveryId: delivery.id, files, summary };
  });
}

const logger = stageLogger('ingest');

export async function handler(event: unknown, context: Context): Promise<IngestOutput> {
  logger.addContext(context);
  const env = parseEnv(ingestEnvSchema);
  const store = new S3Store({ bucket: env.DATA_BUCKET });
  return runIngest(store, ingestEventSchema.parse(event), { log: powertoolsLog(logger), workDir: env.WORK_DIR, lockTtlMs: env.LOCK_TTL_SECONDS * 1000 });
}

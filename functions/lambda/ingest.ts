import type { Context } from 'aws-lambda';
import { quarterLabel } from '../calendar/quarter.ts';
import { ingest } from '../ingest/ingest.ts';
import type { Log } from '../log.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { ingestEnvSchema, parseEnv } from './lambdaEnv.ts';
import { LOG_EVENTS } from './logEvents.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { reportQuarter } from './runInput.ts';
import { ingestEventSchema, type IngestEvent, type IngestOutput } from './stageEvents.ts';

/**
 * The ingest stage for one run: resolve the quarter first (a bad manual input fails before any
 * work), validate incoming/, and say whether the delivery was accepted. A rejection is an
 * outcome, not an error: the state machine notifies data staff and stops.
 */
export async function runIngest(store: Store, event: IngestEvent, options: { log: Log; workDir?: string }): Promise<IngestOutput> {
  const quarter = quarterLabel(reportQuarter(event.run, new Date(event.startedAt)));
  options.log.info(`Kørsel for ${quarter} (${event.run.trigger})`, { quarter, trigger: event.run.trigger, key: event.run.key });
  const result = await ingest(store, { log: options.log, workDir: options.workDir });
  if (result.ok && result.snapshot) {
    return { status: 'accepted', quarter, snapshot: result.snapshot, deliveredAtMs: result.deliveredAtMs, warnings: result.warnings.length };
  }
  const files = result.rejected.map((r) => ({ file: r.file, deliveryId: r.deliveryId, problems: r.totalProblems }));
  for (const f of files) {
    // File name and count only: problem messages stay in quarantine/, next to the file.
    options.log.warn(`${f.file} er afvist med ${f.problems} problem(er)`, { event: LOG_EVENTS.deliveryRejected, ...f });
  }
  const summary = files.map((f) => `${f.file}: ${f.problems} problem(er)${f.deliveryId ? `, se quarantine/${f.deliveryId}/` : ''}`).join('\n');
  return { status: 'rejected', quarter, files, summary };
}

const logger = stageLogger('ingest');

export async function handler(event: unknown, context: Context): Promise<IngestOutput> {
  logger.addContext(context);
  const env = parseEnv(ingestEnvSchema);
  const store = new S3Store({ bucket: env.DATA_BUCKET });
  return runIngest(store, ingestEventSchema.parse(event), { log: powertoolsLog(logger), workDir: env.WORK_DIR });
}

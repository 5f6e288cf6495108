import '../danishMessages.ts';
import type { Context } from 'aws-lambda';
import type { Log } from '../log.ts';
import { parseDraft, type Draft } from '../publish/draft.ts';
import { PublishedReportChangedError, publishDraft, readPreview, writePreview } from '../publish/publish.ts';
import { withStoreLock } from '../store/lock.ts';
import { S3Store } from '../store/s3Store.ts';
import { keys, type Store } from '../store/store.ts';
import { parseEnv, publishEnvSchema } from './lambdaEnv.ts';
import { correctionMessage, previewMessage, publishedMessage, type PreviewLinks } from './notificationText.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { ReportsRoutedStore } from './reportsRoutedStore.ts';
import { parseApproveInput, requestedQuarter } from './runInput.ts';
import { publishEventSchema, type PublishEvent, type PublishOutput } from './stageEvents.ts';

export interface PublishDeps {
  store: Store;
  /** The site's base address; the report is at `<base>/<quarter>/`. */
  reportsUrl: string;
  /** Serve previews on the site (`<base>/previews/…`, behind its allow-list), or only by presigning. */
  previewsOnSite: boolean;
  /** The reports bucket, for `aws s3 presign s3://<bucket>/previews/…`. */
  reportsBucket: string;
  stateMachineArn: string;
  log: Log;
  lockTtlMs?: number;
}

/**
 * The publish stage, holding the store's lock. `preview` writes a draft for approval;
 * `publish` publishes directly (approval: automatic) — but a quarter already published with
 * other numbers is never corrected without a person, so it stops at a preview too; `approve`
 * publishes a preview a person approved, as a correction when they gave a reason.
 */
export async function runPublish(deps: PublishDeps, event: PublishEvent): Promise<PublishOutput> {
  const { store } = deps;
  const base = deps.reportsUrl.replace(/\/+$/, '');
  const previewLinks = (quarter: string, snapshot: string): PreviewLinks => ({
    siteUrl: deps.previewsOnSite ? `${base}/${keys.preview(quarter, snapshot, '')}` : undefined,
    s3Uri: `s3://${deps.reportsBucket}/${keys.preview(quarter, snapshot, 'index.html')}`,
  });
  return withStoreLock(store, { purpose: `publish (${event.mode})`, ttlMs: deps.lockTtlMs }, async () => {
    let draft: Draft;
    let correction: string | undefined;
    if (event.mode === 'approve') {
      const request = parseApproveInput(event.request);
      draft = await readPreview(store, requestedQuarter(request.quarter)!, request.snapshot);
      correction = request.correction;
    } else {
      const key = keys.draft(event.quarter, event.snapshot);
      draft = parseDraft(await store.get(key), `${store.location}/${key}`);
    }
    const quarter = draft.results.quarter;
    const snapshot = draft.results.snapshot;
    const reportUrl = `${base}/${quarter}/`;

    if (event.mode === 'preview') {
      const previewed = await writePreview(store, draft, { reportsUrl: base });
      if (previewed.status === 'unchanged') return { status: 'unchanged', quarter, url: reportUrl };
      const text =
        previewed.wouldCorrect === undefined
          ? previewMessage(quarter, snapshot, previewLinks(quarter, snapshot), deps.stateMachineArn)
          : correctionMessage(quarter, snapshot, previewed.wouldCorrect - 1, previewLinks(quarter, snapshot), deps.stateMachineArn);
      deps.log.info(`Udkast for ${quarter} er klar`, { quarter, snapshot });
      return { status: 'previewed', quarter, url: previewLinks(quarter, snapshot).siteUrl ?? previewLinks(quarter, snapshot).s3Uri, ...text };
    }
    try {
      const outcome = await publishDraft(store, draft, { correction, reportsUrl: base });
      if (outcome.status === 'unchanged') {
        deps.log.info(`${quarter} er allerede udgivet med de samme tal`, { quarter, revision: outcome.revision, repaired: outcome.repaired.length });
        return { status: 'unchanged', quarter, url: reportUrl };
      }
      deps.log.info(`Rapporten for ${quarter} er udgivet`, { quarter, revision: outcome.revision, files: outcome.written.length });
      return { status: 'published', quarter, url: reportUrl, ...publishedMessage(quarter, outcome.revision, reportUrl, outcome.corrected) };
    } catch (error) {
      if (!(error instanceof PublishedReportChangedError) || event.mode === 'approve') throw error;
      await writePreview(store, draft, { reportsUrl: base });
      return {
        status: 'needs_correction',
        quarter,
        url: reportUrl,
        ...correctionMessage(quarter, snapshot, error.revision, previewLinks(quarter, snapshot), deps.stateMachineArn),
      };
    }
  });
}

const logger = stageLogger('publish');

export async function handler(event: unknown, context: Context): Promise<PublishOutput> {
  logger.addContext(context);
  const env = parseEnv(publishEnvSchema);
  const store = new ReportsRoutedStore(new S3Store({ bucket: env.DATA_BUCKET }), new S3Store({ bucket: env.REPORTS_BUCKET }));
  return runPublish(
    {
      store,
      reportsUrl: env.REPORTS_URL,
      previewsOnSite: env.PREVIEWS_ON_SITE === 'true',
      reportsBucket: env.REPORTS_BUCKET,
      stateMachineArn: env.STATE_MACHINE_ARN,
      log: powertoolsLog(logger),
      lockTtlMs: env.LOCK_TTL_SECONDS * 1000,
    },
    publishEventSchema.parse(event),
  );
}

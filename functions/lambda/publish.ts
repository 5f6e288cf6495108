import type { Context } from 'aws-lambda';
import { loadKpis } from '../compute/catalog.ts';
import type { Kpi } from '../compute/kpiDefinition.ts';
import { resultsSchema } from '../compute/results.ts';
import { loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import type { Log } from '../log.ts';
import { publish } from '../publish/publish.ts';
import { S3Store } from '../store/s3Store.ts';
import { keys, type Store } from '../store/store.ts';
import { parseEnv, publishEnvSchema } from './lambdaEnv.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { ReportsRoutedStore } from './reportsRoutedStore.ts';
import { publishEventSchema, type PublishEvent, type PublishOutput } from './stageEvents.ts';

export interface PublishDeps {
  store: Store;
  kpis: Kpi[];
  config: MunicipalityConfig;
  /** The site's base address; the report is at `<base>/<quarter>/`. */
  reportsUrl: string;
  log: Log;
}

/** The publish stage: the quarter's written results → the report site's files. */
export async function runPublish(deps: PublishDeps, event: PublishEvent): Promise<PublishOutput> {
  const results = resultsSchema.parse(JSON.parse((await deps.store.get(keys.results(event.quarter, 'kpis.json'))).toString('utf8')));
  const written = await publish(deps.store, { results, config: deps.config, kpis: deps.kpis });
  const url = `${deps.reportsUrl.replace(/\/+$/, '')}/${results.quarter}/`;
  deps.log.info(`Rapporten for ${results.quarter} er udgivet`, { quarter: results.quarter, url, files: written.length });
  return { quarter: results.quarter, url, files: written.length };
}

const logger = stageLogger('publish');
let content: Promise<[Kpi[], MunicipalityConfig]> | undefined;

export async function handler(event: unknown, context: Context): Promise<PublishOutput> {
  logger.addContext(context);
  const env = parseEnv(publishEnvSchema);
  content ??= Promise.all([loadKpis(env.KPIS_DIR), loadConfig(env.MUNICIPALITY_CONFIG)]);
  const [kpis, config] = await content;
  const store = new ReportsRoutedStore(new S3Store({ bucket: env.DATA_BUCKET }), new S3Store({ bucket: env.REPORTS_BUCKET }));
  return runPublish({ store, kpis, config, reportsUrl: env.REPORTS_URL, log: powertoolsLog(logger) }, publishEventSchema.parse(event));
}

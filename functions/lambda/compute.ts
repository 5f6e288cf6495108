import type { Context } from 'aws-lambda';
import { parseQuarter } from '../calendar/quarter.ts';
import { loadKpis } from '../compute/catalog.ts';
import { compute } from '../compute/compute.ts';
import type { Kpi } from '../compute/kpiDefinition.ts';
import { writeResults } from '../compute/resultsFile.ts';
import { loadConfig, type MunicipalityConfig } from '../config/municipality.ts';
import { AthenaEngine } from '../engine/athenaEngine.ts';
import type { Engine } from '../engine/engine.ts';
import type { Log } from '../log.ts';
import { S3Store } from '../store/s3Store.ts';
import type { Store } from '../store/store.ts';
import { codeVersion, generatedAt } from '../version.ts';
import { computeEnvSchema, parseEnv } from './lambdaEnv.ts';
import { powertoolsLog, stageLogger } from './powertoolsLog.ts';
import { computeEventSchema, type ComputeEvent, type ComputeOutput } from './stageEvents.ts';

export interface ComputeDeps {
  store: Store;
  engine: Engine;
  kpis: Kpi[];
  config: MunicipalityConfig;
  log: Log;
}

/** The compute stage for one snapshot: every KPI on the engine, then results/<quarter>/. */
export async function runCompute(deps: ComputeDeps, event: ComputeEvent): Promise<ComputeOutput> {
  const { engine } = deps;
  try {
    await engine.useSnapshot(event.snapshot);
    const results = await compute(engine, {
      quarter: parseQuarter(event.quarter)!,
      kpis: deps.kpis,
      config: deps.config,
      snapshot: event.snapshot,
      generatedAt: generatedAt(event.deliveredAtMs),
      codeVersion: codeVersion(),
    });
    const written = await writeResults(deps.store, results);
    deps.log.info(`${results.kpis.length} KPI'er beregnet for ${results.quarter}`, { quarter: results.quarter, snapshot: event.snapshot });
    return { quarter: results.quarter, snapshot: event.snapshot, kpis: results.kpis.length, written };
  } finally {
    await engine.close();
  }
}

const logger = stageLogger('compute');
let content: Promise<[Kpi[], MunicipalityConfig]> | undefined;

export async function handler(event: unknown, context: Context): Promise<ComputeOutput> {
  logger.addContext(context);
  const env = parseEnv(computeEnvSchema);
  content ??= Promise.all([loadKpis(env.KPIS_DIR), loadConfig(env.MUNICIPALITY_CONFIG)]);
  const [kpis, config] = await content;
  return runCompute(
    {
      store: new S3Store({ bucket: env.DATA_BUCKET }),
      engine: new AthenaEngine({ workgroup: env.ATHENA_WORKGROUP, database: env.GLUE_DATABASE }),
      kpis,
      config,
      log: powertoolsLog(logger),
    },
    computeEventSchema.parse(event),
  );
}

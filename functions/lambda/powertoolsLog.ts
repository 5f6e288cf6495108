import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../log.ts';

/** One Powertools logger per stage: JSON lines with the Lambda context, what CloudWatch filters on. */
export function stageLogger(stage: 'ingest' | 'compute' | 'publish' | 'pull'): Logger {
  return new Logger({ serviceName: 'pejlemaerke', persistentKeys: { stage } });
}

/** The stages' Log, written as structured JSON by Powertools. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, fields) => logger.info(message, { ...fields }),
    warn: (message, fields) => logger.warn(message, { ...fields }),
  };
}

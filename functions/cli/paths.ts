import { fileURLToPath } from 'node:url';

/** Where the shipped declarative content lives, wherever the CLI is started from. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_KPIS_DIR = fileURLToPath(new URL('../../dashboards/kpis/', import.meta.url));
export const DEMO_CONFIG = fileURLToPath(new URL('../../dashboards/municipalities/allerod-demo.yaml', import.meta.url));
export const DEFAULT_BENCHMARKS_DIR = fileURLToPath(new URL('../../dashboards/benchmarks/', import.meta.url));

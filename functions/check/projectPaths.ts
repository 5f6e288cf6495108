/** Where a project keeps its declarative content, relative to its root (docs/architecture.md). */
export const KPIS_DIR = 'dashboards/kpis';
export const MUNICIPALITIES_DIR = 'dashboards/municipalities';
export const KPI_TESTS_DIR = 'tests/kpis';
export const BENCHMARKS_DIR = 'dashboards/benchmarks';

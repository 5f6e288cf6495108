/** Documented in `pejlemaerke --help` and README.md; scripts and schedulers rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejected: 3,
  checkFailed: 4,
  alreadyPublished: 5,
  benchmarksFailed: 6,
} as const;

export const EXIT_HELP = `
Exit codes:
  0  ok: rapporten er udgivet (or the check passed)
  1  uventet fejl (engine, storage, bug): intet er udgivet
  2  forkert brug: ukendt kvartal, manglende mappe, ugyldig konfiguration
  3  leveringen er afvist: filerne ligger i quarantine/ med en fejlrapport, intet er udgivet
  4  check fandt problemer i KPI-filer eller konfiguration
  5  kvartalet er allerede udgivet med andre tal: et udgivet kvartal ændres ikke
  6  benchmarks pull: intet hentet fra Jobindsats; de tidligere benchmarks bruges fortsat`;

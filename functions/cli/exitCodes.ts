/** Documented in `pejlemaerke --help` and README.md; scripts and schedulers rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejected: 3,
  checkFailed: 4,
  alreadyPublished: 5,
  deliveryIncomplete: 6,
  notCovered: 7,
  busy: 8,
  benchmarksFailed: 9,
} as const;

export const EXIT_HELP = `
Exit codes:
  0  ok: rapporten er udgivet, udkastet er lavet, eller kvartalet var allerede udgivet med de samme tal
  1  uventet fejl (engine, lager, fejl i programmet): intet er udgivet
  2  forkert brug: ukendt kvartal, manglende mappe, ugyldig konfiguration (også et mål for en KPI, der ikke findes), --out er en fil
  3  leveringen er afvist: filerne ligger i quarantine/ med en fejlrapport, intet er udgivet
  4  check fandt problemer i KPI-filer eller konfiguration
  5  kvartalet er allerede udgivet med andre tal: intet er skrevet (en rettelse kræver --correction "<begrundelse>")
  6  leveringen er ufuldstændig: filerne passer ikke med manifest.json; intet er indlæst
  7  leveringen dækker ikke kvartalet: data når ikke kvartalets sidste uge; intet er beregnet
  8  en anden kørsel er i gang i samme lager: prøv igen, når den er færdig
  9  benchmarks pull: intet hentet fra Jobindsats; de tidligere benchmarks bruges fortsat`;

import { MAX_COLUMNS, MAX_LINE_BYTES } from './csvScan.ts';
import { echoValue } from './echo.ts';
import { MAX_TEXT_LENGTH, MAX_YEAR, MIN_YEAR, resolvedMax, type ColumnSpec, type ExtractSpec } from './extracts.ts';
import type { Problem } from './problems.ts';

/**
 * The rules a delivered file can break, and what each one says to data staff (Danish).
 * Values are echoed only through echo.ts `echoValue`, so no message can carry a CPR number
 * or a raw control character.
 */
export const RULES = [
  'missing_file',
  'empty_file',
  'no_rows',
  'encoding_utf32',
  'encoding_utf16',
  'unreadable',
  'line_too_long',
  'too_many_columns',
  'nul_byte',
  'cpr_file',
  'header_empty_column',
  'unknown_column',
  'missing_column',
  'duplicate_column',
  'blank_line',
  'cell_count',
  'cpr',
  'quote',
  'required',
  'pseudonym',
  'enum',
  'integer',
  'number',
  'negative',
  'range',
  'date',
  'week',
  'kpi_id',
  'period',
  'text',
  'end_before_start',
  'arrival_required',
  'duplicate_row',
  'unknown_person',
] as const;
export type Rule = (typeof RULES)[number];

/** A problem as found, before it is put into words. */
export interface RawProblem {
  line: number;
  columnNumber?: number;
  /** Contract column name, or a delivered header name that is safe to show. */
  column?: string;
  rule: Rule;
  /** The offending value, only when it is safe to show. */
  shown?: string;
  /** Another line or column this one refers to, or a count (see the rule's text). */
  ref?: number;
}

export interface MessageContext {
  spec: ExtractSpec;
  headerLength: number;
  now: Date;
}

export function toProblem(raw: RawProblem, ctx: MessageContext): Problem {
  const { message, hint } = describe(raw, ctx);
  return {
    file: ctx.spec.file,
    line: raw.line,
    ...(raw.column !== undefined ? { column: raw.column } : {}),
    ...(raw.columnNumber !== undefined ? { columnNumber: raw.columnNumber } : {}),
    rule: raw.rule,
    message,
    hint,
  };
}

const SAVE_AS_UTF8 = 'Gem filen som "CSV UTF-8 (kommasepareret)" i Excel eller som UTF-8-tekst i kildesystemet, og lever den igen.';

/** 65536 → "65.536", as Danish readers write numbers. */
function danishInteger(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

const QUOTE_HINT =
  'Skilletegn eller anførselstegn inde i en værdi er ikke en del af kontrakten (heller ikke i anførselstegn); ingen af udtrækkets værdier har brug for dem.';

function describe(raw: RawProblem, { spec, headerLength, now }: MessageContext): { message: string; hint: string } {
  const column = spec.columns.find((c) => c.name === raw.column);
  const shown = raw.shown === undefined ? undefined : echoValue(raw.shown);
  const value = shown === undefined ? '' : ` »${shown}«`;
  const columnList = spec.columns.map((c) => c.name).join(', ');
  switch (raw.rule) {
    case 'missing_file':
      return { message: `${spec.file} mangler i leverancen`, hint: `Lever ${spec.file} med kolonnerne ${columnList}.` };
    case 'empty_file':
      return { message: 'Filen er tom', hint: `Første linje skal være overskriften: ${columnList}.` };
    case 'no_rows':
      return {
        message: 'Filen har ingen rækker, kun overskriften',
        hint: `${spec.file} er et påkrævet udtræk og har altid rækker. Kontrollér, at udtrækket er kørt for hele perioden, og lever det igen.`,
      };
    case 'encoding_utf32':
      return { message: 'Filen er gemt som UTF-32, som ikke kan læses', hint: SAVE_AS_UTF8 };
    case 'encoding_utf16':
      return { message: 'Filen er gemt som UTF-16 ("Unicode-tekst"), men indeholder ugyldige tegn', hint: SAVE_AS_UTF8 };
    case 'unreadable':
      return {
        message: 'Filen kunne ikke læses som CSV-tekst',
        hint: `${SAVE_AS_UTF8} Læserens egen fejltekst vises ikke, da den kan gengive data fra filen.`,
      };
    case 'line_too_long':
      return {
        message: `Linjen er længere end ${danishInteger(MAX_LINE_BYTES)} byte`,
        hint: `Udtrækkets linjer er korte (under 300 tegn). En så lang linje er typisk en fil med forkerte linjeskift, en binær fil eller data, der er sat forkert sammen. ${SAVE_AS_UTF8}`,
      };
    case 'too_many_columns':
      return {
        message: `Linjen har flere end ${MAX_COLUMNS} felter`,
        hint: `${spec.file} har ${spec.columns.length} kolonner: ${columnList}. Kontrollér skilletegnet (, eller ;) og linjeskiftene, og gem filen igen som "CSV UTF-8".`,
      };
    case 'nul_byte':
      return {
        message: 'Linjen indeholder et NUL-tegn (byte 0)',
        hint: `En CSV-fil er tekst og har aldrig NUL-tegn. Typisk er filen gemt som UTF-16 uden byte-rækkefølgemærke, eller den er ikke en tekstfil. ${SAVE_AS_UTF8}`,
      };
    case 'cpr_file':
      return {
        message: `Filen indeholder ${raw.ref} felt(er), der ligner CPR-numre, og er afvist i sin helhed`,
        hint: 'Send aldrig CPR-numre: brug pseudonymer. Lever en ny fil uden CPR-numre, og slet den afviste fil hos afsenderen.',
      };
    case 'header_empty_column':
      return { message: 'Kolonnen har intet navn i overskriften', hint: 'Slet den tomme kolonne, også et skilletegn til sidst på linjen.' };
    case 'unknown_column':
      return {
        message: `Kolonnen${value} hører ikke til ${spec.file}`,
        hint: `Fjern kolonnen: ukendte kolonner kan indeholde personoplysninger, som ikke må sendes. Tilladte kolonner: ${columnList}.`,
      };
    case 'missing_column':
      return {
        message: `Kolonnen ${raw.column} mangler i overskriften`,
        hint: column?.required ? 'Tilføj kolonnen med værdier på alle linjer.' : 'Tilføj kolonnen; felterne må være tomme, hvor der ikke er en værdi.',
      };
    case 'duplicate_column':
      return { message: `Kolonnen står flere gange i overskriften (første gang i kolonne ${raw.ref})`, hint: 'Behold kun én kolonne med det navn.' };
    case 'blank_line':
      return { message: 'Linjen er tom', hint: 'Slet tomme linjer; en tom linje kan betyde, at data er klippet over eller sat forkert sammen.' };
    case 'cell_count':
      return {
        message: `Linjen har ${raw.ref} felter, men overskriften har ${headerLength}`,
        hint: `Hver linje skal have ét felt pr. kolonne i overskriften. ${QUOTE_HINT}`,
      };
    case 'cpr':
      return {
        message: 'Feltet ligner et CPR-nummer (værdien vises ikke)',
        hint: 'Hele filen er afvist. Erstat CPR-numre med pseudonymer (6–64 tegn af A–Z, a–z, 0–9, _ og -), og send aldrig CPR-numre.',
      };
    case 'quote':
      return { message: 'Feltet indeholder anførselstegn', hint: `Et felt må højst stå i ét par anførselstegn, som Excel skriver det. ${QUOTE_HINT}` };
    case 'required':
      return { message: 'Feltet er tomt, men skal udfyldes', hint: `${raw.column} skal have en værdi på hver linje.` };
    case 'pseudonym':
      return {
        message: 'Ugyldigt pseudonym',
        hint: 'Et pseudonym er 6–64 tegn af A–Z, a–z, 0–9, _ og - (ingen mellemrum, æ, ø eller å), det samme i alle filer.',
      };
    case 'enum': {
      const values = column?.type.kind === 'enum' ? column.type.values.join(', ') : '';
      return {
        message: `Ugyldig værdi${value}`,
        hint: `Tilladte værdier: ${values}${column?.required ? '' : ' eller tomt'}. Der skelnes mellem store og små bogstaver.`,
      };
    }
    case 'integer':
      return { message: `Ikke et helt tal${value}`, hint: 'Skriv et helt tal uden decimaler, mellemrum eller tusindtalsseparator, fx 1987.' };
    case 'number':
      return {
        message: `Ikke et tal${value}`,
        hint: 'Skriv tallet uden tusindtalsseparator og med punktum som decimaltegn, fx 12.5 (med ; som skilletegn må der bruges komma: 12,5).',
      };
    case 'negative':
      return { message: 'Tallet er negativt', hint: 'Værdien skal være 0 eller større.' };
    case 'range':
      return { message: 'Værdien ligger uden for det tilladte interval', hint: rangeHint(column, now) };
    case 'date':
      return { message: 'Ikke en gyldig dato', hint: 'Skriv datoen som ÅÅÅÅ-MM-DD, fx 2017-03-31, og kun datoer der findes (ikke 2017-02-30).' };
    case 'week':
      return {
        message: `Ikke en gyldig ISO-uge${value}`,
        hint: 'Skriv ugen som ÅÅÅÅ-Www med stort W og to cifre, fx 2017-W05. Uge 53 findes kun i år med 53 ISO-uger (fx 2015 og 2020).',
      };
    case 'kpi_id':
      return { message: `Ugyldigt KPI-id${value}`, hint: 'Et KPI-id er små bogstaver, tal og _, fx integration_selvforsoergende (som i KPI-kataloget).' };
    case 'period':
      return { message: `Ugyldig periode${value}`, hint: 'Skriv ÅÅÅÅQn for et kvartal (fx 2017Q4) eller ÅÅÅÅ-MM for en måned (fx 2017-03).' };
    case 'text':
      return { message: `Teksten er længere end ${MAX_TEXT_LENGTH} tegn`, hint: 'Brug en kort betegnelse, fx hele_landet eller region_hovedstaden.' };
    case 'end_before_start':
      return {
        message: 'Slutdatoen ligger før startdatoen',
        hint: 'end_date skal være samme dag som start_date eller senere; lad den stå tom, hvis tilbuddet stadig løber.',
      };
    case 'arrival_required':
      return {
        message: 'arrival_date mangler, men integration_group er udfyldt',
        hint: 'Angiv datoen, hvor kommunen overtog ansvaret (integrationsprogrammets start), eller lad integration_group stå tom.',
      };
    case 'duplicate_row': {
      const key = spec.uniqueKey?.join(' og ') ?? '';
      return { message: `Samme ${key} som linje ${raw.ref}`, hint: `Hver kombination af ${key} må kun stå på én linje; slet eller ret den ene.` };
    }
    case 'unknown_person':
      return {
        message: 'person_id findes ikke i persons.csv',
        hint: 'Alle personer i benefit_weeks.csv og offers.csv skal have en linje i persons.csv med samme pseudonym.',
      };
  }
}

function rangeHint(column: ColumnSpec | undefined, now: Date): string {
  if (column?.type.kind === 'integer') return `Tilladt: ${column.type.min ?? '…'}–${resolvedMax(column.type, now) ?? '…'}.`;
  if (column?.type.kind === 'date') return `Datoen skal ligge i årene ${MIN_YEAR}–${MAX_YEAR}.`;
  if (column?.type.kind === 'week') return `Ugen skal ligge i årene ${MIN_YEAR}–${MAX_YEAR}.`;
  return 'Ret værdien.';
}

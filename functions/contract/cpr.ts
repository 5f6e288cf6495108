/**
 * The CPR guard. A CPR number is `DDMMYY-SSSS` or `DDMMYYSSSS`; any cell that contains one
 * rejects the whole file, and no message may repeat a value that could be one.
 *
 * What counts (the same in TypeScript and in the DuckDB macros below, tested against each other):
 * - split the cell into tokens of digit runs joined by single dashes (`12-010190-1234`);
 * - a token holds a CPR when one of its digit runs has exactly 10 digits, or a run of 6 digits
 *   is followed by `-` and a run of exactly 4, and the first six digits are a real DDMMYY date
 *   (29 February only when YY is divisible by 4; 00 counts, as 2000 was a leap year);
 * - in a number column only the integer part counts, so a share like 0.2512345678 is not a CPR;
 * - digits and dashes are folded first (`foldDigits`): a CPR typed with full-width digits
 *   (`０１０１９０-１２３４`, NFKC), other scripts' digits or an en dash is still a CPR.
 */

/**
 * Every non-ASCII character that NFKC turns into one ASCII digit (full-width, superscript,
 * circled) or that is a decimal digit of another script (Arabic-Indic ٣), with its ASCII digit,
 * plus dashes a word processor puts where `-` was typed. Built once (about 10 ms).
 */
const FOLDS: { from: string; to: string } = (() => {
  const number = /\p{N}/u;
  const decimal = /\p{Nd}/u;
  let from = '‐‑‒–—―−﹘﹣－';
  let to = '-'.repeat(from.length);
  for (let cp = 0x80; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (!number.test(ch)) continue;
    const nfkc = ch.normalize('NFKC');
    let digit: string | undefined;
    if (/^[0-9]$/.test(nfkc)) digit = nfkc;
    else if (decimal.test(ch)) {
      // Decimal digits come in runs of ten (0–9) in every script.
      let start = cp;
      while (decimal.test(String.fromCodePoint(start - 1))) start--;
      digit = String((cp - start) % 10);
    }
    if (digit !== undefined) {
      from += ch;
      to += digit;
    }
  }
  return { from, to };
})();
const FOLD_TO = [...FOLDS.to];
const FOLD_MAP = new Map([...FOLDS.from].map((ch, i) => [ch, FOLD_TO[i]!]));
const NON_ASCII = /[^\x00-\x7f]/;

/** Digits of any script (and look-alike dashes) as ASCII, so the CPR test sees what a reader sees. */
export function foldDigits(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  let out = '';
  for (const ch of text) out += FOLD_MAP.get(ch) ?? ch;
  return out;
}

const TOKEN = /[0-9]+(?:-[0-9]+)*/g;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** DDMMYY (exactly six digits) is a date that exists in some century. */
export function isCprDate(ddmmyy: string): boolean {
  const day = Number(ddmmyy.slice(0, 2));
  const month = Number(ddmmyy.slice(2, 4));
  const year = Number(ddmmyy.slice(4, 6));
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return year % 4 === 0;
  return day <= DAYS_IN_MONTH[month - 1]!;
}

export function looksLikeCpr(cell: string): boolean {
  for (const token of foldDigits(cell).match(TOKEN) ?? []) {
    const runs = token.split('-');
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      if (run.length === 10 && isCprDate(run)) return true;
      if (run.length === 6 && runs[i + 1]?.length === 4 && isCprDate(run)) return true;
    }
  }
  return false;
}

/** A plain decimal number is checked on its integer part only. */
export function looksLikeCprInNumber(cell: string): boolean {
  return looksLikeCpr(foldDigits(cell).replace(/^([0-9]+)[.,][0-9]+$/, '$1'));
}

/**
 * Cheap filter: every ASCII value holding a CPR matches it (and a few more do). Values with
 * any non-ASCII character go to the full test as well, as their digits must be folded first.
 */
export const CPR_CANDIDATE_REGEX = '[0-9]{6}-?[0-9]{4}|[^\\x00-\\x7f]';

export const MAX_ECHO_LENGTH = 40;
export const MAX_ECHO_DIGITS = 5;

/**
 * Whether a delivered value may appear in a message: at most 5 digits (a CPR has 10, so no
 * echoed value can carry one, not even in part) and short enough to read.
 */
export function isEchoable(value: string): boolean {
  return value.length <= MAX_ECHO_LENGTH && (foldDigits(value).match(/[0-9]/g)?.length ?? 0) <= MAX_ECHO_DIGITS;
}

const sqlLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** DuckDB macros mirroring the functions above; install once per connection. */
export const CPR_SQL_MACROS = `
CREATE OR REPLACE MACRO fold_digits(s) AS
  CASE WHEN regexp_matches(s, '[^\\x00-\\x7f]') THEN translate(s, ${sqlLiteral(FOLDS.from)}, ${sqlLiteral(FOLDS.to)}) ELSE s END;
CREATE OR REPLACE MACRO cpr_date_ok(s) AS
  TRY_CAST(substr(s, 3, 2) AS INTEGER) BETWEEN 1 AND 12
  AND TRY_CAST(substr(s, 1, 2) AS INTEGER) BETWEEN 1 AND (
    CASE TRY_CAST(substr(s, 3, 2) AS INTEGER)
      WHEN 2 THEN CASE WHEN TRY_CAST(substr(s, 1, 2) AS INTEGER) = 29 AND TRY_CAST(substr(s, 5, 2) AS INTEGER) % 4 <> 0 THEN 28 ELSE 29 END
      WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
      ELSE 31 END);
CREATE OR REPLACE MACRO cpr_token(t) AS
  list_bool_or(list_transform(string_split(t, '-'), (run, i) ->
    (length(run) = 10 AND cpr_date_ok(run))
    OR (length(run) = 6 AND length(coalesce(string_split(t, '-')[i + 1], '')) = 4 AND cpr_date_ok(run))));
CREATE OR REPLACE MACRO looks_like_cpr(c) AS
  coalesce(list_bool_or(list_transform(regexp_extract_all(fold_digits(c), '[0-9]+(?:-[0-9]+)*'), t -> cpr_token(t))), false);
CREATE OR REPLACE MACRO looks_like_cpr_number(c) AS
  looks_like_cpr(regexp_replace(fold_digits(c), '^([0-9]+)[.,][0-9]+$', '\\1'));
CREATE OR REPLACE MACRO is_echoable(v) AS
  length(v) <= ${MAX_ECHO_LENGTH} AND length(regexp_replace(fold_digits(v), '[^0-9]', '', 'g')) <= ${MAX_ECHO_DIGITS};
`;

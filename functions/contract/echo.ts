import { foldDigits, isEchoable, looksLikeCpr } from './cpr.ts';

/**
 * The one way delivered text reaches a message (problems, warnings, logs, the terminal).
 * A delivered value is shown only when it cannot carry a CPR number (cpr.ts `isEchoable`), and
 * its control characters are shown escaped (`\x1b`), never raw: a cell holding
 * `\x1b]0;…\x07\x1b[2J` must not retitle or clear the data staff's terminal, and a bidi override
 * must not reorder the message around it.
 */

/** C0, DEL, C1, line/paragraph separators, bidi embeddings/overrides/isolates, BOM/zero-width no-break. */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A delivered value for a message, or undefined when it may not be shown (too long, or digits enough for a CPR). */
export function echoValue(value: string): string | undefined {
  return isEchoable(value) ? escapeControls(value) : undefined;
}

const MAX_FILE_NAME_ECHO = 100;

/**
 * A delivered file name for a message. File names carry dates (`udtraek_20180108.csv`), so
 * they are not held to the 5-digit rule of values, only kept from showing a CPR number.
 */
export function echoFileName(name: string): string {
  if (looksLikeCpr(name)) return '(et filnavn, der ligner et CPR-nummer)';
  const short = name.length > MAX_FILE_NAME_ECHO ? `${name.slice(0, MAX_FILE_NAME_ECHO)}…` : name;
  return escapeControls(short);
}

const NUMBER_RUN = /[\p{N}\p{Pd}\u2212]+/gu;

/**
 * Text from outside the product's own messages (an engine's or the OS's error text, a stack
 * trace) made safe to print with --debug: every run of digits that could be a CPR number is
 * masked, and control characters are escaped.
 */
export function redactForDebug(text: string): string {
  const masked = text.replace(NUMBER_RUN, (run) => (looksLikeCpr(run) ? foldDigits(run).replace(/[0-9]/g, '#') : run));
  return masked.split('\n').map(escapeControls).join('\n');
}

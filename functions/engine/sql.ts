/**
 * SQL text the program builds itself. Data never goes into SQL text (values from deliveries are
 * bound parameters or read from tables); this quotes only what we own: our file paths, our
 * key layout, our contract's names and values.
 */

/** A SQL string literal: `it's` → `'it''s'`. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

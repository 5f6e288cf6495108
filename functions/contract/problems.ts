import { z } from 'zod';

/**
 * A validation problem is data: where it is, which rule it broke, what to do about it.
 * Messages never contain a cell value that could be a CPR number.
 */
export const problemSchema = z.object({
  file: z.string(),
  /** 1-based, as a text editor shows it; the header is line 1. 0 = the file as a whole. */
  line: z.number().int().nonnegative(),
  /** Column name from the header, or undefined when the problem is about the whole line/file. */
  column: z.string().optional(),
  /** 1-based position of that column in the delivered header (column order is free). */
  columnNumber: z.number().int().positive().optional(),
  rule: z.string(),
  message: z.string(),
  hint: z.string(),
});
export type Problem = z.infer<typeof problemSchema>;

export const MAX_REPORTED_PROBLEMS = 50;

export const validationReportSchema = z.object({
  file: z.string(),
  deliveryId: z.string(),
  totalProblems: z.number().int(),
  /** The first MAX_REPORTED_PROBLEMS problems, ordered by line then column. */
  problems: z.array(problemSchema),
});
export type ValidationReport = z.infer<typeof validationReportSchema>;

/** `file, linje L, kolonne C (name): message (rule). hint`; a column that may not be named still shows its number. */
export function formatProblem(p: Problem): string {
  const column = p.column ? `kolonne ${p.columnNumber ?? '?'} (${p.column})` : p.columnNumber !== undefined ? `kolonne ${p.columnNumber}` : undefined;
  const where = [p.file, p.line > 0 ? `linje ${p.line}` : undefined, column].filter(Boolean).join(', ');
  return `${where}: ${p.message} (${p.rule}). ${p.hint}`;
}

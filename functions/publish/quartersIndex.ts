import { z } from 'zod';
import { QUARTER_LABEL, quarterIndex } from '../calendar/quarter.ts';
import { formatDate, formatQuarter } from './format.ts';

/**
 * The list of every published quarter (`reports/index.html`): a pure model from what the
 * publication lifecycle knows (quarters and their revisions), rendered by
 * report/QuartersIndex.tsx. Newest quarter first, and within a quarter the newest revision
 * first; the quarter's own links (`<quarter>/`, `rapport.pdf`, `opfoelgningsnotat.docx`,
 * `data/`) are the newest revision's, each revision also has its own page (`<quarter>/r<k>/`).
 * Links are relative to `reports/`, so the index works from the bucket, CloudFront and a folder.
 */

export const revisionSchema = z
  .object({
    /** 1 for the first publication, then 2, 3, … for each correction. */
    number: z.number().int().min(1),
    /** ISO date or instant of the publication. */
    date: z.string().refine((d) => !Number.isNaN(new Date(d).getTime()), 'ugyldig dato'),
    /** Why a correction was made (required in spirit for number > 1; shown when given). */
    reason: z.string().trim().min(1).optional(),
    snapshot: z.string().min(1),
  })
  .strict();

export const publishedQuarterSchema = z
  .object({
    quarter: z.string().regex(QUARTER_LABEL, 'et kvartal som 2017Q4'),
    revisions: z.array(revisionSchema).min(1),
  })
  .strict();

export type Revision = z.infer<typeof revisionSchema>;
export type PublishedQuarter = z.infer<typeof publishedQuarterSchema>;

export interface RevisionEntry {
  number: number;
  /** `2017Q4/r2/` */
  href: string;
  /** "Udgave 2" */
  label: string;
  /** "Offentliggjort 15. januar 2018", "Rettet 3. februar 2018: <grund>" */
  description: string;
  snapshot: string;
  /** The quarter's current revision (the newest). */
  current: boolean;
}

export interface QuarterEntry {
  quarter: string;
  /** "4. kvartal 2017" */
  title: string;
  /** Heading id, `kvartal-2017Q4`. */
  id: string;
  /** The newest revision's files. */
  links: { report: string; pdf: string; note: string; csv: string; json: string };
  current: RevisionEntry;
  /** Newest first. */
  revisions: RevisionEntry[];
}

export interface QuartersIndexView {
  municipality: string;
  committee: string;
  /** Newest first. */
  quarters: QuarterEntry[];
}

export interface QuartersIndexOptions {
  municipality: string;
  committee: string;
  /**
   * Appended to folder links: '' (default) gives `2017Q4/`, for a web server or CloudFront that
   * serves index.html for a folder; 'index.html' gives `2017Q4/index.html`, for a local folder.
   */
  directoryIndex?: string;
}

function revisionEntry(quarter: string, revision: Revision, current: boolean, index: string): RevisionEntry {
  const date = formatDate(revision.date);
  const description = revision.number === 1 ? `Offentliggjort ${date}` : `Rettet ${date}${revision.reason ? `: ${revision.reason}` : ''}`;
  return {
    number: revision.number,
    href: `${quarter}/r${revision.number}/${index}`,
    label: `Udgave ${revision.number}`,
    description,
    snapshot: revision.snapshot,
    current,
  };
}

/** The index's model; throws on a quarter listed twice or a revision number used twice. */
export function quartersIndexView(published: readonly PublishedQuarter[], options: QuartersIndexOptions): QuartersIndexView {
  const parsed = z.array(publishedQuarterSchema).parse(published);
  const index = options.directoryIndex ?? '';
  const seen = new Set<string>();
  for (const q of parsed) {
    if (seen.has(q.quarter)) throw new Error(`Kvartalet ${q.quarter} står to gange i listen over offentliggjorte kvartaler`);
    seen.add(q.quarter);
    const numbers = q.revisions.map((r) => r.number);
    if (new Set(numbers).size !== numbers.length) throw new Error(`Kvartalet ${q.quarter} har den samme udgave (r<k>) to gange: ${numbers.join(', ')}`);
  }
  const quarters = [...parsed]
    .sort((a, b) => quarterIndex(b.quarter) - quarterIndex(a.quarter))
    .map((q) => {
      const revisions = [...q.revisions].sort((a, b) => b.number - a.number).map((r, i) => revisionEntry(q.quarter, r, i === 0, index));
      return {
        quarter: q.quarter,
        title: formatQuarter(q.quarter),
        id: `kvartal-${q.quarter}`,
        links: {
          report: `${q.quarter}/${index}`,
          pdf: `${q.quarter}/rapport.pdf`,
          note: `${q.quarter}/opfoelgningsnotat.docx`,
          csv: `${q.quarter}/data/kpis.csv`,
          json: `${q.quarter}/data/kpis.json`,
        },
        current: revisions[0]!,
        revisions,
      };
    });
  return { municipality: options.municipality, committee: options.committee, quarters };
}

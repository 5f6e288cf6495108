import { createHash } from 'node:crypto';
import { z } from 'zod';
import { kpiDefinitionSchema } from '../compute/kpiDefinition.ts';
import { resultsSchema } from '../compute/results.ts';
import { municipalityConfigSchema } from '../config/municipality.ts';
import { commentaryFingerprintInput, parseCommentary } from './commentary.ts';

/**
 * Everything a publication is made of, frozen when compute has run: the disclosure-controlled
 * results, the config (goals, committee), the KPI definitions and the administration's
 * commentary. A preview stores it as `draft.json`; approving it publishes exactly this, so a
 * preview approved later is byte-identical to a direct run, whatever changed in between.
 */
export const draftSchema = z.object({
  results: resultsSchema,
  config: municipalityConfigSchema,
  definitions: z.array(kpiDefinitionSchema),
  /** The administration's Markdown commentary, as given; absent without `--commentary`. */
  commentary: z.string().optional(),
  delivery: z.object({
    id: z.string(),
    extracted_at: z.string(),
    data_until: z.string(),
  }),
});
export type Draft = z.infer<typeof draftSchema>;

export function draftJson(draft: Draft): string {
  return `${JSON.stringify(draftSchema.parse(draft), null, 2)}\n`;
}

export function parseDraft(bytes: Buffer, where: string): Draft {
  const parsed = draftSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new Error(`${where} er ikke et gyldigt udkast: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return parsed.data;
}

/**
 * What makes two publications "the same": the numbers, the definitions, the goals and the
 * commentary — never the time, the code version or which delivery (or snapshot) carried
 * them. The same numbers delivered again are the same publication; a changed number, goal
 * text or comment is not.
 *
 * Benchmarks count by their figures, table, measure and texts, not by when they were pulled:
 * a monthly pull that brings the same figures again does not make a quarter "changed" (the
 * published source line, "hentet <dato>", stays true: the figures were retrieved then); a pull
 * with other figures does, and is published as a correction (docs/jobindsats.md).
 */
export function publicationContent(draft: Draft): unknown {
  const { generated_at: _time, code_version: _code, snapshot: _snapshot, publication: _publication, ...results } = draft.results;
  // The commentary by its content, not its layout: line endings, order and empty sections do not count.
  const commentary = commentaryFingerprintInput(
    draft.commentary === undefined ? undefined : parseCommentary(draft.commentary, { kpiIds: draft.results.kpis.map((k) => k.id) }),
  );
  return { results: { ...results, kpis: results.kpis.map(kpiContent) }, config: draft.config, definitions: draft.definitions, commentary };
}

type KpiResult = Draft['results']['kpis'][number];

/**
 * A KPI's part of the content. The benchmark fields are left out while empty, so content
 * published before they existed keeps its fingerprint; the retrieval time and pull id are
 * always left out (see publicationContent).
 */
function kpiContent(kpi: KpiResult): Record<string, unknown> {
  const { benchmark_source: source, benchmark_note: note, benchmark_missing: missing, ...rest } = kpi;
  return {
    ...rest,
    ...(source !== null && {
      benchmark_source: { name: source.name, table_id: source.table_id, table_name: source.table_name, measure: source.measure, areas: source.areas },
    }),
    ...(note !== null && { benchmark_note: note }),
    ...(missing !== null && { benchmark_missing: missing }),
  };
}

/** A KPI's own numbers and texts, without its comparison: what "andre tal" means in a refusal. */
function ownContent(kpi: KpiResult): string {
  const { benchmarks: _points, benchmark_source: _source, benchmark_note: _note, benchmark_missing: _missing, ...own } = kpi;
  return canonicalJson(own);
}

export function fingerprint(draft: Draft): string {
  return createHash('sha256')
    .update(canonicalJson(publicationContent(draft)))
    .digest('hex');
}

/** JSON with object keys sorted at every level: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** What differs between two publications, in words for the refusal message. */
export function describeDifferences(before: Draft, after: Draft): string[] {
  const out: string[] = [];
  const ownBefore = new Map(before.results.kpis.map((k) => [k.id, ownContent(k)]));
  const comparedBefore = new Map(before.results.kpis.map((k) => [k.id, canonicalJson(kpiContent(k))]));
  const added = after.results.kpis.filter((k) => !ownBefore.has(k.id)).map((k) => k.id);
  const removed = [...ownBefore.keys()].filter((id) => !after.results.kpis.some((k) => k.id === id));
  const kept = after.results.kpis.filter((k) => ownBefore.has(k.id));
  const numbersChanged = kept.filter((k) => ownBefore.get(k.id) !== ownContent(k)).map((k) => k.id);
  // Only the comparison moved (a new pull with other figures, another table): say so, the municipality's own numbers are the same.
  const benchmarksChanged = kept.filter((k) => !numbersChanged.includes(k.id) && comparedBefore.get(k.id) !== canonicalJson(kpiContent(k))).map((k) => k.id);
  if (numbersChanged.length > 0) out.push(`andre tal for ${numbersChanged.join(', ')}`);
  if (benchmarksChanged.length > 0) out.push(`andre sammenligningstal for ${benchmarksChanged.join(', ')}`);
  if (added.length > 0) out.push(`nye nøgletal: ${added.join(', ')}`);
  if (removed.length > 0) out.push(`nøgletal, der ikke er med længere: ${removed.join(', ')}`);
  if (canonicalJson(before.config) !== canonicalJson(after.config)) out.push('ændret konfiguration (mål, udvalg eller cellestørrelse)');
  if (canonicalJson(before.definitions) !== canonicalJson(after.definitions)) out.push('ændrede definitioner');
  const commentaryOf = (draft: Draft) => (publicationContent(draft) as { commentary: string }).commentary;
  if (commentaryOf(before) !== commentaryOf(after)) out.push('ændrede bemærkninger fra forvaltningen');
  return out;
}

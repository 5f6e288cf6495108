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
 */
export function publicationContent(draft: Draft): unknown {
  const { generated_at: _time, code_version: _code, snapshot: _snapshot, publication: _publication, ...results } = draft.results;
  // The commentary by its content, not its layout: line endings, order and empty sections do not count.
  const commentary = commentaryFingerprintInput(draft.commentary === undefined ? undefined : parseCommentary(draft.commentary, { kpiIds: draft.results.kpis.map((k) => k.id) }));
  return { results, config: draft.config, definitions: draft.definitions, commentary };
}

export function fingerprint(draft: Draft): string {
  return createHash('sha256').update(canonicalJson(publicationContent(draft))).digest('hex');
}

/** JSON with object keys sorted at every level: equal content, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What differs between two publications, in words for the refusal message. */
export function describeDifferences(before: Draft, after: Draft): string[] {
  const out: string[] = [];
  const kpisBefore = new Map(before.results.kpis.map((k) => [k.id, canonicalJson(k)]));
  const changed = after.results.kpis.filter((k) => kpisBefore.get(k.id) !== canonicalJson(k)).map((k) => k.id);
  const added = after.results.kpis.filter((k) => !kpisBefore.has(k.id)).map((k) => k.id);
  const removed = [...kpisBefore.keys()].filter((id) => !after.results.kpis.some((k) => k.id === id));
  const numbersChanged = changed.filter((id) => !added.includes(id));
  if (numbersChanged.length > 0) out.push(`andre tal for ${numbersChanged.join(', ')}`);
  if (added.length > 0) out.push(`nye nøgletal: ${added.join(', ')}`);
  if (removed.length > 0) out.push(`nøgletal, der ikke er med længere: ${removed.join(', ')}`);
  if (canonicalJson(before.config) !== canonicalJson(after.config)) out.push('ændret konfiguration (mål, udvalg eller cellestørrelse)');
  if (canonicalJson(before.definitions) !== canonicalJson(after.definitions)) out.push('ændrede definitioner');
  const commentaryOf = (draft: Draft) => (publicationContent(draft) as { commentary: string }).commentary;
  if (commentaryOf(before) !== commentaryOf(after)) out.push('ændrede bemærkninger fra forvaltningen');
  return out;
}

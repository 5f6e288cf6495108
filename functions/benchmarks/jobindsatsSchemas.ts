import { z } from 'zod';

/**
 * The shapes of Jobindsats API v3 answers, as far as public clients show them
 * (docs/jobindsats.md says which field comes from where and which are assumed). Every answer
 * is parsed here before anything reads it: a changed shape stops the pull with a Danish
 * message instead of turning into a wrong number. Objects are loose (unknown fields pass),
 * because STAR adding a field is not a reason to stop.
 */

const id = z.string().min(1);

/** Alternative name fields: v3 ids are `<thing>_id`, names assumed `<thing>_name`; `name`/`text` accepted. */
const altNames = { name: z.string().optional(), text: z.string().optional() };

/** `GET /v3/tables?format=json`: one entry per table (a flat list, as in v2; assumed for v3). */
export const tablesResponseSchema = z.array(
  z
    .looseObject({
      table_id: id,
      table_name: z.string().optional(),
      subject_id: z.union([z.string(), z.number()]).optional(),
      subject_name: z.string().optional(),
    })
    .transform((t) => ({
      id: t.table_id,
      name: t.table_name,
      subjectId: t.subject_id === undefined ? undefined : String(t.subject_id),
      subjectName: t.subject_name,
    })),
);
export type JobindsatsTable = z.infer<typeof tablesResponseSchema>[number];

const valueSchema = z
  .looseObject({ value_id: id, value_name: z.string().optional(), ...altNames })
  .transform((v) => ({ id: v.value_id, name: v.value_name ?? v.name ?? v.text }));
export type HierarchyValue = z.infer<typeof valueSchema>;

const levelSchema = z
  .looseObject({ level_id: id, level_name: z.string().optional(), values: z.array(valueSchema).default([]) })
  .transform((l) => ({ id: l.level_id, name: l.level_name, values: l.values }));

const hierarchySchema = z
  .looseObject({
    hierarchy_id: id,
    hierarchy_name: z.string().optional(),
    levels: z.array(levelSchema).default([]),
    values: z.array(valueSchema).default([]),
  })
  .transform((h) => ({
    id: h.hierarchy_id,
    name: h.hierarchy_name,
    // Values may sit on the hierarchy or on its levels; a reader needs them all, once each.
    values: dedupe([...h.values, ...h.levels.flatMap((l) => l.values)]),
    levels: h.levels.map((l) => ({ id: l.id, name: l.name })),
  }));
export type JobindsatsHierarchy = z.infer<typeof hierarchySchema>;

const measureSchema = z
  .looseObject({ measure_id: id, measure_name: z.string().optional(), ...altNames })
  .transform((m) => ({ id: m.measure_id, name: m.measure_name ?? m.name ?? m.text }));

const mgroupSchema = z
  .looseObject({ mgroup_id: id, mgroup_name: z.string().optional(), measures: z.array(measureSchema).default([]) })
  .transform((g) => ({ id: g.mgroup_id, name: g.mgroup_name, measures: g.measures }));

const periodTypeSchema = z
  .looseObject({ periodtype_id: id, periodtype_name: z.string().optional(), values: z.array(z.looseObject({ period_id: id })) })
  .transform((p) => ({ type: p.periodtype_id, name: p.periodtype_name, periods: p.values.map((v) => v.period_id) }));

/**
 * `GET /v3/table/{id}?format=json`: the table's periods by period type, its measure groups
 * and its dimensions (hierarchies with levels and values). `periods[].periodtype_id` and
 * `values[].period_id` are confirmed by a working v3 client; the nesting of the rest is assumed.
 */
export const tableMetadataSchema = z
  .looseObject({
    table_id: id,
    table_name: z.string().optional(),
    periods: z.array(periodTypeSchema).min(1),
    mgroups: z.array(mgroupSchema).default([]),
    dimensions: z.array(hierarchySchema).default([]),
  })
  .transform((t) => ({ id: t.table_id, name: t.table_name, periodTypes: t.periods, mgroups: t.mgroups, hierarchies: t.dimensions }));
export type JobindsatsTableMetadata = z.infer<typeof tableMetadataSchema>;

/** A cell: a number, a Danish number as text ("12,3", "1.234"), or a gap ("..", "-", null). */
export const dataCellSchema = z.union([z.number(), z.string(), z.null()]);
export type DataCell = z.infer<typeof dataCellSchema>;

/**
 * `GET /v3/data/{id}?format=json&…`: column labels and rows of cells in the same order
 * (confirmed by several public v3 clients, which zip the two).
 */
export const dataResponseSchema = z
  .looseObject({ columns: z.array(z.string().min(1)).min(1), rows: z.array(z.array(dataCellSchema)) })
  .superRefine((d, ctx) => {
    d.rows.forEach((row, i) => {
      if (row.length !== d.columns.length) {
        ctx.addIssue({ code: 'custom', path: ['rows', i], message: `rækken har ${row.length} celler, men der er ${d.columns.length} kolonner` });
      }
    });
  })
  .transform((d) => ({ columns: d.columns, rows: d.rows }));
export type JobindsatsDataTable = z.infer<typeof dataResponseSchema>;

/** An error answer's text, wherever the server put it (the body's shape is not documented). */
export const errorBodySchema = z.union([
  z.looseObject({ message: z.string() }).transform((b) => b.message),
  z.looseObject({ Message: z.string() }).transform((b) => b.Message),
  z.looseObject({ error: z.string() }).transform((b) => b.error),
  z.looseObject({ detail: z.string() }).transform((b) => b.detail),
  z.looseObject({ title: z.string() }).transform((b) => b.title),
  z.string(),
]);

function dedupe(values: HierarchyValue[]): HierarchyValue[] {
  const seen = new Set<string>();
  return values.filter((v) => !seen.has(v.id) && seen.add(v.id));
}

import { z } from 'zod';
import { KPI_ID_PATTERN } from '../compute/kpiDefinition.ts';

/**
 * Extract contract v1 in code (docs/contract.md, generated from this file, is the public text). Validation
 * (validate.ts) and curation (ingest/) are driven by these column lists, so a column added
 * here is checked and curated without touching the rules.
 *
 * Every column must be present in the header; `required` says whether its cells may be empty.
 * A missing column cannot be told apart from a wrong export, and an empty column costs the
 * sender nothing.
 */
export const CONTRACT_VERSION = 1;

export const SEXES = ['M', 'K'] as const;
export const INTEGRATION_GROUPS = ['flygtning', 'familiesammenfoert'] as const;
export const STATUSES = [
  'beskaeftiget',
  'ordinaer_uddannelse',
  'igu',
  'selvforsoergende_oevrig',
  'a_dagpenge',
  'kontanthjaelp',
  'uddannelseshjaelp',
  'integrationsydelse',
  'ledighedsydelse',
  'kontantydelse',
  'sygedagpenge',
  'jobafklaring',
  'ressourceforloeb',
  'fleksjob',
  'foertidspension',
  'barsel',
  'oevrig_ydelse',
  'pension',
] as const;
export const VISITATIONS = ['jobparat', 'aktivitetsparat', 'uddannelsesparat'] as const;
export const OFFER_TYPES = [
  'virksomhedspraktik',
  'loentilskud_privat',
  'loentilskud_offentlig',
  'nytteindsats',
  'vejledning_opkvalificering',
  'mentor',
  'danskuddannelse',
  'oevrigt',
] as const;
export const CONTACT_TYPES = ['rekruttering', 'fastholdelse', 'virksomhedsrettet_aktivering', 'partnerskabsaftale'] as const;

export const PSEUDONYM_PATTERN = /^[A-Za-z0-9_-]{6,64}$/;
export const WEEK_LABEL_PATTERN = /^\d{4}-W\d{2}$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** `2017Q4` (a quarter) or `2017-03` (a month). */
export const PERIOD_PATTERN = /^\d{4}(Q[1-4]|-(0[1-9]|1[0-2]))$/;
export const MAX_TEXT_LENGTH = 100;
/** Dates, weeks and years outside these years are typing errors (and would break week arithmetic). */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

export type ColumnType =
  | { kind: 'pseudonym' }
  | { kind: 'enum'; values: readonly string[] }
  /** `max: 'currentYear'` is resolved when validating, so the contract does not age. */
  | { kind: 'integer'; min?: number; max?: number | 'currentYear' }
  | { kind: 'number'; min?: number }
  | { kind: 'date' }
  | { kind: 'week' }
  | { kind: 'kpiId' }
  | { kind: 'period' }
  | { kind: 'text' };

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** False: the cell may be empty (= missing value). */
  required: boolean;
  /** What the column means, for docs/contract.md (generated from this file). */
  meaning: string;
}

/**
 * `required`: the run stops without it. `companyKpis`: needed by the company KPIs only; a
 * delivery without it is accepted with a warning and curated as an empty table.
 * `optional`: absence is normal.
 */
export type Requirement = 'required' | 'companyKpis' | 'optional';

export interface ExtractSpec {
  name: ExtractName;
  file: string;
  requirement: Requirement;
  /** One line on what a row is, for docs/contract.md. */
  purpose: string;
  columns: readonly ColumnSpec[];
  /** Columns that identify a row; a second row with the same values is an error. */
  uniqueKey?: readonly string[];
  /** Whose `person_id` must exist in persons.csv. */
  referencesPersons?: boolean;
}

export const EXTRACT_NAMES = ['persons', 'benefit_weeks', 'offers', 'companies', 'company_contacts', 'benchmarks'] as const;
export type ExtractName = (typeof EXTRACT_NAMES)[number];

const pseudonym = (name: string, meaning: string): ColumnSpec => ({ name, type: { kind: 'pseudonym' }, required: true, meaning });
const oneOf = (name: string, values: readonly string[], meaning: string, required = true): ColumnSpec => ({
  name,
  type: { kind: 'enum', values },
  required,
  meaning,
});
const date = (name: string, meaning: string, required = true): ColumnSpec => ({ name, type: { kind: 'date' }, required, meaning });

export const EXTRACTS: Record<ExtractName, ExtractSpec> = {
  persons: {
    name: 'persons',
    file: 'persons.csv',
    requirement: 'required',
    purpose: 'one row per person',
    columns: [
      pseudonym('person_id', 'stable across all extracts of one delivery'),
      oneOf('sex', SEXES, '`M` mand, `K` kvinde'),
      {
        name: 'birth_year',
        type: { kind: 'integer', min: MIN_YEAR, max: 'currentYear' },
        required: true,
        meaning: 'only the year (privacy); age in a week = ISO year of the week − birth_year',
      },
      oneOf('integration_group', INTEGRATION_GROUPS, 'empty = not under the integration act', false),
      date(
        'arrival_date',
        'the day the municipality took over responsibility (start of the integration programme); required when integration_group is set',
        false,
      ),
    ],
    uniqueKey: ['person_id'],
  },
  benefit_weeks: {
    name: 'benefit_weeks',
    file: 'benefit_weeks.csv',
    requirement: 'required',
    purpose: 'one row per person per ISO week, every week from the first in scope to the last, with no gaps while the person lives in the municipality',
    columns: [
      pseudonym('person_id', 'must exist in persons.csv'),
      { name: 'week', type: { kind: 'week' }, required: true, meaning: 'one row per (person_id, week)' },
      oneOf('status', STATUSES, 'the person’s main status that week (DREAM priority)'),
      oneOf('visitation', VISITATIONS, 'the jobcenter’s category that week; empty when not on a benefit that has one', false),
    ],
    uniqueKey: ['person_id', 'week'],
    referencesPersons: true,
  },
  offers: {
    name: 'offers',
    file: 'offers.csv',
    requirement: 'required',
    purpose: 'one row per activation offer (tilbud)',
    columns: [
      pseudonym('person_id', 'must exist in persons.csv'),
      oneOf('offer_type', OFFER_TYPES, 'company-directed offers are virksomhedspraktik, loentilskud_privat, loentilskud_offentlig and nytteindsats'),
      date('start_date', 'the first day of the offer'),
      date('end_date', 'empty = still running; on or after start_date', false),
    ],
    referencesPersons: true,
  },
  companies: {
    name: 'companies',
    file: 'companies.csv',
    requirement: 'companyKpis',
    purpose: 'the municipality’s companies, one row per company and year',
    columns: [
      pseudonym('company_id', 'the company'),
      { name: 'year', type: { kind: 'integer', min: MIN_YEAR, max: MAX_YEAR }, required: true, meaning: 'the calendar year' },
      { name: 'employees', type: { kind: 'number', min: 0 }, required: true, meaning: 'average employees that year' },
    ],
    uniqueKey: ['company_id', 'year'],
  },
  company_contacts: {
    name: 'company_contacts',
    file: 'company_contacts.csv',
    requirement: 'companyKpis',
    purpose: 'one row per collaboration between the jobcenter and a company',
    columns: [
      pseudonym('company_id', 'need not appear in companies.csv (companies outside the municipality)'),
      date('contact_date', 'the day of the contact'),
      oneOf('contact_type', CONTACT_TYPES, '`partnerskabsaftale` = a partnership agreement signed that day'),
    ],
  },
  benchmarks: {
    name: 'benchmarks',
    file: 'benchmarks.csv',
    requirement: 'optional',
    purpose: 'hand-made comparison series (the Jobindsats pull is the usual source)',
    columns: [
      { name: 'kpi_id', type: { kind: 'kpiId' }, required: true, meaning: 'a KPI id from the catalogue' },
      { name: 'period', type: { kind: 'period' }, required: true, meaning: '`YYYYQn` or `YYYY-MM`' },
      { name: 'area', type: { kind: 'text' }, required: true, meaning: 'e.g. `hele_landet`, `region_hovedstaden`, `rudersdal`' },
      { name: 'value', type: { kind: 'number' }, required: true, meaning: 'a share as a fraction (0.37), or a count' },
    ],
    uniqueKey: ['kpi_id', 'period', 'area'],
  },
};

export const EXTRACT_LIST: readonly ExtractSpec[] = EXTRACT_NAMES.map((name) => EXTRACTS[name]);

/** The extract a delivered file name belongs to (`persons.csv` → persons), if any. */
export function extractForFile(file: string): ExtractSpec | undefined {
  return EXTRACT_LIST.find((spec) => spec.file === file);
}

export function resolvedMax(type: Extract<ColumnType, { kind: 'integer' }>, now = new Date()): number | undefined {
  return type.max === 'currentYear' ? now.getUTCFullYear() : type.max;
}

// Row schemas: one delivered row with typed cells (empty optional cell = null). The demo
// generator and tests build rows with these types; validation itself runs in SQL.
const zPseudonym = z.string().regex(PSEUDONYM_PATTERN);
const zDate = z.string().regex(DATE_PATTERN);

export const personRowSchema = z.object({
  person_id: zPseudonym,
  sex: z.enum(SEXES),
  birth_year: z.number().int().min(MIN_YEAR),
  integration_group: z.enum(INTEGRATION_GROUPS).nullable(),
  arrival_date: zDate.nullable(),
});
export type PersonRow = z.infer<typeof personRowSchema>;

export const benefitWeekRowSchema = z.object({
  person_id: zPseudonym,
  week: z.string().regex(WEEK_LABEL_PATTERN),
  status: z.enum(STATUSES),
  visitation: z.enum(VISITATIONS).nullable(),
});
export type BenefitWeekRow = z.infer<typeof benefitWeekRowSchema>;

export const offerRowSchema = z.object({
  person_id: zPseudonym,
  offer_type: z.enum(OFFER_TYPES),
  start_date: zDate,
  end_date: zDate.nullable(),
});
export type OfferRow = z.infer<typeof offerRowSchema>;

export const companyRowSchema = z.object({
  company_id: zPseudonym,
  year: z.number().int(),
  employees: z.number().nonnegative(),
});
export type CompanyRow = z.infer<typeof companyRowSchema>;

export const companyContactRowSchema = z.object({
  company_id: zPseudonym,
  contact_date: zDate,
  contact_type: z.enum(CONTACT_TYPES),
});
export type CompanyContactRow = z.infer<typeof companyContactRowSchema>;

export const benchmarkRowSchema = z.object({
  kpi_id: z.string().regex(KPI_ID_PATTERN),
  period: z.string().regex(PERIOD_PATTERN),
  area: z.string().min(1).max(MAX_TEXT_LENGTH),
  value: z.number(),
});
export type BenchmarkRow = z.infer<typeof benchmarkRowSchema>;

export const ROW_SCHEMAS = {
  persons: personRowSchema,
  benefit_weeks: benefitWeekRowSchema,
  offers: offerRowSchema,
  companies: companyRowSchema,
  company_contacts: companyContactRowSchema,
  benchmarks: benchmarkRowSchema,
} as const satisfies Record<ExtractName, z.ZodObject>;

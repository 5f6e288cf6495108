import { z } from 'zod';
import { KPI_ID_PATTERN } from '../compute/kpiDefinition.ts';

/**
 * Extract contract v1 in code (../../shared/domain/extracts.md is the public text). Validation
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
  columns: readonly ColumnSpec[];
  /** Columns that identify a row; a second row with the same values is an error. */
  uniqueKey?: readonly string[];
  /** Whose `person_id` must exist in persons.csv. */
  referencesPersons?: boolean;
}

export const EXTRACT_NAMES = ['persons', 'benefit_weeks', 'offers', 'companies', 'company_contacts', 'benchmarks'] as const;
export type ExtractName = (typeof EXTRACT_NAMES)[number];

const pseudonym = (name: string): ColumnSpec => ({ name, type: { kind: 'pseudonym' }, required: true });
const oneOf = (name: string, values: readonly string[], required = true): ColumnSpec => ({ name, type: { kind: 'enum', values }, required });
const date = (name: string, required = true): ColumnSpec => ({ name, type: { kind: 'date' }, required });

export const EXTRACTS: Record<ExtractName, ExtractSpec> = {
  persons: {
    name: 'persons',
    file: 'persons.csv',
    requirement: 'required',
    columns: [
      pseudonym('person_id'),
      oneOf('sex', SEXES),
      { name: 'birth_year', type: { kind: 'integer', min: MIN_YEAR, max: 'currentYear' }, required: true },
      oneOf('integration_group', INTEGRATION_GROUPS, false),
      date('arrival_date', false),
    ],
    uniqueKey: ['person_id'],
  },
  benefit_weeks: {
    name: 'benefit_weeks',
    file: 'benefit_weeks.csv',
    requirement: 'required',
    columns: [pseudonym('person_id'), { name: 'week', type: { kind: 'week' }, required: true }, oneOf('status', STATUSES), oneOf('visitation', VISITATIONS, false)],
    uniqueKey: ['person_id', 'week'],
    referencesPersons: true,
  },
  offers: {
    name: 'offers',
    file: 'offers.csv',
    requirement: 'required',
    columns: [pseudonym('person_id'), oneOf('offer_type', OFFER_TYPES), date('start_date'), date('end_date', false)],
    referencesPersons: true,
  },
  companies: {
    name: 'companies',
    file: 'companies.csv',
    requirement: 'companyKpis',
    columns: [
      pseudonym('company_id'),
      { name: 'year', type: { kind: 'integer', min: MIN_YEAR, max: MAX_YEAR }, required: true },
      { name: 'employees', type: { kind: 'number', min: 0 }, required: true },
    ],
    uniqueKey: ['company_id', 'year'],
  },
  company_contacts: {
    name: 'company_contacts',
    file: 'company_contacts.csv',
    requirement: 'companyKpis',
    columns: [pseudonym('company_id'), date('contact_date'), oneOf('contact_type', CONTACT_TYPES)],
  },
  benchmarks: {
    name: 'benchmarks',
    file: 'benchmarks.csv',
    requirement: 'optional',
    columns: [
      { name: 'kpi_id', type: { kind: 'kpiId' }, required: true },
      { name: 'period', type: { kind: 'period' }, required: true },
      { name: 'area', type: { kind: 'text' }, required: true },
      { name: 'value', type: { kind: 'number' }, required: true },
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

import { MAX_COLUMNS, MAX_LINE_BYTES } from '../contract/csvScan.ts';
import {
  CONTRACT_VERSION,
  EXTRACT_LIST,
  MAX_TEXT_LENGTH,
  MAX_YEAR,
  MIN_YEAR,
  PSEUDONYM_PATTERN,
  type ColumnSpec,
  type ExtractSpec,
} from '../contract/extracts.ts';
import { MAX_REPORTED_PROBLEMS } from '../contract/problems.ts';
import { DELIVERY_ID_PATTERN } from '../deliveries/manifest.ts';

/**
 * docs/contract.md, written from the contract in code (functions/contract/extracts.ts and
 * friends), so the document data staff read cannot drift from what ingest checks. `npm run
 * docs` writes it; a test fails when it is out of date.
 */
export function contractDoc(): string {
  return [
    `# Extract contract v${CONTRACT_VERSION} — what data staff deliver`,
    '',
    GENERATED,
    '',
    'This is Pejlemærke’s public input interface. Data staff export these files from the',
    'municipality’s systems (DREAM-style weekly benefit status, the jobcenter’s case system,',
    'jobindsats.dk); Pejlemærke validates them, stores them and computes every KPI from them.',
    'Changing a column’s name or meaning is a breaking change: it gets a new `contract_version`.',
    '',
    '## A delivery',
    '',
    'One folder with one CSV file per extract, named `<extract>.csv`, and `manifest.json`, written',
    '**last**, so its presence means the delivery is complete. Each delivery is a **full snapshot**',
    '(all history the KPIs need, at least 4 years back), not an increment.',
    '',
    '| manifest field | meaning |',
    '|---|---|',
    `| \`contract_version\` | \`${CONTRACT_VERSION}\` |`,
    `| \`delivery_id\` | matches \`${DELIVERY_ID_PATTERN.source}\`: 1–64 characters of \`A-Z a-z 0-9 _ -\`, unique per delivery; the folder's name in \`incoming/\` |`,
    '| `municipality` | the municipality’s name |',
    '| `extracted_at` | when the export ran, ISO 8601 with offset (`2018-01-08T06:00:00+01:00`): the time every result and report of the delivery carries |',
    '| `data_until` | the last day the extracts describe, `YYYY-MM-DD`; a quarter is reported only when it and the data reach the quarter’s last week |',
    '| `files` | every file: `name`, `sha256` (of the bytes as delivered, 64 hex characters) and `rows` (data rows: lines after the header, not counting empty lines at the end) |',
    '',
    'A file that is missing, extra, or differs in hash or row count makes the delivery',
    'incomplete: it is not read, and the reason is reported per file. A folder given to',
    '`pejlemaerke run --input` without a manifest gets one computed from its files.',
    'The whole lifecycle — coverage, drafts, approval, corrections — is in [lifecycle.md](lifecycle.md).',
    '',
    '## Files',
    '',
    '| file | needed | what a row is |',
    '|---|---|---|',
    ...EXTRACT_LIST.map((spec) => `| \`${spec.file}\` | ${REQUIREMENT[spec.requirement]} | ${spec.purpose} |`),
    '',
    '## The rules for every file',
    '',
    '- Encoding UTF-8 (a BOM is allowed). A file that is not valid UTF-8 is read as Windows-1252',
    '  (Excel’s usual export) and the run says so; UTF-16 with a BOM (Excel’s "Unicode text") is',
    '  read too. Anything else is rejected with "Gem filen som CSV UTF-8".',
    '- Delimiter `,` or `;`, found from the header line. With `;`, decimals may use `,`.',
    '- Line ends LF, CRLF or CR. Empty lines at the very end are ignored; an empty line anywhere',
    '  else is an error. Spaces around unquoted values and header names are removed (the run says',
    '  how many).',
    '- The first line is the header. Column order is free; every column of the extract must be',
    '  there, once; an unknown column is an error (it may be personal data nobody meant to send).',
    '- An empty cell is a missing value. Dates are ISO `YYYY-MM-DD`; weeks are ISO weeks `YYYY-Www`;',
    `  years lie in ${MIN_YEAR}–${MAX_YEAR}.`,
    `- A line is at most ${MAX_LINE_BYTES.toLocaleString('en')} bytes and has at most ${MAX_COLUMNS} fields; a file over either is broken`,
    '  and is rejected naming the line.',
    `- A rejected file is kept in \`quarantine/<delivery>/\` with \`<file>.errors.json\`: the first ${MAX_REPORTED_PROBLEMS} problems and the`,
    '  total, each with file, line (as an editor shows it; the header is line 1), column, rule and',
    '  what to do. One rejected file rejects the delivery: nothing is published.',
    '',
    '## Privacy rules (enforced, not advisory)',
    '',
    `- \`person_id\` and \`company_id\` are pseudonyms: \`${PSEUDONYM_PATTERN.source}\` (6–64 characters of \`A-Z a-z 0-9 _ -\`).`,
    '- Any cell in any column — and any header name — that looks like a CPR number (`DDMMYY-SSSS`',
    '  or 10 digits whose first six form a valid date, in any script’s digits) rejects the whole',
    '  file. No message, file or log ever shows the value.',
    '- No names, addresses, CPR or free-text columns exist in this contract.',
    '',
    ...EXTRACT_LIST.flatMap(extractSection),
    '## Time rules (shared by every KPI)',
    '',
    '- A week belongs to the month and quarter that contain its Thursday (the ISO rule).',
    '- "Last week of a quarter/month" = the last ISO week whose Thursday lies in it.',
    '- A person’s arrival week is the ISO week containing `arrival_date`; "n weeks after arrival"',
    '  counts from that week (arrival week + n).',
    '- An offer covers the weeks from the week of `start_date` to the week of `end_date` (or to the',
    '  end of the data when empty).',
    '',
  ].join('\n');
}

export const GENERATED = '<!-- Generated by `npm run docs` from the code; edit the code, not this file. -->';

const REQUIREMENT: Record<ExtractSpec['requirement'], string> = {
  required: 'required',
  companyKpis: 'for the company KPIs (without it they are empty, with a warning)',
  optional: 'optional',
};

function extractSection(spec: ExtractSpec): string[] {
  const rules: string[] = [];
  if (spec.uniqueKey) rules.push(`One row per ${spec.uniqueKey.map((c) => `\`${c}\``).join(' + ')}: a repeated one is an error.`);
  if (spec.referencesPersons) rules.push('Every `person_id` must exist in `persons.csv`.');
  return [
    `### \`${spec.file}\` (${REQUIREMENT[spec.requirement]})`,
    '',
    `${capital(spec.purpose)}.`,
    '',
    '| column | type | may be empty | meaning |',
    '|---|---|---|---|',
    ...spec.columns.map((c) => `| \`${c.name}\` | ${typeText(c)} | ${c.required ? 'no' : 'yes'} | ${c.meaning} |`),
    '',
    ...(rules.length > 0 ? [...rules.map((r) => `- ${r}`), ''] : []),
  ];
}

function typeText(column: ColumnSpec): string {
  const t = column.type;
  switch (t.kind) {
    case 'pseudonym':
      return 'pseudonym';
    case 'enum':
      return t.values.map((v) => `\`${v}\``).join(', ');
    case 'integer':
      return `integer ${t.min ?? ''}–${t.max === 'currentYear' ? 'current year' : (t.max ?? '')}`;
    case 'number':
      return t.min === undefined ? 'number' : `number ≥ ${t.min}`;
    case 'date':
      return 'date `YYYY-MM-DD`';
    case 'week':
      return 'ISO week `YYYY-Www`';
    case 'kpiId':
      return 'KPI id';
    case 'period':
      return '`YYYYQn` or `YYYY-MM`';
    case 'text':
      return `text, at most ${MAX_TEXT_LENGTH} characters`;
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

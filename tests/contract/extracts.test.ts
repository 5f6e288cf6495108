import { describe, expect, it } from 'vitest';
import { EXTRACT_LIST, EXTRACTS, extractForFile, ROW_SCHEMAS, STATUSES } from '../../functions/contract/extracts.ts';
import { CURATED_SCHEMA } from '../../functions/engine/curatedSchema.ts';

describe('extract contract in code', () => {
  it('marks which extracts a delivery needs', () => {
    expect(Object.fromEntries(EXTRACT_LIST.map((e) => [e.file, e.requirement]))).toEqual({
      'persons.csv': 'required',
      'benefit_weeks.csv': 'required',
      'offers.csv': 'required',
      'companies.csv': 'companyKpis',
      'company_contacts.csv': 'companyKpis',
      'benchmarks.csv': 'optional',
    });
    expect(extractForFile('offers.csv')).toBe(EXTRACTS.offers);
    expect(extractForFile('Offers.csv')).toBeUndefined();
  });

  it('has row schemas with exactly the contract columns, and every column is curated', () => {
    for (const spec of EXTRACT_LIST) {
      const columns = spec.columns.map((c) => c.name);
      expect(Object.keys(ROW_SCHEMAS[spec.name].shape).sort(), spec.name).toEqual([...columns].sort());
      expect(Object.keys(CURATED_SCHEMA[spec.name]), spec.name).toEqual(expect.arrayContaining(columns));
    }
  });

  it('types a delivered row', () => {
    const row = { person_id: 'pers01', week: '2017-W05', status: 'kontanthjaelp', visitation: null };
    expect(ROW_SCHEMAS.benefit_weeks.parse(row)).toEqual(row);
    expect(ROW_SCHEMAS.benefit_weeks.safeParse({ ...row, status: 'kontant' }).success).toBe(false);
    expect(ROW_SCHEMAS.benefit_weeks.safeParse({ ...row, person_id: 'p1' }).success).toBe(false);
    expect(ROW_SCHEMAS.benchmarks.safeParse({ kpi_id: 'integration_jobparate', period: '2017Q5', area: 'hele_landet', value: 0.3 }).success).toBe(false);
    expect(STATUSES).toHaveLength(18);
  });
});

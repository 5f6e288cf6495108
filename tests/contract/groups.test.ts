import { describe, expect, it } from 'vitest';
import { OFFER_GROUPS, offerGroupRows, STATUS_GROUPS, statusGroupRows } from '../../functions/contract/groups.ts';
import { OFFER_TYPES, STATUSES } from '../../functions/contract/extracts.ts';
import { CURATED_SCHEMA } from '../../functions/engine/curatedSchema.ts';

describe('status and offer groups (kpis.md "Status groups")', () => {
  it('name only contract values, and SUPPORT is every status but SELF and pension', () => {
    for (const members of Object.values(STATUS_GROUPS)) for (const s of members) expect(STATUSES).toContain(s);
    for (const members of Object.values(OFFER_GROUPS)) for (const o of members) expect(OFFER_TYPES).toContain(o);
    expect([...STATUS_GROUPS.self].sort()).toEqual(['beskaeftiget', 'igu', 'ordinaer_uddannelse', 'selvforsoergende_oevrig']);
    expect(new Set([...STATUS_GROUPS.support, ...STATUS_GROUPS.self, 'pension'])).toEqual(new Set(STATUSES));
    expect(STATUS_GROUPS.support).not.toContain('pension');
    expect([...STATUS_GROUPS.lt_benefits].sort()).toEqual([
      'a_dagpenge',
      'integrationsydelse',
      'kontanthjaelp',
      'kontantydelse',
      'ledighedsydelse',
      'uddannelseshjaelp',
    ]);
    expect([...OFFER_GROUPS.company_directed].sort()).toEqual(['loentilskud_offentlig', 'loentilskud_privat', 'nytteindsats', 'virksomhedspraktik']);
  });

  it('become one row per contract value with a flag per group, in the curated columns order', () => {
    expect(Object.keys(CURATED_SCHEMA.status_groups)).toEqual(['status', ...Object.keys(STATUS_GROUPS)]);
    expect(Object.keys(CURATED_SCHEMA.offer_groups)).toEqual(['offer_type', ...Object.keys(OFFER_GROUPS)]);
    const rows = statusGroupRows();
    expect(rows.map((r) => r[0])).toEqual([...STATUSES]);
    expect(
      rows
        .find((r) => r[0] === 'pension')!
        .slice(1)
        .every((flag) => flag === false),
    ).toBe(true);
    expect(rows.find((r) => r[0] === 'integrationsydelse')).toEqual(['integrationsydelse', false, true, true, true, true, false]);
    expect(
      offerGroupRows()
        .filter((r) => r[1])
        .map((r) => r[0]),
    ).toEqual([...OFFER_GROUPS.company_directed]);
  });
});

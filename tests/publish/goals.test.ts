import { describe, expect, it } from 'vitest';
import type { Goal } from '../../functions/config/municipality.ts';
import { municipalityConfigSchema } from '../../functions/config/municipality.ts';
import { assessGoal, goalForYear, goalsOf, laterGoals, type Judged } from '../../functions/publish/goals.ts';

const Q = (year: number, quarter: number) => year * 4 + quarter - 1;
const goal = (target: number, year?: number, extra: Partial<Goal> = {}): Goal => ({ kpi: 'k', target, source: 'Plan', ...(year ? { year } : {}), ...extra });
const share = (value: number | null, extra: Partial<Judged> = {}): Judged => ({
  unit: 'share',
  direction: 'higher_is_better',
  year_to_date: false,
  value,
  suppressed: false,
  ...extra,
});
const ytdCount = (value: number, extra: Partial<Judged> = {}): Judged => ({ ...share(value), unit: 'count', year_to_date: true, ...extra });

describe('which goal applies', () => {
  const goals = [goal(0.5), goal(0.33, 2017), goal(0.6, 2021)];

  it('takes the goal for the quarter’s year, else the standing goal', () => {
    expect(goalForYear(goals, 2017)?.target).toBe(0.33);
    expect(goalForYear(goals, 2016)?.target).toBe(0.5);
    expect(goalForYear([goal(0.33, 2017)], 2018)).toBeUndefined();
    expect(laterGoals(goals, 2017).map((g) => g.year)).toEqual([2021]);
  });

  it('lists a KPI’s goals from the config by year, standing goals last', () => {
    const config = municipalityConfigSchema.parse({
      municipality: 'X Kommune',
      committee: 'Udvalget',
      goals: [
        { kpi: 'a', target: 0.6, year: 2021, source: 'Plan C' },
        { kpi: 'a', target: 0.5, source: 'Plan S' },
        { kpi: 'b', target: 0.1, source: 'Plan B' },
        { kpi: 'a', target: 0.33, year: 2017, source: 'Plan A' },
      ],
    });
    expect(goalsOf('a', config).map((g) => g.source)).toEqual(['Plan A', 'Plan C', 'Plan S']);
    expect(goalsOf('none', config)).toEqual([]);
  });
});

describe('status of a quarter', () => {
  it('a share measured per quarter: met or not met against this year’s goal', () => {
    const goals = [goal(0.33, 2017), goal(0.5)];
    expect(assessGoal(share(9 / 23), goals, Q(2017, 4)).status).toBe('met');
    expect(assessGoal(share(0.3), goals, Q(2017, 4)).status).toBe('not_met');
    // 2016 has no dated goal: the standing 50 % applies.
    expect(assessGoal(share(0.39), goals, Q(2016, 4))).toMatchObject({ status: 'not_met', threshold: 0.5 });
  });

  it('judges the printed number: 32,96 % prints as 33,0 pct. and meets 33 pct.; 32,94 % does not', () => {
    const goals = [goal(0.33, 2017)];
    expect(assessGoal(share(0.3296), goals, Q(2017, 2)).status).toBe('met');
    expect(assessGoal(share(0.3294), goals, Q(2017, 2)).status).toBe('not_met');
  });

  it('lower is better: "<=" by default, and an explicit comparison wins', () => {
    const lower = share(0.095, { direction: 'lower_is_better' });
    expect(assessGoal(lower, [goal(0.1, 2017)], Q(2017, 3))).toMatchObject({ status: 'met', comparison: '<=' });
    expect(assessGoal({ ...lower, value: 0.12 }, [goal(0.1, 2017)], Q(2017, 3)).status).toBe('not_met');
    expect(assessGoal(lower, [goal(0.1, 2017, { comparison: '>=' })], Q(2017, 3))).toMatchObject({ status: 'not_met', comparison: '>=' });
  });

  it('year to date before the 4th quarter: pro rata, "På vej" when on course', () => {
    const goals = [goal(45, 2017)];
    // 45 × 3 / 4 = 33.75; a count must reach 34.
    expect(assessGoal(ytdCount(28), goals, Q(2017, 3))).toMatchObject({ status: 'not_met', threshold: 34, proRata: true, quartersElapsed: 3 });
    expect(assessGoal(ytdCount(34), goals, Q(2017, 3)).status).toBe('on_track');
    expect(assessGoal(ytdCount(33), goals, Q(2017, 3)).status).toBe('not_met');
    // The whole year's target already reached: it cannot fall back, so it is met.
    expect(assessGoal(ytdCount(45), goals, Q(2017, 3)).status).toBe('met');
    // 45 / 4 = 11.25 → 12 after the first quarter.
    expect(assessGoal(ytdCount(12), goals, Q(2017, 1))).toMatchObject({ status: 'on_track', threshold: 12 });
  });

  it('year to date in the 4th quarter: the whole target, no "På vej"', () => {
    const goals = [goal(45, 2017)];
    expect(assessGoal(ytdCount(44), goals, Q(2017, 4))).toMatchObject({ status: 'not_met', threshold: 45, proRata: false });
    expect(assessGoal(ytdCount(47), goals, Q(2017, 4)).status).toBe('met');
  });

  it('a year-to-date share: 18 % a year is 9 % after the 2nd quarter', () => {
    const goals = [goal(0.18)];
    const exit = (value: number) => share(value, { year_to_date: true });
    expect(assessGoal(exit(0.1), goals, Q(2017, 2))).toMatchObject({ status: 'on_track', threshold: 0.09 });
    expect(assessGoal(exit(0.08), goals, Q(2017, 2)).status).toBe('not_met');
  });

  it('a year-to-date ceiling: "<=" rounds the pro-rata count down', () => {
    const goals = [goal(21, 2017)];
    const lower = (value: number) => ytdCount(value, { direction: 'lower_is_better' });
    // 21 × 2 / 4 = 10.5 → at most 10 so far.
    expect(assessGoal(lower(10), goals, Q(2017, 2))).toMatchObject({ status: 'on_track', threshold: 10 });
    expect(assessGoal(lower(11), goals, Q(2017, 2)).status).toBe('not_met');
    expect(assessGoal(lower(21), goals, Q(2017, 4)).status).toBe('met');
  });

  it('no goal this year, and no value to judge', () => {
    expect(assessGoal(share(0.4), [], Q(2017, 4)).status).toBe('no_goal');
    expect(assessGoal(share(0.4), [goal(0.6, 2021)], Q(2017, 4)).status).toBe('no_goal');
    expect(assessGoal(share(null, { suppressed: true }), [goal(0.33, 2017)], Q(2017, 4))).toMatchObject({ status: 'unknown', threshold: 0.33 });
  });
});

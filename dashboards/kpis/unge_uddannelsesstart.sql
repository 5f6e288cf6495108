-- Monthly. Population for month m: persons aged 16-29 in T(m-1), the last week of the
-- previous month, whose status in T(m-1) is SUPPORT (status_groups.support: anything but SELF
-- and pension). Numerator: status ordinaer_uddannelse in at least one week of m (weeks by
-- their Thursday). Statuses are read from benefit_spells (runs of consecutive weeks with one
-- status): a spell holds a week when first_week <= week <= last_week.
WITH months AS (
  SELECT month, MIN(quarter) AS quarter, MIN(week) AS first_week, MAX(week) AS last_week
  FROM calendar
  WHERE quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
  GROUP BY month
),
young_on_support AS (
  SELECT m.quarter, m.month, m.first_week, m.last_week, s.person_id
  FROM months m
  JOIN calendar prev ON prev.month = m.month - 1 AND prev.last_of_month
  JOIN benefit_spells s ON s.first_week <= prev.week AND s.last_week >= prev.week
  JOIN status_groups g ON g.status = s.status
  JOIN persons p ON p.person_id = s.person_id
  WHERE g.support
    AND prev.iso_year - p.birth_year BETWEEN 16 AND 29
),
started AS (
  SELECT DISTINCT y.month, y.person_id
  FROM young_on_support y
  JOIN benefit_spells s ON s.person_id = y.person_id AND s.first_week <= y.last_week AND s.last_week >= y.first_week
  WHERE s.status = 'ordinaer_uddannelse'
)
SELECT
  y.quarter AS quarter,
  y.month AS month,
  p.sex AS sex,
  COUNT(s.person_id) AS numerator,
  COUNT(*) AS denominator
FROM young_on_support y
JOIN persons p ON p.person_id = y.person_id
LEFT JOIN started s ON s.month = y.month AND s.person_id = y.person_id
GROUP BY y.quarter, y.month, p.sex

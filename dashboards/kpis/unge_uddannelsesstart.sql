-- Monthly. Population for month m: persons aged 16-29 in T(m-1), the last week of the
-- previous month, whose status in T(m-1) is SUPPORT (anything but SELF and pension).
-- Numerator: status ordinaer_uddannelse in at least one week of m (weeks by their Thursday).
WITH months AS (
  SELECT quarter, month
  FROM calendar
  WHERE last_of_month AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
young_on_support AS (
  SELECT m.quarter, m.month, b.person_id
  FROM months m
  JOIN calendar prev ON prev.month = m.month - 1 AND prev.last_of_month
  JOIN benefit_weeks b ON b.week = prev.week
  JOIN persons p ON p.person_id = b.person_id
  WHERE b.status NOT IN ('beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig', 'pension')
    AND prev.iso_year - p.birth_year BETWEEN 16 AND 29
),
started AS (
  SELECT DISTINCT c.month, b.person_id
  FROM benefit_weeks b
  JOIN calendar c ON c.week = b.week
  WHERE b.status = 'ordinaer_uddannelse'
    AND c.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
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

-- Year to date. W0 = ISO week 01 of the quarter's year (the year of T's Thursday).
-- Population: INTEGRATION persons present in W0 with 0 <= W0 - arrival week < 260 and
-- status in W0 in (integrationsydelse, kontanthjaelp, uddannelseshjaelp): status_groups.cash_benefits.
-- Numerator: status beskaeftiget or ordinaer_uddannelse (status_groups.job_or_education) in at
-- least one week from W0 to T: a spell of such a status (benefit_spells) overlaps W0..T.
WITH quarters AS (
  SELECT t.quarter, t.week AS t, w0.week AS w0
  FROM calendar t
  JOIN calendar w0 ON w0.iso_year = t.iso_year AND w0.iso_week = 1
  WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
at_year_start AS (
  SELECT q.quarter, q.t, q.w0, p.person_id, p.sex
  FROM quarters q
  JOIN benefit_weeks b ON b.week = q.w0
  JOIN persons p ON p.person_id = b.person_id
  JOIN status_groups g ON g.status = b.status
  WHERE p.integration_group IN ('flygtning', 'familiesammenfoert')
    AND g.cash_benefits
    AND q.w0 - p.arrival_week >= 0
    AND q.w0 - p.arrival_week < 260
),
exited AS (
  SELECT DISTINCT a.quarter, a.person_id
  FROM at_year_start a
  JOIN benefit_spells s ON s.person_id = a.person_id AND s.first_week <= a.t AND s.last_week >= a.w0
  JOIN status_groups g ON g.status = s.status
  WHERE g.job_or_education
)
SELECT
  a.quarter AS quarter,
  a.sex AS sex,
  COUNT(e.person_id) AS numerator,
  COUNT(*) AS denominator
FROM at_year_start a
LEFT JOIN exited e ON e.quarter = a.quarter AND e.person_id = a.person_id
GROUP BY a.quarter, a.sex

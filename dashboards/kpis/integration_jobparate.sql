-- INTEGRATION persons with status integrationsydelse (status_groups.integration) in T (the
-- quarter's last week) and 0 <= T - arrival week < 260; numerator: visitation in T is jobparat.
SELECT
  t.quarter AS quarter,
  p.sex AS sex,
  COUNT(CASE WHEN b.visitation = 'jobparat' THEN 1 END) AS numerator,
  COUNT(*) AS denominator
FROM calendar t
JOIN benefit_weeks b ON b.week = t.week
JOIN persons p ON p.person_id = b.person_id
JOIN status_groups g ON g.status = b.status
WHERE t.last_of_quarter
  AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
  AND g.integration
  AND p.integration_group IN ('flygtning', 'familiesammenfoert')
  AND t.week - p.arrival_week >= 0
  AND t.week - p.arrival_week < 260
GROUP BY t.quarter, p.sex

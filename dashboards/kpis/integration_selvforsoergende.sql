-- INTEGRATION persons present in T (the quarter's last week), aged 18-64 in T, with
-- 0 <= T - arrival week < 156; numerator: status in T is self-supporting (SELF, status_groups.self).
SELECT
  t.quarter AS quarter,
  p.sex AS sex,
  COUNT(CASE WHEN g.self THEN 1 END) AS numerator,
  COUNT(*) AS denominator
FROM calendar t
JOIN benefit_weeks b ON b.week = t.week
JOIN persons p ON p.person_id = b.person_id
JOIN status_groups g ON g.status = b.status
WHERE t.last_of_quarter
  AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
  AND p.integration_group IN ('flygtning', 'familiesammenfoert')
  AND t.iso_year - p.birth_year BETWEEN 18 AND 64
  AND t.week - p.arrival_week >= 0
  AND t.week - p.arrival_week < 156
GROUP BY t.quarter, p.sex

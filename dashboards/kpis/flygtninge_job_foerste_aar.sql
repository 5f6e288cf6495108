-- Adult refugees (INTEGRATION, aged >= 18 in their arrival week) whose week arrival + 52 lies
-- in the quarter and who are present that week; numerator: status beskaeftiget in that week.
-- Age = ISO year of the week - birth_year (extracts.md), taken from the calendar.
SELECT
  anniversary.quarter AS quarter,
  p.sex AS sex,
  COUNT(CASE WHEN b.status = 'beskaeftiget' THEN 1 END) AS numerator,
  COUNT(*) AS denominator
FROM persons p
JOIN calendar arrival ON arrival.week = p.arrival_week
JOIN calendar anniversary ON anniversary.week = p.arrival_week + 52
JOIN benefit_weeks b ON b.person_id = p.person_id AND b.week = anniversary.week
WHERE p.integration_group IN ('flygtning', 'familiesammenfoert')
  AND arrival.iso_year - p.birth_year >= 18
  AND anniversary.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
GROUP BY anniversary.quarter, p.sex

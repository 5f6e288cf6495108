-- INTEGRATION persons aged >= 18 in their arrival week (ISO year of that week - birth_year)
-- whose week arrival + 4 lies in the quarter. Numerator: a COMPANY_OFFERS offer
-- (offer_groups.company_directed) starts in a week from the arrival week to arrival + 4.
WITH arrivals AS (
  SELECT deadline.quarter, p.person_id, p.sex, p.arrival_week
  FROM persons p
  JOIN calendar arrival ON arrival.week = p.arrival_week
  JOIN calendar deadline ON deadline.week = p.arrival_week + 4
  WHERE p.integration_group IN ('flygtning', 'familiesammenfoert')
    AND arrival.iso_year - p.birth_year >= 18
    AND deadline.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
started AS (
  SELECT DISTINCT a.person_id
  FROM arrivals a
  JOIN offers o ON o.person_id = a.person_id
  JOIN offer_groups g ON g.offer_type = o.offer_type
  WHERE g.company_directed
    AND o.start_week BETWEEN a.arrival_week AND a.arrival_week + 4
)
SELECT
  a.quarter AS quarter,
  a.sex AS sex,
  COUNT(s.person_id) AS numerator,
  COUNT(*) AS denominator
FROM arrivals a
LEFT JOIN started s ON s.person_id = a.person_id
GROUP BY a.quarter, a.sex

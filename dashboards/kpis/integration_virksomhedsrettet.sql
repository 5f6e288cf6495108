-- INTEGRATION persons with status integrationsydelse (status_groups.integration) in at least one
-- week of the quarter (weeks by their Thursday) and 0 <= T - arrival week < 260. Numerator: a
-- COMPANY_OFFERS offer (offer_groups.company_directed) covers at least one week of the quarter, i.e. starts no later than T and ends no
-- earlier than the quarter's first week (end_week is the end of the data when still running;
-- a running offer that starts after the data ends has end_week < start_week and covers nothing).
-- Statuses are read from benefit_spells: a spell of integrationsydelse overlaps the quarter's weeks.
WITH quarters AS (
  SELECT t.quarter, MIN(c.week) AS first_week, t.week AS t
  FROM calendar t
  JOIN calendar c ON c.quarter = t.quarter
  WHERE t.last_of_quarter AND t.quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
  GROUP BY t.quarter, t.week
),
on_benefit AS (
  SELECT DISTINCT q.quarter, q.first_week, q.t, p.person_id, p.sex
  FROM quarters q
  JOIN benefit_spells s ON s.first_week <= q.t AND s.last_week >= q.first_week
  JOIN persons p ON p.person_id = s.person_id
  JOIN status_groups g ON g.status = s.status
  WHERE g.integration
    AND p.integration_group IN ('flygtning', 'familiesammenfoert')
    AND q.t - p.arrival_week >= 0
    AND q.t - p.arrival_week < 260
),
in_offer AS (
  SELECT DISTINCT a.quarter, a.person_id
  FROM on_benefit a
  JOIN offers o ON o.person_id = a.person_id
  JOIN offer_groups g ON g.offer_type = o.offer_type
  WHERE g.company_directed
    AND o.start_week <= a.t
    AND o.end_week >= a.first_week
    AND o.start_week <= o.end_week
)
SELECT
  a.quarter AS quarter,
  a.sex AS sex,
  COUNT(i.person_id) AS numerator,
  COUNT(*) AS denominator
FROM on_benefit a
LEFT JOIN in_offer i ON i.quarter = a.quarter AND i.person_id = a.person_id
GROUP BY a.quarter, a.sex

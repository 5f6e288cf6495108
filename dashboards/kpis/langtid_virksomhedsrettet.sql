-- Monthly. Population for month m: status in T(m) (the month's last week) is in LT_BENEFITS,
-- and a SUPPORT status (anything but SELF and pension) in at least 42 of the 52 weeks ending
-- with T(m). Numerator: a COMPANY_OFFERS offer covers at least one of the 26 weeks ending
-- with T(m), i.e. starts no later than T(m) and ends no earlier than T(m) - 25.
WITH month_ends AS (
  SELECT quarter, month, week AS t
  FROM calendar
  WHERE last_of_month AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
long_term AS (
  SELECT m.quarter, m.month, m.t, b.person_id
  FROM month_ends m
  JOIN benefit_weeks b ON b.week = m.t
  JOIN benefit_weeks s ON s.person_id = b.person_id AND s.week BETWEEN m.t - 51 AND m.t
  WHERE b.status IN ('a_dagpenge', 'kontanthjaelp', 'uddannelseshjaelp', 'integrationsydelse', 'ledighedsydelse', 'kontantydelse')
    AND s.status NOT IN ('beskaeftiget', 'ordinaer_uddannelse', 'igu', 'selvforsoergende_oevrig', 'pension')
  GROUP BY m.quarter, m.month, m.t, b.person_id
  HAVING COUNT(*) >= 42
),
in_offer AS (
  SELECT DISTINCT l.month, l.person_id
  FROM long_term l
  JOIN offers o ON o.person_id = l.person_id
  WHERE o.offer_type IN ('virksomhedspraktik', 'loentilskud_privat', 'loentilskud_offentlig', 'nytteindsats')
    AND o.start_week <= l.t
    AND o.end_week >= l.t - 25
)
SELECT
  l.quarter AS quarter,
  l.month AS month,
  p.sex AS sex,
  COUNT(i.person_id) AS numerator,
  COUNT(*) AS denominator
FROM long_term l
JOIN persons p ON p.person_id = l.person_id
LEFT JOIN in_offer i ON i.month = l.month AND i.person_id = l.person_id
GROUP BY l.quarter, l.month, p.sex

-- Monthly. Population for month m: status in T(m) (the month's last week) is in LT_BENEFITS
-- (status_groups.lt_benefits), and a SUPPORT status (status_groups.support: anything but SELF
-- and pension) in at least 42 of the 52 weeks ending with T(m). Numerator: a COMPANY_OFFERS
-- offer (offer_groups.company_directed) covers at least one of the 26 weeks ending with T(m),
-- i.e. starts no later than T(m) and ends no earlier than T(m) - 25.
-- Weeks are counted on benefit_spells (runs of consecutive weeks with one status): a spell
-- contributes the part of it that lies in the window T(m) - 51 .. T(m).
WITH month_ends AS (
  SELECT quarter, month, week AS t
  FROM calendar
  WHERE last_of_month AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
on_lt_benefits AS (
  SELECT m.quarter, m.month, m.t, s.person_id
  FROM month_ends m
  JOIN benefit_spells s ON s.first_week <= m.t AND s.last_week >= m.t
  JOIN status_groups g ON g.status = s.status
  WHERE g.lt_benefits
),
long_term AS (
  SELECT l.quarter, l.month, l.t, l.person_id
  FROM on_lt_benefits l
  JOIN benefit_spells s ON s.person_id = l.person_id AND s.first_week <= l.t AND s.last_week >= l.t - 51
  JOIN status_groups g ON g.status = s.status
  WHERE g.support
  GROUP BY l.quarter, l.month, l.t, l.person_id
  HAVING SUM(
    CASE WHEN s.last_week < l.t THEN s.last_week ELSE l.t END
    - CASE WHEN s.first_week > l.t - 51 THEN s.first_week ELSE l.t - 51 END + 1
  ) >= 42
),
in_offer AS (
  SELECT DISTINCT l.month, l.person_id
  FROM long_term l
  JOIN offers o ON o.person_id = l.person_id
  JOIN offer_groups g ON g.offer_type = o.offer_type
  WHERE g.company_directed
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

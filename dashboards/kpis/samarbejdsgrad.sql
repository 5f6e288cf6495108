-- Companies in companies.csv for the quarter's year with employees >= 1; numerator: those
-- with any contact dated in the four quarters ending with the quarter (by date, not by week).
-- The quarter's year is the ISO year of T, whose Thursday lies in the quarter.
WITH quarters AS (
  SELECT quarter, iso_year AS year
  FROM calendar
  WHERE last_of_quarter AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
base AS (
  SELECT DISTINCT q.quarter, c.company_id
  FROM quarters q
  JOIN companies c ON c.year = q.year
  WHERE c.employees >= 1
),
contacted AS (
  SELECT DISTINCT b.quarter, b.company_id
  FROM base b
  JOIN company_contacts k ON k.company_id = b.company_id
  WHERE k.contact_quarter BETWEEN b.quarter - 3 AND b.quarter
)
SELECT
  b.quarter AS quarter,
  COUNT(k.company_id) AS numerator,
  COUNT(*) AS denominator
FROM base b
LEFT JOIN contacted k ON k.quarter = b.quarter AND k.company_id = b.company_id
GROUP BY b.quarter

-- Year to date. Distinct companies with a partnerskabsaftale contact dated from 1 January of
-- the quarter's year to the quarter's last day (by date, not by week; the quarter's year is
-- the ISO year of T, whose Thursday lies in the quarter). Every quarter gets a row.
WITH quarters AS (
  SELECT quarter, iso_year AS year
  FROM calendar
  WHERE last_of_quarter AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
)
SELECT
  q.quarter AS quarter,
  COUNT(DISTINCT c.company_id) AS numerator
FROM quarters q
LEFT JOIN company_contacts c
  ON c.contact_type = 'partnerskabsaftale'
  AND c.contact_year = q.year
  AND c.contact_quarter <= q.quarter
GROUP BY q.quarter

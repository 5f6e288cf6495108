-- Year to date. Companies whose earliest contact_date in the whole extract lies from
-- 1 January of the quarter's year to the quarter's last day. Contacts are by date: the
-- calendar quarter of the date itself (31 December is Q4 of its own year). The quarter's
-- year is the ISO year of T, whose Thursday lies in the quarter. Every quarter gets a row.
WITH quarters AS (
  SELECT quarter, iso_year AS year
  FROM calendar
  WHERE last_of_quarter AND quarter BETWEEN {{from_quarter}} AND {{to_quarter}}
),
first_contacts AS (
  SELECT company_id, MIN(contact_year) AS first_year, MIN(contact_quarter) AS first_quarter
  FROM company_contacts
  GROUP BY company_id
)
SELECT
  q.quarter AS quarter,
  COUNT(f.company_id) AS numerator
FROM quarters q
LEFT JOIN first_contacts f ON f.first_year = q.year AND f.first_quarter <= q.quarter
GROUP BY q.quarter

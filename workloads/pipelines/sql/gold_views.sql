-- Gold views over the pipeline's gold tables, run by the full-run job on the SQL warehouse.
-- The job passes the catalog and the gold schema as named parameters (:catalog, :gold_schema),
-- so the views land in the same catalog.schema as the tables on every stack. SET CATALOG is
-- Databricks' synonym of USE CATALOG that open-source Spark SQL also parses, so the local
-- workload tests run this file unchanged.

SET CATALOG IDENTIFIER(:catalog);
USE SCHEMA IDENTIFIER(:gold_schema);

-- Daily KPIs across all merchants: what the executive dashboard reads.
CREATE OR REPLACE VIEW v_executive_kpis
COMMENT 'Daily transactions, approval rate and approved amount across all merchants'
AS
SELECT
  event_date,
  SUM(transactions) AS transactions,
  SUM(approved) AS approved,
  ROUND(SUM(approved) / NULLIF(SUM(transactions), 0), 4) AS approval_rate,
  SUM(approved_amount) AS approved_amount,
  COUNT(DISTINCT merchant_id) AS active_merchants
FROM payments_daily_summary
GROUP BY event_date;

-- Merchants whose approval rate is below the overall rate, worst first.
CREATE OR REPLACE VIEW v_merchants_below_average
COMMENT 'Merchants approving less than the overall approval rate'
AS
WITH overall AS (
  SELECT SUM(approval_rate * transactions) / NULLIF(SUM(transactions), 0) AS rate
  FROM merchant_approval_rates
)
SELECT m.merchant_id, m.transactions, ROUND(m.approval_rate, 4) AS approval_rate, ROUND(o.rate, 4) AS overall_rate
FROM merchant_approval_rates m CROSS JOIN overall o
WHERE m.approval_rate < o.rate
ORDER BY m.approval_rate ASC, m.transactions DESC;

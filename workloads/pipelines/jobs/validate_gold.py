"""Full-run job, last step: smoke tests over what the run produced, the KardiaFlow runbook's
validation stage. Fails the run (and so notifies) when a check fails.

Checks: every medallion table and gold view exists and can be read; silver holds no row that
breaks the dropping expectations and no event_id twice; gold is not empty whenever silver is
not; the daily summary adds up to the silver row count.
"""
import argparse
import sys

from pyspark.sql import SparkSession

TABLES = {
    "bronze": ["payment_events_raw"],
    "silver": ["payment_events", "payment_events_quarantine"],
    "gold": ["payments_daily_summary", "merchant_approval_rates", "v_executive_kpis", "v_merchants_below_average"],
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--bronze-schema", required=True)
    parser.add_argument("--silver-schema", required=True)
    parser.add_argument("--gold-schema", required=True)
    parser.add_argument("--mode", choices=("batch", "stream"), default="batch")
    return parser.parse_args(argv)


def quote(*parts):
    return ".".join("`" + part.replace("`", "``") + "`" for part in parts)


def main(argv):
    args = parse_args(argv)
    spark = SparkSession.builder.getOrCreate()
    schemas = {"bronze": args.bronze_schema, "silver": args.silver_schema, "gold": args.gold_schema}
    failures = []
    counts = {}
    for layer, names in TABLES.items():
        for name in names:
            fq = quote(args.catalog, schemas[layer], name)
            try:
                counts[name] = spark.table(fq).count()
                print(f"{layer}: {fq} has {counts[name]} row(s)")
            except Exception as err:  # a missing table or view is a failed check, not a crash
                failures.append(f"{fq} cannot be read: {err}")

    silver = quote(args.catalog, args.silver_schema, "payment_events")
    if "payment_events" in counts:
        # Each comparison is guarded: a NULL amount or status is a broken row, not an unknown one.
        bad = spark.sql(
            f"SELECT COUNT(*) AS n FROM {silver} WHERE event_id IS NULL OR event_time IS NULL "
            "OR amount IS NULL OR amount <= 0 OR status IS NULL OR status NOT IN ('APPROVED', 'DECLINED', 'REFUNDED')"
        ).first()["n"]
        if bad:
            failures.append(f"{silver} has {bad} row(s) that break the dropping expectations")
        duplicated = spark.sql(
            f"SELECT COUNT(*) AS n FROM (SELECT event_id FROM {silver} GROUP BY event_id HAVING COUNT(*) > 1)"
        ).first()["n"]
        if duplicated:
            failures.append(f"{silver} holds {duplicated} event_id(s) more than once")
        if counts["payment_events"] > 0 and counts.get("payments_daily_summary", 0) == 0:
            failures.append("silver has rows but the gold daily summary is empty")
        if "payments_daily_summary" in counts:
            summary = quote(args.catalog, args.gold_schema, "payments_daily_summary")
            total = spark.sql(f"SELECT COALESCE(SUM(transactions), 0) AS n FROM {summary}").first()["n"]
            if args.mode == "batch" and total != counts["payment_events"]:
                failures.append(f"gold counts {total} transactions, silver holds {counts['payment_events']}")

    if failures:
        for failure in failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print("all smoke checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

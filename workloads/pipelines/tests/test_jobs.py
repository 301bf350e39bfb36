"""The full-run job's tasks (workloads/pipelines/jobs/*.py, sql/gold_views.sql) against the local
Spark: run as the job runs them, with the dev stack's deployed parameters mapped locally."""
import json
import os
from decimal import Decimal

import pytest
from conftest import TABLES, must, read
from pyspark.sql import functions as F

from localspark.deployed import GOLD_VIEWS_SQL, LocalStack
from localspark.run import run_pipeline, run_sql_file, run_task


@pytest.fixture(scope="session")
def gold_views(medallion, spark):
    """The job's gold-views task on the medallion scenario, in a session of its own as the
    SQL task has (the file sets the current catalog and schema)."""
    stack = medallion.stack
    run_sql_file(spark.newSession(), GOLD_VIEWS_SQL, stack.sql_params("gold_views"))
    return stack


def test_gold_views_sql_runs_in_spark_sql_over_the_gold_tables(gold_views, spark, medallion):
    stack = gold_views
    views = {r.viewName for r in spark.sql(f"SHOW VIEWS IN {stack.catalog}.{stack.schemas['gold']}").collect()}
    assert views == {"v_executive_kpis", "v_merchants_below_average"}
    kpis = {r["event_date"]: r for r in read(spark, stack.table("gold", "v_executive_kpis"))}
    want = medallion.expected.executive_kpis()
    assert set(kpis) == set(want)
    for day, w in want.items():
        got = kpis[day]
        assert (got["transactions"], got["approved"], got["approved_amount"], got["active_merchants"]) == (
            w["transactions"],
            w["approved"],
            w["approved_amount"],
            w["active_merchants"],
        )
        assert float(got["approval_rate"]) == pytest.approx(w["approval_rate"], abs=1e-9)


def test_merchants_below_average_view(gold_views, spark, medallion):
    rows = read(spark, gold_views.table("gold", "v_merchants_below_average"))
    merchants, overall = medallion.expected.merchants_below_average()
    assert [r["merchant_id"] for r in rows] == merchants
    assert merchants, "the sample has merchants below the overall rate"
    assert all(r["overall_rate"] == pytest.approx(round(overall, 4), abs=1e-9) for r in rows)


def test_validate_gold_passes_on_what_the_pipeline_built(gold_views, local_spark):
    done = must(run_task("validate_gold.py", gold_views.task_args("validate_gold"), local_spark.env()), "validate_gold")
    assert "all smoke checks passed" in done.output
    for layer, names in TABLES.items():
        for name in names:
            assert f"`{gold_views.schemas[layer]}`.`{name}`" in done.output


def copy_of(medallion, spark, deployed, workdir, prefix):
    """A separate copy of the medallion tables and views under prefixed databases, to break."""
    stack = LocalStack(deployed, workdir, name=prefix.rstrip("_"), prefix=prefix)
    stack.create_schemas(spark)
    for layer, names in TABLES.items():
        for name in names:
            spark.sql(f"CREATE TABLE {stack.table(layer, name)} USING parquet AS SELECT * FROM {medallion.stack.table(layer, name)}")
    run_sql_file(spark.newSession(), GOLD_VIEWS_SQL, stack.sql_params("gold_views"))
    return stack


def break_gold(spark, stack):
    """The daily summary loses its last day: gold no longer adds up to silver."""
    table = stack.table("gold", "payments_daily_summary")
    kept = spark.table(table).where(F.col("event_date") < F.lit("2026-03-04").cast("date")).collect()
    spark.createDataFrame(kept, spark.table(table).schema).write.mode("overwrite").insertInto(table)
    return ["gold counts", "transactions, silver holds"]


def break_silver(spark, stack):
    """Silver gets an event twice and a negative amount: the dropping expectations and
    deduplication did not hold."""
    table = stack.table("silver", "payment_events")
    one = spark.table(table).limit(1).collect()
    negative = one[0].asDict() | {"event_id": "evt-negative", "amount": Decimal("-1.00")}
    spark.createDataFrame(one + [negative], spark.table(table).schema).write.insertInto(table)
    return ["row(s) that break the dropping expectations", "event_id(s) more than once"]


def drop_view(spark, stack):
    spark.sql(f"DROP VIEW {stack.table('gold', 'v_merchants_below_average')}")
    return ["v_merchants_below_average` cannot be read"]


@pytest.mark.parametrize("tamper", [break_gold, break_silver, drop_view], ids=lambda t: t.__name__)
def test_validate_gold_fails_when_a_check_breaks(tamper, gold_views, medallion, spark, deployed, workdir, local_spark):
    stack = copy_of(medallion, spark, deployed, workdir, prefix=f"{tamper.__name__}_")
    messages = tamper(spark, stack)
    done = run_task("validate_gold.py", stack.task_args("validate_gold"), local_spark.env())
    assert done.returncode == 1, done.output[-3000:]
    for message in messages:
        assert message in done.output
    assert "all smoke checks passed" not in done.output


def test_prepare_landing_creates_the_folder_and_seeds_a_sample_once(deployed, workdir):
    stack = LocalStack(deployed, workdir, name="prepare")
    args = stack.task_args("prepare_landing")
    assert "--seed-sample" in args, "the dev stack seeds a sample"
    first = must(run_task("prepare_landing.py", args, env=None), "prepare_landing")
    folder = os.path.join(stack.landing, "payments")
    files = os.listdir(folder)
    assert len(files) == 1 and "seeded" in first.output
    with open(os.path.join(folder, files[0]), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert len(rows) == 14
    second = must(run_task("prepare_landing.py", args, env=None), "prepare_landing again")
    assert os.listdir(folder) == files and "seeded" not in second.output
    assert "payments: 1 file(s)" in second.output


def test_prepare_landing_refuses_a_uri(deployed):
    done = run_task("prepare_landing.py", ["--landing", "dbfs:/Volumes/x/y/z"], env=None)
    assert done.returncode == 2 and "absolute file path" in done.output


def test_stream_updates_needs_a_spec_for_the_spark_runtime():
    done = run_task("stream_updates.py", ["--runtime", "spark"], env=None)
    assert done.returncode == 2 and "--spec is required" in done.output


def test_stream_updates_stops_on_a_failed_update(deployed, workdir, local_spark):
    stack = LocalStack(deployed, workdir, name="failing", prefix="failing_")
    spec = stack.write_spec(**{"lakehouse.runtime": "unknown"})
    args = stack.task_args("stream_updates") + ["--runtime", "spark", "--spec", spec, "--interval-seconds", "0", "--max-rounds", "3"]
    done = run_task("stream_updates.py", args, local_spark.env())
    assert done.returncode == 1
    assert "round 1: update local-1 FAILED" in done.output and "round 2" not in done.output


def test_the_dev_job_end_to_end_on_its_own_seeded_sample(deployed, workdir, local_spark):
    """What a first run of the dev stack's job does: prepare seeds the sample, the pipeline
    runs, the gold views are created, the smoke checks pass; two seeded rows are dropped."""
    spark, env = local_spark.session, local_spark.env()
    stack = LocalStack(deployed, workdir, name="seeded", prefix="seeded_")
    stack.create_schemas(spark)
    must(run_task("prepare_landing.py", stack.task_args("prepare_landing"), env), "prepare_landing")
    must(run_pipeline(stack.write_spec(), env), "the pipeline update")
    run_sql_file(spark.newSession(), GOLD_VIEWS_SQL, stack.sql_params("gold_views"))
    must(run_task("validate_gold.py", stack.task_args("validate_gold"), env), "validate_gold")
    silver = read(spark, stack.table("silver", "payment_events"))
    quarantine = read(spark, stack.table("silver", "payment_events_quarantine"))
    assert len(silver) == 12
    assert sorted(tuple(r["dropped_by"]) for r in quarantine) == [("event_id_present",), ("positive_amount",)]

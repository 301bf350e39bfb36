"""The medallion pipeline (workloads/pipelines/medallion/payments.py, the deployed file) on
open-source Spark Declarative Pipelines, over the sample: what lands where, what is dropped
and why, and whether gold adds up."""
import os
from collections import Counter
from datetime import timezone

import pytest
from conftest import TABLES

from localspark.deployed import LOCAL_CATALOG, LocalStack
from localspark.run import run_pipeline


def utc(value):
    """A collected timestamp (naive, in the process's zone, set to UTC) as an aware datetime."""
    return value.replace(tzinfo=timezone.utc) if value is not None else None


def silver_ids(rows):
    return [row["event_id"] for row in rows]


def test_tables_land_in_the_deployed_schemas_of_the_local_catalog(medallion, spark, deployed):
    stack = medallion.stack
    for layer in TABLES:
        assert stack.schemas[layer] == deployed.setting(f"{layer}_schema"), "the local database is the deployed schema"
    assert stack.catalog == LOCAL_CATALOG
    for layer, names in TABLES.items():
        listed = spark.catalog.listTables(stack.schemas[layer])
        found = {t.name for t in listed if t.tableType != "VIEW" and not t.isTemporary}
        assert found == set(names), f"{layer} schema holds {sorted(found)}"


def test_the_deployed_source_file_is_the_one_that_ran(medallion):
    first = medallion.updates[0]
    assert "medallion/payments.py" in first.output
    assert "Run is COMPLETED" in first.output


def test_bronze_keeps_every_landed_line_with_its_file(medallion):
    bronze = [medallion.after[i][("bronze", "payment_events_raw")] for i in (0, 1)]
    assert len(bronze[0]) == len(medallion.sample.lines(0))
    assert len(bronze[1]) == len(medallion.sample.lines(0)) + len(medallion.sample.lines(1)), "the second update appends only the new file"
    files = Counter(os.path.basename(row["_source_file"]) for row in bronze[1])
    assert files == Counter({name: len(lines) for batch in medallion.sample.batches for name, lines in batch.items()})
    malformed = {line.text for line in medallion.sample.lines(0) if line.case == "malformed"}
    rescued = {row["_rescued_data"] for row in bronze[0] if row["event_id"] is None and row["_rescued_data"]}
    assert malformed <= rescued, "a malformed line is kept whole in _rescued_data"


def test_quarantine_records_each_broken_row_with_the_expectations_it_broke(medallion):
    rows = medallion.after[1][("silver", "payment_events_quarantine")]
    got = Counter((r["event_id"], tuple(r["dropped_by"]), tuple(r["warned_by"]), r["dropped"]) for r in rows)
    want = Counter((q["event_id"], tuple(q["dropped_by"]), tuple(q["warned_by"]), bool(q["dropped_by"])) for q in medallion.expected.quarantine)
    assert got == want


def test_rows_dropped_per_expectation(medallion):
    rows = medallion.after[1][("silver", "payment_events_quarantine")]
    dropped = Counter(name for r in rows for name in r["dropped_by"])
    warned = Counter(name for r in rows for name in r["warned_by"])
    want_dropped = Counter(name for q in medallion.expected.quarantine for name in q["dropped_by"])
    want_warned = Counter(name for q in medallion.expected.quarantine for name in q["warned_by"])
    assert dropped == want_dropped
    assert warned == want_warned
    # Every case the expectations exist for shows up, for the reason it was planted.
    for case, reason in [
        ("malformed", "event_id_present"),
        ("amount not a number", "positive_amount"),
        ("missing event_id", "event_id_present"),
        ("blank event_id", "event_id_present"),
        ("unparseable event_time", "event_time_parsed"),
        ("unknown status", "known_status"),
        ("missing status", "known_status"),
        ("negative amount", "positive_amount"),
        ("zero amount", "positive_amount"),
    ]:
        planted = [q for q in medallion.expected.quarantine if q["case"] == case]
        assert planted and all(reason in q["dropped_by"] for q in planted), case
    assert dropped["positive_amount"] >= 5 and dropped["known_status"] >= 5


def test_silver_holds_exactly_the_valid_events_once(medallion):
    for update, expected in enumerate(medallion.expected.after):
        silver = medallion.after[update][("silver", "payment_events")]
        ids = silver_ids(silver)
        assert len(ids) == len(set(ids)), f"update {update + 1}: silver holds an event_id twice"
        assert sorted(ids) == sorted(r["event_id"] for r in expected), f"update {update + 1}"
        by_id = {r["event_id"]: r for r in silver}
        for want in expected:
            got = by_id[want["event_id"]]
            assert (utc(got["event_time"]), got["amount"], got["status"], got["currency"], got["merchant_id"]) == (
                want["event_time"],
                want["amount"],
                want["status"],
                want["currency"],
                want["merchant_id"],
            )


def test_warned_rows_stay_in_silver(medallion):
    silver = {r["event_id"] for r in medallion.after[1][("silver", "payment_events")]}
    warned_only = [q for q in medallion.expected.quarantine if q["warned_by"] and not q["dropped_by"]]
    assert warned_only and all(q["event_id"] in silver for q in warned_only)


def test_redeliveries_and_late_events_after_the_second_update(medallion):
    silver = set(silver_ids(medallion.after[1][("silver", "payment_events")]))
    quarantined = {r["event_id"] for r in medallion.after[1][("silver", "payment_events_quarantine")]}
    tolerated = [r for r in medallion.expected.after[1] if r["case"] == "late, within the tolerated lateness"]
    too_late = [r for r in medallion.expected.late if r["case"] == "later than the tolerated lateness"]
    assert len(tolerated) == 3 and all(r["event_id"] in silver for r in tolerated)
    assert len(too_late) == 3 and not any(r["event_id"] in silver or r["event_id"] in quarantined for r in too_late)
    # The invalid event dated weeks ahead never reached the watermark, or batch 2 would all be late.
    assert all(r["event_id"] in silver for r in medallion.expected.after[1] if r["case"] == "valid")
    silver_rows = medallion.after[1][("silver", "payment_events")]
    assert len(silver_rows) == len(medallion.expected.after[1])


def test_gold_daily_summary_equals_an_independent_computation(medallion):
    rows = medallion.after[1][("gold", "payments_daily_summary")]
    got = {
        (r["event_date"], r["merchant_id"], r["currency"]): {
            "transactions": r["transactions"],
            "approved": r["approved"],
            "approved_amount": r["approved_amount"],
            "approval_rate": r["approval_rate"],
        }
        for r in rows
    }
    want = medallion.expected.daily_summary()
    assert len(rows) == len(got) == len(want)
    assert {k: {**v, "approval_rate": pytest.approx(v["approval_rate"], abs=1e-9)} for k, v in want.items()} == got
    assert sum(r["transactions"] for r in rows) == len(medallion.after[1][("silver", "payment_events")])


def test_gold_merchant_rates_equal_an_independent_computation(medallion):
    rows = medallion.after[1][("gold", "merchant_approval_rates")]
    got = {r["merchant_id"]: {**r, "last_event_time": utc(r["last_event_time"])} for r in rows}
    want = medallion.expected.merchant_rates()
    assert set(got) == set(want)
    for merchant, w in want.items():
        g = got[merchant]
        assert g["transactions"] == w["transactions"]
        assert g["approval_rate"] == pytest.approx(w["approval_rate"], abs=1e-12)
        assert g["card_countries"] == w["card_countries"]
        assert g["last_event_time"] == w["last_event_time"]


def test_gold_after_the_first_update_counted_batch_one_only(medallion):
    rows = medallion.after[0][("gold", "payments_daily_summary")]
    assert sum(r["transactions"] for r in rows) == len(medallion.expected.after[0])


def test_an_unknown_runtime_is_refused_by_name(deployed, local_spark, workdir):
    stack = LocalStack(deployed, workdir, name="bad-runtime", prefix="bad_runtime_")
    stack.create_schemas(local_spark.session)
    os.makedirs(os.path.join(stack.landing, "payments"), exist_ok=True)
    done = run_pipeline(stack.write_spec(**{"lakehouse.runtime": "dbx"}), local_spark.env())
    assert not done.ok
    assert "lakehouse.runtime is 'dbx'; allowed: databricks, spark" in done.output


def test_the_component_default_is_databricks(deployed):
    assert deployed.setting("runtime") == "databricks"

"""Fixtures: one local Spark for the session, the deployed configuration, and the medallion
scenario (two pipeline updates over the sample), shared by the pipeline and job tests."""
import os
import sys
import time
from dataclasses import dataclass

import pytest

# Collected timestamps become naive datetimes in the process's time zone: make that UTC, the
# pipeline's session time zone, before Spark starts.
os.environ["TZ"] = "UTC"
time.tzset()
sys.path.insert(0, os.path.dirname(__file__))

from expected import Expected  # noqa: E402
from sample import Sample  # noqa: E402

from localspark.deployed import Deployed, LocalStack, load_plan  # noqa: E402
from localspark.run import run_pipeline, run_task  # noqa: E402
from localspark.server import LocalSpark  # noqa: E402

TABLES = {
    "bronze": ("payment_events_raw",),
    "silver": ("payment_events", "payment_events_quarantine"),
    "gold": ("payments_daily_summary", "merchant_approval_rates"),
}


@pytest.fixture(scope="session")
def deployed():
    return Deployed.from_plan(load_plan("dev"))


@pytest.fixture(scope="session")
def workdir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("workloads"))


@pytest.fixture(scope="session")
def local_spark(workdir):
    server = LocalSpark(workdir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def spark(local_spark):
    return local_spark.session


def read(spark, table):
    """A table's rows as dicts. Refreshed first: the pipeline rewrote it from another session,
    and this session would otherwise list the files it saw last time."""
    spark.catalog.refreshTable(table)
    return [row.asDict() for row in spark.table(table).collect()]


def snapshot(spark, stack):
    """Every table's rows, collected: later updates change the tables, not what a test saw."""
    return {(layer, name): read(spark, stack.table(layer, name)) for layer, names in TABLES.items() for name in names}


def must(finished, what):
    if not finished.ok:
        pytest.fail(f"{what} failed (exit {finished.returncode}):\n{finished.output[-6000:]}", pytrace=False)
    return finished


@dataclass
class Scenario:
    stack: LocalStack
    sample: Sample
    expected: Expected
    prepare: object
    updates: list  # Finished of update 1 (pipeline CLI) and update 2 (stream_updates task)
    after: list  # snapshot after each update


@pytest.fixture(scope="session")
def medallion(deployed, local_spark, workdir):
    """The dev stack's pipeline and tasks over the sample: the job's prepare step, a first
    pipeline update (batch 1), then batch 2 arrives and the stream task runs one more update."""
    spark, env = local_spark.session, local_spark.env()
    stack = LocalStack(deployed, workdir, name="medallion")
    stack.create_schemas(spark)
    sample = Sample()
    expected = Expected([sample.lines(0), sample.lines(1)])
    dataset = os.path.join(stack.landing, "payments")
    sample.write(0, dataset)
    prepare = must(run_task("prepare_landing.py", stack.task_args("prepare_landing"), env), "prepare_landing")
    spec = stack.write_spec()
    first = must(run_pipeline(spec, env), "the first pipeline update")
    after = [snapshot(spark, stack)]
    sample.write(1, dataset)
    stream_args = stack.task_args("stream_updates") + ["--runtime", "spark", "--spec", spec, "--interval-seconds", "0", "--max-rounds", "1"]
    second = must(run_task("stream_updates.py", stream_args, env), "stream_updates")
    after.append(snapshot(spark, stack))
    return Scenario(stack, sample, expected, prepare, [first, second], after)

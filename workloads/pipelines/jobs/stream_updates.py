"""Full-run job, stream mode: keep the (triggered) pipeline processing new files in micro-batches
for a bounded window, the Lakeflow equivalent of the KardiaFlow runbook's `mode=stream`
("30 s micro-batches, long-running").

Each round starts a pipeline update, waits for it to finish, then sleeps for the interval. The
run fails as soon as one update fails, so the job's failure notifications fire. Runs as the
pipeline service principal, which owns the pipeline.

`--runtime spark` runs the same loop against an open-source Spark Declarative Pipeline instead
(one `spark-pipelines run` of the given spec per round, on the Spark Connect server named by
SPARK_REMOTE): that is how the local workload tests exercise this task.
"""
import argparse
import subprocess
import sys
import time

TERMINAL = {"COMPLETED", "FAILED", "CANCELED"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipeline-id", help="the Databricks pipeline to update (runtime databricks)")
    parser.add_argument("--runtime", choices=("databricks", "spark"), default="databricks")
    parser.add_argument("--spec", help="the spark-pipeline.yml to run (runtime spark)")
    parser.add_argument("--interval-seconds", type=int, default=30)
    parser.add_argument("--duration-minutes", type=int, default=60)
    parser.add_argument("--poll-seconds", type=int, default=10)
    parser.add_argument("--max-rounds", type=int, default=0, help="stop after this many updates (0: only the window bounds the run)")
    return parser.parse_args(argv)


def databricks_updates(pipeline_id, poll_seconds):
    """Returns run(): starts one incremental update of a Databricks pipeline, waits, returns (id, state)."""
    # Imported here so the open-source runtime does not need the Databricks SDK.
    from databricks.sdk import WorkspaceClient

    client = WorkspaceClient()

    def run():
        update_id = client.pipelines.start_update(pipeline_id=pipeline_id, full_refresh=False).update_id
        while True:
            update = client.pipelines.get_update(pipeline_id=pipeline_id, update_id=update_id).update
            state = update.state.value if update and update.state else "UNKNOWN"
            if state in TERMINAL:
                return update_id, state
            time.sleep(poll_seconds)

    return run


def spark_updates(spec):
    """Returns run(): one incremental update of an open-source pipeline, as `spark-pipelines run`.

    The CLI's Python entry point rather than the `spark-pipelines` launcher: the launcher starts
    a Spark Connect server of its own, the entry point uses the one SPARK_REMOTE names, where
    the tables of earlier updates live.
    """
    rounds = 0

    def run():
        nonlocal rounds
        rounds += 1
        done = subprocess.run([sys.executable, "-m", "pyspark.pipelines.cli", "run", "--spec", spec], check=False)
        return f"local-{rounds}", "COMPLETED" if done.returncode == 0 else "FAILED"

    return run


def main(argv):
    args = parse_args(argv)
    if args.interval_seconds < 0 or args.duration_minutes <= 0 or args.max_rounds < 0:
        print("--interval-seconds must be >= 0, --duration-minutes > 0 and --max-rounds >= 0", file=sys.stderr)
        return 2
    if args.runtime == "databricks" and not args.pipeline_id:
        print("--pipeline-id is required with --runtime databricks", file=sys.stderr)
        return 2
    if args.runtime == "spark" and not args.spec:
        print("--spec is required with --runtime spark", file=sys.stderr)
        return 2
    run_update = databricks_updates(args.pipeline_id, args.poll_seconds) if args.runtime == "databricks" else spark_updates(args.spec)
    deadline = time.monotonic() + args.duration_minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        update_id, state = run_update()
        rounds += 1
        print(f"round {rounds}: update {update_id} {state}", flush=True)
        if state != "COMPLETED":
            print(f"pipeline update {update_id} ended {state}; stopping the stream", file=sys.stderr)
            return 1
        if args.max_rounds and rounds >= args.max_rounds:
            break
        time.sleep(args.interval_seconds)
    print(f"stream window over after {rounds} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

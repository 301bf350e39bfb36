"""Full-run job, stream mode: keep the (triggered) pipeline processing new files in micro-batches
for a bounded window, the Lakeflow equivalent of the KardiaFlow runbook's `mode=stream`
("30 s micro-batches, long-running").

Each round starts a pipeline update, waits for it to finish, then sleeps for the interval. The
run fails as soon as one update fails, so the job's failure notifications fire. Runs as the
pipeline service principal, which owns the pipeline.
"""
import argparse
import sys
import time

from databricks.sdk import WorkspaceClient

TERMINAL = {"COMPLETED", "FAILED", "CANCELED"}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipeline-id", required=True)
    parser.add_argument("--interval-seconds", type=int, default=30)
    parser.add_argument("--duration-minutes", type=int, default=60)
    parser.add_argument("--poll-seconds", type=int, default=10)
    return parser.parse_args(argv)


def run_update(client, pipeline_id, poll_seconds):
    """Starts one incremental update and waits for it; returns its final state."""
    update_id = client.pipelines.start_update(pipeline_id=pipeline_id, full_refresh=False).update_id
    while True:
        update = client.pipelines.get_update(pipeline_id=pipeline_id, update_id=update_id).update
        state = update.state.value if update and update.state else "UNKNOWN"
        if state in TERMINAL:
            return update_id, state
        time.sleep(poll_seconds)


def main(argv):
    args = parse_args(argv)
    if args.interval_seconds < 0 or args.duration_minutes <= 0:
        print("--interval-seconds must be >= 0 and --duration-minutes > 0", file=sys.stderr)
        return 2
    client = WorkspaceClient()
    deadline = time.monotonic() + args.duration_minutes * 60
    rounds = 0
    while time.monotonic() < deadline:
        update_id, state = run_update(client, args.pipeline_id, args.poll_seconds)
        rounds += 1
        print(f"round {rounds}: update {update_id} {state}")
        if state != "COMPLETED":
            print(f"pipeline update {update_id} ended {state}; stopping the stream", file=sys.stderr)
            return 1
        time.sleep(args.interval_seconds)
    print(f"stream window over after {rounds} update(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Throughput of the medallion pipeline on the local Spark (npm run test:workloads -- --bench).

For each sample size: one pipeline update over a fresh landing folder holding the first batch
of the generated sample (the test sample's mix of valid and broken events, scaled), then a
second update with nothing new, which measures the fixed cost of an update (start-up, graph
registration, flow planning). Prints rows/s through the update (bronze rows / wall time) and
net of that fixed cost. Wall times include the pipeline CLI's own Python start-up, as a
job's update would.
"""
import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("TZ", "UTC")
time.tzset()
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from sample import Sample  # noqa: E402

from .deployed import Deployed, LocalStack, load_plan  # noqa: E402
from .run import run_pipeline  # noqa: E402
from .server import LocalSpark  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, action="append", help="valid events in the sample (repeatable; default 240 and 100000)")
    parser.add_argument("--json", action="store_true", help="print one JSON document only")
    args = parser.parse_args(argv)
    sizes = args.events or [240, 100000]
    deployed = Deployed.from_plan(load_plan("dev"))
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-workloads-") as root:
        started = time.monotonic()
        server = LocalSpark(root)
        start_seconds = time.monotonic() - started
        env = server.env()
        for n in sizes:
            stack = LocalStack(deployed, root, name=f"bench-{n}", prefix=f"bench_{n}_")
            stack.create_schemas(server.session)
            sample = Sample(valid_events=n)
            sample.write(0, os.path.join(stack.landing, "payments"))
            spec = stack.write_spec()
            first = run_pipeline(spec, env)
            idle = run_pipeline(spec, env)
            if not (first.ok and idle.ok):
                print((first if not first.ok else idle).output[-4000:], file=sys.stderr)
                return 1
            rows = server.session.table(stack.table("bronze", "payment_events_raw")).count()
            silver = server.session.table(stack.table("silver", "payment_events")).count()
            net = first.seconds - idle.seconds
            results.append(
                {
                    "events": n,
                    "bronze_rows": rows,
                    "silver_rows": silver,
                    "update_seconds": round(first.seconds, 2),
                    "idle_update_seconds": round(idle.seconds, 2),
                    "rows_per_second": round(rows / first.seconds, 1),
                    "rows_per_second_net_of_update_overhead": round(rows / net, 1) if net > 0 else None,
                }
            )
        server.stop()
    report = {"spark_start_seconds": round(start_seconds, 2), "cores": os.cpu_count(), "runs": results}
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"local Spark started in {report['spark_start_seconds']} s ({report['cores']} cores)")
    for r in results:
        net = r["rows_per_second_net_of_update_overhead"]
        print(
            f"{r['bronze_rows']:>8} landed rows -> {r['silver_rows']:>8} silver rows: update {r['update_seconds']:>6} s "
            f"({r['rows_per_second']:>9} rows/s); an update with nothing new {r['idle_update_seconds']} s "
            f"({net} rows/s net of it)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

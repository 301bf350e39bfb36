"""Full-run job, step 1: make sure the landing folders exist (Auto Loader needs its input path),
seed a small sample batch on development stacks, and report what is waiting to be ingested.

The KardiaFlow runbook did this by hand with a bootstrap notebook. Landing paths are Unity
Catalog volume paths (/Volumes/<catalog>/<schema>/<volume>), mounted on job and serverless
compute, so plain file APIs work. Any absolute file path works the same way, which is how the
local workload tests run this step; a URI (dbfs:/, abfss://) does not, and is refused.
"""
import argparse
import json
import os
import sys
from datetime import datetime, timedelta, timezone

DATASETS = ("payments",)


def sample_events(now):
    """A deterministic batch that exercises every expectation (two rows are meant to be dropped)."""
    rows = []
    merchants = ["m-001", "m-002", "m-003"]
    for i in range(12):
        rows.append(
            {
                "event_id": f"sample-{i:04d}",
                "event_time": (now - timedelta(minutes=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "merchant_id": merchants[i % len(merchants)],
                "amount": round(10 + 7.5 * i, 2),
                "currency": "EUR" if i % 2 else "USD",
                "status": "DECLINED" if i % 4 == 3 else "APPROVED",
                "card_country": ["NL", "DE", "US"][i % 3],
            }
        )
    rows.append({**rows[0], "event_id": None})  # dropped: event_id_present
    rows.append({**rows[1], "event_id": "sample-bad-amount", "amount": -1})  # dropped: positive_amount
    return rows


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--landing", required=True, help="landing folder: the volume path /Volumes/<catalog>/<schema>/<volume> on Databricks"
    )
    parser.add_argument("--mode", choices=("batch", "stream"), default="batch")
    parser.add_argument("--seed-sample", action="store_true", help="write a sample batch when a dataset folder is empty")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if not os.path.isabs(args.landing):
        print(
            f"--landing must be an absolute file path (a Unity Catalog volume path /Volumes/...), got {args.landing}",
            file=sys.stderr,
        )
        return 2
    now = datetime.now(timezone.utc)
    for dataset in DATASETS:
        folder = os.path.join(args.landing, dataset)
        os.makedirs(folder, exist_ok=True)
        waiting = [name for name in os.listdir(folder) if not name.startswith((".", "_"))]
        if not waiting and args.seed_sample:
            target = os.path.join(folder, f"sample-{now.strftime('%Y%m%dT%H%M%S')}.json")
            with open(target, "w", encoding="utf-8") as out:
                for row in sample_events(now):
                    out.write(json.dumps(row) + "\n")
            waiting.append(os.path.basename(target))
            print(f"{dataset}: seeded {target}")
        print(f"{dataset}: {len(waiting)} file(s) in {folder} (mode={args.mode})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

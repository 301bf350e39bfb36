#!/usr/bin/env bash
# npm run test:workloads: the workload code (workloads/pipelines) on a local, open-source Spark.
#
#   npm run test:workloads                      the pytest suite; ends with "N passed, N failed"
#   npm run test:workloads -- -k quarantine     extra arguments go to pytest
#   npm run test:workloads -- --bench [--events N ...] [--json]   pipeline throughput instead
#
# Installs its own prerequisites, idempotently: a Python venv under .cache/workloads/ with the
# packages pinned in workloads/pipelines/requirements-local.txt (PySpark with its Spark
# distribution), rebuilt only when that file or the Python version changes. Needs python3 (3.11+)
# and a JDK 17+ (`java` on PATH or JAVA_HOME); the dev stack's deployed configuration comes from
# the offline plan, so `npm ci` must have run.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache="$root/.cache/workloads"
requirements=workloads/pipelines/requirements-local.txt
python=${PYTHON:-python3}

fail() {
    echo "test:workloads: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

command -v "$python" >/dev/null || fail "$python not found (Python 3.11+ is needed)"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=$(command -v java) || fail "java not found: Spark needs a JDK 17+ on PATH or in JAVA_HOME"; fi
java_major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
[ "${java_major:-0}" -ge 17 ] || fail "Spark 4 needs Java 17+, found ${java_major:-none} at $java"

mkdir -p "$cache"
key=$( (cat "$requirements"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
venv="$cache/venv-$key"
if [ ! -f "$venv/.installed" ]; then
    echo "test:workloads: installing the local Spark into $venv (once per requirements change)" >&2
    rm -rf "$cache"/venv-*
    "$python" -m venv "$venv" || fail "could not create a venv with $python"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2 ||
        fail "pip install -r $requirements failed"
    touch "$venv/.installed"
fi

plan="$cache/plan-dev.json"
node -r ./tools/register.js tools/plan.ts --stack dev --json >"$plan" 2>"$cache/plan-dev.err" ||
    { cat "$cache/plan-dev.err" >&2; fail "the offline plan of the dev stack failed (npm ci first?)"; }
export LAKEHOUSE_PLAN_JSON="$plan" TZ=UTC PYTHONDONTWRITEBYTECODE=1

cd workloads/pipelines
if [ "${1:-}" = "--bench" ]; then
    shift
    exec "$venv/bin/python" -m localspark.bench "$@"
fi

report="$cache/junit.xml"
rm -f "$report"
"$venv/bin/python" -m pytest -p no:cacheprovider --junitxml="$report" "$@"
rc=$?
counts=$("$venv/bin/python" - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    suites = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 1")
    sys.exit()
suites = [suites] if suites.tag == "testsuite" else list(suites)
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(total - failed - skipped, failed)
PY
)
passed=${counts% *}
failed=${counts#* }
# pytest exits 5 when nothing ran: that is a failure here, not a pass.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1 rc=1; fi
echo "${passed} passed, ${failed} failed"
exit "$rc"

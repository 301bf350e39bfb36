"""Running the deployed files: a pipeline update, a job task, the gold views SQL."""
import os
import subprocess
import sys
import time
from dataclasses import dataclass

from .deployed import JOBS_DIR


@dataclass
class Finished:
    """A finished subprocess: exit status, combined output, wall time."""

    returncode: int
    output: str
    seconds: float

    @property
    def ok(self):
        return self.returncode == 0


def _run(argv, env, timeout):
    started = time.monotonic()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, check=False)
    return Finished(done.returncode, done.stdout, time.monotonic() - started)


def run_pipeline(spec_path, env, timeout=300):
    """One update of the pipeline: `spark-pipelines run --spec` through its Python entry point,
    which uses the Spark Connect server named by SPARK_REMOTE (the launcher would start its own)."""
    return _run([sys.executable, "-m", "pyspark.pipelines.cli", "run", "--spec", spec_path], env, timeout)


def run_task(script, args, env, timeout=300):
    """A job task file as a Databricks spark_python_task runs it: `python <file> <parameters>`."""
    return _run([sys.executable, os.path.join(JOBS_DIR, script), *args], env, timeout)


def split_sql(text):
    """The statements of a SQL file: split on `;` outside quotes, `--` comments dropped."""
    statements, current, quote, i = [], [], None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"', "`"):
            quote = ch
            current.append(ch)
        elif text.startswith("--", i):
            i = text.find("\n", i)
            if i < 0:
                break
            continue
        elif ch == ";":
            statements.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    statements.append("".join(current).strip())
    return [s for s in statements if s]


def run_sql_file(spark, path, params):
    """Runs a SQL file's statements in order with named parameters, as the job's SQL task does."""
    with open(path, encoding="utf-8") as f:
        statements = split_sql(f.read())
    for statement in statements:
        # Bind only the markers a statement uses: Spark rejects unused named arguments.
        used = {k: v for k, v in params.items() if f":{k}" in statement}
        spark.sql(statement, args=used)
    return statements

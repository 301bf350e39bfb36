"""What the Pulumi program deploys, read from the offline plan, and its local equivalent.

The tests do not restate the pipeline configuration or the tasks' parameters: they take them
from `npm run plan -- --stack dev --json` (the same program `pulumi up` runs, under mocks), so
a key renamed in the component and not in the code fails here.
"""
import json
import os
import subprocess
from dataclasses import dataclass, field

from .server import LOCAL_CONF

PROJECT_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PIPELINES_DIR = os.path.join(PROJECT_ROOT, "workloads", "pipelines")
PIPELINE_SOURCE = os.path.join(PIPELINES_DIR, "medallion", "payments.py")
JOBS_DIR = os.path.join(PIPELINES_DIR, "jobs")
GOLD_VIEWS_SQL = os.path.join(PIPELINES_DIR, "sql", "gold_views.sql")

# Spark's one built-in catalog: where a Unity Catalog catalog lands locally.
LOCAL_CATALOG = "spark_catalog"
MODE_REF = "{{job.parameters.mode}}"


def load_plan(stack="dev"):
    """The offline plan's JSON: from LAKEHOUSE_PLAN_JSON (npm run test:workloads writes it) or a fresh run."""
    path = os.environ.get("LAKEHOUSE_PLAN_JSON")
    if path:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    out = subprocess.run(
        ["node", "-r", "./tools/register.js", "tools/plan.ts", "--stack", stack, "--json"],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


@dataclass(frozen=True)
class Deployed:
    """The pipeline's `configuration` block and each Python/SQL task's parameters, as deployed."""

    configuration: dict
    task_parameters: dict = field(default_factory=dict)

    @classmethod
    def from_plan(cls, plan):
        pipelines = [r for r in plan["resources"] if r["type"] == "databricks:index/pipeline:Pipeline"]
        jobs = [r for r in plan["resources"] if r["type"] == "databricks:index/job:Job"]
        if len(pipelines) != 1 or len(jobs) != 1:
            raise ValueError(f"the plan should hold one pipeline and one job, found {len(pipelines)} and {len(jobs)}")
        params = {}
        for task in jobs[0]["inputs"]["tasks"]:
            if task.get("sparkPythonTask"):
                params[task["taskKey"]] = list(task["sparkPythonTask"].get("parameters", []))
            elif task.get("sqlTask"):
                params[task["taskKey"]] = dict(task["sqlTask"].get("parameters", {}))
        return cls(configuration=dict(pipelines[0]["inputs"]["configuration"]), task_parameters=params)

    def setting(self, name):
        return self.configuration[f"lakehouse.{name}"]


class LocalStack:
    """The deployed names mapped to one local, isolated set of databases and folders.

    The catalog becomes `spark_catalog`; a schema keeps its name (with `prefix` when a test needs
    a second, separate set of tables); the landing volume becomes a folder under `root`.
    """

    LAYERS = ("bronze", "silver", "gold")

    def __init__(self, deployed, root, name="medallion", prefix=""):
        self.deployed = deployed
        self.root = root
        self.name = name
        self.catalog = LOCAL_CATALOG
        self.schemas = {layer: prefix + deployed.setting(f"{layer}_schema") for layer in self.LAYERS}
        self.landing = os.path.join(root, name, deployed.setting("landing_path").lstrip("/"))
        self.storage = os.path.join(root, name, "pipeline-storage")
        self.spec_path = os.path.join(root, name, "spark-pipeline.yml")
        self._names = {
            deployed.setting("catalog"): self.catalog,
            deployed.setting("landing_path"): self.landing,
            **{deployed.setting(f"{layer}_schema"): self.schemas[layer] for layer in self.LAYERS},
        }

    def table(self, layer, name):
        return f"{self.catalog}.{self.schemas[layer]}.{name}"

    def create_schemas(self, spark):
        """What the Pulumi catalog component does before the pipeline first runs."""
        for schema in self.schemas.values():
            spark.sql(f"CREATE DATABASE IF NOT EXISTS `{schema}`")

    def configuration(self, **overrides):
        """The deployed pipeline configuration with local names, runtime `spark`."""
        conf = {key: self._names.get(value, value) for key, value in self.deployed.configuration.items()}
        conf["lakehouse.runtime"] = "spark"
        conf.update(overrides)
        return conf

    def write_spec(self, **overrides):
        """The open-source pipeline spec: the deployed source file, the mapped configuration.

        The library glob must be relative to the spec's folder, so it climbs to the repository's
        file rather than copying it: the file that runs is the file that is deployed.
        """
        os.makedirs(os.path.dirname(self.spec_path), exist_ok=True)
        spec = {
            "name": self.name,
            "storage": "file://" + self.storage,
            "catalog": self.catalog,
            "database": self.schemas["bronze"],
            # The spec's configuration becomes the pipeline session's: the local SQL settings too.
            "configuration": {**{k: v for k, v in LOCAL_CONF.items() if k.startswith("spark.sql.")}, **self.configuration(**overrides)},
            "libraries": [{"glob": {"include": os.path.relpath(PIPELINE_SOURCE, os.path.dirname(self.spec_path))}}],
        }
        with open(self.spec_path, "w", encoding="utf-8") as f:
            json.dump(spec, f, indent=2)  # JSON is YAML: no YAML writer needed
        return self.spec_path

    def task_args(self, task_key, mode="batch"):
        """A Python task's deployed parameters with local names and the job's `mode` parameter."""
        return [mode if arg == MODE_REF else self._names.get(arg, arg) for arg in self.deployed.task_parameters[task_key]]

    def sql_params(self, task_key):
        return {key: self._names.get(value, value) for key, value in self.deployed.task_parameters[task_key].items()}

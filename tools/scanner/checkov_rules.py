"""Prints, as JSON, the Azure rules of the installed Checkov: what the coverage page enumerates.

Run with the scanner's virtual environment (tools/scanner/checkov.ts does):
  <venv>/bin/python tools/scanner/checkov_rules.py

- arm: every check of the `arm` framework (resource checks, graph checks, parameter checks) with the
  ARM resource types it inspects; these are the checks `npm run scan` runs on the ARM export.
- terraform: the Azure checks of the `terraform` framework (CKV_AZURE_*, CKV2_AZURE_*) with the
  azurerm resource types they inspect; they do not run on the export, the page lists them because
  rule lists (REFERENCE.md, SRA.md) cite them.
"""
import json
import logging
import sys

logging.disable(logging.CRITICAL)


def solver_types(solver):
    """The resource types a graph check reports on: those of its resource-type filter when it has one,
    else those its conditions test (a connection's connected types are only what it looks for)."""
    filtered, tested = set(), set()

    def walk(s):
        if s is None:
            return
        if getattr(s, "attribute", None) == "resource_type" and type(s).__name__.endswith("FilterSolver"):
            value = getattr(s, "value", None)
            filtered.update(t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str))
        else:
            tested.update(getattr(s, "resource_types", None) or [])
        for sub in getattr(s, "solvers", None) or []:
            walk(sub)

    walk(solver)
    return sorted(filtered or tested)


def main():
    from checkov.version import version
    from checkov.arm.registry import arm_resource_registry, arm_parameter_registry
    import checkov.arm.checks  # noqa: F401  registers the ARM checks
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.terraform.checks.resource.registry import resource_registry as tf_registry
    import checkov.terraform.checks.resource.azure  # noqa: F401  registers the Terraform Azure checks

    rules = {}

    def add(framework, kind, check_id, name, types):
        key = (framework, check_id)
        entry = rules.setdefault(key, {"id": check_id, "framework": framework, "kind": kind, "name": name.strip(), "resourceTypes": set()})
        entry["resourceTypes"].update(types)

    for resource_type, checks in arm_resource_registry.checks.items():
        for c in checks:
            add("arm", "resource", c.id, c.name, [resource_type])
    for param_type, checks in arm_parameter_registry.checks.items():
        for c in checks:
            add("arm", "parameter", c.id, c.name, [f"parameter:{param_type}"])
    arm_graph = get_graph_checks_registry("arm")
    arm_graph.load_checks()
    for c in arm_graph.checks:
        add("arm", "graph", c.id, c.name, solver_types(c.solver))

    for resource_type, checks in tf_registry.checks.items():
        for c in checks:
            if c.id.startswith(("CKV_AZURE_", "CKV2_AZURE_")):
                add("terraform", "resource", c.id, c.name, [resource_type])
    tf_graph = get_graph_checks_registry("terraform")
    tf_graph.load_checks()
    for c in tf_graph.checks:
        if c.id.startswith(("CKV_AZURE_", "CKV2_AZURE_")):
            add("terraform", "graph", c.id, c.name, solver_types(c.solver))

    out = sorted(
        ({**r, "resourceTypes": sorted(r["resourceTypes"])} for r in rules.values()),
        key=lambda r: (r["framework"], r["id"]),
    )
    json.dump({"tool": "checkov", "version": version, "rules": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

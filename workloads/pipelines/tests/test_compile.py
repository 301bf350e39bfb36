"""Every Python file the platform deploys compiles, before any of it runs on Spark."""
import pathlib
import py_compile

import pytest

WORKLOADS = pathlib.Path(__file__).resolve().parents[2]


def python_files():
    return sorted(p for p in WORKLOADS.rglob("*.py") if "__pycache__" not in p.parts and "node_modules" not in p.parts)


def test_there_are_workload_files():
    assert len(python_files()) >= 4


@pytest.mark.parametrize("path", python_files(), ids=lambda p: str(p.relative_to(WORKLOADS)))
def test_compiles(path, tmp_path):
    py_compile.compile(str(path), cfile=str(tmp_path / "out.pyc"), doraise=True)


def test_the_check_fails_on_broken_python(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def broken(:\n    pass\n")
    with pytest.raises(py_compile.PyCompileError):
        py_compile.compile(str(bad), cfile=str(tmp_path / "bad.pyc"), doraise=True)

"""Run notebooks for the gates with nbclient, and read the results with nbgrader's own rules."""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade, is_grade, is_solution

ROOT = Path(__file__).resolve().parent.parent


def kernel_env():
    """Kernels see the repository root on sys.path (hidden tests import autograder.reference)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("MPLBACKEND", "Agg")
    return env


from autograder.lessons import grade_id  # noqa: E402,F401  (one definition, re-exported for the tests)

#: The hidden part of an nbgrader test cell (group 1: its source).
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def execute(nb, cwd, timeout=120, stop_after=None, replace=None):
    """Execute ``nb`` (a NotebookNode) in ``cwd`` with errors allowed; return (nb, seconds).

    ``replace`` maps grade_id → new source (a known-wrong answer, say);
    ``stop_after`` drops every cell after the one with that grade_id.
    """
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if replace and grade_id(cell) in replace:
            cell.source = replace[grade_id(cell)]
    if stop_after is not None:
        ids = [grade_id(c) for c in nb.cells]
        nb.cells = nb.cells[: ids.index(stop_after) + 1]
    with tempfile.TemporaryDirectory(prefix="nbrun-") as tmp:
        run_in = Path(cwd)
        if run_in.resolve().is_relative_to(ROOT):
            # a lesson folder of the repository: run in a private copy, so the quiz answers a run saves never
            # land in solutions/ or course/, nor meet another test's answers (make test runs two workers)
            run_in = Path(tmp) / run_in.name
            shutil.copytree(cwd, run_in, ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(run_in)}})
        # nbclient passes the kernel's environment through the kernel manager
        old = dict(os.environ)
        os.environ.clear()
        os.environ.update(kernel_env())
        try:
            t0 = time.perf_counter()
            client.execute()
            seconds = time.perf_counter() - t0
        finally:
            os.environ.clear()
            os.environ.update(old)
    return nb, seconds


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def error_text(cell):
    return "\n".join(f"{o['ename']}: {o['evalue']}" for o in errors(cell))


def grade_results(nb):
    """{grade_id: (points earned, max points)} for every autograded test cell, as nbgrader scores it."""
    out = {}
    for cell in nb.cells:
        if is_grade(cell) and not is_solution(cell):
            out[grade_id(cell)] = determine_grade(cell)
    return out


def load(path):
    return nbformat.read(str(path), as_version=4)

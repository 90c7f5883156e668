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


#: Kernels kept for the test session, one per key (see ``execute(reuse=...)``).
_KERNELS = {}

#: Run in a kept kernel before each notebook: what a fresh kernel would not have (the last notebook's
#: names, figures, working folder). Modules stay imported: the lessons import the same ones.
_RESET = ("import os as _os\n_os.chdir({path!r})\n"     # first: the last folder is gone, and %reset asks for cwd
          "get_ipython().run_line_magic('reset', '-f')\n"
          "import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt")


def _kept_kernel(key):
    """(manager, client) of the kernel kept under ``key``, started (or restarted, if it died) in the kernels'
    environment. The client is kept too: a new one per notebook waits for the kernel's handshake, 0.2 s each,
    which was half of a wrong-bank case's time."""
    from jupyter_client.manager import KernelManager
    km, kc = _KERNELS.get(key, (None, None))
    if km is not None and km.is_alive():
        return km, kc
    if kc is not None:
        kc.stop_channels()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=kernel_env())
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    kc.allow_stdin = False
    _KERNELS[key] = (km, kc)
    return km, kc


def _stop_kept_kernels():
    for km, kc in _KERNELS.values():
        try:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        except Exception:
            pass


import atexit  # noqa: E402

atexit.register(_stop_kept_kernels)


def execute(nb, cwd, timeout=120, stop_after=None, replace=None, reuse=None):
    """Execute ``nb`` (a NotebookNode) in ``cwd`` with errors allowed; return (nb, seconds).

    ``replace`` maps grade_id → new source (a known-wrong answer, say);
    ``stop_after`` drops every cell after the one with that grade_id;
    ``reuse``: a key: run in a kernel kept for the session under that key, reset first (its names,
    figures and working folder), instead of starting a kernel for this notebook alone. For tests that
    run the same lesson many times and ask only whether its tests fail (the wrong bank).
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
        if reuse is not None:
            km, kc = _kept_kernel(reuse)
            # the reset runs as the notebook's first cell, and the kept client is handed over (NotebookClient
            # takes no client argument: its __init__ sets kc to None, and execute() starts one only then)
            nb.cells.insert(0, nbformat.v4.new_code_cell(_RESET.format(path=str(run_in))))
            client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                    resources={"metadata": {"path": str(run_in)}})
            client.kc = kc
            t0 = time.perf_counter()
            client.execute()
            reset_run = nb.cells.pop(0)
            if errors(reset_run):   # a kernel that could not be reset would carry one case's names into the next
                raise RuntimeError(f"resetting the kept kernel failed: {error_text(reset_run)}")
            return nb, time.perf_counter() - t0
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

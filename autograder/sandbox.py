"""Step 3: run one notebook in its own guarded kernel, within limits.

Execution is nbgrader's own ``Execute`` preprocessor (an nbclient
``NotebookClient``), driven cell by cell so the grader can stop at the first
cell that breaks a limit:

- ``--timeout`` seconds per cell: the kernel is interrupted → ``timeout``;
- ``--memory`` MB per kernel (``RLIMIT_AS`` set inside the kernel by
  :mod:`autograder.guard`): allocation fails with MemoryError → ``memory``;
- the kernel process dies (``os._exit``, a segfault, the OOM killer) → ``kernel-died``;
- more than ``output_limit`` bytes of printed text (counted in the kernel, and
  again here as a backstop for images and other displays) → ``output-limit``.

When one of these happens, the cells before keep their results (so the
submission keeps the credit it earned) and every later test cell is recorded
as not run. The kernel is launched as ``python -m autograder.guard`` with the
repository root on PYTHONPATH (hidden tests import ``autograder.reference``),
one thread per BLAS library (kernels run side by side), and matplotlib's Agg
backend.
"""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from autograder.guard import MARK, MARK_TEST
from autograder.limits import DEFAULT

ROOT = Path(__file__).resolve().parent.parent


def kernel_env(root=ROOT):
    """The environment of a grading kernel (see the module docstring)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["MPLBACKEND"] = "Agg"
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    env["MALLOC_ARENA_MAX"] = "2"          # keeps the address space (and RLIMIT_AS) predictable
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # no debugger warning on stderr (stderr fails a test)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("AUTOGRADER_DB", None)
    return env


class GuardedSpecs(KernelSpecManager):
    """Every kernel name resolves to the guarded kernel with this run's limits."""

    argv = []

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(argv=list(self.argv), display_name="Python 3 (graded)", language="python",
                          resource_dir="")


class Sandbox(Execute):
    """nbgrader's Execute, one cell at a time, stopping at the first broken limit."""

    def __init__(self, marks=(), tests=(), output_limit=DEFAULT.output_limit, **kw):
        super().__init__(**kw)
        self.marks = set(marks)
        self.test_marks = set(tests)
        self.output_cap = output_limit
        self.flags = []
        self.stopped_at = None
        self.timed_out = False
        self.bytes_seen = 0
        self.flooded = False

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "") or "")
        for v in (content.get("data") or {}).values():
            size += len(v) if isinstance(v, str) else 64
        self.bytes_seen += size
        # the kernel enforces the limit on printed text; this catches displays (images, HTML) too
        if self.bytes_seen > 4 * self.output_cap + (1 << 20):
            if not self.flooded:
                self.flooded = True
                try:
                    asyncio.ensure_future(self.km.interrupt_kernel())
                except Exception:
                    pass
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _stop(self, flag, index):
        if flag not in self.flags:
            self.flags.append(flag)
        if self.stopped_at is None:
            self.stopped_at = index

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        try:
            # cleanup_kc: shut the kernel down at the end even though the kernel manager was handed in
            with self.setup_kernel(env=self.kernel_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   cleanup_kc=True):
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type != "code":
                        continue
                    if self.stopped_at is not None:
                        cell.outputs = []
                        continue
                    self._run(cell, index)
        except DeadKernelError:
            self._stop("kernel-died", self._current)
        except RuntimeError as exc:  # the kernel did not start (e.g. it died at once)
            if "Kernel" in str(exc) or "kernel" in str(exc):
                self._stop("kernel-died", getattr(self, "_current", 0))
            else:
                raise
        return self.nb, self.resources

    def _run(self, cell, index):
        self._current = index
        original = cell.source
        if index in self.test_marks:
            cell.source = MARK_TEST + original
        elif index in self.marks:
            cell.source = MARK + original
        try:
            self.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            cell.source = original
            self._stop("kernel-died", index)
            raise
        except CellTimeoutError:
            self.timed_out = True
        finally:
            cell.source = original
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {o.get("ename") for o in errors}
        text = " ".join(str(o.get("evalue", "")) for o in errors)
        if self.timed_out:
            self._stop("timeout", index)
        elif "OutputLimitExceeded" in names or self.flooded:
            self._stop("output-limit", index)
        elif "MemoryError" in names or "raised MemoryError" in text:
            self._stop("memory", index)
        if self.stopped_at == index and not errors:
            cell.outputs.append(error_output("Stopped", "the grader stopped this notebook here"))


def error_output(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def kernel_manager(cwd, answer_names=(), memory=DEFAULT.memory, output_limit=DEFAULT.output_limit, root=ROOT,
                   start=True):
    """A kernel manager for the guarded kernel; with ``start``, the kernel is already booting when it returns.

    Starting early lets the kernel boot while the grader checks and sanitises the notebook.
    """
    from jupyter_core.utils import run_sync
    specs = GuardedSpecs()
    specs.argv = [sys.executable, "-m", "autograder.guard",
                  "--memory", str(memory), "--output-limit", str(int(output_limit)), "-f", "{connection_file}"]
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    env = kernel_env(root)
    env["AUTOGRADER_ANSWER_NAMES"] = ",".join(sorted(answer_names))
    km._autograder_env = env
    if start:
        from autograder import zygote
        kw = dict(env=env, cwd=str(cwd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                  extra_arguments=["--HistoryManager.hist_file=:memory:"])
        if zygote.enabled():
            import uuid
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = zygote.ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
            try:
                run_sync(km.start_kernel)(**kw)
                return km
            except Exception:   # no zygote: start the kernel the ordinary way
                km.provisioner = None
        run_sync(km.start_kernel)(**kw)
    return km


def shutdown(km):
    """Stop a kernel that was started but will not be used (something failed before running it)."""
    from jupyter_core.utils import run_sync
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass


def run(nb, cwd, marks=(), tests=(), answer_names=(), timeout=DEFAULT.timeout, memory=DEFAULT.memory,
        output_limit=DEFAULT.output_limit, root=ROOT, km=None):
    """Execute ``nb`` in ``cwd``; return (executed nb, flags, index of the cell it stopped at or None, seconds).

    ``marks``: indices of locked cells, ``tests``: of test cells (the guard
    restores what tests rely on before each of them); ``answer_names``: names
    the lesson's answer cells define. ``km``: a kernel manager from
    :func:`kernel_manager` (started early), else one is made here.
    """
    nb = nbformat.from_dict(nb)
    if km is None:
        km = kernel_manager(cwd, answer_names, memory, output_limit, root, start=False)
    box = Sandbox(marks=marks, tests=tests, output_limit=output_limit, timeout=int(timeout), startup_timeout=60,
                  shutdown_kernel="immediate", iopub_timeout=5, raise_on_iopub_timeout=False)
    box.kernel_env = km._autograder_env
    t0 = time.perf_counter()
    try:
        nb, _ = box.preprocess(nb, {"metadata": {"path": str(cwd)}}, km=km)
    finally:
        shutdown(km)
    seconds = time.perf_counter() - t0
    if box.stopped_at is not None and "kernel-died" in box.flags:
        cell = nb.cells[box.stopped_at]
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.outputs.append(error_output("KernelDied", "Python stopped while running this cell"))
    return nb, box.flags, box.stopped_at, seconds

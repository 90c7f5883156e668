"""Step 3: run one notebook's cells in a sandboxed kernel, and its test cells in the judge.

The kernel runs in its own bubblewrap sandbox (:mod:`autograder.bubblewrap`);
jupyter_client reaches it through Unix sockets in its channel folder. Cells are
run with nbgrader's own ``Execute`` preprocessor (an nbclient ``NotebookClient``),
one at a time:

- the learner's answer cells and the lesson's other cells run in the kernel;
- a **test cell** never does. Its source (the instructor's, hidden tests and
  all) is judged by :mod:`autograder.judge` in this process, while the kernel
  answers the judge's requests; the cell's outputs are then the judge's verdict
  alone: a ✓ line when it passed, one error with the judge's sentence when not.
  What learner code printed meanwhile is counted and dropped.

Limits, each stopping the notebook at the cell that broke it (the cells before
keep their results; later test cells are recorded as not run):

- ``timeout`` seconds per cell (the kernel is interrupted) → ``timeout``;
- ``notebook_timeout`` seconds for the whole notebook → ``notebook-timeout``;
- ``memory`` MB on top of a fresh kernel (``RLIMIT_AS`` in the sandbox) → ``memory``;
- the kernel dies (``os._exit``, a segfault, a CPU-time or process limit) → ``kernel-died``;
- more than ``output_limit`` bytes of output, error messages and displays included → ``output-limit``.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from autograder import bubblewrap, judge
from autograder.limits import DEFAULT


class _Specs(KernelSpecManager):
    """Every kernel name resolves to this sandbox's kernel."""

    argv = []

    def get_kernel_spec(self, kernel_name):
        # "message": interrupts travel as a control message (a signal would reach bwrap, not the kernel)
        return KernelSpec(argv=list(self.argv), display_name="Python 3 (graded)", language="python",
                          interrupt_mode="message", resource_dir="")


@dataclass
class Kernel:
    """One sandboxed kernel, booting while the notebook is checked, and the judge's channel to it."""

    km: AsyncKernelManager
    channel_dir: str
    judge: judge.Session
    slot: object
    submission: str


def start(submission, memory=DEFAULT.memory, notebook_timeout=DEFAULT.notebook_timeout):
    """Start a kernel in a new sandbox over a copy of the folder ``submission``; it boots while the caller
    goes on. Raises :class:`bubblewrap.SandboxUnavailable` when no sandbox can be made."""
    from jupyter_core.utils import run_sync

    bubblewrap.check()
    bubblewrap.readable(submission)
    slot = bubblewrap.Slot()
    channel_dir = bubblewrap.channel_folder()
    try:
        confinement = bubblewrap.Confinement(memory_mb=memory, cpu_seconds=int(notebook_timeout) + 30)
        specs = _Specs()
        specs.argv = bubblewrap.kernel_argv(submission, channel_dir, confinement, slot.uid)
        km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs, transport="ipc")
        km.connection_file = os.path.join(channel_dir, "kernel.json")
        km.ip = os.path.join(channel_dir, "kernel")
        km.write_connection_file()
        if os.geteuid() == 0:
            os.chown(km.connection_file, slot.uid, slot.uid)   # the sandbox's user reads its key from it
        session = judge.Session(os.path.join(channel_dir, "judge.sock"))
        run_sync(km.start_kernel)(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except BaseException:
        shutil.rmtree(channel_dir, ignore_errors=True)
        slot.release()
        raise
    return Kernel(km, channel_dir, session, slot, str(submission))


def stop(kernel):
    """Stop a kernel (and, with its sandbox, everything it started); free its slot and channel folder."""
    from jupyter_core.utils import run_sync
    if kernel is None:
        return
    with contextlib.suppress(Exception):
        if kernel.km.has_kernel:
            run_sync(kernel.km.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        run_sync(kernel.km.cleanup_resources)()
    kernel.judge.close()
    shutil.rmtree(kernel.channel_dir, ignore_errors=True)
    kernel.slot.release()


class Sandbox(Execute):
    """nbgrader's Execute, one cell at a time: test cells go to the judge, every limit is watched."""

    def __init__(self, kernel, tests=(), trusted=None, judge_dir=None, output_limit=DEFAULT.output_limit,
                 notebook_timeout=DEFAULT.notebook_timeout, **kw):
        super().__init__(**kw)
        self.kernel = kernel
        self.test_marks = set(tests)
        self.trusted = trusted or {}
        self.judge_dir = judge_dir
        self.output_cap = output_limit
        self.notebook_deadline = time.monotonic() + notebook_timeout
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
        size = len(content.get("text", "") or "") + len(str(content.get("ename", ""))) + \
            len(str(content.get("evalue", ""))) + sum(len(str(t)) for t in content.get("traceback", []) or [])
        for v in (content.get("data") or {}).values():
            size += len(v) if isinstance(v, str) else 64
        self.bytes_seen += size
        if self.bytes_seen > self.output_cap:
            if not self.flooded:
                self.flooded = True
                with contextlib.suppress(Exception):
                    import asyncio
                    asyncio.ensure_future(self.km.interrupt_kernel())
            return None
        return super().output(outs, msg, display_id, cell_index)

    def _stop(self, flag, index):
        if flag not in self.flags:
            self.flags.append(flag)
        if self.stopped_at is None:
            self.stopped_at = index

    def preprocess(self, nb, resources=None, km=None):
        from nbclient import NotebookClient
        NotebookClient.__init__(self, nb, self.kernel.km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._current = 0
        try:
            with self.setup_kernel(cleanup_kc=True):
                bubblewrap.seal_channel(self.kernel.channel_dir)
                for index, cell in enumerate(self.nb.cells):
                    if cell.cell_type != "code":
                        continue
                    if self.stopped_at is not None:
                        cell.outputs = []
                        continue
                    if time.monotonic() > self.notebook_deadline:
                        self._stop("notebook-timeout", index)
                        cell.outputs = [error_output("Stopped", "the grader stopped this notebook here: "
                                                                "the whole notebook ran too long")]
                        continue
                    self._run(cell, index)
        except DeadKernelError:
            self._stop("kernel-died", self._current)
        except RuntimeError as exc:  # the kernel did not start (e.g. it died at once)
            if "ernel" in str(exc):
                self._stop("kernel-died", self._current)
            else:
                raise
        return self.nb, self.resources

    def _cell_timeout(self):
        return max(1, min(int(self.timeout), int(self.notebook_deadline - time.monotonic()) + 1))

    def _run(self, cell, index):
        self._current = index
        if index in self.test_marks:
            return self._judge(cell, index)
        try:
            self.timeout = self._cell_timeout() if self.timeout else self.timeout
            self.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            self._stop("kernel-died", index)
            raise
        except CellTimeoutError:
            self.timed_out = True
        self.kernel.judge.forget(judge.bound_names(cell.source))
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {o.get("ename") for o in errors}
        text = " ".join(str(o.get("evalue", "")) for o in errors)
        if self.flooded:     # the first limit broken: what it printed is what made the cell slow to stop
            self._stop("output-limit", index)
        elif self.timed_out:
            self._stop("notebook-timeout" if time.monotonic() > self.notebook_deadline else "timeout", index)
        elif "MemoryError" in names or "raised MemoryError" in text:
            self._stop("memory", index)
        if self.stopped_at == index and not errors:
            cell.outputs.append(error_output("Stopped", "the grader stopped this notebook here"))

    def _judge(self, cell, index):
        """The test cell's source runs in the judge; the kernel serves it meanwhile; the verdict is the output."""
        session = self.kernel.judge
        limit = self._cell_timeout()
        session.start(cell.source, self.trusted, limit, cwd=self.judge_dir)
        serving = nbformat.from_dict({"cell_type": "code", "metadata": {}, "source": session.serve_code(),
                                      "outputs": [], "execution_count": None, "id": cell.get("id", "x")})
        died = False
        try:
            self.timeout = limit + 2
            self.execute_cell(serving, index, store_history=False)
        except DeadKernelError:
            died = True
        except CellTimeoutError:
            self.timed_out = True
        finally:
            self.nb.cells[index] = cell      # nbclient put the serving cell in its place
        verdict = session.finish(timeout=5)
        if died or verdict.error == "KernelDied":
            cell.outputs = [error_output("KernelDied", "Python stopped while the test was running your code")]
            self._stop("kernel-died", index)
            if died:
                raise DeadKernelError("the kernel died")
            return
        if verdict.error == "Timeout" or self.timed_out:
            cell.outputs = [error_output("Timeout", "the test ran longer than the grader allows")]
            self.timed_out = True
            self._stop("notebook-timeout" if time.monotonic() > self.notebook_deadline else "timeout", index)
            return
        if self.flooded:
            cell.outputs = [error_output("OutputLimit", "your code printed far too much")]
            self._stop("output-limit", index)
            return
        if verdict.passed:
            text = "\n".join(verdict.ticks) + "\n" if verdict.ticks else ""
            cell.outputs = [nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": text})] if text else []
        else:
            # the judge's sentence is the whole message, whatever failed (a MemoryError also stops the notebook)
            cell.outputs = [error_output("MemoryError" if verdict.error == "MemoryError" else "Mistake",
                                         verdict.message)]
            if verdict.error == "MemoryError":
                self._stop("memory", index)


def error_output(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def run(nb, kernel, tests=(), trusted=None, timeout=DEFAULT.timeout, output_limit=DEFAULT.output_limit,
        notebook_timeout=DEFAULT.notebook_timeout):
    """Execute ``nb`` in ``kernel`` (from :func:`start`), judging the cells at indices ``tests``.

    ``trusted``: the judge's names for this lesson (:func:`judge.trusted_namespace`, copied per notebook).
    Returns (executed nb, flags, index of the cell it stopped at or None, seconds). Always stops the kernel.
    """
    nb = nbformat.from_dict(nb)
    judge_dir = tempfile.mkdtemp(prefix="ag-judge-")
    try:
        for name in os.listdir(kernel.submission):
            path = os.path.join(kernel.submission, name)
            if os.path.isfile(path) and not os.path.islink(path) and not name.endswith(".ipynb"):
                shutil.copyfile(path, os.path.join(judge_dir, name))
        box = Sandbox(kernel, tests=tests, trusted=judge.fresh(trusted or {}), judge_dir=judge_dir,
                      output_limit=output_limit, notebook_timeout=notebook_timeout, timeout=int(timeout),
                      startup_timeout=60, shutdown_kernel="immediate", iopub_timeout=5,
                      raise_on_iopub_timeout=False)
        t0 = time.perf_counter()
        nb, _ = box.preprocess(nb, {"metadata": {"path": kernel.submission}})
        seconds = time.perf_counter() - t0
    finally:
        stop(kernel)
        shutil.rmtree(judge_dir, ignore_errors=True)
    if box.stopped_at is not None and "kernel-died" in box.flags:
        cell = nb.cells[box.stopped_at]
        if not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            cell.outputs.append(error_output("KernelDied", "Python stopped while running this cell"))
    return nb, box.flags, box.stopped_at, seconds

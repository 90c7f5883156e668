"""A real Dask cluster on loopback for tests and benchmarks: ``dask scheduler`` + ``dask worker`` processes.

The workers are started the way an instructor starts them on other machines (the ``dask`` command of the
same environment, the repository on PYTHONPATH, one thread per worker process), each in its own folder.
"""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env():
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    return env


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def local_cluster(workers=2, timeout=120):
    """Yield the scheduler's address once ``workers`` single-threaded workers have joined."""
    from distributed import Client
    dask = str(Path(sys.executable).with_name("dask"))
    tmp = Path(tempfile.mkdtemp(prefix="autograder-dask-"))
    sched_file = tmp / "scheduler.json"
    procs = []
    try:
        procs.append(subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(sched_file)], cwd=tmp, env=_env(),
            stdout=subprocess.DEVNULL, stderr=open(tmp / "scheduler.log", "w")))
        end = time.monotonic() + timeout
        while not sched_file.exists():
            if time.monotonic() > end or procs[0].poll() is not None:
                raise RuntimeError(f"dask scheduler did not start: {(tmp / 'scheduler.log').read_text()}")
            time.sleep(0.1)
        for i in range(workers):
            d = tmp / f"worker{i}"
            d.mkdir()
            procs.append(subprocess.Popen(
                [dask, "worker", "--scheduler-file", str(sched_file), "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--local-directory", str(d), "--name", f"w{i}"],
                cwd=d, env=_env(), stdout=subprocess.DEVNULL, stderr=open(d / "worker.log", "w")))
        with Client(scheduler_file=str(sched_file), timeout=timeout) as client:
            client.wait_for_workers(workers, timeout=timeout)
            address = client.scheduler.address
        yield address
    finally:
        for p in reversed(procs):
            _stop(p)
        shutil.rmtree(tmp, ignore_errors=True)

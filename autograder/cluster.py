"""``python -m autograder grade ... --cluster ADDRESS``: the per-notebook tasks on a Dask cluster.

The main process does everything it does in a local run (intake, lessons,
cache, gradebook, feedback, ``grades.csv``, report); only the grading of each
notebook (:func:`autograder.grade._safe_grade`, i.e. ``grade_notebook``: tamper
check, nbgrader's sanitising, the sandboxed kernel and the judge, limits) runs
on the cluster's workers (each needs bubblewrap, as a local grader does), through a
``dask.distributed.Client``. Results come back to the main process, which alone
writes the gradebook, as in a local run.

Files are shipped, so workers need no shared filesystem: each task carries the
bytes of the learner's submitted folder, the lessons' private gradebook copy
(``OUT/.state/source.db``) is broadcast once per run, and the worker sends back
the files of its ``autograded/LEARNER/LESSON`` folder (executed notebook
included), which the main process writes under OUT. Workers grade in their
own Dask folder (``--local-directory``), which Dask removes when they stop. What workers do need is the
same environment: this repository at the same commit (``autograder/``,
``backprop/``, ``course/``, ``solutions/``) importable by the worker's Python,
with the same pinned packages. Each task checks it: the worker compares a
fingerprint of its code, lessons and package versions with the main process's
and refuses to grade on a mismatch (the run stops with exit status 1), so a
stale worker can never give different grades. Dask serialises the tasks and
results itself; the grader passes only plain data (dicts, strings, bytes,
notebooks).

Workers should run one notebook at a time per process (``dask worker ADDRESS
--nworkers N --nthreads 1``); a worker process given more threads still grades
one notebook at a time.
"""

import hashlib
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from autograder.grade import GraderError, _safe, _safe_grade

RETURN_LIMIT = 64 << 20          # bytes of autograded files a worker sends back per notebook
CODE_DIRS = ("autograder", "backprop", "course", "solutions")
PACKAGES = ("nbgrader", "nbclient", "nbconvert", "nbformat", "ipykernel", "jupyter_client", "numpy", "matplotlib",
            "ipywidgets", "traitlets", "dask", "distributed")
_FINGERPRINTS = {}
_ONE_AT_A_TIME = threading.Lock()


class ClusterError(GraderError):
    """The cluster cannot grade (unreachable, or a worker's environment differs)."""


def fingerprint(root):
    """What must be the same on every worker: Python, the pinned packages, the course's code and lessons."""
    root = Path(root).resolve()
    if root in _FINGERPRINTS:
        return _FINGERPRINTS[root]
    from importlib import metadata
    h = hashlib.sha256()
    parts = {"python": ".".join(map(str, sys.version_info[:2]))}
    for name in PACKAGES:
        try:
            parts[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            parts[name] = "-"
    for key in sorted(parts):
        h.update(f"{key}={parts[key]}\n".encode())
    for top in CODE_DIRS:
        for p in sorted((root / top).rglob("*")):
            rel = p.relative_to(root)
            if not p.is_file() or any(part == "__pycache__" or part.endswith(".egg-info") or part.startswith(".")
                                      for part in rel.parts):
                continue
            h.update(str(rel).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    _FINGERPRINTS[root] = {"hash": h.hexdigest(), "versions": parts}
    return _FINGERPRINTS[root]


def _read_folder(folder, limit=None):
    files, total = {}, 0
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            total += len(data)
            if limit is not None and total > limit:
                continue
            files[str(p.relative_to(folder))] = data
    return files


def _write_folder(folder, files):
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for rel, data in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


# ------------------------------------------------------------------ worker side

def _db_path(scratch, db):
    path = scratch / f"source-{hashlib.sha256(db).hexdigest()[:16]}.db"
    if not path.exists():
        tmp = path.with_name(path.name + f".{threading.get_ident()}.tmp")
        tmp.write_bytes(db)
        os.replace(tmp, path)
    return path


def _scratch():
    """The worker's own folder (Dask removes it when the worker stops), else one in $TMPDIR."""
    try:
        from distributed import get_worker
        return Path(get_worker().local_directory) / "autograder"
    except (ImportError, ValueError):
        return Path(tempfile.gettempdir()) / f"autograder-worker-{os.getpid()}"


def grade_remote(task, files, db, expected):
    """On a worker: grade one shipped notebook with this worker's checkout; return the result and its files."""
    import warnings
    warnings.filterwarnings("ignore")   # as the local pool's workers do
    from autograder.grade import ROOT
    with _ONE_AT_A_TIME:
        mine = fingerprint(ROOT)
        if mine["hash"] != expected["hash"]:
            diff = {k: (expected["versions"].get(k), v) for k, v in mine["versions"].items()
                    if expected["versions"].get(k) != v}
            from autograder.results import GradingResult
            return GradingResult(task["learner"], task["lesson"], cluster_error=(
                f"worker {os.uname().nodename} (pid {os.getpid()}, {ROOT}) has a different environment from the "
                "grader's: " + (f"package versions {diff}" if diff else "its course files or grader code differ "
                                "(check out the same commit)")))
        scratch = _scratch()
        scratch.mkdir(parents=True, exist_ok=True)
        base = scratch / _safe(task["learner"]) / task["lesson"]
        folder, work = base / "submitted", base / "autograded"
        _write_folder(folder, files)
        local = dict(task, root=str(ROOT), folder=str(folder), work=str(work),
                     source_db=f"sqlite:///{_db_path(scratch, db)}")
        try:
            res = _safe_grade(local)
            res.files = _read_folder(work, RETURN_LIMIT) if work.exists() else {}
        finally:
            shutil.rmtree(base, ignore_errors=True)
        return res


# ------------------------------------------------------------------ main side

def connect(address, timeout=20):
    from distributed import Client
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def run(tasks, address, done):
    """Grade ``tasks`` on the cluster at ``address``; call ``done(result)`` in this process for each, as they finish.

    A task whose worker keeps dying (Dask gives up after its retries) is graded here instead, as the local
    pool does with a dead worker process.
    """
    import logging

    from distributed import as_completed

    log = logging.getLogger("autograder")
    if not tasks:
        return
    expected = fingerprint(tasks[0]["root"])
    db_url = tasks[0]["source_db"]
    db = Path(db_url[len("sqlite:///"):]).read_bytes()
    client = connect(address)
    try:
        db_ref = client.scatter(db, broadcast=True, hash=True)
        futures = {}
        for t in tasks:
            fut = client.submit(grade_remote, t, _read_folder(t["folder"]), db_ref, expected, pure=False)
            futures[fut] = t
        for fut in as_completed(futures, loop=client.loop):
            t = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 (the worker died, or Dask could not run the task)
                log.warning("the cluster could not grade %s / %s (%s: %s); grading it here", t["learner"],
                            t["lesson"], type(exc).__name__, exc)
                res = _safe_grade(t)
            else:
                if res.cluster_error:
                    for other in futures:
                        other.cancel()
                    raise ClusterError(res.cluster_error)
                _write_folder(t["work"], res.files or {})
                res.files = None
            fut.release()
            done(res)
    finally:
        client.close()

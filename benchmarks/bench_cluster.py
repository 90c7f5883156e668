"""Grading on a Dask cluster: notebooks per hour that one worker core grades.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_cluster.py [--learners 6] [--workers 1 2]

1. Builds a class (tests/autograder_class.bench_class): N learners × every lesson
   in course/, a third right, a third with a known-wrong answer, a third blank.
2. For each worker count: a loopback cluster (``dask scheduler`` + that many
   ``dask worker --nthreads 1`` processes, tests/dask_cluster.py), warmed with
   one notebook per worker into OUT (the lessons recorded in the gradebook, each
   worker's kernel zygote started), then the class graded with
   ``grade(..., Options(cluster=ADDRESS))`` into the same OUT.
3. Measures the cluster phase (first task sent → last result stored by the main
   process) and each notebook's seconds on its worker (``grade_notebook``'s own
   timing, from OUT/.state/results), per lesson.
4. For comparison, the same class graded in this process with ``--jobs 1`` (warm,
   no Dask): the same phase, timed the same way.

Notebooks per hour per worker core = 3600 × notebooks ÷ (cluster-phase seconds × workers).
The main process (intake, gradebook, feedback pages) runs beside the workers on the
same machine here; on a real cluster it has a machine of its own. Writes
artifacts/bench_cluster.json.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def run(subs, warm, out, workers):
    from dask_cluster import local_cluster

    from autograder import cluster
    from autograder.grade import Options, grade
    phase = {}
    real = cluster.run

    def timed(tasks, address, done):
        t0 = time.perf_counter()
        real(tasks, address, done)
        phase["seconds"] = time.perf_counter() - t0
        phase["notebooks"] = len(tasks)
    with local_cluster(workers=workers) as address:
        grade(warm, out, Options(cluster=address, progress=False))
        cluster.run = timed
        try:
            t0 = time.perf_counter()
            summary = grade(subs, out, Options(cluster=address, progress=False))
            total = time.perf_counter() - t0
        finally:
            cluster.run = real
    per_lesson = {}
    for learner in summary.learners:
        for lesson in summary.lessons:
            res = json.loads((out / ".state" / "results" / learner / f"{lesson}.json").read_text(encoding="utf-8"))
            per_lesson.setdefault(lesson, []).append(res["seconds"])
    n = phase["notebooks"]
    return {"workers": workers, "notebooks": n, "cluster_phase_s": round(phase["seconds"], 2),
            "whole_run_s": round(total, 2),
            "notebooks_per_hour_per_worker_core": round(3600 * n / (phase["seconds"] * workers)),
            "worker_seconds_per_notebook": round(statistics.mean(s for v in per_lesson.values() for s in v), 3),
            "worker_seconds_per_lesson": {k: round(statistics.mean(v), 3) for k, v in per_lesson.items()}}


def run_local(subs, warm, out):
    """The same class graded in this process (``--jobs 1``, warm): one core without Dask, for comparison."""
    from autograder import grade as g
    phase = {}
    real = g._run_pool

    def timed(tasks, *args):
        t0 = time.perf_counter()
        real(tasks, *args)
        phase["seconds"] = time.perf_counter() - t0
        phase["notebooks"] = len(tasks)
    g.grade(warm, out, g.Options(jobs=1, progress=False))
    g._run_pool = timed
    try:
        g.grade(subs, out, g.Options(jobs=1, progress=False))
    finally:
        g._run_pool = real
    n = phase["notebooks"]
    return {"notebooks": n, "seconds": round(phase["seconds"], 2),
            "notebooks_per_hour": round(3600 * n / phase["seconds"])}


def main():
    import nbformat
    from autograder_class import L1, bench_class, blank
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=6)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    subs = work / "class"
    bench_class(subs, args.learners)
    warm = work / "warm"
    for i in range(max(args.workers)):
        (warm / f"warm {i}" / L1).mkdir(parents=True)
        nbformat.write(blank(L1), str(warm / f"warm {i}" / L1 / f"{L1}.ipynb"))
    load0 = os.getloadavg()
    runs = []
    for w in args.workers:
        r = run(subs, warm, work / f"out{w}", w)
        runs.append(r)
        print(f"{w} worker(s): {r['notebooks']} notebooks in {r['cluster_phase_s']} s → "
              f"{r['notebooks_per_hour_per_worker_core']} notebooks/hour per worker core "
              f"({r['worker_seconds_per_notebook']} s per notebook on its worker)")
    local = run_local(subs, warm, work / "local")
    print(f"in this process, no Dask (--jobs 1): {local['notebooks']} notebooks in {local['seconds']} s → "
          f"{local['notebooks_per_hour']} notebooks/hour on one core")
    result = {"learners": args.learners, "cores": os.cpu_count(), "load_average_before": load0,
              "load_average_after": os.getloadavg(), "runs": runs, "local_jobs_1": local}
    art = ROOT / "artifacts"
    art.mkdir(exist_ok=True)
    (art / "bench_cluster.json").write_text(json.dumps(result, indent=1))
    print("per lesson (s on the worker, 1-worker run):",
          ", ".join(f"{k[:2]} {v}" for k, v in runs[0]["worker_seconds_per_lesson"].items()))
    print("written: artifacts/bench_cluster.json")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

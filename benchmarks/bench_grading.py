"""Grading speed, side by side: this grader vs plain serial ``nbgrader autograde``, in one run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_grading.py [--learners 30] [--jobs N] [--lessons 01_chain_rule ...]

1. Builds a class (tests/autograder_class.bench_class): N learners × every lesson
   in course/, a third right, a third with a known-wrong answer from
   tests/wrong_bank, a third blank.
2. The floors: a bare Python kernel started, given one empty cell and shut
   down (nbclient, the standard ipykernel), timed several times; the median;
   and the same for a bare kernel in the grader's bubblewrap sandbox (what
   each graded notebook must pay at least).
3. This grader: ``python -m autograder grade`` on the class, cold (empty OUT).
4. nbgrader: a course directory with solutions/ as source and the same
   submitted/ folder, ``nbgrader generate_assignment`` then ``nbgrader
   autograde`` for every lesson, one after the other (nbgrader grades one
   notebook at a time), with the same kernel environment (repository root on
   PYTHONPATH so hidden tests can import autograder.reference).

Prints wall-clock seconds, seconds per notebook, the speed-up (nbgrader ÷
this grader) and this grader's seconds per notebook ÷ the kernel floor, and
writes them to artifacts/bench_grading.json (git-ignored). Run it on a quiet
machine: both sides are measured in the same run, so their ratio is what to
read when the machine is shared.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def env():
    e = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    e["PATH"] = os.path.dirname(sys.executable) + os.pathsep + e.get("PATH", "")
    return e


def kernel_floor(n=7):
    """Median seconds to start a bare kernel, run one empty cell, and shut it down."""
    import nbformat
    from nbclient import NotebookClient
    times = []
    for _ in range(n):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
        client = NotebookClient(nb, kernel_name="python3", shutdown_kernel="immediate")
        t0 = time.perf_counter()
        client.execute()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def sandboxed_floor(n=7):
    """Median seconds to start a kernel in a sandbox, run one empty cell, and stop it (the grader's own path)."""
    import nbformat
    from autograder import sandbox
    times = []
    for _ in range(n):
        folder = tempfile.mkdtemp(prefix="bench-floor-")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
        t0 = time.perf_counter()
        sandbox.run(nb, sandbox.start(folder))
        times.append(time.perf_counter() - t0)
        shutil.rmtree(folder, ignore_errors=True)
    return statistics.median(times), times


def run_ours(subs, out, jobs):
    cmd = [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--no-progress"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"grader failed:\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout


def run_nbgrader(submitted, lessons, course):
    """Plain nbgrader: generate_assignment + autograde per lesson, serially."""
    course = Path(course)
    (course / "source").mkdir(parents=True)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, course / "source" / lesson,
                        ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    shutil.copytree(submitted, course / "submitted")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ClearSolutions.code_stub = {'python': '# YOUR CODE HERE\\nraise NotImplementedError()'}\n"
        "c.Execute.timeout = 120\n")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    t0 = time.perf_counter()
    for lesson in lessons:
        for step in (["generate_assignment", lesson, "--force"], ["autograde", lesson, "--force"]):
            proc = subprocess.run(nbgrader + step, cwd=course, env=env(), capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"nbgrader {' '.join(step)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0


def lesson_breakdown(out, lessons, jobs):
    """{lesson: (worker seconds per notebook, that ÷ jobs)} from the grader's result files."""
    per = {l: [] for l in lessons}
    for f in (Path(out) / ".state" / "results").rglob("*.json"):
        r = json.loads(f.read_text(encoding="utf-8"))
        if r.get("lesson") in per and r.get("seconds"):
            per[r["lesson"]].append(r["seconds"])
    return {l: (statistics.mean(v), statistics.mean(v) / jobs) for l, v in per.items() if v}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--learners", type=int, default=30)
    ap.add_argument("--jobs", type=int, default=0, help="grader jobs (default: cores)")
    ap.add_argument("--lessons", nargs="*", default=None, help="only these lessons (default: all in course/)")
    ap.add_argument("--keep", default=None, help="keep the work folder here")
    args = ap.parse_args(argv)

    from autograder_class import bench_class, lessons as all_lessons
    lessons = args.lessons or all_lessons()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-grading-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    import autograder_class
    orig = autograder_class.lessons
    autograder_class.lessons = lambda root=ROOT: lessons
    try:
        kinds = bench_class(work / "subs", n=args.learners)
    finally:
        autograder_class.lessons = orig
    n_notebooks = len(kinds) * len(lessons)
    print(f"class: {len(kinds)} learners × {len(lessons)} lessons = {n_notebooks} notebooks "
          f"({sum(k == 'right' for k in kinds.values())} right, {sum(k == 'wrong' for k in kinds.values())} wrong, "
          f"{sum(k == 'blank' for k in kinds.values())} blank); {os.cpu_count()} cores")

    floor, floors = kernel_floor()
    print(f"bare kernel floor: {floor:.2f} s (median of {len(floors)}: {', '.join(f'{t:.2f}' for t in floors)})")
    boxed, boxeds = sandboxed_floor()
    print(f"sandboxed bare kernel floor: {boxed:.2f} s (median of {len(boxeds)}: "
          f"{', '.join(f'{t:.2f}' for t in boxeds)})")

    ours, summary = run_ours(work / "subs", work / "ours", args.jobs)
    print(f"this grader: {ours:.1f} s, {ours / n_notebooks:.2f} s per notebook  ({summary.splitlines()[0]})")

    per_lesson = lesson_breakdown(work / "ours", lessons, args.jobs or os.cpu_count())
    for lid, (busy, wall) in per_lesson.items():
        print(f"  {lid}: {busy:.2f} s of worker time per notebook → {wall:.2f} s per notebook with all jobs "
              f"= {wall / floor:.2f}× the floor")

    theirs = run_nbgrader(work / "ours" / "submitted", lessons, work / "nbgrader")
    print(f"nbgrader autograde (serial): {theirs:.1f} s, {theirs / n_notebooks:.2f} s per notebook")

    result = {
        "learners": len(kinds), "lessons": lessons, "notebooks": n_notebooks, "cores": os.cpu_count(),
        "jobs": args.jobs or os.cpu_count(), "kernel_floor_s": round(floor, 3),
        "sandboxed_kernel_floor_s": round(boxed, 3),
        "ours_per_notebook_over_sandboxed_floor": round(ours / n_notebooks / boxed, 2),
        "ours_s": round(ours, 1), "ours_s_per_notebook": round(ours / n_notebooks, 3),
        "nbgrader_s": round(theirs, 1), "nbgrader_s_per_notebook": round(theirs / n_notebooks, 3),
        "speedup": round(theirs / ours, 2), "ours_per_notebook_over_floor": round(ours / n_notebooks / floor, 2),
        "per_lesson_s_per_notebook": {l: round(w, 3) for l, (b, w) in per_lesson.items()},
        "load_average": os.getloadavg(),
    }
    print(f"speed-up: {result['speedup']:.2f}× (target ≥ 2× on 2 cores); "
          f"seconds per notebook ÷ bare kernel floor: {result['ours_per_notebook_over_floor']:.2f} "
          f"(target ≤ 1.5); ÷ sandboxed floor: {result['ours_per_notebook_over_sandboxed_floor']:.2f}")
    out = ROOT / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "bench_grading.json").write_text(json.dumps(result, indent=1) + "\n")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    main()

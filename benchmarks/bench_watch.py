"""Grading on submit: seconds from a submission dropped into the inbox to its feedback page.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_watch.py [--submissions 20] [--interval 3] [--settle 1]

1. Starts ``python -m autograder watch INBOX --out OUT`` (its defaults: polls every
   0.25 s, a submission has landed after ``--settle`` s without change) on an
   empty inbox and waits until it is watching (lessons recorded, kernel zygote warm).
2. Drops a stream of lesson 01 submissions, one every ``--interval`` seconds, each
   a new learner: right, wrong (a known-wrong answer from tests/wrong_bank) and
   blank in turn, nested (``LEARNER/LESSON/LESSON.ipynb``) and flat
   (``LEARNER/LESSON.ipynb``) layouts alternating, the file written in place as
   an upload would be.
3. For each: seconds from the moment its file starts being written to its
   feedback page appearing (``OUT/feedback/LEARNER/LESSON.html``) and to its
   ``grades.csv`` row; right scores full marks, blank 0.
4. SIGINT, and the time the watcher takes to stop; then the same inbox is graded in
   one batch (``python -m autograder grade``): its grades.csv must be the watcher's, byte for byte.

Prints the median and p90 submission-to-feedback seconds and writes everything to
artifacts/bench_watch.json. Target: median ≤ 5 s on 2 cores.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grading import ROOT, env  # noqa: E402  (the grader's environment, as bench_grading runs it)


def p90(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.9 * (len(xs) - 1)))]


def stream(n):
    """[(learner, layout, notebook bytes, expected score)]"""
    import nbformat
    from autograder_class import L1, blank, expected_score, right
    from wrong_bank import all_cases
    wrongs = [c for lesson, c in all_cases() if lesson == L1]
    out = []
    for i in range(n):
        kind = ["right", "wrong", "blank"][i % 3]
        if kind == "right":
            nb, score = right(L1), expected_score(L1, set())
        elif kind == "blank":
            nb, score = blank(L1), 0.0
        else:
            case = wrongs[(i // 3) % len(wrongs)]    # its score: whatever batch grading gives (checked below)
            nb, score = right(L1, **{case["exercise"]: case["source"]}), None
        out.append((f"learner {i:02d} {kind}", "nested" if i % 2 else "flat", nbformat.writes(nb).encode(), score, kind))
    return out


def grades(out):
    try:
        with open(out / "grades.csv", newline="", encoding="utf-8") as f:
            return {(r["learner"], r["lesson"]): r for r in csv.DictReader(f)}
    except OSError:
        return {}


def main():
    from autograder_class import L1
    ap = argparse.ArgumentParser()
    ap.add_argument("--submissions", type=int, default=20)
    ap.add_argument("--interval", type=float, default=3.0, help="seconds between two submissions")
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    inbox, out = work / "inbox", work / "out"
    inbox.mkdir()
    subs = stream(args.submissions)
    load0 = os.getloadavg()
    t_start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "watch", str(inbox), "--out", str(out),
                             "--settle", str(args.settle)], env=env(), stdout=subprocess.DEVNULL,
                            stderr=open(work / "watch.log", "w"))
    while not (out / ".watch" / "watching").exists():
        if proc.poll() is not None:
            sys.exit(f"the watcher stopped: {(work / 'watch.log').read_text()}")
        time.sleep(0.05)
    startup = time.monotonic() - t_start
    print(f"watching after {startup:.1f} s (lessons recorded, kernel warm)")

    dropped, seen_fb, seen_row = {}, {}, {}
    done = threading.Event()

    def watch_outputs():
        while not done.is_set():
            rows = grades(out)
            for learner, *_ in subs:
                if learner in dropped:
                    if learner not in seen_fb and (out / "feedback" / learner / f"{L1}.html").exists():
                        seen_fb[learner] = time.monotonic()
                    if learner not in seen_row and (learner, L1) in rows:
                        seen_row[learner] = time.monotonic()
            time.sleep(0.02)

    watcher = threading.Thread(target=watch_outputs, daemon=True)
    watcher.start()
    for learner, layout, data, _score, _kind in subs:
        folder = inbox / learner / (L1 if layout == "nested" else "")
        folder.mkdir(parents=True, exist_ok=True)
        dropped[learner] = time.monotonic()
        with open(folder / f"{L1}.ipynb", "wb") as f:     # written in place, in two parts, as an upload
            f.write(data[: len(data) // 2])
            f.flush()
            time.sleep(0.05)
            f.write(data[len(data) // 2:])
        time.sleep(args.interval)
    end = time.monotonic() + 120
    while len(seen_row) < len(subs) and time.monotonic() < end:
        time.sleep(0.1)
    done.set()
    watcher.join()
    t_stop = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rc = proc.wait(timeout=120)
    stop_s = time.monotonic() - t_stop
    load1 = os.getloadavg()

    # the same inbox graded in one batch: the watcher's grades.csv must be the same, byte for byte
    batch = subprocess.run([sys.executable, "-m", "autograder", "grade", str(inbox), "--out", str(work / "batch"),
                            "--no-progress"], env=env(), capture_output=True, text=True)
    same_as_batch = batch.returncode == 0 and (out / "grades.csv").read_bytes() == \
        (work / "batch" / "grades.csv").read_bytes()
    rows = grades(out)
    per = []
    wrong_scores = []
    for learner, layout, _data, score, kind in subs:
        got = float(rows[(learner, L1)]["score"]) if (learner, L1) in rows else None
        if got is None or (score is not None and got != score):
            wrong_scores.append((learner, got, score))
        per.append({"learner": learner, "kind": kind, "layout": layout, "expected": score, "score": got,
                    "to_feedback_s": round(seen_fb[learner] - dropped[learner], 3) if learner in seen_fb else None,
                    "to_grades_csv_s": round(seen_row[learner] - dropped[learner], 3) if learner in seen_row else None})
    fb = [p["to_feedback_s"] for p in per if p["to_feedback_s"] is not None]
    csv_s = [p["to_grades_csv_s"] for p in per if p["to_grades_csv_s"] is not None]
    result = {
        "submissions": len(subs), "interval_s": args.interval, "settle_s": args.settle, "poll_s": 0.25,
        "cores": os.cpu_count(), "load_average_before": load0, "load_average_after": load1,
        "startup_s": round(startup, 2), "stop_s": round(stop_s, 2), "exit_status": rc,
        "feedback_median_s": round(statistics.median(fb), 2) if fb else None,
        "feedback_p90_s": round(p90(fb), 2) if fb else None, "feedback_max_s": round(max(fb), 2) if fb else None,
        "grades_csv_median_s": round(statistics.median(csv_s), 2) if csv_s else None,
        "grades_csv_p90_s": round(p90(csv_s), 2) if csv_s else None,
        "missing_feedback": len(subs) - len(fb), "wrong_scores": wrong_scores,
        "grades_csv_same_as_batch": same_as_batch, "per_submission": per,
    }
    art = ROOT / "artifacts"
    art.mkdir(exist_ok=True)
    (art / "bench_watch.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"{len(subs)} submissions, one every {args.interval:g} s (settle {args.settle:g} s), "
          f"load {load0[0]:.1f} → {load1[0]:.1f}")
    print(f"submission → feedback: median {result['feedback_median_s']} s, p90 {result['feedback_p90_s']} s, "
          f"max {result['feedback_max_s']} s")
    print(f"submission → grades.csv row: median {result['grades_csv_median_s']} s, p90 {result['grades_csv_p90_s']} s")
    print(f"scores as expected: {len(subs) - len(wrong_scores)}/{len(subs)}; grades.csv identical to batch grading "
          f"of the same inbox: {same_as_batch}; stopped in {stop_s:.1f} s (exit {rc})")
    print("written: artifacts/bench_watch.json")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if wrong_scores or rc != 0 or not same_as_batch else 0


if __name__ == "__main__":
    sys.exit(main())

"""Re-running the grader: deterministic, one learner re-graded alone, and resumed after being killed."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder_class import L1, blank, right, wrong

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.notebooks


def _cmd(subs, out, *extra):
    return [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--timeout", "20", *extra]


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _write(folder, learner, nb):
    (folder / learner).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / learner / f"{L1}.ipynb"))


def _rows(out):
    lines = (out / "grades.csv").read_text(encoding="utf-8").splitlines()
    return {tuple(l.split(",")[:2]): l for l in lines[1:]}


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("small")
    subs = base / "subs"
    _write(subs, "Ann", right(L1))
    _write(subs, "Ben", right(L1, gradient_step=wrong(L1, "gradient_step", "steps up the gradient")))
    _write(subs, "Cat", blank(L1))
    _write(subs, "Dan", right(L1))
    ref = base / "ref"
    proc = subprocess.run(_cmd(subs, ref, "--jobs", "2"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return subs, ref, base


def test_a_killed_grader_finishes_the_batch_when_run_again(small_class):
    subs, ref, base = small_class
    out = base / "killed"
    proc = subprocess.Popen(_cmd(subs, out, "--jobs", "1"), cwd=ROOT, env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = out / ".state" / "results"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(results.rglob(f"{L1}.json"))) >= 1:   # one notebook stored, the others not yet
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(results.rglob(f"{L1}.json")))
    assert 1 <= done_before < 4, "the kill should land mid-batch"
    again = subprocess.run(_cmd(subs, out, "--jobs", "2"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    regraded = {tuple(x) for x in json.loads((out / ".state" / "last_run.json").read_text())["graded"]}
    assert len({x for x in regraded if x[1] == L1}) == 4 - done_before   # only what was not finished
    assert (out / "grades.csv").read_text(encoding="utf-8") == (ref / "grades.csv").read_text(encoding="utf-8")
    from nbgrader.api import Gradebook
    from autograder.gradebook import COURSE_ID
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", COURSE_ID) as gb:
        subs_in_db = sorted(s.student.id for s in gb.find_assignment(L1).submissions)
    assert subs_in_db == ["Ann", "Ben", "Cat", "Dan"]


def test_regrading_one_learner_changes_only_that_learners_rows(small_class):
    subs, ref, base = small_class
    out = base / "regrade"
    import shutil
    shutil.copytree(ref, out)
    work = base / "subs2"
    shutil.copytree(subs, work)
    before = _rows(out)
    _write(work, "Ben", right(L1))       # Ben fixes his gradient step and hands in again
    proc = subprocess.run(_cmd(work, out, "--jobs", "2"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    regraded = {tuple(x) for x in json.loads((out / ".state" / "last_run.json").read_text())["graded"]}
    assert {x for x in regraded if x[1] == L1} == {("Ben", L1)}   # (a lesson edited meanwhile is re-graded too)
    after = _rows(out)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {("Ben", L1)}
    assert after[("Ben", L1)].split(",")[2] == after[("Ann", L1)].split(",")[2]
    # --learner forces a re-grade of that learner only, with the same result
    proc = subprocess.run(_cmd(work, out, "--learner", "Cat"), cwd=ROOT, env=_env(), capture_output=True, text=True)
    regraded = {tuple(x) for x in json.loads((out / ".state" / "last_run.json").read_text())["graded"]}
    assert {x for x in regraded if x[1] == L1} == {("Cat", L1)}
    assert _rows(out) == after

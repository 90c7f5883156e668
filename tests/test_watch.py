"""``python -m autograder watch``: submissions graded as they land, feedback released, a class of one.

The notebook tests run the real command in a subprocess (its own warm kernel zygote), drop files into its
inbox and read what a learner and an instructor would: the feedback page and the grades.csv row.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder_class import L1, blank, broken_by, expected_score, right, wrong

ROOT = Path(__file__).resolve().parent.parent


def env():
    e = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    e["PATH"] = os.path.dirname(sys.executable) + os.pathsep + e.get("PATH", "")
    return e


def watch(inbox, out, *extra):
    return [sys.executable, "-m", "autograder", "watch", str(inbox), "--out", str(out), "--settle", "0.5",
            "--poll", "0.1", *extra]


def rows(out):
    path = Path(out) / "grades.csv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {(r["learner"], r["lesson"]): r for r in csv.DictReader(f)}


def wait_for(predicate, timeout, what, proc=None):
    end = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the watcher exited ({proc.returncode}) while waiting for {what}")
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def nb_bytes(nb):
    return nbformat.writes(nb).encode("utf-8")


MAX = expected_score(L1, set())
WRONG = right(L1, gradient_step=wrong(L1, "gradient_step"))
WRONG_SCORE = expected_score(L1, broken_by(L1, "gradient_step"))


# ------------------------------------------------------------------ no kernel: what counts as a submission

def test_scan_reads_every_layout(tmp_path):
    from autograder.watch import complete, scan
    lessons = [L1, "02_computational_graphs"]
    (tmp_path / "Zoë" / L1).mkdir(parents=True)
    (tmp_path / "Zoë" / L1 / f"{L1}.ipynb").write_text("{}")
    (tmp_path / "Zoë" / L1 / "quiz_answers.json").write_text("{}")
    (tmp_path / "Zoë" / L1 / ".ipynb_checkpoints").mkdir()
    (tmp_path / "Zoë" / L1 / ".ipynb_checkpoints" / f"{L1}-checkpoint.ipynb").write_text("{}")
    (tmp_path / "Ben").mkdir()
    (tmp_path / "Ben" / f"{L1} (1).ipynb").write_text("{}")            # a renamed copy
    (tmp_path / "Ben" / "quiz_answers.json").write_text("{}")          # travels with the flat notebook
    (tmp_path / "Ben" / "scratch.ipynb").write_text("{}")
    inbound = "alice+{}+2026-12-01 10:0{}:00.000000 UTC+rnd{}"
    for minute in (1, 5, 3):      # the newest submission is the one graded, as nbgrader collect takes it
        d = tmp_path / inbound.format(L1, minute, minute)
        d.mkdir()
        (d / f"{L1}.ipynb").write_text(json.dumps({"minute": minute}))
        (d / "timestamp.txt").write_text(f"2026-12-01 10:0{minute}:00.000000 UTC")
    (tmp_path / "not a lesson+zz+2026-12-01 10:00:00 UTC").mkdir()
    found = scan(tmp_path, lessons)
    assert set(found) == {("Zoë", L1), ("Ben", L1), ("alice", L1)}
    assert sorted(found[("Zoë", L1)].files) == [f"{L1}.ipynb", "quiz_answers.json"]
    assert sorted(found[("Ben", L1)].files) == [f"{L1}.ipynb", "quiz_answers.json"]
    assert found[("Ben", L1)].files[f"{L1}.ipynb"].name == f"{L1} (1).ipynb"
    alice = found[("alice", L1)]
    assert alice.exchange and "10:05" in alice.origin.name
    assert complete(alice)
    (alice.origin / "timestamp.txt").unlink()        # nbgrader submit writes it last: not landed without it
    assert not complete(scan(tmp_path, lessons)[("alice", L1)])


def test_scan_inbox_that_is_one_learner(tmp_path):
    from autograder.watch import scan
    me = tmp_path / "Dana Late"
    (me / L1).mkdir(parents=True)
    (me / L1 / f"{L1}.ipynb").write_text("{}")
    assert set(scan(me, [L1])) == {("Dana Late", L1)}           # INBOX is Dana's own folder
    assert set(scan(tmp_path, [L1])) == {("Dana Late", L1)}     # INBOX holds Dana's folder


def test_half_written_notebook_is_not_complete(tmp_path):
    from autograder.watch import complete, scan
    data = nb_bytes(blank(L1))
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / f"{L1}.ipynb").write_bytes(data[: len(data) // 2])
    assert not complete(scan(tmp_path, [L1])[("eve", L1)])
    (tmp_path / "eve" / f"{L1}.ipynb").write_bytes(data)
    assert complete(scan(tmp_path, [L1])[("eve", L1)])


# ------------------------------------------------------------------ the command, with kernels

@pytest.mark.notebooks
def test_submissions_graded_as_they_land(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    log = tmp_path / "watch.log"
    proc = subprocess.Popen(watch(inbox, out), env=env(), stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    try:
        wait_for(lambda: (out / ".watch" / "watching").exists(), 180, "the watcher to start", proc)

        # a right notebook in nbgrader's layout: its feedback page and its grades.csv row
        (inbox / "Ana" / L1).mkdir(parents=True)
        (inbox / "Ana" / L1 / f"{L1}.ipynb").write_bytes(nb_bytes(right(L1)))
        page = out / "feedback" / "Ana" / f"{L1}.html"
        wait_for(lambda: rows(out).get(("Ana", L1)), 90, "Ana's grade", proc)
        assert page.exists()
        assert float(rows(out)[("Ana", L1)]["score"]) == MAX and rows(out)[("Ana", L1)]["flags"] == ""
        assert f"{MAX:g}" in page.read_text(encoding="utf-8")

        # half a notebook (an upload in progress) is left alone until it is whole
        data = nb_bytes(WRONG)
        (inbox / "Bob").mkdir()
        (inbox / "Bob" / f"{L1}.ipynb").write_bytes(data[: len(data) // 2])
        time.sleep(3)   # six times --settle
        assert not (out / "feedback" / "Bob").exists() and ("Bob", L1) not in rows(out)
        (inbox / "Bob" / f"{L1}.ipynb").write_bytes(data)
        wait_for(lambda: rows(out).get(("Bob", L1)), 90, "Bob's grade", proc)
        bob = rows(out)[("Bob", L1)]
        assert float(bob["score"]) == WRONG_SCORE and bob["flags"] == "", bob
        assert (out / "feedback" / "Bob" / f"{L1}.html").exists()

        # a re-submission is graded again; nobody else's row changes
        before = rows(out)[("Ana", L1)]
        (inbox / "Bob" / f"{L1}.ipynb").write_bytes(nb_bytes(right(L1)))
        wait_for(lambda: float(rows(out).get(("Bob", L1), {}).get("score", -1)) == MAX, 90, "Bob's new grade", proc)
        assert rows(out)[("Ana", L1)] == before

        # the gradebook has both, as batch grading leaves it
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
            assert gb.find_submission(L1, "Ana").score == MAX
            assert gb.find_submission(L1, "Bob").score == MAX
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=60)
    assert rc == 0, log.read_text()
    assert not (out / ".watch" / "watching").exists()
    assert (out / "report.html").exists()      # written on the way out


@pytest.mark.notebooks
def test_once_class_of_one(tmp_path):
    inbox, out = tmp_path / "late", tmp_path / "out"
    (inbox / "Dana Late" / L1).mkdir(parents=True)
    (inbox / "Dana Late" / L1 / f"{L1}.ipynb").write_bytes(nb_bytes(WRONG))
    (inbox / "Dana Late" / L1 / "quiz_answers.json").write_text("{}")
    done = subprocess.run(watch(inbox, out, "--once"), env=env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = rows(out)
    assert {k[0] for k in got} == {"Dana Late"}
    assert float(got[("Dana Late", L1)]["score"]) == WRONG_SCORE
    assert (out / "feedback" / "Dana Late" / f"{L1}.html").exists()
    assert (out / "submitted" / "Dana Late" / L1 / "quiz_answers.json").exists()


@pytest.mark.notebooks
def test_once_exchange_inbound_newest_graded_released_into_course(tmp_path):
    from nbgrader.utils import notebook_hash
    inbound = tmp_path / "exchange" / "backprop-by-hand" / "inbound"
    inbound.mkdir(parents=True)
    subs = [("ana", "2026-12-01 09:00:00.000000 UTC", blank(L1)),
            ("ana", "2026-12-01 09:30:00.000000 UTC", right(L1)),      # ana's newest: graded
            ("bo", "2026-12-01 09:10:00.000000 UTC", WRONG)]
    for i, (who, stamp, nb) in enumerate(subs):
        d = inbound / f"{who}+{L1}+{stamp}+r{i}"
        d.mkdir()
        (d / f"{L1}.ipynb").write_bytes(nb_bytes(nb))
        (d / "timestamp.txt").write_text(stamp)
        (d / "submission_secret.txt").write_text(f"secret-{i}")
    out, course = tmp_path / "out", tmp_path / "course"
    course.mkdir()
    done = subprocess.run(watch(inbound, out, "--once", "--course", str(course)), env=env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = rows(out)
    assert float(got[("ana", L1)]["score"]) == MAX
    assert float(got[("bo", L1)]["score"]) == WRONG_SCORE
    # into the course's own gradebook, with the time nbgrader submit wrote, and its feedback/ for formgrader
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "backprop-by-hand") as gb:
        ana = gb.find_submission(L1, "ana")
        assert ana.score == MAX and str(ana.timestamp).startswith("2026-12-01 09:30:00")
    assert (course / "feedback" / "ana" / L1 / f"{L1}.html").exists()
    # released where nbgrader fetch_feedback looks: exchange/COURSE/feedback/md5(secret + notebook id).html
    for learner, secret in (("ana", "secret-1"), ("bo", "secret-2")):
        released = inbound.parent / "feedback" / f"{notebook_hash(secret=secret, notebook_id=L1)}.html"
        assert released.read_bytes() == (out / "feedback" / learner / f"{L1}.html").read_bytes()
    assert len(list((inbound.parent / "feedback").iterdir())) == 2     # not ana's older submission

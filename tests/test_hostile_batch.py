"""Attacks on the batch and on the machine, in one graded class beside an honest learner.

Each hostile learner gets exactly the expected score and flag, the honest learner's row is what it
would be alone, ``grades.csv`` has every row, nothing outside the learners' own sandboxes changes, and
for the attacks that need no sandbox to matter, a control shows them working in a plain kernel.
"""

import csv
import html
import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder_class import L1, broken_by, cell_index, expected_score, new_cell, right, solution_sources, wrong
from nbrun import ROOT, error_text, execute

pytestmark = pytest.mark.notebooks

SOLUTION = ROOT / "solutions" / L1 / f"{L1}.ipynb"
KEYS = ROOT / "autograder" / "quiz" / "keys"


def _after(exercise):
    """Every test placed after ``exercise``'s answer cell (grading stopped there)."""
    nb = right(L1)
    at = cell_index(nb, exercise)
    from autograder.lessons import grade_id
    from nbgrader.utils import is_grade, is_solution
    return {grade_id(c) for c in nb.cells[at:] if is_grade(c) and not is_solution(c)}


def _deep_json(levels):
    return '{"cells": [], "metadata": {"x": ' + "[" * levels + "]" * levels + '}, "nbformat": 4, "nbformat_minor": 5}'


def build(folder, out):
    """Write the batch; return {learner: (score, flags)} worked out from the lesson, not from the grader."""
    sol = solution_sources(L1)
    cases = {}

    def put(learner, nb=None, text=None):
        d = folder / learner
        d.mkdir(parents=True)
        if text is not None:
            (d / f"{L1}.ipynb").write_text(text, encoding="utf-8")
        else:
            nbformat.write(nb, str(d / f"{L1}.ipynb"))

    put("Ann Honest", right(L1))
    cases["Ann Honest"] = (expected_score(L1, set()), "")

    put("Dora Deep", text=_deep_json(100_000))            # a JSON nesting bomb: Python's parser gives up
    cases["Dora Deep"] = (0.0, "too-large")
    put("Dino Deeper", text=_deep_json(500))              # parses, but no notebook nests like that
    cases["Dino Deeper"] = (0.0, "too-large")
    many = right(L1)
    many.cells += [new_cell("pass") for _ in range(30_000)]
    put("Carl Cells", many)
    cases["Carl Cells"] = (0.0, "too-large")

    slow = right(L1)
    at = cell_index(slow, "gradient_step") + 1
    slow.cells[at:at] = [new_cell("import time\ntime.sleep(2)") for _ in range(15)]   # each under --timeout
    put("Sam Slow", slow)
    cases["Sam Slow"] = (expected_score(L1, _after("gradient_step")), "notebook-timeout")

    put("Lou Loud", right(L1, local_derivatives=sol["local_derivatives"] + "\nraise ValueError('x' * 2_000_000)\n"))
    cases["Lou Loud"] = (expected_score(L1, _after("local_derivatives")), "output-limit")

    # signals: the kernel's parent and every process it may signal (inside its sandbox: nothing of ours)
    put("Pat Parent", right(L1, neuron_forward=sol["neuron_forward"]
                            + "\nimport os, signal\nfor pid in (os.getppid(), -1):\n    try:\n"
                              "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"))
    cases["Pat Parent"] = (expected_score(L1, set()), "")

    # reading the hidden tests and the quiz keys, then answering from them if that worked (the paths are
    # spelt backwards, so the static scan does not see the package's name: only the sandbox stands in the way)
    step = wrong(L1, "gradient_step", "steps up the gradient")
    put("Rae Reader", right(L1, gradient_step=step + (
        f"\ntry:\n    leaked = open({str(SOLUTION)[::-1]!r}[::-1]).read()"
        f" + open({str(KEYS / (L1 + '.py'))[::-1]!r}[::-1]).read()\n"
        "except OSError:\n    leaked = ''\n"
        "if 'BEGIN HIDDEN TESTS' in leaked:\n"
        "    def gradient_step(x, w, b, y, lr):\n        return 0.0, 0.0\n")))
    cases["Rae Reader"] = (expected_score(L1, broken_by(L1, "gradient_step")), "")

    # writing where the grader keeps its results, the keys and the checkout
    targets = [out / "grades.csv", out / "gradebook.db", KEYS / "planted.py", ROOT / "planted.txt",
               out / ".state" / "planted"]
    put("Wes Writer", right(L1, gradient_step=sol["gradient_step"] + "\nfor p in " + repr([str(t)[::-1] for t in targets])
                            + ":\n    try:\n        open(p[::-1], 'w').write('=1+1')\n    except OSError:\n        pass\n"))
    cases["Wes Writer"] = (expected_score(L1, set()), "")
    return cases, targets


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    folder, out = base / "subs", base / "out"
    cases, targets = build(folder, out)
    # the class arrives as a zip, with a zip bomb beside the notebooks
    archive = base / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(folder))
        with z.open("Ann Honest/data.bin", "w") as bomb:
            block = b"\0" * (1 << 20)
            for _ in range(50):                                   # 50 MB of zeros, about 50 KB zipped
                bomb.write(block)
    before = {t: t.exists() for t in targets}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(archive), "--out", str(out),
                           "--timeout", "10", "--notebook-timeout", "20", "--jobs", "2", "--no-progress"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=900)
    rows = {r["learner"]: r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))
            if r["lesson"] == L1}
    return {"proc": proc, "rows": rows, "cases": cases, "out": out, "targets": targets, "before": before}


def test_the_batch_finishes_with_a_row_for_everyone(batch):
    assert batch["proc"].returncode == 0, batch["proc"].stderr[-2000:]
    assert set(batch["rows"]) == set(batch["cases"])


@pytest.mark.parametrize("learner", ["Ann Honest", "Dora Deep", "Dino Deeper", "Carl Cells", "Sam Slow", "Lou Loud",
                                     "Pat Parent", "Rae Reader", "Wes Writer"])
def test_each_learner_gets_exactly_the_expected_score_and_flag(batch, learner):
    score, flags = batch["cases"][learner]
    row = batch["rows"][learner]
    assert (float(row["score"]), row["flags"]) == (score, flags), row["details"]


def test_the_caps_are_named_in_the_details(batch):
    rows = batch["rows"]
    assert "nested" in rows["Dora Deep"]["details"] and "nested more than 64" in rows["Dino Deeper"]["details"]
    assert "30" in rows["Carl Cells"]["details"] and "cells" in rows["Carl Cells"]["details"]


def test_the_zip_bomb_is_skipped_by_name(batch):
    report = (batch["out"] / "report.html").read_text(encoding="utf-8")
    assert "data.bin" in report and "zip bomb" in report
    assert not (batch["out"] / "submitted" / "Ann Honest" / L1 / "data.bin").exists()


def test_nothing_outside_the_sandboxes_was_written(batch):
    for target in batch["targets"]:
        if target.name in ("grades.csv", "gradebook.db"):
            assert target.exists() and b"=1+1" not in target.read_bytes()[:64]
        else:
            assert not target.exists(), target


def test_control_in_a_plain_kernel_the_reader_reads_the_hidden_tests_and_the_writer_writes(tmp_path):
    """Without the sandbox these are real: a plain kernel (nbclient, the learner's own rights) reads the
    solution notebook and the keys, and writes wherever the grader may."""
    planted = tmp_path / "planted.txt"
    nb = nbformat.v4.new_notebook(cells=[new_cell(
        f"leaked = open({str(SOLUTION)!r}).read() + open({str(KEYS / (L1 + '.py'))!r}).read()\n"
        "assert 'BEGIN HIDDEN TESTS' in leaked and 'QUESTIONS' in leaked\n"
        f"open({str(planted)!r}, 'w').write('=1+1')\nprint('leaked', len(leaked))")])
    done, _ = execute(nb, tmp_path)
    assert not error_text(done.cells[0]) and planted.read_text() == "=1+1"


def test_feedback_pages_hold_no_hidden_test_or_key(batch):
    src = json.loads(SOLUTION.read_text(encoding="utf-8"))
    # a line the released notebook also has (a helper the visible part defines and the hidden part reuses)
    # is not secret
    released = SOLUTION.parents[2] / "course" / SOLUTION.parent.name / SOLUTION.name
    visible = "\n".join("".join(c["source"]) for c in json.loads(released.read_text(encoding="utf-8"))["cells"])
    hidden = []
    for cell in src["cells"]:
        text = "".join(cell["source"])
        if "### BEGIN HIDDEN TESTS" in text:
            body = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden += [line.strip() for line in body.splitlines() if len(line.strip()) > 30
                       and line.strip() not in visible]
    assert hidden
    for page in (batch["out"] / "feedback").rglob("*.html"):
        text = html.unescape(page.read_text(encoding="utf-8"))
        leaked = [line for line in hidden if line in text]
        assert not leaked, (page, leaked[:2])

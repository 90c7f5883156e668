"""The grader on a synthetic class with every bad case of issue 6: exact scores and flags.

The class is built once (tests/autograder_class.py) and graded once through the
real command line; every test below reads that one run.
"""

import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import is_grade, is_solution

from autograder_class import L1, build_class, lessons
from nbrun import HIDDEN

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.notebooks


def run_grader(*args, check=True):
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    expected = build_class(base / "submissions")
    proc = run_grader(base / "submissions", "--out", base / "out", "--timeout", 10, "--memory", 512, "--jobs", 2)
    return {"base": base, "out": base / "out", "expected": expected, "proc": proc,
            "rows": read_csv(base / "out" / "grades.csv")}


def test_exit_status_zero_and_a_summary(graded):
    assert graded["proc"].returncode == 0
    assert "graded" in graded["proc"].stdout


def test_one_row_per_learner_and_lesson_with_the_contract_columns(graded):
    with open(graded["out"] / "grades.csv", encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    assert header[:5] == ["learner", "lesson", "score", "max_score", "flags"]
    learners = {k[0] for k in graded["expected"]}
    got = [(r["learner"], r["lesson"]) for r in graded["rows"]]
    assert len(got) == len(set(got))
    assert set(got) == {(l, lesson) for l in learners for lesson in lessons()}


def test_exact_scores_and_flags(graded):
    got = {(r["learner"], r["lesson"]): (float(r["score"]), r["flags"]) for r in graded["rows"]}
    wrong = {k: (got.get(k), v) for k, v in graded["expected"].items() if got.get(k) != v}
    assert not wrong, "(got, expected):\n" + "\n".join(f"{k}: {v}" for k, v in sorted(wrong.items()))


def test_max_score_comes_from_the_source_notebooks(graded):
    from autograder.lessons import load_lesson
    for r in graded["rows"]:
        assert float(r["max_score"]) == load_lesson(r["lesson"]).max_score
    mia = next(r for r in graded["rows"] if r["learner"] == "Mia Points" and r["lesson"] == L1)
    assert "points changed" in mia["details"]


def test_names_with_accents_and_apostrophes_survive(graded):
    names = {r["learner"] for r in graded["rows"]}
    assert {"José D'Àvila", "Chloé O'Neil", "Zoë Quiz", "Ana María López"} <= names
    assert (graded["out"] / "feedback" / "José D'Àvila" / f"{L1}.html").exists()


def test_gradebook_is_nbgraders_and_agrees_with_the_csv(graded):
    from nbgrader.api import Gradebook
    from autograder.gradebook import COURSE_ID
    with Gradebook(f"sqlite:///{graded['out'] / 'gradebook.db'}", COURSE_ID) as gb:
        for r in graded["rows"]:
            if "missing" in r["flags"]:
                with pytest.raises(Exception):
                    gb.find_submission(r["lesson"], r["learner"])
                continue
            sub = gb.find_submission_notebook(r["lesson"], r["lesson"], r["learner"])
            assert float(sub.score) == float(r["score"]), r
            assert float(sub.max_score) == float(r["max_score"])
            assert bool(sub.flagged) == bool(r["flags"]), r


def _hidden_lines():
    """{lesson: lines only its hidden tests have} (a line also in the released notebook is not secret)."""
    out = {}
    for lesson in lessons():
        lines = out.setdefault(lesson, set())
        nb = nbformat.read(str(ROOT / "solutions" / lesson / f"{lesson}.ipynb"), as_version=4)
        released = (ROOT / "course" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8")
        visible = "\n".join(c.source for c in nbformat.reads(released, as_version=4).cells)
        for c in nb.cells:
            if is_grade(c) and not is_solution(c):
                for m in HIDDEN.finditer(c.source):
                    lines.update(l.strip() for l in m.group(1).splitlines()
                                 if len(l.strip()) >= 16 and l.strip() not in visible)
    return out


def test_feedback_never_shows_hidden_tests_or_tracebacks(graded):
    pages = sorted((graded["out"] / "feedback").rglob("*.html"))
    assert len(pages) == len(graded["rows"])
    hidden = _hidden_lines()
    assert hidden[L1]
    for page in pages:
        # the learner's own answer is shown back to them as they wrote it (Vic's imports the reference)
        text = re.sub(r"<details><summary>Your answer</summary>.*?</details>", "", page.read_text(encoding="utf-8"),
                      flags=re.S)
        for marker in ("HIDDEN TESTS", "autograder.reference", "Traceback", "File \"", "BEGIN SOLUTION"):
            assert marker not in text, f"{page}: {marker!r}"
        plain = html.unescape(text)
        leaked = [l for l in hidden[page.stem] if l in plain]
        assert not leaked, f"{page} shows hidden test lines: {leaked[:3]}"


def test_feedback_speaks_to_the_learner(graded):
    fb = graded["out"] / "feedback"

    def page(learner):   # what the page says, without the code it shows (tests, answers) in <details>
        text = (fb / learner / f"{L1}.html").read_text(encoding="utf-8")
        return html.unescape(re.sub(r"<details>.*?</details>", "", text, flags=re.S))

    chloe = page("Chloé O'Neil")
    assert "<code>the new w</code> is not right: step against the gradient" in chloe  # the Mistake sentence, nothing else
    assert "✓ neuron_forward gives the right z, a and L." in chloe
    assert "is not written yet" in page("Blank Bernard")
    gus = page("Gus Loop")
    assert "longer than the grader allows" in gus
    assert "Not run: grading stopped earlier, at your answer for Exercise 5" in gus
    assert "graded with the original tests" in page("Lee Edited Test")
    assert "used more memory" in page("Hiro HogInTest")


def test_quiz_answers_travel_with_the_notebook(graded):
    out = graded["out"]
    assert json.loads((out / "submitted" / "Zoë Quiz" / L1 / "quiz_answers.json").read_text()) == {"q1": "b"}
    assert (out / "autograded" / "Zoë Quiz" / L1 / "quiz_answers.json").exists()


def test_report_has_both_figures_and_lists_ignored_and_renamed_files(graded):
    text = (graded["out"] / "report.html").read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 2
    assert "class_list.csv" in text and "scratch.ipynb" in text
    # the README promises that a renamed copy graded in its lesson's place is named in the report
    assert f"Bo Renamed: graded &#x27;{L1} (1).ipynb&#x27; as {L1}.ipynb" in text
    assert "Flagged submissions" in text and "Gus Loop" in text


def test_running_again_regrades_nothing_and_gives_the_same_csv(graded):
    before = (graded["out"] / "grades.csv").read_bytes()
    proc = run_grader(graded["base"] / "submissions", "--out", graded["out"], "--timeout", 10, "--memory", 512)
    assert re.search(r"graded 0 notebooks", proc.stdout), proc.stdout
    assert (graded["out"] / "grades.csv").read_bytes() == before


# Cheats that do fool a plain kernel, where the tests run beside the learner's code. (np.allclose and
# builtins.abs do not: backprop.checks binds numpy at import. The grader still zeroes and flags them, above.)
CONTROLS = ["Rosa Helpers", "Xu CodeSwap", "Yara Shadow", "Wes SysModules", "Sam CustomExc", "Tess Display"]


@pytest.mark.parametrize("learner", CONTROLS)
def test_the_cheats_are_real_without_the_judge(learner, graded):
    """Control: in a plain kernel (tests/nbrun.py: nbclient, tests in the learner's kernel) the same cheat
    passes the test it targets, so the zero the grader gives above is the judge's doing, not a cheat that
    never worked."""
    from autograder_class import lesson01_cases
    from nbrun import execute, grade_results, load
    case = next(c for c in lesson01_cases() if c[0] == learner)
    submitted = case[2]()
    source = load(ROOT / "solutions" / L1 / f"{L1}.ipynb")
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in submitted.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    extra = [c for c in submitted.cells if "nbgrader" not in c.metadata and "fake" in c.source]
    if extra:   # the cheat lives in a cell of its own, right after the answer
        i = next(i for i, c in enumerate(source.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "gradient_step")
        source.cells.insert(i + 1, extra[0])
    nb, _ = execute(source, ROOT / "solutions" / L1, replace=answers, stop_after="test_gradient_step")
    assert grade_results(nb)["test_gradient_step"] == (2.0, 2.0), f"{learner}'s cheat does not even work unguarded"
    row = next(r for r in graded["rows"] if r["learner"] == learner and r["lesson"] == L1)
    assert "monkeypatch" in row["flags"]

"""Quizzes graded end to end, and the answer key kept away from learners.

- Graded runs: the released notebook, with its test cells put back to the instructor's version (what
  nbgrader's autograde does), executed in a folder holding a prepared quiz_answers.json. Right answers score
  full points, wrong answers zero, a missing file zero; every failure is a Mistake sentence.
- A restart: a fresh kernel on a folder with saved answers shows them in the widgets' models.
- The real thing: ``nbgrader generate_assignment`` and ``nbgrader autograde`` with the repository's
  nbgrader_config.py, while the instructor's own (right) quiz_answers.json sits in the source folder, as it
  does after running a solution: it must be neither released nor copied over a learner's answers.
- No answer key in course/, in the backprop package, in the notebooks' seals or in generated feedback.
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import quiz as aq
from nbrun import ROOT, errors, execute, grade_id, grade_results, kernel_env, load

KEYED = sorted(p.stem for p in (ROOT / "autograder" / "quiz" / "keys").glob("*.py") if p.stem[:2].isdigit())
# lessons whose released notebook already shows its quiz (a key may be written before its cells)
RELEASED = [lesson for lesson in KEYED if (ROOT / "course" / lesson / f"{lesson}.ipynb").exists()
            and "quiz.start(" in (ROOT / "course" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8")]


def wrong_answers(lesson):
    """A wrong answer to every question of the lesson, in the answers file's form."""
    out = {}
    for q in aq.load_key(lesson):
        if q["kind"] == "single":
            out[q["id"]] = next(o for o in q["options"] if o != q["answer"])
        elif q["kind"] == "multiple":
            out[q["id"]] = [o for o in q["options"] if o not in q["answer"]]
        elif q["kind"] == "order":
            out[q["id"]] = list(q["shown"])
        else:
            out[q["id"]] = float(q["answer"]) + 10 * float(q["tol"]) + 1.0
        assert not aq.verdict(q, out[q["id"]])[0]
    return out


def autograde_copy(lesson):
    """The released notebook with each test cell replaced by the instructor's (hidden tests included)."""
    released = load(ROOT / "course" / lesson / f"{lesson}.ipynb")
    source = {grade_id(c): c.source for c in load(ROOT / "solutions" / lesson / f"{lesson}.ipynb").cells
              if c.metadata.get("nbgrader", {}).get("grade") and grade_id(c)}
    for c in released.cells:
        if c.metadata.get("nbgrader", {}).get("grade") and grade_id(c) in source:
            c.source = source[grade_id(c)]
    return released


def quiz_cells(nb):
    return [c for c in nb.cells if (grade_id(c) or "").startswith("test_quiz_")]


# every lesson: right, wrong and missing answers; a damaged file once (the same code path in every lesson)
RUNS = [(lesson, case) for lesson in RELEASED for case in ("right", "wrong", "missing")] + \
       [(lesson, "damaged") for lesson in RELEASED if lesson == "07_try_it"]


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson,case", RUNS, ids=[f"{case}-{lesson}" for lesson, case in RUNS])
def test_graded_run_of_the_released_notebook(lesson, case, tmp_path):
    folder = tmp_path / lesson
    folder.mkdir()
    if case == "right":
        aq.write_answers(folder, lesson, aq.right_answers(lesson))
    elif case == "wrong":
        aq.write_answers(folder, lesson, wrong_answers(lesson))
    elif case == "damaged":
        (folder / "quiz_answers.json").write_text('{"lessons": {', encoding="utf-8")
    nb = autograde_copy(lesson)
    nb.cells.append(nbformat.v4.new_code_cell(
        "print('SAVED', {q: quiz.model(q).answer for q in quiz._session.models})"))
    nb, _ = execute(nb, folder)
    cells = quiz_cells(nb)
    assert len(cells) == len(aq.load_key(lesson))
    scores = grade_results(nb)
    for c in cells:
        got, full = scores[grade_id(c)]
        if case == "right":
            assert got == full and not errors(c), (grade_id(c), errors(c))
        else:
            assert got == 0, grade_id(c)
            (err,) = errors(c)
            assert err["ename"] == "Mistake", err
            want = {"wrong": "is not right", "missing": "You have not answered question",
                    "damaged": "You have not answered question"}[case]
            assert want in err["evalue"], err["evalue"]
    # cells outside exercises and tests never fail, whatever the answers file holds
    from nbgrader.utils import is_grade, is_solution
    stray = [i for i, c in enumerate(nb.cells) if errors(c) and not (is_grade(c) or is_solution(c))]
    assert not stray
    if case == "right":  # the widgets' models show the saved answers in a fresh kernel
        printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
        assert "SAVED" in printed
        for qid in aq.right_answers(lesson):
            assert f"'{qid}': None" not in printed


@pytest.mark.notebooks
def test_missing_file_message_from_the_hidden_tests_alone(tmp_path):
    """The hidden part of a quiz grade cell, alone in a folder without answers: a Mistake, no crash."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from autograder.quiz import grade\ngrade('07_try_it', 'dz2')")]
    nb, _ = execute(nb, tmp_path)
    (err,) = errors(nb.cells[0])
    assert err["ename"] == "Mistake" and "No saved quiz answers: quiz_answers.json is not in" in err["evalue"]


@pytest.mark.notebooks
def test_nbgrader_autograde_keeps_each_learners_answers(tmp_path):
    """nbgrader's own generate_assignment + autograde, with the instructor's right answers in the source folder."""
    lesson = "07_try_it"
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(ROOT / "solutions" / lesson, tmp_path / "solutions" / lesson,
                    ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    # as after running the solution notebook: the right answers beside the instructor's notebook
    aq.write_answers(tmp_path / "solutions" / lesson, lesson, aq.right_answers(lesson))
    env = kernel_env()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # nbgrader runs alembic
    nbgrader = [sys.executable, "-m", "nbgrader"]

    def run(*args):
        r = subprocess.run(nbgrader + list(args), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout + r.stderr

    run("generate_assignment", lesson, "--force")
    release = tmp_path / "course" / lesson
    assert sorted(p.name for p in release.iterdir()) == [f"{lesson}.ipynb"], "the instructor's answers were released"
    learners = {"alice": aq.right_answers(lesson), "bob": wrong_answers(lesson), "carol": None}
    for name, answers in learners.items():
        folder = tmp_path / "submitted" / name / lesson
        folder.mkdir(parents=True)
        shutil.copy(release / f"{lesson}.ipynb", folder)
        if answers is not None:
            aq.write_answers(folder, lesson, answers)
    run("autograde", lesson, "--create")
    run("generate_feedback", lesson)

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "backprop-by-hand") as gb:
        scores = {name: {g.name: g.score for g in gb.find_submission_notebook(lesson, lesson, name).grades}
                  for name in learners}
    n = len(aq.load_key(lesson))
    assert len(scores["alice"]) == n and all(s == 1.0 for s in scores["alice"].values()), scores["alice"]
    assert all(s == 0.0 for s in scores["bob"].values()), scores["bob"]
    assert all(s == 0.0 for s in scores["carol"].values()), scores["carol"]
    # the learner's answers file is what was graded, untouched
    graded = json.loads((tmp_path / "autograded" / "bob" / lesson / "quiz_answers.json").read_text(encoding="utf-8"))
    assert graded["lessons"][lesson]["dz2"]["answer"] == learners["bob"]["dz2"]
    # feedback says right or wrong, never what is right
    for name in learners:
        html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "feedback" / name / lesson).glob("*.html"))
        assert html, f"no feedback for {name}"
        leaks = _leaks(html, [lesson])
        assert not leaks, f"feedback for {name} shows the key: {leaks}"


# ------------------------------------------------------------- no key leaks ---

def _secrets(lesson):
    """Strings that would give a question's answer away if a learner could read them."""
    return aq.giveaways(lesson)


def _leaks(text, lessons):
    found = []
    for lesson in lessons:
        for s in _secrets(lesson):
            if s in text or json.dumps(s)[1:-1] in text:
                found.append((lesson, s[:60]))
    return found


def _seals(text):
    for token in re.findall(r'seal=\\?"([A-Za-z0-9+/=]+)\\?"', text):
        yield base64.b64decode(token).decode("utf-8")


def test_no_answer_key_in_course():
    files = [p for p in (ROOT / "course").rglob("*") if p.is_file()]
    assert files
    assert not [p for p in files if p.name.startswith("quiz_answers")], "an answers file was released"
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        assert not _leaks(text, KEYED), f"{p.relative_to(ROOT)} gives away: {_leaks(text, KEYED)}"
        for decoded in _seals(text):
            assert not _leaks(decoded, KEYED), f"a seal in {p.relative_to(ROOT)} gives away: {_leaks(decoded, KEYED)}"


def test_every_quiz_in_course_is_sealed_for_its_key():
    """Released notebooks carry a seal per question that agrees with the current key (else: run `update`).

    Compared by meaning (hashes as a set, explanations), so a notebook made before the options were
    shuffled still counts as right; its verdicts are the same.
    """
    for lesson in RELEASED:
        text = (ROOT / "course" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8")
        seals = {d["id"]: d for d in map(json.loads, _seals(text))}
        for q in aq.load_key(lesson):
            want = json.loads(base64.b64decode(aq.seal(q)).decode("utf-8"))
            have = seals.get(q["id"])
            assert have is not None, f"{lesson}: question {q['id']!r} is not in the released notebook"
            for field in ("kind", "n", "title", "x", "step", "hint"):
                assert have.get(field) == want.get(field), f"{lesson}: the seal of {q['id']!r} is stale ({field})"
            if q["kind"] == "multiple":
                assert sorted(have["h"]) == sorted(want["h"]), f"{lesson}: the seal of {q['id']!r} is stale"
            else:
                assert have["h"] == want["h"], f"{lesson}: the seal of {q['id']!r} is stale"


def test_no_answer_key_in_the_learner_package():
    files = [p for p in (ROOT / "backprop").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert any(p.name == "order.js" for p in files)
    for p in files:
        if p.suffix in (".npz",):
            continue
        text = p.read_text(encoding="utf-8", errors="replace")
        assert not _leaks(text, KEYED), f"{p.relative_to(ROOT)} gives away: {_leaks(text, KEYED)}"
    assert not (ROOT / "backprop" / "quiz" / "keys").exists()
    # the learner package never imports the instructor side
    for p in (ROOT / "backprop" / "quiz").glob("*.py"):
        tree = __import__("ast").parse(p.read_text())
        imported = [n.module if hasattr(n, "module") and n.module else a.name
                    for n in __import__("ast").walk(tree) if type(n).__name__ in ("Import", "ImportFrom")
                    for a in n.names]
        assert not [m for m in imported if m and m.split(".")[0] == "autograder"], p


def test_the_try_it_network_is_the_one_the_key_uses():
    """The number in question 5 is computed from the same network the notebook shows."""
    spec = __import__("importlib.util").util.spec_from_file_location(
        "k07", ROOT / "autograder" / "quiz" / "keys" / "07_try_it.py")
    mod = __import__("importlib.util").util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    net_cell = next(c for c in load(ROOT / "course" / "07_try_it" / "07_try_it.ipynb").cells if grade_id(c) == "net")
    ns = {}
    exec("import numpy as np\n" + net_cell.source.replace("print(", "(lambda *a: None)("), ns)
    import numpy as np
    for name, value in mod.NET.items():
        assert np.array_equal(ns[name], value), name


def test_released_choices_never_show_the_answer_first():
    """In every released quiz the options are listed as `shown` orders them (answer never first)."""
    for lesson in RELEASED:
        text = "\n".join(c.source for c in load(ROOT / "course" / lesson / f"{lesson}.ipynb").cells)
        for q in aq.load_key(lesson):
            if q["kind"] in ("single", "multiple"):
                assert json.dumps(aq.shown(q), ensure_ascii=False) in text, \
                    f"{lesson}: {q['id']!r} does not list its options as shown: run `python -m autograder.quiz update`"

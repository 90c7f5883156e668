"""Quizzes released without seals (``make course SEALS=0``): nothing to decode, answers saved, marked when graded.

- The release: no seal, no salt and no key anywhere; every other cell as in the sealed release; nbgrader's
  checksums are those of the sealless cells (so the grader's tamper check and the gradebook agree with them).
- The widget, through its traitlets models (no browser): an answer is saved to quiz_answers.json and the
  learner reads "Answer saved; it is marked when your work is graded." A right and a wrong answer leave the
  widget in exactly the same state, so nothing on screen tells them apart.
- Grading: nbgrader's own generate_assignment (with the course's settings, seals off) and autograde score a
  sealless learner's quiz from the saved answers: right answers full points, wrong answers zero.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import compute_checksum, is_grade, is_locked, is_solution

from autograder import quiz as aq
from autograder.quiz.notebook import QUESTION, drop_seals
from autograder.release import release
from backprop import quiz
from backprop.checks import Mistake
from backprop.quiz.core import SAVED, AnswerStore
from nbrun import ROOT, grade_id, kernel_env, load
from test_quiz_grading import KEYED, _leaks, wrong_answers

LESSON = "07_try_it"  # a quiz of every kind


@pytest.fixture(scope="module")
def sealless_07(tmp_path_factory):
    out = tmp_path_factory.mktemp("sealless") / "course"
    release(out=out, only=[LESSON], seals=False)
    return load(out / LESSON / f"{LESSON}.ipynb")


def _secret_free(text, where):
    """No seal, no salt, no key answer or explanation in ``text``."""
    assert "seal=" not in text, f"{where} still holds a seal"
    assert aq.SALT not in text, f"{where} still holds the salt"
    assert not _leaks(text, KEYED), f"{where} gives away: {_leaks(text, KEYED)}"
    for token in __import__("re").findall(r"eyJ[A-Za-z0-9+/=]{20,}", text):  # base64 of '{"' …: a seal by another name
        assert '"h"' not in base64.b64decode(token + "==").decode("utf-8", "replace"), f"{where}: an encoded seal"


def _checksums_hold(nb, where):
    for c in nb.cells:
        if is_grade(c) or is_solution(c) or is_locked(c):
            assert compute_checksum(c) == c.metadata.nbgrader["checksum"], f"{where} {grade_id(c)}: stale checksum"


def test_a_sealless_release_holds_no_seal_and_is_checksummed_as_shipped(sealless_07):
    text = nbformat.writes(sealless_07)
    _secret_free(text, LESSON)
    questions = [c for c in sealless_07.cells if (grade_id(c) or "").startswith(QUESTION)]
    assert [grade_id(c) for c in questions] == [QUESTION + q["id"] for q in aq.load_key(LESSON)]
    for c, q in zip(questions, aq.load_key(LESSON)):
        assert f'number={q["n"]}, title={json.dumps(q["title"], ensure_ascii=False)}' in c.source
    _checksums_hold(sealless_07, LESSON)


def test_drop_seals_is_the_only_change_from_the_sealed_release(sealless_07):
    sealed = load(ROOT / "course" / LESSON / f"{LESSON}.ipynb")
    assert "seal=" in nbformat.writes(sealed)  # the committed course/ is the sealed (default) release
    expected = nbformat.from_dict(sealed)
    drop_seals(expected)
    assert [c.source for c in expected.cells] == [c.source for c in sealless_07.cells]
    changed = {grade_id(a) or a.source[:20] for a, b in zip(sealed.cells, sealless_07.cells) if a.source != b.source}
    assert changed == {QUESTION + q["id"] for q in aq.load_key(LESSON)} | {"setup"}


@pytest.mark.slow
def test_no_seal_in_any_lesson_released_without_seals(tmp_path):
    ids = release(out=tmp_path / "course", seals=False)
    assert ids == sorted(KEYED)
    files = [p for p in (tmp_path / "course").rglob("*") if p.is_file()]
    assert files
    for p in files:
        nb = load(p) if p.suffix == ".ipynb" else None
        _secret_free(p.read_text(encoding="utf-8", errors="replace"), p.name)
        if nb is not None:
            _checksums_hold(nb, p.name)
            assert any((grade_id(c) or "").startswith(QUESTION) for c in nb.cells), f"{p.name} lost its quiz"


# ------------------------------------------------------------------ widget ---

def _run_questions(nb, folder, monkeypatch):
    """Run a released notebook's quiz setup and question cells as a kernel would; returns {qid: widget}."""
    monkeypatch.chdir(folder)  # the kernel's working directory is the notebook's folder
    start = next(line for c in nb.cells for line in c.source.splitlines() if line.startswith("quiz.start("))
    ns = {"quiz": quiz}
    exec(start, ns)
    return {grade_id(c)[len(QUESTION):]: eval(c.source, ns) for c in nb.cells
            if (grade_id(c) or "").startswith(QUESTION)}


def _seen(qid, widget):
    """Everything the learner can see of a question's feedback: the model's traits and the result line."""
    m = quiz.model(qid)
    lines = [w.value for w in _walk(widget) if "bp-quiz-result" in getattr(w, "_dom_classes", ())]
    board = [(w.marks, w.result) for w in _walk(widget) if hasattr(w, "checks")]
    return (m.verdict, m.result, list(m.marks), list(m.explanations), m.notes() if hasattr(m, "notes") else None,
            lines, board)


def _walk(w):
    yield w
    for c in getattr(w, "children", ()):
        yield from _walk(c)


def test_the_sealless_widget_saves_and_never_judges(sealless_07, tmp_path, monkeypatch, capsys):
    widgets = _run_questions(sealless_07, tmp_path, monkeypatch)
    key = {q["id"]: q for q in aq.load_key(LESSON)}
    right, wrong = aq.right_answers(LESSON), wrong_answers(LESSON)
    assert set(widgets) == set(key)
    store = AnswerStore(LESSON, tmp_path)
    for qid, widget in widgets.items():
        m = quiz.model(qid)
        assert not m.sealed and m.number == key[qid]["n"] and m.title == key[qid]["title"]
        with pytest.raises(Mistake, match=f"You have not answered question {key[qid]['n']} yet"):
            quiz.check(qid)
        seen = {}
        for name, value in (("wrong", wrong[qid]), ("right", right[qid])):
            assert quiz.answer(qid, value) == "saved"
            assert store.get(qid)["answer"] == m.canonical(value)  # saved the moment it is given
            seen[name] = _seen(qid, widget)
        assert seen["right"] == seen["wrong"], f"{qid}: the widget tells a right answer from a wrong one"
        verdict, result, marks, explanations, notes, lines, board = seen["right"]
        assert verdict == "saved" and result == SAVED and marks == [] and not any(explanations) and not notes
        assert "✓" not in result + "".join(lines) and "✗" not in result + "".join(lines)
        assert lines == ([] if key[qid]["kind"] == "order" else [SAVED]) and board in ([], [([], SAVED)])
        capsys.readouterr()
        quiz.check(qid)  # the visible half of the grade cell: saved, no verdict
        out = capsys.readouterr().out
        assert "answer saved in quiz_answers.json; it is marked when your work is graded" in out
        assert "✓" not in out and "right" not in out
    # the widgets themselves answer the same way: a pick in the radio buttons is saved, and says so
    radio = next(w for w in _walk(widgets["dz2"]) if "bp-quiz-option" in getattr(w, "_dom_classes", ()))
    other = next(o for o in radio.options if o != radio.value)
    radio.value = other
    assert store.get("dz2")["answer"] == other and quiz.model("dz2").result == SAVED
    # after a restart the saved answers come back, still without a verdict
    again = _run_questions(sealless_07, tmp_path, monkeypatch)
    for qid in again:
        assert quiz.model(qid).verdict == "saved" and quiz.model(qid).answer is not None


def test_a_sealed_widget_still_judges_at_once(tmp_path, monkeypatch):
    """The default release keeps immediate ✓/✗ (the control for the test above)."""
    widgets = _run_questions(load(ROOT / "course" / LESSON / f"{LESSON}.ipynb"), tmp_path, monkeypatch)
    assert quiz.answer("dz2", wrong_answers(LESSON)["dz2"]) == "wrong"
    assert quiz.model("dz2").result.startswith("✗")
    assert quiz.answer("dz2", aq.right_answers(LESSON)["dz2"]) == "right"
    assert quiz.model("dz2").result.startswith("✓") and widgets


# ----------------------------------------------------------------- grading ---

@pytest.mark.notebooks
def test_nbgrader_grades_a_sealless_quiz_from_the_saved_answers(tmp_path):
    """generate_assignment (seals off) → learners' folders → nbgrader autograde: scores from the plaintext key."""
    (tmp_path / "nbgrader_config.py").write_text(
        "import sys\nfrom autograder.nbconfig import course_config\n"
        "c = get_config()  # noqa: F821\n"
        "c.merge(course_config(%r, releasing=bool({'generate_assignment'} & set(sys.argv[1:])), seals=False))\n"
        % str(tmp_path), encoding="utf-8")
    shutil.copytree(ROOT / "solutions" / LESSON, tmp_path / "solutions" / LESSON,
                    ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    env = kernel_env()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # nbgrader runs alembic

    def run(*args):
        r = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        return r.stdout + r.stderr

    run("generate_assignment", LESSON, "--force")
    released = tmp_path / "course" / LESSON / f"{LESSON}.ipynb"
    _secret_free(released.read_text(encoding="utf-8"), "nbgrader's release")
    learners = {"alice": aq.right_answers(LESSON), "bob": wrong_answers(LESSON), "carol": None}
    for name, answers in learners.items():
        folder = tmp_path / "submitted" / name / LESSON
        folder.mkdir(parents=True)
        shutil.copy(released, folder)
        if answers is not None:
            aq.write_answers(folder, LESSON, answers)
    run("autograde", LESSON, "--create")

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "backprop-by-hand") as gb:
        scores = {name: {g.name: g.score for g in gb.find_submission_notebook(LESSON, LESSON, name).grades}
                  for name in learners}
        source = {c.name: c.source for c in gb.find_notebook(LESSON, LESSON).source_cells}
    n = len(aq.load_key(LESSON))
    assert len(scores["alice"]) == n and all(s == 1.0 for s in scores["alice"].values()), scores["alice"]
    assert all(s == 0.0 for s in scores["bob"].values()), scores["bob"]
    assert all(s == 0.0 for s in scores["carol"].values()), scores["carol"]
    # the gradebook holds the cells learners got (no seal comes back into the graded copies)
    assert all("seal=" not in s for s in source.values())
    graded = (tmp_path / "autograded" / "alice" / LESSON / f"{LESSON}.ipynb").read_text(encoding="utf-8")
    assert "seal=" not in graded and "answer saved in quiz_answers.json" in graded

"""The quiz's authoring loop works on the notebooks in the repository: key → solution notebook → course/."""

import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import quiz as aq
from autograder.nbconfig import source_lessons
from autograder.quiz import notebook
from nbrun import ROOT, grade_id

LESSONS = [lesson for lesson in source_lessons() if (aq.KEYS / f"{lesson}.py").exists()]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_solution_notebook_is_in_step_with_its_key(lesson):
    """The quiz cells in solutions/ are exactly what the key generates (else: `python -m autograder.quiz update`)."""
    assert notebook.update(lesson, write=False) == []


def _key_copy(tmp_path, monkeypatch, lesson, edit):
    keys = tmp_path / "keys"
    shutil.copytree(aq.KEYS, keys)
    path = keys / f"{lesson}.py"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(aq, "KEYS", keys)


NEW_QUESTION = '''
QUESTIONS.append(dict(id="extra_q", kind="single", title="an extra question", prompt="Which is it?",
                      options=["this", "that"], answer="that",
                      explain={"this": "No: not this.", "that": "Right: that."}))
'''


def test_sync_adds_new_questions_and_keeps_the_authors_cells(tmp_path, monkeypatch):
    lesson = "07_try_it"
    nb = nbformat.read(str(notebook.notebook_path(lesson)), as_version=4)
    answers = next(c for c in nb.cells if grade_id(c) == "quiz_answers_07")
    answers.source = answers.source.replace("    quiz.answer(\"dz2\"", "    # the author's comment\n    quiz.answer(\"dz2\"")
    others = [(c.cell_type, c.source) for c in nb.cells if not (grade_id(c) or "").startswith(("quiz_q_", "test_quiz_"))]
    _key_copy(tmp_path, monkeypatch, lesson, lambda text: text + NEW_QUESTION)
    changes = notebook.sync(lesson, nb)
    assert changes == ["added quiz_q_extra_q", "quiz_answers_07: added the answer to extra_q", "added test_quiz_extra_q"]
    ids = [grade_id(c) for c in nb.cells]
    # the new question comes after the last question, its grade cell after the last grade cell
    assert ids.index("quiz_q_extra_q") == ids.index("quiz_q_dW2_entry") + 1
    assert ids.index("test_quiz_extra_q") == ids.index("test_quiz_dW2_entry") + 1
    cell = nb.cells[ids.index("test_quiz_extra_q")]
    assert cell.metadata.nbgrader["grade"] and cell.metadata.nbgrader["points"] == 1.0
    assert 'grade("07_try_it", "extra_q")' in cell.source and cell.source.startswith('"""Question 6 (an extra question)')
    answers = nb.cells[ids.index("quiz_answers_07")]
    assert "# the author's comment" in answers.source
    assert answers.source.rstrip().endswith('quiz.answer("extra_q", "that")\n    ### END SOLUTION')
    kept = [(c.cell_type, c.source) for c in nb.cells if not (grade_id(c) or "").startswith(("quiz_q_", "test_quiz_"))]
    assert [k for k in kept if "quiz.by_code" not in k[1]] == [k for k in others if "quiz.by_code" not in k[1]]
    assert notebook.sync(lesson, nb) == []   # a second sync changes nothing


def test_sync_removes_a_dropped_question_and_refreshes_a_changed_prompt(tmp_path, monkeypatch):
    lesson = "07_try_it"
    nb = nbformat.read(str(notebook.notebook_path(lesson)), as_version=4)

    def edit(text):
        text = text.replace("what is \"\n                r\"$\\partial L/\\partial z_2$", "what is \"\n                r\"$\\partial L / \\partial z_2$")
        return text + "\nQUESTIONS[:] = [q for q in QUESTIONS if q['id'] != 'shape_check']\n"

    _key_copy(tmp_path, monkeypatch, lesson, edit)
    changes = notebook.sync(lesson, nb)
    assert "removed quiz_q_shape_check (the key has no such question)" in changes
    assert "removed test_quiz_shape_check (the key has no such question)" in changes
    assert "updated quiz_q_dz2" in changes
    dz2 = next(c for c in nb.cells if grade_id(c) == "quiz_q_dz2")
    assert r"$\partial L / \partial z_2$" in dz2.source
    # the numbering follows the key: the old question 4 is now question 3
    assert next(c for c in nb.cells if grade_id(c) == "test_quiz_grads_like_W1").source.startswith('"""Question 3 ')


def test_question_cells_start_collapsed_so_the_learner_sees_the_question_not_the_seal():
    for lesson in LESSONS:
        nb = nbformat.read(str(ROOT / "course" / lesson / f"{lesson}.ipynb"), as_version=4)
        cells = [c for c in nb.cells if (grade_id(c) or "").startswith("quiz_q_")]
        assert cells and all(c.metadata.get("jupyter", {}).get("source_hidden") is True for c in cells), lesson
        assert all("seal=" in c.source for c in cells)   # the seal is still there for the widget
        # a collapsed cell shows its first line: a label, never the seal
        assert all(c.source.startswith("# Question ") and "seal" not in c.source.splitlines()[0] for c in cells)


def _run(args, cwd, **kw):
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kw)


@pytest.mark.slow
def test_a_fresh_clone_carries_a_key_change_through_to_course(tmp_path):
    """Edit a key, `quiz update`, `release`: the new prompt and seal reach course/, other cells stay."""
    clone = tmp_path / "clone"   # every file a clone would hold (tracked or new), nothing of this machine's
    for rel in subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.splitlines():
        if (ROOT / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / rel, clone / rel)
    lesson = "07_try_it"
    key = clone / "autograder" / "quiz" / "keys" / f"{lesson}.py"
    key.write_text(key.read_text(encoding="utf-8").replace('answer="ŷ − y"', 'answer="y − ŷ"'), encoding="utf-8")
    assert _run(["-m", "autograder.quiz", "check", lesson], clone).returncode == 1   # stale: the seal changed
    done = _run(["-m", "autograder.quiz", "update", lesson], clone)
    assert done.returncode == 0 and "updated quiz_q_dz2" in done.stdout, done.stdout + done.stderr
    assert _run(["-m", "autograder.quiz", "check", lesson], clone).returncode == 0
    assert _run(["-m", "autograder", "release", lesson], clone).returncode == 0
    old = nbformat.read(str(ROOT / "course" / lesson / f"{lesson}.ipynb"), as_version=4)
    new = nbformat.read(str(clone / "course" / lesson / f"{lesson}.ipynb"), as_version=4)
    changed = [grade_id(a) for a, b in zip(old.cells, new.cells) if a.source != b.source]
    assert changed == ["quiz_q_dz2"] and len(old.cells) == len(new.cells)
    seal = re.search(r'seal="([^"]+)"', new.cells[[grade_id(c) for c in new.cells].index("quiz_q_dz2")].source).group(1)
    from backprop.quiz.core import digest, read_seal
    assert read_seal(seal)["h"] == digest(aq.SALT, "dz2", "single", "y − ŷ")   # the widget now accepts the new key

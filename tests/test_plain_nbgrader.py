"""The instructor's environment runs plain nbgrader on every lesson, with no variable set.

Hidden tests import ``autograder.reference``: the instructor package (``instructor/``) is installed by
``make setup``, so nbgrader's own commands find it from anywhere. Feedback made by nbgrader's
``generate_feedback`` with the course's ``nbgrader_config.py`` holds no hidden test.
"""

import csv
import html
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import quiz as aq
from autograder.nbconfig import release_ignore, source_lessons
from autograder_class import blank, right
from nbrun import HIDDEN, ROOT

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
# Two lessons: plain nbgrader's part here is the instructor's environment (the installed instructor package,
# no variable set) and its own commands end to end; lesson 02's hidden tests also reach into the notebook's
# namespace (autograder.judge.kernel_namespace). That every lesson's right answers earn full points with its
# hidden tests is shown for all lessons by the notebook gates (test_notebook_gates.py) and by the grader's
# class (test_autograder_class.py).
LESSONS = source_lessons()[:2]


def plain_env():
    """The environment of an instructor who just activated the venv: no PYTHONPATH, nothing of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A copy of the course's instructor files, graded by nbgrader's own commands from its root."""
    root = tmp_path_factory.mktemp("plain") / "course-root"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns(*release_ignore()))
    # no autograder/ in the copy: nbgrader_config.py and the hidden tests find the installed instructor package

    def nbgrader(*args):
        r = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root, env=plain_env(), capture_output=True,
                           text=True, timeout=600)
        assert r.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}"
        return r.stdout + r.stderr

    for lesson in LESSONS:
        nbgrader("generate_assignment", lesson, "--force")
        for learner, nb in (("alice", right(lesson)), ("bob", blank(lesson))):
            folder = root / "submitted" / learner / lesson
            folder.mkdir(parents=True)
            nbformat.write(nb, str(folder / f"{lesson}.ipynb"))
            if learner == "alice":
                aq.write_answers(folder, lesson, aq.right_answers(lesson))
    for lesson in LESSONS:
        nbgrader("autograde", lesson, "--create")
        nbgrader("generate_feedback", lesson)
    nbgrader("export")
    return {"root": root, "nbgrader": nbgrader}


def test_a_right_submission_gets_full_points_and_a_blank_one_does_not(course):
    from autograder.lessons import load_lesson
    rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(open(course["root"] / "grades.csv"))}
    for lesson in LESSONS:
        full = load_lesson(lesson).max_score
        alice, bob = rows[("alice", lesson)], rows[("bob", lesson)]
        assert float(alice["max_score"]) == full
        assert float(alice["score"]) == full, f"{lesson}: a right submission scored {alice['score']} of {full}"
        assert float(bob["score"]) < full, lesson


def test_nbgrader_feedback_shows_no_hidden_test(course):
    hidden = set()
    for lesson in LESSONS:
        src = nbformat.read(str(ROOT / "solutions" / lesson / f"{lesson}.ipynb"), as_version=4)
        for cell in src.cells:
            for m in HIDDEN.finditer(cell.source):
                hidden.update(line.strip() for line in m.group(1).splitlines() if len(line.strip()) > 12)
    pages = list((course["root"] / "feedback").rglob("*.html"))
    assert len(pages) == 2 * len(LESSONS)
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        leaked = sorted(line for line in hidden if line in text)
        assert not leaked, f"{page.relative_to(course['root'])} shows hidden tests: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text and "autograder.reference" not in text


def test_nbgrader_validate_passes_the_solution_and_fails_a_blank_notebook(course):
    for lesson in LESSONS:
        out = course["nbgrader"]("validate", f"submitted/alice/{lesson}/{lesson}.ipynb")
        assert "Success! Your notebook passes all the tests." in out, out[-2000:]
        r = subprocess.run([sys.executable, "-m", "nbgrader", "validate", f"submitted/bob/{lesson}/{lesson}.ipynb"],
                           cwd=course["root"], env=plain_env(), capture_output=True, text=True, timeout=600)
        assert "VALIDATION FAILED" in r.stdout + r.stderr

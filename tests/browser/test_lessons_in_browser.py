"""Every lesson, learner and instructor version, opened in JupyterLab in Chromium and driven from the page.

For each notebook: Run ▸ Run All Cells, wait for the kernel to go idle, then
* no cell shows an error (learner notebooks: only in their nbgrader exercise and
  test cells, which fail by design until the learner answers);
* every widget the notebook creates renders (a widget view, not empty, no
  "Error displaying widget" / "model not found");
* every course slider moves with the arrow keys and changes its plot or readout.
A screenshot of each lesson goes to artifacts/browser/ (also when it fails).
"""

import pytest

from lab import ROOT, lesson_notebooks
from labcheck import NotebookSession, check_notebook, nbgrader_cells, report, assert_run_all_continues

COURSE = lesson_notebooks("course")
SOLUTIONS = lesson_notebooks("solutions")


def shot_name(rel):
    kind, lesson = rel.split("/")[:2]
    return f"{kind}-{lesson}.png"


def test_every_lesson_is_covered():
    """The notebooks are found at run time: every lesson in solutions/ has its learner version in course/."""
    assert "course/01_chain_rule/01_chain_rule.ipynb" in COURSE
    assert [p.split("/")[1] for p in COURSE] == [p.split("/")[1] for p in SOLUTIONS], \
        "course/ and solutions/ hold different lessons: run `make course`"


@pytest.mark.browser
@pytest.mark.parametrize("rel", COURSE + SOLUTIONS)
def test_lesson_runs_and_its_widgets_work_in_jupyterlab(rel, lab, lab_page, artifacts):
    path = lab.root_dir / rel
    learner = rel.startswith("course/")
    allowed = nbgrader_cells(path) if learner else []
    if allowed:
        # Run All goes on past the exercise and test cells, which fail in an unanswered notebook
        assert_run_all_continues(path, allowed)
    session = NotebookSession(lab_page, lab, path)
    problems, moves, shot = [], [], None
    try:
        problems, moves = check_notebook(session, allowed_errors=allowed, allow_todo=learner)
    finally:
        shot = session.screenshot(artifacts / shot_name(rel))
    assert not problems, f"{rel} in JupyterLab:\n" + report(problems, shot, session.widget_console_errors())
    if (ROOT / rel).read_text().count("_explorer(") and not moves:
        pytest.fail(f"{rel} builds an explorer but the page shows no slider with the class bp-slider")

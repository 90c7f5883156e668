"""Ordering quiz questions, answered with the mouse in JupyterLab, checked, and still there after a restart.

For every lesson with an ordering question (lesson 07 "Try it" is a quiz; other
lessons end with a checkpoint quiz), in the learner and the instructor notebook,
on a fresh copy of the lesson folder (answers are saved to quiz_answers.json
beside the notebook, and the repository must stay clean):

1. Run All; read each ordering question's items from the page;
2. drag them (real HTML5 drag and drop with the mouse) into a wrong order, press
   Check: the widget marks wrong places and does not say ✓;
3. drag them into the right order (the key: autograder/quiz/keys/, instructor
   side), press Check: every item is marked right and the verdict starts with ✓;
   the answers file holds that order;
4. Kernel ▸ Restart Kernel and Clear Outputs, Run All again: the widget shows the
   saved order with its ✓.
In the learner notebook nothing but the drag writes the answer, so step 4 proves
the saved answer comes back; the instructor notebook also answers by code, after
the question cells, which writes the same right order.
"""

import json
import re
import shutil

import pytest

from lab import ROOT, lesson_notebooks
from labcheck import (NotebookSession, check_question, drag_into_order, nbgrader_cells, question_state, assert_run_all_continues)

QUIZ_LESSON = "07_try_it"
ORDER = re.compile(r"""quiz\.order\(\s*["']([A-Za-z0-9_-]+)["']""")


def order_questions(lesson):
    nb = json.loads((ROOT / "solutions" / lesson / f"{lesson}.ipynb").read_text())
    return [q for c in nb["cells"] for q in ORDER.findall("".join(c["source"]))]


LESSONS = [p.split("/")[1] for p in lesson_notebooks("solutions")]
CASES = [(kind, lesson) for lesson in LESSONS if order_questions(lesson) for kind in ("course", "solutions")]


def test_the_quiz_lesson_has_an_ordering_question():
    if not (ROOT / "course" / QUIZ_LESSON).is_dir():
        pytest.skip(f"course/{QUIZ_LESSON} does not exist yet (the quiz lesson is being written)")
    assert order_questions(QUIZ_LESSON), f"{QUIZ_LESSON} has no quiz.order(...) question"
    assert ("course", QUIZ_LESSON) in CASES


@pytest.mark.browser
@pytest.mark.parametrize("kind,lesson", CASES)
def test_order_question_by_mouse_is_checked_saved_and_restored(kind, lesson, lab, lab_page, artifacts):
    from autograder.quiz import right_answers
    key = right_answers(lesson)
    qids = order_questions(lesson)
    # a fresh copy of the lesson folder: no answers saved by an earlier run
    folder = lab.root_dir / "quiz-copies" / kind / lesson
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / kind / lesson, folder, ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    path = folder / f"{lesson}.ipynb"
    learner = kind == "course"
    if learner:
        assert_run_all_continues(path, nbgrader_cells(path))
    page = lab_page
    session = NotebookSession(page, lab, path, label=f"{kind}/{lesson}")
    shot = artifacts / f"quiz-{kind}-{lesson}.png"
    try:
        session.open()
        session.run_all()
        for qid in qids:
            right = key[qid]
            page.locator(f".bp-quiz-q-{qid}").first.scroll_into_view_if_needed()
            state = question_state(page, qid)
            assert state["draggable"], f"{kind}/{lesson} {qid}: items are not draggable: {state}"
            assert sorted(state["items"]) == sorted(right), \
                f"{kind}/{lesson} {qid}: the page shows items {state['items']}, the key orders {right}"
            wrong = list(reversed(right))
            drag_into_order(page, qid, wrong)
            state = check_question(page, qid)
            assert state["items"] == wrong, f"{kind}/{lesson} {qid}: after dragging, the order is {state['items']}"
            assert "wrong" in state["marks"] and not state["result"].startswith("✓"), \
                f"{kind}/{lesson} {qid}: a wrong order was not marked wrong: {state}"
            drags = drag_into_order(page, qid, right)
            assert drags, f"{kind}/{lesson} {qid}: no drag was needed, so the mouse was not tested"
            state = check_question(page, qid)
            assert state["items"] == right and set(state["marks"]) == {"right"}, \
                f"{kind}/{lesson} {qid}: the right order was not marked right: {state}"
            assert state["result"].startswith("✓"), f"{kind}/{lesson} {qid}: the verdict is {state['result']!r}"
            saved = json.loads((folder / "quiz_answers.json").read_text())
            assert saved["lessons"][lesson][qid]["answer"] == right, \
                f"{kind}/{lesson} {qid}: quiz_answers.json holds {saved['lessons'][lesson][qid]}"
        # restart the kernel, run everything again: the saved answers come back
        session.restart_and_clear()
        session.run_all()
        for qid in qids:
            page.locator(f".bp-quiz-q-{qid}").first.scroll_into_view_if_needed()
            page.wait_for_function(
                "(qid) => { const r = document.querySelector('.bp-quiz-q-' + qid + ' .bp-quiz-result');"
                " return r && r.innerText.trim().length > 0; }", arg=qid, timeout=30_000)
            state = question_state(page, qid)
            assert state["items"] == key[qid], \
                f"{kind}/{lesson} {qid}: after a restart the widget shows {state['items']}, not the saved {key[qid]}"
            assert state["result"].startswith("✓"), \
                f"{kind}/{lesson} {qid}: after a restart the verdict is {state['result']!r}"
    finally:
        session.screenshot(shot, scroll_to=f".bp-quiz-q-{qids[0]}")

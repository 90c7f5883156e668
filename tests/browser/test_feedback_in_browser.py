"""Feedback pages in Chromium, offline: the maths is drawn as MathML and no raw LaTeX or backtick shows.

Both routes to a page: the grader's own (``autograder.feedback.render``) and nbgrader's ``generate_feedback``
with the course's preprocessors (built as in tests/test_feedback_page.py). The pages are opened from files
with every network request refused, as on a machine with no internet: nbgrader's page still asks for MathJax
from a CDN, and must read without it. Screenshots: artifacts/browser/feedback_*.png.
"""

import re

import pytest

from test_feedback_page import L3, LIMITS, nbgrader_page, result_for

pytestmark = pytest.mark.browser


def _offline(page):
    page.route(re.compile(r"^https?://"), lambda route: route.abort())


def _check(page, path, artifacts, shot):
    _offline(page)
    page.goto(path.as_uri(), wait_until="load")
    maths = page.locator("math")
    assert maths.count() >= 2
    # drawn by the browser's MathML layout (display "block math" / "inline math"), with a real size
    displays = page.evaluate("[...document.querySelectorAll('math')].map(m => getComputedStyle(m).display)")
    assert all("math" in d for d in displays), displays
    box = maths.first.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    text = page.inner_text("body")
    prose = page.evaluate("""() => { const b = document.body.cloneNode(true);
        b.querySelectorAll('code, .input_area, details').forEach(e => e.remove()); return b.textContent; }""")
    assert "$" not in prose and "\\" not in prose
    assert "$" not in text.replace("$ in code", "") and "\\partial" not in text and "\\frac" not in text and "\\hat" not in text
    page.screenshot(path=str(artifacts / shot), full_page=True)
    return text


def test_the_graders_page_draws_its_maths_and_code(page, tmp_path, artifacts):
    from autograder import feedback
    from autograder.lessons import load_lesson
    lesson = load_lesson(L3)
    msg = "`dW1` has shape (3, 4) but W1 has shape (4, 3): did you transpose?"
    path = tmp_path / "grader.html"
    path.write_text(feedback.render("Zoë", lesson, result_for(lesson, message=msg), LIMITS), encoding="utf-8")
    text = _check(page, path, artifacts, "feedback_grader.png")
    messages = page.locator("p.msg")
    assert messages.count() > 0 and page.locator("p.msg code").count() >= messages.count()
    assert "`" not in "".join(messages.all_inner_texts())
    assert "dW1 has shape (3, 4)" in text


def test_nbgraders_page_draws_its_maths_and_code_offline(page, tmp_path, artifacts):
    path = tmp_path / "nbgrader.html"
    path.write_text(nbgrader_page(tmp_path), encoding="utf-8")
    _check(page, path, artifacts, "feedback_nbgrader.png")
    errors = page.locator("pre.bp-error")
    assert errors.count() == 3 and page.locator("pre.bp-error code").count() >= 3
    assert "`" not in "".join(errors.all_inner_texts())
    assert page.locator("h2 math").count() == 1      # a heading's maths, through nbconvert's anchor links

"""The feedback page reads like the notebook (issue 12, item 6), on both routes to a page.

- the grader's own page (``python -m autograder grade``: :func:`autograder.feedback.render`) and its class report;
- nbgrader's ``generate_feedback`` with the course's preprocessors (``nbconfig.feedback_preprocessors``), run
  here on a small notebook built in the test and exported with nbgrader's own feedback template.

On each: maths is MathML with no ``$`` left (no MathJax, no network), names in backticks are ``<code>``,
sentences that point "above" or at "a new cell" send the learner to their notebook, a missing
``quiz_answers.json`` is named (and in the report, per learner), and a test that fails after an earlier exercise
failed says which. The fast tests need no kernel; one test grades a real notebook (marked ``notebooks``).
"""

import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder import feedback
from autograder.lessons import lesson_ids, load_lesson
from autograder.results import GradingResult, TestResult

ROOT = Path(__file__).resolve().parent.parent
L1, L3 = "01_chain_rule", "03_two_layer_network"
LIMITS = {"timeout": 30, "memory": 1024}


@pytest.fixture(scope="module")
def lessons():
    return {lid: load_lesson(lid) for lid in lesson_ids()}


def result_for(lesson, status="failed", message="Not yet.", **tests):
    """A GradingResult for ``lesson``: every test ``status`` with ``message``; ``tests`` override some."""
    out = {t: TestResult(0.0 if status != "passed" else p, p, status, message) for t, p in lesson.tests.items()}
    out.update(tests)
    return GradingResult("Zoë D'Arcy", lesson.id, tests=out, score=0.0, max_score=lesson.max_score)


def section(page, title_part):
    """The HTML of the page's section whose heading contains ``title_part``."""
    for m in re.finditer(r"<section class='[^']*'>(.*?)</section>", page, re.S):
        if title_part in html.unescape(re.sub(r"<[^>]+>", "", m.group(1).split("</h2>")[0])):
            return m.group(1)
    raise AssertionError(f"no section {title_part!r}")


def visible_text(fragment):
    """What a reader sees of an HTML fragment: tags and the code shown in <details> dropped."""
    fragment = re.sub(r"<details>.*?</details>", "", fragment, flags=re.S)
    fragment = re.sub(r"<math\b.*?</math>", " [maths] ", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# ------------------------------------------------------------------------------ the grader's page: maths ---

def test_exercise_titles_show_their_maths_as_mathml(lessons):
    page = feedback.render("Zoë", lessons[L1], result_for(lessons[L1]), LIMITS)
    heading = section(page, "Chain them").split("</h2>")[0]
    assert heading.count("<math") == 2, heading
    assert "\\partial" not in visible_text(heading) and "$" not in heading
    assert "<mo>∂</mo>" in heading       # ∂L/∂w, drawn by the browser


def test_no_lesson_title_keeps_raw_latex(lessons):
    rendered = 0
    for lid, lesson in lessons.items():
        page = feedback.render("Zoë", lesson, result_for(lesson), LIMITS)
        for heading in re.findall(r"<h2>(.*?)</h2>", page, re.S):
            assert "$" not in heading and "\\" not in visible_text(heading), (lid, heading)
            assert "`" not in heading, (lid, heading)
            rendered += heading.count("<math")
    assert rendered >= 10      # lesson 03's ten gradient steps alone have maths in their titles


def test_every_formula_of_the_lessons_renders_without_a_fallback():
    """Each $…$ and $$…$$ of every solution notebook's markdown becomes MathML (none shown as TeX code)."""
    formulas = 0
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type != "markdown" or "$" not in cell.source:
                continue
            out = feedback.markdown_maths(cell.source)
            assert "class='tex'" not in out, (path.name, cell.source[:120])
            prose = re.sub(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$|(`+).+?\2", "", out, flags=re.S | re.M)
            assert "$" not in prose, (path.name, prose[:200])
            formulas += out.count("<math")
    assert formulas > 300


def test_maths_in_markdown_survives_markdown_and_code_keeps_its_dollars():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    src = ("Here $a_1 * b_2 < c$ and `price $5$`.\n\n| x | y |\n|---|---|\n| $\\lVert g \\rVert$ | 1 |\n\n"
           "$$\\frac{1}{m}\\sum_j x_j$$\n\n```\nprint('$x$')\n```\n")
    out = markdown2html_mistune(feedback.markdown_maths(src))
    assert out.count("<math") == 3 and 'display="block"' in out
    assert "<em>" not in out                        # the * and _ of the formula are not markdown's
    assert "<code>price $5$</code>" in out and "print('$x$')" in out
    assert "$" not in re.sub(r"<code>.*?</code>", "", out, flags=re.S)
    assert "<table>" in out and out.count("<td>") == 2


# ---------------------------------------------------------------------------- the grader's page: code ---

def test_messages_show_names_in_backticks_as_code(lessons):
    msg = "`dW1` has shape (3, 4) but W1 has shape (4, 3): did you transpose? Try `a <b>`."
    page = feedback.render("Zoë", lessons[L3], result_for(lessons[L3], message=msg), LIMITS)
    msgs = re.findall(r"<p class='msg [^']*'>(.*?)</p>", page)
    assert msgs and all("`" not in m for m in msgs)
    assert "<code>dW1</code> has shape (3, 4)" in page
    assert "<code>a &lt;b&gt;</code>" in page and "<b>`" not in page     # escaped, never markup


# ------------------------------------------------------------------- sentences that point at the notebook ---

def test_the_sources_sentences_that_point_above_are_reworded_for_the_page():
    from backprop.checks import Mistake, call
    from backprop.quiz import core

    def crash():
        raise ValueError("boom")

    def stub():
        raise NotImplementedError()

    said = []
    for fn in (crash, stub):
        with pytest.raises(Mistake) as info:
            call(fn)
        said.append(str(info.value))
    said += [f"You have not answered question 1 yet: {cls.how_to_answer}" for cls in vars(core).values()
             if isinstance(cls, type) and issubclass(cls, core.Question)]
    digits = nbformat.read(str(ROOT / "solutions" / "04_batches_and_training" / "04_batches_and_training.ipynb"),
                           as_version=4)
    said += [re.search(r"[^\"]*learning curve above[^\"]*", c.source).group(0) for c in digits.cells
             if c.cell_type == "code" and "learning curve above" in c.source]
    said.append("Your saved answer to question 2 is not right yet. Answer it again above: your latest answer counts.")
    assert len(said) >= 7
    for sentence in said:
        page = feedback.for_the_page(sentence)
        assert page != sentence, sentence
        assert "your notebook" in page and not re.search(r"\babove\.|above and press|again above", page), page
    assert "In your notebook, run `crash` by itself in a new cell" in feedback.for_the_page(said[0])


def test_the_page_shows_the_reworded_sentence(lessons):
    msg = "Calling `neuron_forward` raised ValueError: boom. Run `neuron_forward` by itself in a new cell to see " \
          "the line that fails."
    page = feedback.render("Zoë", lessons[L1], result_for(lessons[L1], message=msg), LIMITS)
    assert "In your notebook, run <code>neuron_forward</code> by itself in a new cell" in page
    assert "Run <code>neuron_forward</code> by itself" not in page


# ------------------------------------------------------------------------------ missing quiz_answers.json ---

def test_a_missing_quiz_answers_file_is_named_on_the_page(lessons):
    lesson = lessons[L1]
    res = result_for(lesson, message="You have not answered question 1 yet: pick an option above.")
    res.quiz_answers_missing = True
    page = feedback.render(res.learner, lesson, res, LIMITS)
    assert feedback.NO_QUIZ_ANSWERS in html.unescape(page)
    quiz = [t for t in lesson.tests if t.startswith("test_quiz_")]
    assert quiz and html.unescape(page).count(feedback.NO_QUIZ_ANSWERS_QUESTION) == len(quiz)
    assert "You have not answered" not in section(page, "Question 1")
    # handed in: not said
    res.quiz_answers_missing = False
    assert feedback.NO_QUIZ_ANSWERS not in html.unescape(feedback.render(res.learner, lesson, res, LIMITS))


def test_a_missing_quiz_answers_file_is_named_per_learner_in_the_report(tmp_path, lessons):
    from autograder import report
    from autograder.grade import Summary
    missing = result_for(lessons[L1])
    missing.quiz_answers_missing = True
    handed_in = result_for(lessons[L1], learner="x")
    handed_in.learner = "Ann Handed-In"
    results = {("Zoë D'Arcy", L1): missing, ("Ann Handed-In", L1): handed_in}
    rows = [{"learner": r.learner, "lesson": L1, "score": "0", "max_score": str(lessons[L1].max_score),
             "flags": "", "details": ""} for r in results.values()]
    summary = Summary(learners=["Ann Handed-In", "Zoë D'Arcy"], lessons=[L1], rows=rows, db_url="sqlite://")
    report.write_report(tmp_path, summary, {L1: lessons[L1]}, results)
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    table = text.split("Quiz answers not handed in")[1].split("</table>")[0]
    quiz = sum(1 for t in lessons[L1].tests if t.startswith("test_quiz_"))
    assert f"<td>Zoë D&#x27;Arcy</td><td>{L1}</td><td>{quiz}</td>" in table
    assert html.escape(feedback.NO_QUIZ_ANSWERS) in table and "Ann Handed-In" not in table
    assert "<math" in text.split("Success rate per exercise")[1]      # exercise titles with their maths


def test_only_a_quiz_cell_that_calls_answer_writes_the_file():
    assert feedback.saves_quiz_answers('with quiz.by_code():\n    quiz.answer("q1", 3.0)\n')
    assert not feedback.saves_quiz_answers("with quiz.by_code():\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert not feedback.saves_quiz_answers("this is not python (")


# ------------------------------------------------------------------------ a test after an earlier failure ---

def _tiny_lesson(b_calls_a=True):
    """Two exercises: a() and b() (which calls a() when ``b_calls_a``); a test each, the second naming only b."""
    def meta(gid, solution=False, grade=False, points=None):
        m = {"grade": grade, "grade_id": gid, "locked": not solution, "schema_version": 3, "solution": solution,
             "task": False}
        if points is not None:
            m["points"] = points
        return {"nbgrader": m}
    body = "    return a(x) + 1" if b_calls_a else "    return x + 1"
    return [new_code_cell("def a(x):\n    return 2 * x", metadata=meta("a", solution=True)),
            new_code_cell("check_scalar(call(a, 1.0), 2.0, 'a(1)')", metadata=meta("test_a", grade=True, points=1)),
            new_code_cell(f"def b(x):\n{body}", metadata=meta("b", solution=True)),
            new_code_cell("check_scalar(call(b, 1.0), 3.0, 'b(1)')", metadata=meta("test_b", grade=True, points=1))]


def test_a_test_that_uses_an_earlier_exercise_names_it_when_that_one_failed(lessons):
    cells = lessons[L3].source_nb.cells
    both = {"test_forward": "failed", "test_backward_shapes": "failed", "test_gradcheck": "passed"}
    blocked = feedback.blocked_by(cells, both)
    assert "forward" in blocked["test_backward_shapes"] and "test_gradcheck" not in blocked
    assert "test_backward_shapes" not in feedback.blocked_by(cells, {**both, "test_forward": "passed"})
    # through the learner's own code: b's test never names a, b calls it
    assert feedback.blocked_by(_tiny_lesson(), {"test_a": "failed", "test_b": "failed"}) == {"test_b": ["a"]}
    assert feedback.blocked_by(_tiny_lesson(False), {"test_a": "failed", "test_b": "failed"}) == {}
    assert feedback.blocked_by(_tiny_lesson(False), {"test_a": "failed", "test_b": "failed"},
                               answers={"b": "def b(x):\n    return a(x) + 1"}) == {"test_b": ["a"]}


def test_the_page_says_which_earlier_exercise_to_fix_first(lessons):
    lesson = lessons[L3]
    res = result_for(lesson, test_backward_shapes=TestResult(0.0, 2.0, "failed", "`dW1` has the wrong shape",
                                                             blocked_by=["forward"]))
    page = feedback.render(res.learner, lesson, res, LIMITS)
    said = section(page, "backward")
    assert "This test uses <code>forward</code>, from an earlier exercise, whose own test did not pass: fix that " \
           "first" in said
    assert page.count("This test uses") == 1


def test_results_keep_the_new_facts_through_their_json():
    res = GradingResult("Zoë", L1, tests={"t": TestResult(0.0, 1.0, "failed", "no", blocked_by=["f"])},
                        quiz_answers_missing=True)
    back = GradingResult.from_json(json.loads(json.dumps(res.to_json())))
    assert back.tests["t"].blocked_by == ["f"] and back.quiz_answers_missing is True
    old = {"learner": "Zoë", "lesson": L1, "tests": {"t": {"score": 0.0, "max": 1.0, "status": "failed",
                                                           "message": "no"}}}
    older = GradingResult.from_json(old)      # a result stored before these fields: read with their defaults
    assert older.tests["t"].blocked_by == [] and older.quiz_answers_missing is False


# ------------------------------------------------------------------- nbgrader's generate_feedback route ---

def graded_notebook():
    """A small autograded notebook as nbgrader's GetGrades leaves it: maths in markdown, two exercises (the
    second's test calls the first's function), a quiz question, every test failed with the judge's message."""
    def meta(gid, solution=False, grade=False, points=None, score=None):
        m = {"grade": grade, "grade_id": gid, "locked": not solution, "schema_version": 3, "solution": solution,
             "task": False}
        if points is not None:
            m.update(points=points, score=score)
        return {"nbgrader": m}

    def failed(evalue):
        return [new_output("error", ename="Mistake", evalue=evalue,
                           traceback=["\x1b[1;31m✗ " + evalue + "\x1b[0m", "  File \"<cell>\", line 9"])]
    cells = [
        new_markdown_cell("## Exercise 1 · $dz_2 = \\hat y - y$ (1 point)\n\nThe gradient of the loss, "
                          "$\\partial L/\\partial z_2$, is\n\n$$\\frac{1}{m}\\sum_j (\\hat y_j - y_j)$$\n\n"
                          "Write `forward` (the `$` in code stays)."),
        new_code_cell("def forward(x):\n    return x - 1", metadata=meta("forward", solution=True)),
        new_code_cell("\"\"\"Check forward.\"\"\"\ncheck_scalar(call(forward, 1.0), 2.0, 'forward(1)')\n"
                      "### BEGIN HIDDEN TESTS\nsecret_check_of_forward_with_other_inputs = 1\n### END HIDDEN TESTS",
                      metadata=meta("test_forward", grade=True, points=1.0, score=0.0),
                      outputs=failed("`forward(1)` is not right: the largest difference is 2")),
        new_markdown_cell("## Exercise 2 · backward (1 point)"),
        new_code_cell("def backward(x):\n    return forward(x) * 2", metadata=meta("backward", solution=True)),
        new_code_cell("\"\"\"Check backward.\"\"\"\ncheck_scalar(call(backward, 1.0), 4.0, 'backward(1)')\n"
                      "### BEGIN HIDDEN TESTS\ncall(forward, 2.0)\n### END HIDDEN TESTS",
                      metadata=meta("test_backward", grade=True, points=1.0, score=0.0),
                      outputs=failed("Calling `backward` raised ValueError: boom. Run `backward` by itself in a "
                                     "new cell to see the line that fails.")),
        new_code_cell("with quiz.by_code():\n    # YOUR CODE HERE\n    raise NotImplementedError()",
                      metadata=meta("quiz_answers_01", solution=True)),
        new_code_cell("\"\"\"Question 1 (a question): graded from your saved answer.\"\"\"\nquiz.check(\"q1\")",
                      metadata=meta("test_quiz_q1", grade=True, points=1.0, score=0.0),
                      outputs=failed("You have not answered question 1 yet: pick an option above.")),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    return nb


def nbgrader_page(folder, nb=None):
    """The HTML page nbgrader's generate_feedback makes of ``nb`` in ``folder`` with the course's preprocessors
    (after GetGrades, whose scores the notebook already holds) and nbgrader's feedback template."""
    import nbgrader
    from nbconvert.exporters import HTMLExporter
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    from autograder.nbconfig import feedback_preprocessors
    base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    cfg = Config()
    cfg.HTMLExporter.template_name = "feedback"
    cfg.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    cfg.HTMLExporter.extra_template_paths = [str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    exporter = HTMLExporter(config=cfg)
    steps = feedback_preprocessors()
    assert steps[0] is GetGrades
    for step in steps[1:]:
        exporter.register_preprocessor(step(), enabled=True)
    resources = {"metadata": {"path": str(folder), "name": "lesson"},
                 "nbgrader": {"notebook": "lesson", "assignment": "lesson", "student": "zoe", "score": 0.0,
                              "max_score": 3.0, "late_penalty": 0.0}}
    page, _ = exporter.from_notebook_node(nb if nb is not None else graded_notebook(), resources=resources)
    return page


def _markdown_cells(page):
    return re.findall(r'<div class="text_cell_render[^"]*">(.*?)</div>\s*</div>', page, re.S)


def test_nbgrader_page_renders_the_maths_with_no_dollar_left(tmp_path):
    page = nbgrader_page(tmp_path)
    cells = _markdown_cells(page)
    assert cells
    rendered = "".join(cells)
    assert rendered.count("<math") == 3 and 'display="block"' in rendered and ":math" not in rendered
    assert "<h2" in rendered and "<math" in rendered.split("<h2")[1].split("</h2>")[0]     # the heading's maths too
    prose = re.sub(r"<code>.*?</code>", "", rendered, flags=re.S)
    assert "$" not in prose and "\\frac" not in prose and "\\partial" not in prose
    assert "<code>$</code>" in rendered          # code keeps its dollar


def test_nbgrader_page_shows_code_as_code_and_points_into_the_notebook(tmp_path):
    page = nbgrader_page(tmp_path)
    errors = re.findall(r"<pre class=.bp-error.[^>]*>(.*?)</pre>", page, re.S)
    assert len(errors) == 3
    assert all("`" not in e for e in errors)
    assert any("<code>forward(1)</code> is not right" in e for e in errors)
    assert any("In your notebook, run <code>backward</code> by itself in a new cell" in e for e in errors)
    assert "pick an option above" not in page
    assert "Traceback" not in page and "line 9" not in page
    assert "secret_check_of_forward" not in page and "BEGIN HIDDEN TESTS" not in page


def test_nbgrader_page_names_the_earlier_exercise_and_the_missing_quiz_file(tmp_path):
    page = html.unescape(nbgrader_page(tmp_path))
    assert "This test uses <code>forward</code>, from an earlier exercise" in page
    assert feedback.NO_QUIZ_ANSWERS in page and feedback.NO_QUIZ_ANSWERS_QUESTION in page
    # the answers file handed in: the quiz question keeps its own sentence
    (tmp_path / "quiz_answers.json").write_text("{}", encoding="utf-8")
    page = html.unescape(nbgrader_page(tmp_path))
    assert feedback.NO_QUIZ_ANSWERS not in page and "You have not answered question 1 yet" in page


# ------------------------------------------------------------------------------ a real notebook, graded ---

@pytest.mark.notebooks
@pytest.mark.slow
def test_a_graded_notebook_gets_both_sentences_on_its_page_and_in_the_report(tmp_path):
    """Lesson 01 with a wrong neuron_forward and the quiz left to the widget, handed in without
    quiz_answers.json: graded in its sandbox by the real grader."""
    from autograder_class import blank, right, wrong

    from autograder import grade
    from autograder.quiz.notebook import ANSWERS
    nb = right(L1, neuron_forward=wrong(L1, "neuron_forward"))
    for cell in nb.cells:     # the quiz answered in the widget, never by code
        if str(cell.metadata.get("nbgrader", {}).get("grade_id", "")).startswith(ANSWERS):
            cell.source = next(c.source for c in blank(L1).cells if c.metadata.get("nbgrader", {}).get("grade_id")
                               == cell.metadata.nbgrader.grade_id)
    (tmp_path / "in" / "Ann").mkdir(parents=True)
    nbformat.write(nb, str(tmp_path / "in" / "Ann" / f"{L1}.ipynb"))
    grade.grade(tmp_path / "in", tmp_path / "out", grade.Options(progress=False, jobs=1))
    page = (tmp_path / "out" / "feedback" / "Ann" / f"{L1}.html").read_text(encoding="utf-8")
    shown = html.unescape(page)
    assert feedback.NO_QUIZ_ANSWERS in shown
    assert "This test uses <code>neuron_forward</code>, from an earlier exercise" in shown
    assert "<math" in section(page, "Chain them").split("</h2>")[0]
    assert all("`" not in m for m in re.findall(r"<p class='msg [^']*'>(.*?)</p>", page))
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Quiz answers not handed in" in report and "<td>Ann</td>" in report.split("Quiz answers not")[1]

"""Step 5: one HTML page per learner and lesson: what passed, what failed, in words.

Written from the grader's results, never from the executed notebook's test
cells, so no hidden test can leak (nbgrader issue #1363): a test is shown as
the learner received it (course/, where nbgrader stripped the hidden part),
its outcome as the ✓ line it printed or the Mistake message it raised, and
never a traceback. The learner's own answer code is shown as they wrote it.

The page reads like the notebook, with no network: maths (``$…$``, ``$$…$$``) is rendered to MathML when the
page is written (:func:`maths_html`, latex2mathml), names in backticks are shown as code (:func:`code_html`),
sentences that point at the notebook ("in a new cell", "above") say so (:func:`for_the_page`), a missing
``quiz_answers.json`` is named (:data:`NO_QUIZ_ANSWERS`), and a test that uses a function of an earlier
exercise whose own test failed says which (:func:`prerequisites`, :func:`blocked_by`). nbgrader's own
``generate_feedback`` gets the same through the preprocessors in ``autograder/preprocessors/``.
"""

import ast
import html
import re
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

FLAG_WORDS = {
    "missing": "We did not find this lesson's notebook in your submission.",
    "unreadable": "Your notebook file could not be opened (it is not a valid notebook), so nothing could be run.",
    "too-large": "Your notebook was too large to grade (far more cells, bytes or nesting than a lesson "
                 "needs), so nothing was run. Save it again from the lesson's notebook and resubmit.",
    "timeout": "A cell ran for longer than the grader allows (often an endless loop). Grading stopped at that cell; "
               "tests before it kept their points.",
    "notebook-timeout": "Your whole notebook ran for longer than the grader allows (many slow cells, or one that "
                        "waits). Grading stopped there; tests before it kept their points.",
    "memory": "Your code used more memory than the grader allows. Grading stopped there; tests before it kept "
              "their points.",
    "kernel-died": "Python stopped while running your notebook (for example os._exit, or a crash). Grading stopped "
                   "there; tests before it kept their points.",
    "output-limit": "Your notebook printed far more text than the grader allows. Grading stopped there; tests "
                    "before it kept their points.",
    "tampered": "A cell you were not meant to change (a test or another locked cell) was edited, removed, "
                "duplicated or had its points changed. Your work was graded with the original tests, and your "
                "instructor will see this note.",
    "monkeypatch": "Your code replaces something the tests rely on (a NumPy function, a builtin, a checking "
                   "helper or how errors are shown). The tests run outside your notebook's Python, so it changed "
                   "nothing; your instructor will see this note.",
    "late": "You submitted after the due date.",
    "reference-import": "Your code uses the course's reference solutions (or the library function that is the "
                        "answer to the exercise) instead of computing the answer itself. Those exercises earn no "
                        "points.",
}

STATUS = {"passed": "✓ passed", "failed": "✗ not yet", "not-run": "– not run"}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem;margin-bottom:.2rem}.score{font-size:1.2rem;margin:.3rem 0 1rem}
section{border:1px solid #ccc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
section.passed{border-left:6px solid #009E73}section.failed{border-left:6px solid #D55E00}
section.not-run{border-left:6px solid #999}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.9rem;border-radius:4px}
.msg{font-weight:600}.ok{color:#006b4f}.bad{color:#a33f00}.note{background:#fff7e0;border:1px solid #E69F00;
padding:.5rem 1rem;border-radius:6px;margin:.5rem 0}
details summary{cursor:pointer;color:#0072B2}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;background:#f0f0f0;
padding:0 .2em;border-radius:3px}pre code{background:none;padding:0}
.msg code{font-weight:600}.blocked{color:#6b4e00;font-weight:400}
math{font-size:1.1em}h2 math{font-size:1em}
"""


def plain(text):
    return ANSI.sub("", str(text or ""))


# ------------------------------------------------------------------ maths, code, wording, dependencies

#: Said on the learner's page and in the instructor's report when a lesson with a quiz was handed in without
#: the file its quiz widget saves answers to.
NO_QUIZ_ANSWERS = ("No quiz_answers.json was submitted: the quiz answers were not saved or not handed in, "
                   "so the quiz questions score 0.")
NO_QUIZ_ANSWERS_HOW = ("Answer the quiz in the notebook (the widget saves each answer to quiz_answers.json, "
                       "beside the notebook) and hand that file in with the notebook.")
#: What each quiz question then says, instead of "You have not answered question 1 yet".
NO_QUIZ_ANSWERS_QUESTION = ("No quiz_answers.json was submitted, so there was no saved answer to this question "
                            "to grade.")

#: Code in markdown: fenced blocks, then inline code spans (a run of backticks closed by the same run).
_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$|(`+)(?!`).+?(?<!`)\2(?!`)", re.M | re.S)
#: Maths as the lessons write it (MathJax's delimiters): $$display$$ first, then $inline$; \$ is a dollar.
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)(?<!\\)\$", re.S)
_TEXT_NODE = re.compile(r">([^<]+)<")
#: What markdown would read as its own syntax inside a MathML text node: written as character references.
_MARKDOWN_SPECIAL = set("\\`*_[]|~$^{}!#+-<>&")


def _tex_to_mathml(tex, display):
    """MathML for one formula, or None when latex2mathml cannot render it (the caller shows the TeX as code)."""
    try:
        from latex2mathml.converter import convert
        out = convert(tex.strip(), display="block" if display else "inline")
    except Exception:   # not installed, or a construct it does not know
        return None
    # HTML5 knows <math> without its XML namespace; with it, nbconvert's heading anchors (ElementTree) write ns0:math
    out = out.replace("\n", "").replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)

    def node(m):
        text = re.sub(r"\\([_{}$%&#])", r"\1", html.unescape(m.group(1)))   # \_ inside \text{…}, \texttt{…}
        if "\\" in text:   # an unknown command, left as its name
            raise ValueError(text)
        return ">" + "".join(f"&#{ord(ch)};" if ch in _MARKDOWN_SPECIAL else ch for ch in text) + "<"
    try:
        return _TEXT_NODE.sub(node, out)
    except ValueError:
        return None


def _math_sub(m):
    display = m.group(1) is not None
    tex = m.group(1) if display else m.group(2)
    rendered = _tex_to_mathml(tex, display)
    return rendered if rendered is not None else f"<code class='tex'>{html.escape(tex.strip())}</code>"


def _outside_code(text, change):
    """``text`` with ``change`` applied to every part that is not markdown code."""
    out, at = [], 0
    for m in _CODE.finditer(text):
        out.append(change(text[at:m.start()]))
        out.append(m.group(0))
        at = m.end()
    out.append(change(text[at:]))
    return "".join(out)


def markdown_maths(source):
    """A markdown cell's source with each ``$…$`` / ``$$…$$`` replaced by inline MathML (code left alone).

    Markdown passes inline HTML through, so nbconvert's page shows the maths with no MathJax and no network;
    the MathML's text is written as character references where markdown would read it as syntax."""
    return _outside_code(source or "", lambda part: _MATH.sub(_math_sub, part))


def code_html(text):
    """Plain text as HTML: escaped, with each `name` in backticks shown as <code>name</code>."""
    out, at = [], 0
    text = str(text or "")
    for m in re.finditer(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", text, re.S):
        out.append(html.escape(text[at:m.start()]))
        out.append(f"<code>{html.escape(m.group(2).strip())}</code>")
        at = m.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def maths_html(text):
    """A line of markdown (an exercise's heading) as HTML: maths as MathML, `code` as <code>, the rest escaped."""
    out, at = [], 0
    text = str(text or "")
    for m in _MATH.finditer(text):
        out.append(code_html(text[at:m.start()]))
        out.append(_math_sub(m))
        at = m.end()
    out.append(code_html(text[at:]))
    return "".join(out)


#: Sentences written for the notebook, where "above" and "a new cell" are the learner's cells; on a feedback
#: page they point at nothing. Each pattern is rewritten so it says where to look: the learner's notebook.
#: (The sentences themselves live in backprop/checks.py, autograder/quiz and the lessons' test cells.)
PAGE_WORDING = (
    (re.compile(r"\bRun (`[^`]+`) by itself in a new cell to see the line that fails\."),
     r"In your notebook, run \1 by itself in a new cell to see the line that fails."),
    (re.compile(r"\bwith your code, run that cell, then run this test again\."),
     "with your code in your notebook, run that cell, then run this test again."),
    (re.compile(r"\bCheck the learning curve above\."),
     "Check the learning curve in your notebook (the plot above this test)."),
    (re.compile(r"\b(pick an option|tick the options that apply|put the steps in order|type your number|answer it) "
                r"above\b"), r"\1 in the question's widget in your notebook"),
    (re.compile(r"\bAnswer it again above\b"), "Answer it again in your notebook"),
    (re.compile(r"\bwhile running this cell\b"), "while running this test"),
)


def for_the_page(sentence):
    """A learner-facing sentence reworded where it points at the notebook ("above", "a new cell")."""
    text = str(sentence or "")
    for pattern, replacement in PAGE_WORDING:
        text = pattern.sub(replacement, text)
    return text


def _grade_id(cell):
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _parse(source):
    """A cell's code as an AST (IPython's magics turned into calls only when plain Python fails), or None."""
    try:
        return ast.parse(source or "")
    except SyntaxError:
        from autograder.lessons import transform
        try:
            return ast.parse(transform(source or ""))
        except SyntaxError:
            return None


def _names_used(source):
    tree = _parse(source)
    return set() if tree is None else {n.id for n in ast.walk(tree)
                                       if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _defined(source):
    """The functions and classes a cell defines at top level."""
    tree = _parse(source)
    return set() if tree is None else {n.name for n in tree.body
                                       if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _structure(cells):
    """[(kind, grade_id, cell)] of a lesson's nbgrader code cells, kind "answer" or "test", in order."""
    from nbgrader.utils import is_grade, is_solution
    out = []
    for cell in cells:
        gid = _grade_id(cell)
        if cell.get("cell_type") != "code" or not gid:
            continue
        if is_solution(cell) and not is_grade(cell):
            out.append(("answer", gid, cell))
        elif is_grade(cell) and not is_solution(cell):
            out.append(("test", gid, cell))
    return out


def prerequisites(cells, answers=None):
    """{test grade_id: [(function name, answer grade_id)]}: the functions of *earlier* exercises a test
    uses, read from a lesson's cells (no table: any lesson, any exercise).

    An exercise is an nbgrader solution code cell, and the functions and classes it defines are its own; a
    test belongs to the last exercise before it. A test uses an earlier exercise when its code (hidden tests
    included) names one of that exercise's functions (``call(forward, …)``), or when the code of its own
    exercise does (the learner's ``neuron_backward`` calling their ``neuron_forward``), and so on through
    the exercises reached. ``answers``: {answer grade_id: the learner's source}, read instead of the
    cells' own (the grader's notebook of a lesson holds the reference answers)."""
    answers = answers or {}
    defined, names_in, own, out = {}, {}, None, {}
    for kind, gid, cell in _structure(cells):
        if kind == "answer":
            own = gid
            code = answers.get(gid, cell.source)
            defined[gid] = _defined(cell.source) | _defined(code)
            names_in[gid] = _names_used(code)
            continue
        used = _names_used(cell.source) | (names_in[own] if own else set())
        reached, grew = [], True
        while grew:
            grew = False
            for answer, names in defined.items():
                if answer != own and answer not in reached and names & used:
                    reached.append(answer)
                    used |= names_in[answer]
                    grew = True
        uses = [(name, answer) for answer in defined if answer in reached
                for name in sorted(defined[answer] & used)]
        if uses:
            out[gid] = uses
    return out


def blocked_by(cells, outcome, answers=None):
    """{test grade_id: [function names]} for each failed test that uses (:func:`prerequisites`) a function
    of an earlier exercise one of whose own tests failed too.
    ``outcome``: {test grade_id: "passed" | "failed" | "not-run"}; ``answers`` as for :func:`prerequisites`."""
    tests_of, own = {}, None
    for kind, gid, _cell in _structure(cells):
        if kind == "answer":
            own = gid
        elif own:
            tests_of.setdefault(own, []).append(gid)
    out = {}
    for test, uses in prerequisites(cells, answers).items():
        if outcome.get(test) != "failed":
            continue
        names = [name for name, answer in uses
                 if any(outcome.get(t) == "failed" for t in tests_of.get(answer, []))]
        if names:
            out[test] = list(dict.fromkeys(names))
    return out


def blocked_sentence(names):
    """Why a test may have failed for a reason that is not its own exercise: ``names`` of earlier exercises."""
    listed = ", ".join(f"`{n}`" for n in names)
    if len(names) == 1:
        return (f"This test uses {listed}, from an earlier exercise, whose own test did not pass: fix that "
                "first; this test may then pass as it is.")
    return (f"This test uses {listed}, from earlier exercises whose own tests did not pass: fix those first; "
            "this test may then pass as it is.")


def explain_error(ename, evalue, limits):
    """One sentence for a learner about why a test did not pass; never a traceback."""
    evalue = plain(evalue)
    if ename == "Mistake":
        return evalue.lstrip("✗ ").strip()
    if ename == "NameError":
        return (f"The test could not find something it needs ({evalue}). Did you delete or rename the cell or "
                "function it uses, or skip running a cell?")
    if ename in ("CellTimeoutError", "Timeout"):
        return f"This cell did not finish within {limits.get('timeout', '?')} seconds (an endless loop?)."
    if ename == "MemoryError":
        return f"Your code ran out of memory (the limit is {limits.get('memory', '?')} MB)."
    if ename in ("KernelDied",):
        return "Python stopped while running this test."
    if ename in ("OutputLimitExceeded", "ReferenceSolution", "NotRun", "Stopped"):
        return evalue
    if ename == "SystemExit":
        return "Your code called exit() or raised SystemExit while the test was running."
    if ename == "KeyboardInterrupt":
        return "This cell was interrupted."
    return f"The test stopped with {ename}: {evalue}" if evalue else f"The test stopped with {ename}."


def headings(lesson):
    """{an exercise's title as the grader knows it (lessons.py strips $ and backticks): its heading as written}."""
    from autograder.lessons import _HEADING, _title
    out = {}
    for cell in (lesson.source_nb.cells if lesson.source_nb is not None else []):
        if cell.cell_type == "markdown":
            for head in _HEADING.findall(cell.source or ""):
                out.setdefault(_title(f"# {head}"), re.sub(r"\s*\([^)]*\bpoints?\b[^)]*\)\s*$", "", head).strip())
    return out


def title_html(title, heads):
    """An exercise's title as HTML, as its heading reads: maths rendered, code shown as code.
    ``heads``: :func:`headings` of its lesson."""
    return maths_html(heads.get(title, title))


def _pre(code):
    return f"<pre><code>{html.escape(code)}</code></pre>"


def render(learner, lesson, result, limits, answers=None):
    """HTML for one learner's lesson. ``result``: an :class:`autograder.results.GradingResult`."""
    from autograder.results import TestResult
    e = html.escape
    score = result.score or 0
    max_score = result.max_score if result.max_score is not None else lesson.max_score
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(lesson.id)} · {e(learner)}</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>{e(lesson.id.replace('_', ' '))}: your results</h1>",
             f"<p>{e(learner)}</p>",
             f"<p class='score'>Score: <b>{score:g}</b> out of {max_score:g}</p>"]
    if result.timestamp:
        how = " (the time the course's exchange recorded)" if result.timestamp_from == "timestamp.txt" \
            else " (the time of the notebook file)"
        parts.append(f"<p>Submitted {e(result.timestamp)}{how}.</p>")
    if result.seconds_late > 0:
        penalty = result.late_penalty
        parts.append("<p class='note'>This was after the due date"
                     + (f": {penalty:g} points were taken off for lateness." if penalty else ".") + "</p>")
    for flag in result.flags:
        if flag != "late":   # said above, with the penalty
            parts.append(f"<p class='note'>{e(FLAG_WORDS.get(flag, flag))}</p>")
    from autograder.quiz.notebook import GRADE
    no_quiz = missing_quiz_answers(result)
    if no_quiz:
        parts.append(f"<p class='note quiz-missing'><b>{code_html(NO_QUIZ_ANSWERS)}</b> "
                     f"{code_html(NO_QUIZ_ANSWERS_HOW)}</p>")
    heads = headings(lesson)
    not_run = TestResult(0.0, 0.0, "not-run", "Not run.")
    tests = {t: result.tests.get(t, not_run) for t in lesson.tests}
    answers = answers or {}
    for ex, title, test_ids in lesson.exercises:
        got = sum(tests[t].score for t in test_ids)
        top = sum(lesson.tests[t] for t in test_ids)
        statuses = [tests[t].status for t in test_ids]
        status = "passed" if all(s == "passed" for s in statuses) else (
            "not-run" if all(s == "not-run" for s in statuses) else "failed")
        parts.append(f"<section class='{status}'><h2>{title_html(title, heads)}</h2>"
                     f"<p>{STATUS[status]} · {got:g} / {top:g} points</p>")
        for t in test_ids:
            r = tests[t]
            cls = "ok" if r.passed else "bad"
            said = NO_QUIZ_ANSWERS_QUESTION if (no_quiz and t.startswith(GRADE) and not r.passed) else r.message
            parts.append(f"<p class='msg {cls}'>{code_html(for_the_page(said))}</p>")
            if r.blocked_by and not r.passed:
                parts.append(f"<p class='msg blocked'>{code_html(blocked_sentence(r.blocked_by))}</p>")
            parts.append("<details><summary>The test you can see</summary>"
                         + _pre(lesson.visible_test_source(t)) + "</details>")
        if ex in answers:
            parts.append("<details><summary>Your answer</summary>" + _pre(answers[ex]) + "</details>")
        parts.append("</section>")
    parts.append("<p><small>Tests that you cannot see check your functions on other inputs too; their messages "
                 "above tell you what they found.</small></p></body></html>")
    return "\n".join(parts)


def saves_quiz_answers(source):
    """True when a quiz's answers-by-code cell calls ``quiz.answer(…)``: run, it writes quiz_answers.json."""
    tree = _parse(source)
    return tree is not None and any(isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", None)) == "answer"
               for n in ast.walk(tree))


def missing_quiz_answers(result):
    """True when the notebook came without quiz_answers.json and a quiz question did not pass because of it."""
    from autograder.quiz.notebook import GRADE
    return bool(getattr(result, "quiz_answers_missing", False)) and any(
        t.startswith(GRADE) and not r.passed for t, r in result.tests.items())


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

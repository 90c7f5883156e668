"""Step 5: one HTML page per learner and lesson: what passed, what failed, in words.

Written from the grader's results, never from the executed notebook's test
cells, so no hidden test can leak (nbgrader issue #1363): a test is shown as
the learner received it (course/, where nbgrader stripped the hidden part),
its outcome as the ✓ line it printed or the Mistake message it raised, and
never a traceback. The learner's own answer code is shown as they wrote it.
"""

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
"""


def plain(text):
    return ANSI.sub("", str(text or ""))


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
        return "Python stopped while running this cell."
    if ename in ("OutputLimitExceeded", "ReferenceSolution", "NotRun", "Stopped"):
        return evalue
    if ename == "SystemExit":
        return "Your code called exit() or raised SystemExit while the test was running."
    if ename == "KeyboardInterrupt":
        return "This cell was interrupted."
    return f"The test stopped with {ename}: {evalue}" if evalue else f"The test stopped with {ename}."


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
    not_run = TestResult(0.0, 0.0, "not-run", "Not run.")
    tests = {t: result.tests.get(t, not_run) for t in lesson.tests}
    answers = answers or {}
    for ex, title, test_ids in lesson.exercises:
        got = sum(tests[t].score for t in test_ids)
        top = sum(lesson.tests[t] for t in test_ids)
        statuses = [tests[t].status for t in test_ids]
        status = "passed" if all(s == "passed" for s in statuses) else (
            "not-run" if all(s == "not-run" for s in statuses) else "failed")
        parts.append(f"<section class='{status}'><h2>{e(title)}</h2>"
                     f"<p>{STATUS[status]} · {got:g} / {top:g} points</p>")
        for t in test_ids:
            r = tests[t]
            cls = "ok" if r.passed else "bad"
            parts.append(f"<p class='msg {cls}'>{e(r.message)}</p>")
            parts.append("<details><summary>The test you can see</summary>"
                         + _pre(lesson.visible_test_source(t)) + "</details>")
        if ex in answers:
            parts.append("<details><summary>Your answer</summary>" + _pre(answers[ex]) + "</details>")
        parts.append("</section>")
    parts.append("<p><small>Tests that you cannot see check your functions on other inputs too; their messages "
                 "above tell you what they found.</small></p></body></html>")
    return "\n".join(parts)


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")

ARTIFACTS = ROOT / "artifacts"

# `make test` runs the suite in two pytest-xdist workers (--dist loadgroup). Tests that share an expensive
# module- or session-scoped fixture (a class graded once, Binder's fresh venv) stay in one worker, so
# the fixture is built once; every other test is handed to whichever worker is free.
# (Each worker starts its own JupyterLab and Chromium for the browser tests: seconds, so those spread out.)
SHARED_FIXTURE_MODULES = {"test_autograder_class.py", "test_autograder_resume.py", "test_plain_nbgrader.py",
                          "test_grade_into_course.py", "test_binder.py", "test_hostile_batch.py"}


# tryfirst: xdist's worker turns the marks into node-id suffixes in its own modifyitems hook, which would
# otherwise run before this one. (pytest 9.2 broke that suffix altogether: requirements-dev.txt pins 9.1;
# tests/test_xdist_groups.py fails if grouping stops working.)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path
        if path.name in SHARED_FIXTURE_MODULES:
            item.add_marker(pytest.mark.xdist_group(path.stem))


def bank_figures(reports):
    """The three figures of the wrong and right banks (tests/test_wrong_bank.py), from the test reports.

    caught: wrong cases that fail through the whole test, its visible part alone and its hidden part alone;
    named: wrong cases whose message names the bug (their ``says``) where their bank requires it;
    right: right answers in other forms that get full marks. Returns {figure: (count, of)} and per lesson.
    """
    rows = [dict(props)["bank"] for r in reports if r.when == "call"
            for props in [r.user_properties] if any(k == "bank" for k, _ in props)]
    wrong = [r for r in rows if r["kind"] == "wrong"]
    right = [r for r in rows if r["kind"] == "right"]
    figures = {"caught": (sum(r["caught"] for r in wrong), len(wrong)),
               "named": (sum(r["named"] for r in wrong), len(wrong)),
               "right in another form": (sum(r["passed"] for r in right), len(right))}
    lessons = {}
    for r in rows:
        d = lessons.setdefault(r["lesson"], {"caught": [0, 0], "named": [0, 0], "right": [0, 0]})
        if r["kind"] == "wrong":
            d["caught"][0] += r["caught"]; d["caught"][1] += 1
            d["named"][0] += r["named"]; d["named"][1] += 1
        else:
            d["right"][0] += r["passed"]; d["right"][1] += 1
    return figures, lessons


def pytest_terminal_summary(terminalreporter):
    reports = [r for key in ("passed", "failed") for r in terminalreporter.stats.get(key, [])]
    figures, lessons = bank_figures(reports)
    if not any(n for _, n in figures.values()):
        return
    pct = lambda k, n: f"{100 * k / n:.1f} % ({k}/{n})" if n else "n/a"
    tr = terminalreporter
    tr.section("wrong and right banks")
    tr.line("   ".join(f"{name}: {pct(*v)}" for name, v in figures.items()))
    for lesson, d in sorted(lessons.items()):
        tr.line(f"  {lesson}: caught {pct(*d['caught'])}, named {pct(*d['named'])}, right {pct(*d['right'])}")

"""Every known-wrong implementation in the bank fails, with a message that names it; every right answer in
another form (tests/right_bank/) gets full marks.

Each case replaces one answer cell of the solution notebook and runs the notebook up to the last test cell it
names. Each named test cell is run in its two halves, one after the other: its visible part alone (what a
learner runs while working) and its hidden part alone, so the case proves each half catches the bug on its
own (and so the whole cell, which is the two in a row). A case's ``says`` must appear in both halves' messages: the visible tests carry the
diagnoses a learner needs while working, the hidden tests add other inputs, shapes and seeds.

The figures (caught, named, right in another form) are printed at the end of the run (tests/conftest.py).
"""


import re

import nbformat
import pytest

from nbrun import HIDDEN, ROOT, error_text, execute, grade_id, grade_results, load
from nbgrader.utils import is_grade, is_solution
from right_bank import all_cases as all_right_cases
from wrong_bank import all_cases

CASES = all_cases()
RIGHT = all_right_cases()


def _ids(lesson_case):
    lesson, case = lesson_case
    return f"{lesson}:{case['exercise']}:{case['bug']}"


def _with_half_copies(nb, test_ids):
    """Each named test cell keeps only its visible part (it stays the graded cell), followed by a copy holding
    only its hidden tests: each half is run on its own, once (the whole cell is the two in a row)."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if grade_id(cell) in test_ids:
            hidden = HIDDEN.search(cell.source)
            assert hidden, f"{grade_id(cell)} has no hidden tests"
            cell.source = HIDDEN.sub("", cell.source)
            copy = nbformat.v4.new_code_cell(hidden.group(1))
            copy.metadata = {"hidden_only_of": grade_id(cell)}
            cells.append(copy)
    nb.cells = cells
    return nb


DEMO = re.compile(r"\s*(with demo\(|\w+_explorer\()")


def _without_demos(nb):
    """The notebook without its demos (``with demo(...)`` cells, explorers) and prose: no test reads what a demo
    makes (STYLE.md), and they were most of a case's time: lesson 04's 96 cases took 112 s with them, 52 s
    without (two workers). A test that did read one would fail its right answers here, loudly."""
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and (grade_id(c) or not DEMO.match(c.source))]
    return nb


def _run(lesson, case, test_ids):
    folder = ROOT / "solutions" / lesson
    nb = _with_half_copies(_without_demos(load(folder / f"{lesson}.ipynb")), set(test_ids))
    order = [grade_id(c) for c in nb.cells]
    last = max(test_ids, key=order.index)
    nb.cells = nb.cells[: order.index(last) + 2]  # with the hidden copy of the last test
    # one kept kernel per lesson, reset before each case (a kernel start per case was a third of the bank's time)
    nb, _ = execute(nb, folder, replace={case["exercise"]: case["source"]}, reuse=lesson)
    return nb


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson_case", CASES, ids=[_ids(c) for c in CASES])
def test_known_wrong_answer_is_caught(lesson_case, record_property):
    lesson, case = lesson_case
    nb = _run(lesson, case, case["fails"])
    problems, named, caught = [], bool(case.get("says")), True
    for test_id in case["fails"]:
        # a bug the lesson's visible test cannot see yet at that point (``visible_fails`` lists those that can)
        blind = test_id not in case.get("visible_fails", case["fails"])
        halves = ([] if blind else [(next(c for c in nb.cells if grade_id(c) == test_id), "its visible part alone")]
                  ) + [(next(c for c in nb.cells if c.metadata.get("hidden_only_of") == test_id), "its hidden tests alone")]
        for cell, which in halves:
            text = error_text(cell)
            if not text:
                caught = False
                problems.append(f"{case['bug']!r} passes {which} {test_id}")
            elif not text.startswith("Mistake: "):
                caught = False
                problems.append(f"{case['bug']!r} gave a raw error in {which}: {text}")
            elif case.get("says") and case["says"] not in text:
                named = False
                problems.append(f"for {case['bug']!r} the learner reads {text!r} from {which}, which does not "
                                f"name the bug ({case['says']!r})")
    record_property("bank", {"kind": "wrong", "lesson": lesson, "caught": caught, "named": named and caught})
    assert not problems, f"{lesson}: " + "\n".join(problems)


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson_case", RIGHT, ids=[_ids(c) for c in RIGHT])
def test_right_answer_in_another_form_gets_full_marks(lesson_case, record_property):
    lesson, case = lesson_case
    nb = _run(lesson, case, case["passes"])
    failing = {}
    for test_id in case["passes"]:
        for cell in nb.cells:
            if grade_id(cell) == test_id or cell.metadata.get("hidden_only_of") == test_id:
                if error_text(cell):
                    failing[test_id] = error_text(cell)
    scores = grade_results(nb)
    lost = {t: scores[t] for t in case["passes"] if t in scores and scores[t][0] != scores[t][1]}
    record_property("bank", {"kind": "right", "lesson": lesson, "passed": not failing and not lost})
    assert not failing and not lost, f"{lesson}: the right answer {case['bug']!r} is marked wrong: {failing or lost}"


def test_every_exercise_has_a_known_wrong_implementation():
    covered = {(lesson, case["exercise"]) for lesson, case in CASES}
    missing = []
    for folder in sorted((ROOT / "solutions").iterdir()):
        path = folder / f"{folder.name}.ipynb"
        if not path.exists():
            continue
        for cell in load(path).cells:
            if is_solution(cell) and not is_grade(cell) and cell.cell_type == "code" \
                    and not cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("quiz"):
                if (folder.name, grade_id(cell)) not in covered:
                    missing.append(f"{folder.name}:{grade_id(cell)}")
    assert not missing, f"exercises with no known-wrong implementation in tests/wrong_bank: {missing}"

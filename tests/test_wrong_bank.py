"""Every known-wrong implementation in the bank fails the hidden tests, with a message that names it.

Each case replaces one answer cell of the solution notebook and runs the notebook
up to the last test cell it names. Each named test cell is run twice: as the
instructor wrote it (visible + hidden tests), and as its hidden part alone, so
the case proves the *hidden* tests catch the bug too.
"""


import nbformat
import pytest

from nbrun import HIDDEN, ROOT, error_text, execute, grade_id, load
from nbgrader.utils import is_grade, is_solution
from wrong_bank import all_cases

CASES = all_cases()


def _ids(lesson_case):
    lesson, case = lesson_case
    return f"{lesson}:{case['exercise']}:{case['bug']}"


def _with_hidden_only_copies(nb, test_ids):
    """Insert after each named test cell a copy holding only its hidden tests."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if grade_id(cell) in test_ids:
            hidden = HIDDEN.search(cell.source)
            assert hidden, f"{grade_id(cell)} has no hidden tests"
            copy = nbformat.v4.new_code_cell(hidden.group(1))
            copy.metadata = {"hidden_only_of": grade_id(cell)}
            cells.append(copy)
    nb.cells = cells
    return nb


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson_case", CASES, ids=[_ids(c) for c in CASES])
def test_known_wrong_answer_is_caught(lesson_case):
    lesson, case = lesson_case
    folder = ROOT / "solutions" / lesson
    nb = _with_hidden_only_copies(load(folder / f"{lesson}.ipynb"), set(case["fails"]))
    order = [grade_id(c) for c in nb.cells]
    last = max(case["fails"], key=order.index)
    # keep the hidden-only copy of the last test too
    stop = order.index(last) + 1
    nb.cells = nb.cells[: stop + 1]
    # one kept kernel per lesson, reset before each case: the cases ask only whether the tests fail, and
    # which sentence they say (a kernel start per case was a third of the bank's time)
    nb, _ = execute(nb, folder, replace={case["exercise"]: case["source"]}, reuse=lesson)
    for test_id in case["fails"]:
        full = next(c for c in nb.cells if grade_id(c) == test_id)
        hidden = next(c for c in nb.cells if c.metadata.get("hidden_only_of") == test_id)
        for cell, which in ((full, "the test cell"), (hidden, "its hidden tests alone")):
            text = error_text(cell)
            assert text, f"{lesson}: {case['bug']!r} passes {which} {test_id}"
            assert text.startswith("Mistake: "), f"{lesson}: {case['bug']!r} gave a raw error in {which}: {text}"
        if case.get("says"):
            assert case["says"] in error_text(hidden), \
                f"{lesson}: for {case['bug']!r} the learner reads {error_text(hidden)!r}, which does not name the bug"


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

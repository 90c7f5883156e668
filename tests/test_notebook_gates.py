"""Notebook gates: solutions pass, the release fails only where the learner works,
course/ is exactly nbgrader's output, and no notebook carries outputs."""

import filecmp
import fnmatch
import subprocess

import pytest

from nbrun import ROOT, error_text, errors, execute, grade_id, grade_results, load
from nbgrader.utils import is_grade, is_solution

from autograder.nbconfig import release_ignore
from autograder.release import release

IGNORE = release_ignore()

LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
# Every solution notebook must run top to bottom within this budget on a 2-core machine
# (training included); a lesson that needs longer is too slow for a learner's laptop.
BUDGET_SECONDS = 90


def test_there_are_lessons():
    assert LESSONS[0] == "01_chain_rule"
    assert LESSONS == sorted(LESSONS), "lesson folders must sort in teaching order"


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_clean_and_passes_every_test(lesson):
    folder = ROOT / "solutions" / lesson
    nb, seconds = execute(load(folder / f"{lesson}.ipynb"), folder, timeout=BUDGET_SECONDS)
    failing = [f"cell {i} ({grade_id(c) or 'no id'}): {error_text(c)}" for i, c in enumerate(nb.cells) if errors(c)]
    assert not failing, f"{lesson}: cells failed:\n" + "\n".join(failing)
    # a demo catches a crash of the learner's functions and says so in one line: in a solution, none may
    paused = [f"cell {i}: {o.get('text', '').strip()}" for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
              if o.get("output_type") == "stream" and "⏸" in o.get("text", "")]
    assert not paused, f"{lesson}: demos that did not run with the solution:\n" + "\n".join(paused)
    grades = grade_results(nb)
    assert grades, f"{lesson} has no autograded test cells"
    lost = {g: s for g, s in grades.items() if s[0] != s[1]}
    assert not lost, f"{lesson}: tests that do not give full points with the solution: {lost}"
    assert seconds < BUDGET_SECONDS, f"{lesson} took {seconds:.1f} s (budget {BUDGET_SECONDS} s)"


@pytest.mark.notebooks
@pytest.mark.parametrize("lesson", LESSONS)
def test_release_fails_only_in_exercise_and_test_cells(lesson):
    folder = ROOT / "course" / lesson
    nb, _ = execute(load(folder / f"{lesson}.ipynb"), folder, timeout=BUDGET_SECONDS)
    allowed = {i for i, c in enumerate(nb.cells) if is_grade(c) or is_solution(c)}
    stray = [f"cell {i}: {error_text(c)}" for i, c in enumerate(nb.cells) if errors(c) and i not in allowed]
    assert not stray, f"{lesson}: cells outside exercises and tests fail in the release:\n" + "\n".join(stray)
    grades = grade_results(nb)
    passing = [g for g, (score, _) in grades.items() if score]
    assert not passing, f"{lesson}: test cells pass before the learner writes any code: {passing}"
    # what a learner sees on failure is a sentence, never a traceback into helper code
    for c in nb.cells:
        for o in errors(c):
            if is_grade(c):
                assert o["ename"] == "Mistake", f"{lesson} {grade_id(c)}: raw {o['ename']}: {o['evalue']}"


def test_course_is_exactly_what_nbgrader_generates(tmp_path):
    release(out=tmp_path / "course")
    want = sorted(p.relative_to(tmp_path / "course") for p in (tmp_path / "course").rglob("*") if p.is_file())
    # files a learner's own run leaves beside a notebook (quiz answers, checkpoints) are not releases
    have = sorted(p.relative_to(ROOT / "course") for p in (ROOT / "course").rglob("*")
                  if p.is_file() and not any(fnmatch.fnmatch(part, pat) for part in p.parts for pat in IGNORE))
    assert have == want, "course/ holds other files than nbgrader generates: run `make course`"
    stale = [str(p) for p in want if not filecmp.cmp(tmp_path / "course" / p, ROOT / "course" / p, shallow=False)]
    assert not stale, f"course/ is stale (regenerate with `make course`): {stale}"


def test_hidden_tests_and_solutions_never_reach_the_release():
    for lesson in LESSONS:
        text = (ROOT / "course" / lesson / f"{lesson}.ipynb").read_text()
        for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN SOLUTION", "autograder.reference", "autograder"):
            assert marker not in text, f"course/{lesson} contains {marker!r}"


def test_no_notebook_in_git_carries_outputs():
    import nbformat
    files = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    dirty = []
    for f in files:
        nb = nbformat.read(str(ROOT / f), as_version=4)
        if any(c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"):
            dirty.append(f)
    assert not dirty, f"notebooks committed with outputs or execution counts: {dirty}"


def test_every_grade_cell_has_a_docstring_and_unique_id():
    for lesson in LESSONS:
        nb = load(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
        ids = [grade_id(c) for c in nb.cells if grade_id(c)]
        assert len(ids) == len(set(ids)), f"{lesson}: duplicate grade_id"
        for c in nb.cells:
            if is_grade(c) and not is_solution(c):
                first = c.source.lstrip().splitlines()[0]
                assert first.startswith('"""') and first.endswith('"""') and len(first) > 6, \
                    f"{lesson} {grade_id(c)}: a grade cell starts with a one-line docstring"
                assert "### BEGIN HIDDEN TESTS" in c.source, f"{lesson} {grade_id(c)} has no hidden tests"


def test_released_exercise_and_test_cells_let_run_all_continue_without_changing_checksums():
    """Every exercise and test cell of a release carries ``raises-exception`` (JupyterLab's Run All goes on
    past it, see autograder.preprocessors.TagRaisesException), and the tag is not part of nbgrader's checksum,
    so a learner's notebook still validates and grades."""
    from nbgrader.utils import compute_checksum

    for lesson in LESSONS:
        nb = load(ROOT / "course" / lesson / f"{lesson}.ipynb")
        cells = [c for c in nb.cells if c.cell_type == "code" and (is_grade(c) or is_solution(c))]
        assert cells, lesson
        untagged = [grade_id(c) for c in cells if "raises-exception" not in c.metadata.get("tags", [])]
        assert not untagged, f"{lesson}: cells without the raises-exception tag: {untagged}"
        others = [i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])
                  and not (is_grade(c) or is_solution(c))]
        assert not others, f"{lesson}: cells that may fail silently in Run All: {others}"
        for c in cells:
            if "checksum" in c.metadata.nbgrader:
                assert compute_checksum(c) == c.metadata.nbgrader["checksum"], (lesson, grade_id(c))

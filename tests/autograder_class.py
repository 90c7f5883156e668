"""A synthetic class for the grader's tests and benchmark, built from course/ and solutions/.

Every submission starts from the released notebook (course/, what a learner
receives). "Right" answers are the solution cells of solutions/ (markers
removed); "wrong" answers come from tests/wrong_bank; then each bad case of
issue 6 is applied on top. ``build_class`` writes the folder and returns the
expected (score, flags) per learner and lesson, computed by hand from the
lesson's points; nothing is read back from the grader.

Lesson 01 carries the bad cases (its points: neuron_forward 2, nudge_slope 1,
local_derivatives 2, neuron_backward 2, gradient_step 2 = 9; later exercises
call earlier ones, so a broken exercise also fails the tests after it).
Lessons added later get a right learner and a blank learner; everyone else
has no notebook for them ("missing").
"""

import copy
import json
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from wrong_bank import all_cases  # noqa: E402

from autograder.lessons import grade_id  # noqa: E402

L1 = "01_chain_rule"
MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def lessons(root=ROOT):
    from autograder.lessons import lesson_ids
    return lesson_ids(root)


def gid(cell):
    return grade_id(cell)


def blank(lesson):
    return nbformat.read(str(ROOT / "course" / lesson / f"{lesson}.ipynb"), as_version=4)


def solution_sources(lesson):
    src = nbformat.read(str(ROOT / "solutions" / lesson / f"{lesson}.ipynb"), as_version=4)
    return {gid(c): MARKERS.sub("", c.source) for c in src.cells
            if is_solution(c) and not is_grade(c) and c.cell_type == "code"}


def right(lesson, **replace):
    """The released notebook with every answer written correctly (``replace`` overrides answers)."""
    nb = blank(lesson)
    answers = solution_sources(lesson)
    answers.update(replace)
    for c in nb.cells:
        if gid(c) in answers and is_solution(c):
            c.source = answers[gid(c)]
    return nb


def wrong(lesson, exercise, bug=None):
    for les, case in all_cases():
        if les == lesson and case["exercise"] == exercise and (bug is None or case["bug"] == bug):
            return case["source"]
    raise KeyError((lesson, exercise, bug))


def cell_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if gid(c) == grade_id)


def new_cell(source):
    return nbformat.v4.new_code_cell(source)


STEP_UP = None  # filled lazily: the bank's "steps up the gradient" gradient_step


def _cheat(body):
    """Right answers, except gradient_step is wrong (steps up), plus a cheat in the same answer cell."""
    return right(L1, gradient_step=wrong(L1, "gradient_step", "steps up the gradient") + "\n" + body)


def lesson01_cases():
    """[(learner, layout, builder, failing tests, flags)] for lesson 01.

    Failing tests: a set of test ids, "every", or ("after", answer id) for every test
    placed after that answer cell (grading stops there, or a reference-import costs them).
    """
    sol = solution_sources(L1)

    def loop():
        return right(L1, gradient_step=sol["gradient_step"] + "\nwhile True:\n    pass\n")

    def hog():
        return right(L1, neuron_backward=sol["neuron_backward"] + "\nhog = np.ones((40_000, 40_000))\n")

    def stubborn():   # ignores the interrupt the grader sends at the timeout: the kernel is killed instead
        return right(L1, nudge_slope=sol["nudge_slope"]
                     + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n")

    def hog_in_test():   # the memory hog runs inside the test, through the learner's function
        return right(L1, neuron_backward="def neuron_backward(x, w, b, y):\n    big = [0.0] * (10 ** 10)\n"
                                         "    return 0.0, 0.0\n")

    def exit_():
        return right(L1, local_derivatives=sol["local_derivatives"] + "\nimport os\nos._exit(3)\n")

    def segfault():
        return right(L1, nudge_slope=sol["nudge_slope"] + "\nimport ctypes\nctypes.string_at(0)\n")

    def flood():
        return right(L1, local_derivatives=sol["local_derivatives"]
                     + "\nfor i in range(10**7):\n    print('spam spam spam spam spam', i)\n")

    def test_edited():
        nb = right(L1, gradient_step=blank_answer(L1, "gradient_step"))
        nb.cells[cell_index(nb, "test_gradient_step")].source = "pass"
        return nb

    def points():
        nb = right(L1)
        nb.cells[cell_index(nb, "test_gradient_step")].metadata.nbgrader["points"] = 20.0
        return nb

    def deleted():
        nb = right(L1, gradient_step=blank_answer(L1, "gradient_step"))
        del nb.cells[cell_index(nb, "test_gradient_step")]
        return nb

    def duplicated():
        nb = right(L1, gradient_step=blank_answer(L1, "gradient_step"))
        dup = copy.deepcopy(nb.cells[cell_index(nb, "test_neuron_forward")])
        dup.id = "pasted-copy"   # Jupyter gives a pasted cell a new id but keeps its nbgrader metadata
        nb.cells.append(dup)
        return nb

    def system_exit():
        nb = right(L1, gradient_step="def gradient_step(x, w, b, y, lr):\n    raise SystemExit('bye')\n")
        nb.cells.insert(cell_index(nb, "gradient_step") + 1, new_cell("raise SystemExit"))
        return nb

    def sys_modules():
        nb = right(L1, gradient_step=wrong(L1, "gradient_step", "steps up the gradient"))
        nb.cells.insert(cell_index(nb, "gradient_step") + 1, new_cell(
            "import sys, types\n"
            "fake = types.ModuleType('fake_reference')\n"
            "fake.__dict__.update(vars(sys.modules['autograder.reference.neuron']))\n"
            "fake.gradient_step = lambda x, w, b, y, lr, **k: gradient_step(x, w, b, y, lr)\n"
            "sys.modules['autograder.reference.neuron'] = fake\n"
            "ref = fake\n"
            "check_scalar = lambda *a, **k: None\n"
            "check_true = lambda *a, **k: None\n"))
        return nb

    every, after = "every", (lambda cell: ("after", cell))
    step = broken_by(L1, "gradient_step")
    cases = [
        ("Ana María López", "nested", lambda: right(L1), set(), ""),
        ("Blank Bernard", "flat", lambda: blank(L1), every, ""),
        ("Chloé O'Neil", "flat", lambda: right(L1, gradient_step=wrong(L1, "gradient_step", "steps up the gradient")),
         step, ""),
        ("Dmitri Backward", "nested",
         lambda: right(L1, neuron_backward=wrong(L1, "neuron_backward", "activation derivative dropped")),
         # gradient_step and the quiz's first answer use the learner's own neuron_backward
         broken_by(L1, "neuron_backward"), ""),
        ("Fiona Unreadable", "flat", None, every, "unreadable"),
        ("Gus Loop", "flat", loop, after("gradient_step"), "timeout"),
        ("Hana Hog", "flat", hog, after("neuron_backward"), "memory"),
        ("Ivan Exit", "flat", exit_, after("local_derivatives"), "kernel-died"),
        ("Gwen Stubborn", "flat", stubborn, after("nudge_slope"), "timeout"),
        ("Hiro HogInTest", "flat", hog_in_test, after("neuron_backward"), "memory"),
        ("Jae Segfault", "flat", segfault, after("nudge_slope"), "kernel-died"),
        ("Kim Flood", "flat", flood, after("local_derivatives"), "output-limit"),
        ("Lee Edited Test", "flat", test_edited, step, "tampered"),
        ("Mia Points", "flat", points, set(), "tampered"),
        ("Noor Deleted Test", "flat", deleted, step, "tampered"),
        ("Omar Duplicate", "flat", duplicated, step, "tampered"),
        ("Pat Allclose", "flat", lambda: _cheat("np.allclose = lambda *a, **k: True\nnp.isclose = np.allclose\n"),
         step, "monkeypatch"),
        ("Quinn Builtins", "flat", lambda: _cheat("import builtins\nbuiltins.abs = lambda v: 0 * v\n"
                                                   "builtins.all = lambda *a: True\n"), step, "monkeypatch"),
        ("Rosa Helpers", "flat", lambda: _cheat(
            "import backprop.checks\n"
            "backprop.checks.check_array = lambda *a, **k: None\n"
            "backprop.checks.check_scalar = lambda *a, **k: None\n"
            "check_scalar = lambda *a, **k: None\n"
            "check_tuple = lambda got, n, *a, **k: tuple(got)\n"
            "check_true = lambda *a, **k: None\n"), step, "monkeypatch"),
        ("Sam CustomExc", "flat", lambda: _cheat(
            "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"), step, "monkeypatch"),
        ("Tess Display", "flat", lambda: _cheat(
            "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip._showtraceback = lambda *a, **k: None\n"),
         step, "monkeypatch"),
        ("Uma SystemExit", "flat", system_exit, step, ""),
        ("Vic Reference", "flat", lambda: right(L1, gradient_step=(
            "from autograder.reference.neuron import gradient_step as _step\n\n"
            "def gradient_step(x, w, b, y, lr):\n    return _step(x, w, b, y, lr)\n")), step, "reference-import"),
        # the fake module sits in a cell the learner added: every test after it earns nothing
        ("Wes SysModules", "flat", sys_modules, after("gradient_step"), "monkeypatch;reference-import"),
        ("Xu CodeSwap", "flat", lambda: _cheat(
            "check_scalar.__code__ = (lambda *a, **k: None).__code__\n"
            "check_tuple.__code__ = (lambda got, n, name=None, names=None, expected=None: tuple(got)).__code__\n"
            "check_true.__code__ = (lambda condition, message: None).__code__\n"), step,
         "monkeypatch"),
        ("Yara Shadow", "flat", lambda: _cheat(
            "def check_scalar(*a, **k):\n    return None\n\ndef check_true(*a, **k):\n    return None\n\n"
            "abs = lambda v: 0\n"), step, "monkeypatch"),
        ("Zoë Quiz", "nested", lambda: right(L1), set(), ""),
        ("José D'Àvila", "flat", lambda: right(L1), set(), ""),
        ("Bo Renamed", "renamed", lambda: right(L1), set(), ""),
    ]
    return cases


def _names(source):
    import ast
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    defs = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    return loads, defs


def broken_by(lesson, exercise):
    """Tests that fail when ``exercise``'s answer is wrong: its own tests, and every test whose answer
    (or quiz answer) uses a broken function, transitively. Read from the solution notebook."""
    import ast
    src = nbformat.read(str(ROOT / "solutions" / lesson / f"{lesson}.ipynb"), as_version=4)
    from autograder.lessons import load_lesson
    les = load_lesson(lesson)
    answers = solution_sources(lesson)
    broken = set(_names(answers[exercise])[1])
    bad_ex = {exercise}
    changed = True
    while changed:
        changed = False
        for ex, code in answers.items():
            loads, defs = _names(code)
            if ex not in bad_ex and defs and loads & broken:
                bad_ex.add(ex)
                broken |= defs
                changed = True
    fails = {t for t, ex in les.exercise_of.items() if ex in bad_ex}
    tests = {gid(c): c.source for c in src.cells if is_grade(c) and not is_solution(c)}
    for code in answers.values():   # quiz answers computed with a broken function
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "answer" and len(node.args) == 2 \
                    and isinstance(node.args[0], ast.Constant):
                used = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                if used & broken:
                    fails |= {t for t, code_t in tests.items() if f'"{node.args[0].value}"' in code_t}
    return fails


def expected_score(lesson, fails):
    """The lesson's points minus those of the failing tests (worked out from the notebook, not the grader)."""
    from autograder.lessons import load_lesson
    points = load_lesson(lesson).tests
    if fails == "every":
        fails = set(points)
    elif isinstance(fails, tuple):
        order = [gid(c) for c in blank(lesson).cells]
        fails = {t for t in points if order.index(t) > order.index(fails[1])}
    return float(sum(p for t, p in points.items() if t not in fails))


def blank_answer(lesson, exercise):
    nb = blank(lesson)
    return nb.cells[cell_index(nb, exercise)].source


def _write(folder, learner, lesson, nb, layout):
    base = folder / learner
    base.mkdir(parents=True, exist_ok=True)
    if layout == "nested":
        path = base / lesson / f"{lesson}.ipynb"
    elif layout == "renamed":
        path = base / f"{lesson} (1).ipynb"
    else:
        path = base / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    if nb is None:
        path.write_text('{"cells": [ this is not json', encoding="utf-8")
    else:
        nbformat.write(nb, str(path))
    return path


def build_class(folder, with_other_lessons=True):
    """Write the class into ``folder``; return {(learner, lesson): (score, flags)}."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ids = lessons()
    expected = {}
    learners = []
    if L1 in ids:
        for learner, layout, build, fails, flags in lesson01_cases():
            _write(folder, learner, L1, build() if build else None, layout)
            expected[(learner, L1)] = (expected_score(L1, fails), flags)
            learners.append(learner)
        # Eve has a folder but no notebook for lesson 01
        (folder / "Eve Missing").mkdir()
        (folder / "Eve Missing" / "notes.txt").write_text("I will hand it in next week\n")
        learners.append("Eve Missing")
        expected[("Eve Missing", L1)] = (0.0, "missing")
        # quiz answers travel with the notebook; an extra notebook and a stray file are reported
        (folder / "Zoë Quiz" / L1 / "quiz_answers.json").write_text(json.dumps({"q1": "b"}))
        (folder / "José D'Àvila" / "scratch.ipynb").write_text("{}")
        (folder / "class_list.csv").write_text("name\n")
        # a Mac zip spells accents decomposed (NFD): the grader must see the same learner name
        nfd = unicodedata.normalize("NFD", "José D'Àvila")
        if nfd != "José D'Àvila":
            (folder / "José D'Àvila").rename(folder / nfd)
    from autograder.lessons import load_lesson
    for lesson in ids:
        if lesson == L1:
            continue
        max_score = load_lesson(lesson).max_score
        for learner in learners:
            if learner == "Ana María López":
                _write(folder, learner, lesson, right(lesson), "nested")
                for q in (ROOT / "solutions" / lesson).glob("quiz_answers*.json"):
                    shutil.copyfile(q, folder / learner / lesson / q.name)
                expected[(learner, lesson)] = (max_score, "")
            elif learner == "Blank Bernard":
                _write(folder, learner, lesson, blank(lesson), "flat")
                expected[(learner, lesson)] = (0.0, "")
            else:
                expected[(learner, lesson)] = (0.0, "missing")
    return expected


def bench_class(folder, n=30):
    """``n`` learners × every lesson, mixed right and wrong (for benchmarks): {learner: kind}."""
    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ids = lessons()
    cases = [c for c in all_cases()]
    kinds = {}
    for i in range(n):
        learner = f"learner {i:02d}"
        kind = ["right", "wrong", "blank"][i % 3]
        kinds[learner] = kind
        for lesson in ids:
            if kind == "right":
                nb = right(lesson)
            elif kind == "blank":
                nb = blank(lesson)
            else:
                mine = [c for l, c in cases if l == lesson]
                nb = right(lesson, **({mine[i % len(mine)]["exercise"]: mine[i % len(mine)]["source"]} if mine else {}))
            _write(folder, learner, lesson, nb, "nested")
    return kinds

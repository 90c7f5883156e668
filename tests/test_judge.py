"""The judge runs test cells outside the sandbox; learner code only ever hands it plain data.

Each test grades a tiny notebook (learner cells, then test cells) through
:func:`autograder.sandbox.run`, the grader's own path: the learner's cells run in
a bubblewrap sandbox, the test cells in the judge, and the verdict is the test
cell's output.
"""

import nbformat
import pytest

from autograder import judge, sandbox

pytestmark = pytest.mark.notebooks   # each test starts a sandboxed kernel (make test installs bubblewrap)

IMPORTS = ("import numpy as np\n"
           "from backprop.checks import Mistake, call, check_array, check_scalar, check_true, check_tuple, passed\n")


def grade(tmp_path, learner, *tests, timeout=10, setup=""):
    """Run ``learner`` (a cell) then each test cell; return the test cells' outputs."""
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    cells = [nbformat.v4.new_code_cell(IMPORTS + setup), nbformat.v4.new_code_cell(learner)]
    cells += [nbformat.v4.new_code_cell(t) for t in tests]
    nb = nbformat.v4.new_notebook(cells=cells)
    trusted = judge.trusted_namespace([IMPORTS + setup])
    kernel = sandbox.start(folder, memory=512)
    executed, flags, stopped, _ = sandbox.run(nb, kernel, tests=list(range(2, len(cells))), trusted=trusted,
                                              timeout=timeout)
    return [c.outputs for c in executed.cells[2:]], flags


def verdict(outputs):
    errors = [o for o in outputs if o.output_type == "error"]
    if errors:
        return "fail", errors[0].evalue
    return "pass", "".join(o.get("text", "") for o in outputs)


def test_a_right_answer_passes_and_the_message_is_the_tests_own(tmp_path):
    outs, flags = grade(tmp_path, "def double(x):\n    print('✓ all hidden tests passed (printed by the learner)')\n"
                                  "    return 2 * np.asarray(x)",
                        "check_array(call(double, np.arange(3.0)), [0.0, 2.0, 4.0], 'double(x)')\npassed('doubles.')")
    status, text = verdict(outs[0])
    assert (status, text.strip(), flags) == ("pass", "✓ doubles.", [])


@pytest.mark.parametrize("learner, says", [
    # an array subclass whose comparisons always agree
    ("class Liar(np.ndarray):\n    def __eq__(self, o): return np.ones(self.shape, bool)\n"
     "    def __array_ufunc__(self, *a, **k): return np.zeros(3)\n"
     "def double(x):\n    return np.zeros(3).view(Liar)", "wrong values"),
    # an object that claims to equal anything
    ("class Anything:\n    def __eq__(self, o): return True\n    def __array__(self, *a, **k): return np.array([0.0, 2.0, 4.0])\n"
     "def double(x):\n    return Anything()", "is a Anything"),
    # reading the expected value from the caller's frame: there is no test frame in the sandbox
    ("import sys\ndef double(x):\n    f = sys._getframe(1)\n"
     "    return next(v for v in f.f_locals.values() if isinstance(v, list) and v == [0.0, 2.0, 4.0])",
     "StopIteration"),
    ("def double(x):\n    raise NotImplementedError()", "not written yet"),
    ("def double(x):\n    return (2 * x for _ in range(1))", "generator"),
])
def test_a_result_that_is_not_plain_data_never_passes_and_the_sentence_says_what_came_back(tmp_path, learner, says):
    outs, _ = grade(tmp_path, learner, "check_array(call(double, np.arange(3.0)), [0.0, 2.0, 4.0], 'double(x)')")
    status, text = verdict(outs[0])
    assert status == "fail" and says in text, text


def test_what_learner_code_prints_never_reaches_a_verdict(tmp_path):
    secret = "HIDDEN-TEST-LINE-42"
    outs, _ = grade(tmp_path, "def f(x):\n    print('✓ passed', x)\n    return 0.0",
                    f"check_scalar(call(f, '{secret}'), 1.0, 'f(x)')")
    status, text = verdict(outs[0])
    assert status == "fail" and secret not in text and "passed" not in text


def test_changes_made_in_place_come_back_to_the_judge_and_callbacks_see_them(tmp_path):
    learner = ("def numerical_gradient(f, theta, eps=1e-5):\n    g = np.zeros_like(theta)\n"
               "    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n"
               "        theta[ix] = old + eps; up = f()\n        theta[ix] = old - eps; down = f()\n"
               "        theta[ix] = old\n        g[ix] = (up - down) / (2 * eps)\n    return g\n"
               "def forgets_to_restore(f, theta, eps=1e-5):\n    theta += eps\n    return np.zeros_like(theta)\n")
    test = ("A_ = np.array([[1.0, -2.0], [3.0, 0.5]])\ntheta_ = np.array([[0.3, -0.7], [1.2, 2.0]])\n"
            "keep_ = theta_.copy()\n"
            "g = call({fn}, lambda: float(np.sum(A_ * theta_ ** 2)), theta_, 1e-5)\n"
            "check_true(np.array_equal(theta_, keep_), 'theta was left changed')\n"
            "check_array(g, 2 * A_ * keep_, 'the gradient', rtol=1e-8, atol=1e-9)\npassed('ok')")
    outs, _ = grade(tmp_path, learner, test.format(fn="numerical_gradient"), test.format(fn="forgets_to_restore"))
    assert verdict(outs[0]) == ("pass", "✓ ok\n")
    assert verdict(outs[1]) == ("fail", "theta was left changed")


def test_kernel_objects_are_handles_whose_identity_holds(tmp_path):
    learner = ("class Node:\n    def __init__(self, v, prev=()):\n        self.v, self.prev = v, tuple(prev)\n"
               "    def __mul__(self, o):\n        return Node(self.v * o.v, (self, o))\n")
    test = ("a, b = Node(2.0), Node(3.0)\nc = a * b\n"
            "check_true(c.v == 6.0 and c.prev[0] is a and c.prev[1] is b, 'handles lost their identity')\n"
            "check_true(len({id(n) for n in (a, b, c, c.prev[0])}) == 3, 'one object, two handles')\npassed('ok')")
    outs, _ = grade(tmp_path, learner, test)
    assert verdict(outs[0]) == ("pass", "✓ ok\n")


def test_a_test_function_kept_by_learner_code_is_dead_after_its_test(tmp_path):
    learner = "kept = []\ndef remember(f):\n    kept.append(f)\n    return f()\ndef replay():\n    return kept[0]()\n"
    first = "check_scalar(call(remember, lambda: 1.5), 1.5, 'remember')\npassed('first')"
    second = "check_scalar(call(replay), 1.5, 'replay')"
    outs, _ = grade(tmp_path, learner, first, second)
    assert verdict(outs[0])[0] == "pass"
    status, text = verdict(outs[1])
    assert status == "fail" and "replay" in text


def test_a_learner_function_that_never_returns_is_a_timeout_and_stops_the_notebook(tmp_path):
    outs, flags = grade(tmp_path, "def f():\n    while True:\n        pass",
                        "call(f)", "passed('never reached')", timeout=3)
    assert flags == ["timeout"]
    assert verdict(outs[0])[0] == "fail" and outs[1] == []


def test_a_kernel_that_dies_inside_a_test_is_kernel_died(tmp_path):
    outs, flags = grade(tmp_path, "import os\ndef f():\n    os._exit(3)", "call(f)")
    assert flags == ["kernel-died"] and verdict(outs[0])[0] == "fail"


def test_a_name_the_notebook_does_not_define_is_a_sentence_not_a_traceback(tmp_path):
    outs, _ = grade(tmp_path, "x = 1", "check_scalar(call(forward_pass, 1.0), 1.0, 'forward_pass')")
    status, text = verdict(outs[0])
    assert status == "fail" and text.startswith("`forward_pass` is not defined in your notebook")


def test_trusted_setup_values_are_the_judges_even_if_the_learner_reassigns_them(tmp_path):
    setup = "x_fixed = np.array([1.0, 2.0])\n"
    outs, _ = grade(tmp_path, "x_fixed = np.array([0.0, 0.0])\ndef norm(v):\n    return float(np.sum(v * v))",
                    "check_scalar(call(norm, x_fixed), 5.0, 'norm(x_fixed)')\npassed('ok')", setup=setup)
    assert verdict(outs[0]) == ("pass", "✓ ok\n")

"""Lesson 03's stated formulas and numbers, computed here; its reference with each activation; its visible tests.

Issue 13 (items 1, 2): the hidden activation is a choice (sigmoid, tanh, ReLU), each slope an exercise, ReLU's kink
and He's initialisation explained. Every formula the notebook states is checked here by code, with the notebook's
own seeds and cells where it matters; and the visible part of every test cell (what a learner reads) is checked
not to contain an answer. No notebook is executed: everything here is fast.
"""

import contextlib
import io
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.reference import two_layer as ref
from backprop.activations import relu, sigmoid, sigmoid_prime
from backprop.gradcheck import centred_difference, check_gradients, numerical_gradient
from backprop.losses import one_hot
from backprop.shapes import make_params
from nbrun import HIDDEN

ROOT = Path(__file__).resolve().parents[1]
LESSON = "03_two_layer_network"
NB = nbformat.read(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", as_version=4)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
X = np.array([[0.5], [-1.2]])
Y = one_hot([2], 3)


def _cell(cell_id):
    found = [c.source for c in NB.cells if c.get("id") == cell_id]
    assert len(found) == 1, f"no single cell {cell_id!r} in lesson 03"
    return found[0]


def _run_cell(cell_id, namespace):
    """Run one of the notebook's own locked or demo cells in ``namespace``; return what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(_cell(cell_id), namespace)
    return out.getvalue()


def _params_relu():
    ns = {"np": np, "d": 2, "h": 3, "k": 3}
    _run_cell("network_relu", ns)
    return ns["params_relu"]


# ---------------------------------------------------------------- the activations' slopes

def test_tanh_slope_formulas_the_notebook_states():
    """tanh' = 1 − tanh², tanh z = 2σ(2z) − 1, tanh' = 4σ'(2z); σ' peaks at ¼ and tanh' at 1, both at z = 0."""
    z = np.linspace(-6, 6, 1201)
    numeric = np.array([centred_difference(np.tanh, v) for v in z])
    # centred differences of a smooth function with ε = 1e-6: exact to ~1e-10
    assert np.max(np.abs(numeric - (1 - np.tanh(z) ** 2))) < 1e-9
    assert np.max(np.abs(np.tanh(z) - (2 * sigmoid(2 * z) - 1))) < 1e-15
    assert np.max(np.abs(4 * sigmoid_prime(2 * z) - (1 - np.tanh(z) ** 2))) < 1e-15
    assert sigmoid_prime(z).max() == 0.25 and z[np.argmax(sigmoid_prime(z))] == 0
    assert (1 - np.tanh(z) ** 2).max() == 1.0 and z[np.argmax(1 - np.tanh(z) ** 2)] == 0
    text = _cell("act-intro")
    assert r"at most $\tfrac14$ (at $z = 0$)" in text and r"$\tanh z = 2\sigma(2z) - 1$" in text
    assert r"$\tanh'(z) = 1 - \tanh^2 z$" in text and r"$4\sigma'(2z)$" in text


def test_the_reference_slopes_and_the_solutions_agree_with_centred_differences_away_from_the_kink():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, (6, 5))
    z[np.abs(z) < 1e-3] = 0.5   # away from ReLU's kink
    for f, f_prime in ref.ACTIVATIONS.values():
        numeric = (f(z + 1e-6) - f(z - 1e-6)) / 2e-6
        assert np.max(np.abs(f_prime(z) - numeric)) < 1e-9
    ns = {"np": np}
    for cid in ("tanh_prime", "relu_prime"):   # the solution notebook's answers, markers removed
        exec(MARKERS.sub("", _cell(cid)), ns)
    assert np.array_equal(ns["tanh_prime"](z), ref.tanh_prime(z))
    assert np.array_equal(ns["relu_prime"](z), ref.relu_prime(z)) and ref.relu_prime(np.zeros(3)).tolist() == [0, 0, 0]


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("m", [1, 4])
def test_reference_backward_with_each_activation_passes_a_gradient_check(activation, m):
    params = ref.init_params(3, 5, 4, seed=9, scale=1.0)
    params["b1"] = np.random.default_rng(1).normal(0, 0.5, (5, 1))
    x = np.random.default_rng(2).normal(0, 1, (3, m))
    y = one_hot(np.arange(m) % 4, 4)
    _, cache = ref.forward(x, params, activation)
    assert cache["activation"] == activation and np.min(np.abs(cache["z1"])) > 1e-4   # no kink within ε
    grads = ref.backward(y, cache, params)
    report = check_gradients(lambda: ref.loss(x, y, params, activation), params, {n: grads["d" + n] for n in params})
    assert report.passed(1e-7), str(report)


def test_reference_defaults_are_the_sigmoid_network_other_lessons_use():
    params = make_params(2, 3, 3, seed=7)
    y_hat, cache = ref.forward(X, params)
    assert cache["activation"] == "sigmoid" and np.array_equal(cache["a1"], sigmoid(cache["z1"]))
    old_cache = {k: v for k, v in cache.items() if k != "activation"}   # a cache made before the choice existed
    assert all(np.array_equal(ref.backward(Y, old_cache, params)[n], ref.backward(Y, cache, params)[n])
               for n in ("dW1", "db1", "dW2", "db2"))


def test_the_visible_forward_values_are_the_networks():
    """test_forward's fixed numbers (what a learner checks against) are the lesson network's, for each activation."""
    src = HIDDEN.sub("", _cell("test_forward"))
    params = make_params(2, 3, 3, seed=7)
    for activation in ("sigmoid", "tanh", "relu"):
        y_hat, cache = ref.forward(X, params, activation)
        for name in ("a1", "z2", "y_hat"):
            for v in cache[name].ravel():
                assert repr(float(v)) in src, (activation, name, v)
    z1 = ref.forward(X, params)[1]["z1"]
    assert all(repr(float(v)) in src for v in z1.ravel())


# ---------------------------------------------------------------- He's initialisation

def test_relu_halves_the_second_moment_as_the_notebook_measures():
    printed = _run_cell("he-demo", {"np": np, "relu": relu})
    first = re.search(r"E\[relu\(z\)²\] = ([\d.]+) for Var\(z\) = ([\d.]+): half of it is ([\d.]+)", printed)
    moment, var, half = map(float, first.groups())
    # 200,000 samples: the sample second moment is within ~0.5 % of Var/2 (its relative standard error)
    assert abs(moment / half - 1) < 0.01 and abs(half - var / 2) < 1e-4
    rows = {}
    for line in printed.splitlines():
        m = re.match(r"(He: √\(2/n\)|√\(1/n\)|fixed 0\.1)\s+ratio ([\d.]+):\s+(.*)", line)
        if m:
            rows[m.group(1)] = (float(m.group(2)), [float(v) for v in m.group(3).split()])
    assert set(rows) == {"He: √(2/n)", "√(1/n)", "fixed 0.1"}
    he_ratio, he = rows["He: √(2/n)"]
    half_ratio, halves = rows["√(1/n)"]
    fixed_ratio, fixed = rows["fixed 0.1"]
    assert (he_ratio, half_ratio, fixed_ratio) == (1.0, 0.5, 1.28)   # n v_W / 2 with n = 256
    # one random draw of weights per layer: each layer's gain is 1 ± O(1/√256); the text says 0.9 to 1.4
    assert 0.9 <= min(he) and max(he) <= 1.4
    # (the per-layer ratios wobble around ½ for the same reason: 0.42 to 0.61 with these seeds)
    assert 0.5 * 2.0 ** -8 < halves[-1] < 2 * 2.0 ** -8 and all(0.35 < b / a < 0.65 for a, b in zip(halves, halves[1:]))
    assert 0.5 * 1.28 ** 8 < fixed[-1] < 2 * 1.28 ** 8
    text = _cell("he-md2")
    assert "between 0.9 and 1.4" in text and r"$256 \cdot 0.01 / 2 = 1.28$" in text and r"$1/2^8 \approx 0.004$" in text


def test_the_relu_network_starts_from_he_weights():
    p = _params_relu()
    rng = np.random.default_rng(7)
    assert np.array_equal(p["W1"], rng.normal(0, np.sqrt(2 / 2), (3, 2)))
    assert np.array_equal(p["W2"], rng.normal(0, np.sqrt(2 / 3), (3, 3)))
    assert not p["b1"].any() and not p["b2"].any()
    # "with d = 2, √(2/d) = 1, so its W1 happens to be the sigmoid network's"
    assert np.array_equal(p["W1"], make_params(2, 3, 3, seed=7)["W1"])
    z1 = p["W1"] @ X
    assert np.min(np.abs(z1)) > 0.3   # the visible ReLU gradient check never straddles the kink


# ---------------------------------------------------------------- ReLU's kink

def test_a_centred_difference_straddling_the_kink_gives_delta_plus_eps_over_2eps():
    for delta in (1e-7, 3e-7, 9e-7):
        assert abs(centred_difference(relu, delta, 1e-6) - (delta + 1e-6) / 2e-6) < 1e-9
    assert centred_difference(relu, 2e-6, 1e-6) == pytest.approx(1.0, abs=1e-9)


def test_the_kink_demo_fails_the_check_at_3e_7_and_passes_1e_3_away():
    """The demo's setting, with the reference forward and backward in place of the learner's."""
    src = _cell("kink-demo")
    assert 'P_k["b1"][1, 0] = 3e-7 + away - (P_k["W1"] @ x)[1, 0]' in src and "for away in (0.0, 1e-3):" in src
    p = {n: v.copy() for n, v in _params_relu().items()}
    loss = lambda: -float(np.sum(Y * np.log(ref.forward(X, p, "relu")[0])))
    verdicts = []
    for away in (0.0, 1e-3):
        p["b1"][1, 0] = 3e-7 + away - (p["W1"] @ X)[1, 0]
        _, cache = ref.forward(X, p, "relu")
        g = ref.backward(Y, cache, p)
        ratio = numerical_gradient(loss, p["b1"])[1, 0] / g["db1"][1, 0]
        report = check_gradients(loss, p, {n: g["d" + n] for n in p})
        verdicts.append({r.name: r.verdict for r in report.rows})
        if away == 0.0:
            assert ratio == pytest.approx(0.65, abs=1e-6)     # (δ + ε)/(2ε)
    assert verdicts[0] == {"W1": "wrong", "b1": "wrong", "W2": "right", "b2": "right"}
    assert set(verdicts[1].values()) == {"right"}
    text = _cell("kink-md2")
    assert "$0.65$" in text and '"wrong" rather than "look closer"' in text


# ---------------------------------------------------------------- what a learner can read

def _visible(source):
    return HIDDEN.sub("", source)


def _answer_lines():
    """Each answer cell's solution lines (and the expressions they return), stripped, that say something."""
    out = {}
    for c in NB.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade") and not meta["grade_id"].startswith("quiz"):
            body = SOLUTION.search(c.source).group(1)
            lines = {ln.strip() for ln in body.splitlines() if ln.strip()}
            lines |= {ln[len("return "):] for ln in lines if ln.startswith("return ")}
            # a line that only calls a given function (t = np.tanh(z)) gives nothing away
            out[meta["grade_id"]] = {ln for ln in lines if len(ln) >= 10 and not re.fullmatch(r"\w+ = [\w.]+\(\w+\)", ln)}
    return out


def test_no_visible_test_contains_an_answer_line():
    visible = {c.metadata["nbgrader"]["grade_id"]: _visible(c.source) for c in NB.cells
               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    for answer, lines in _answer_lines().items():
        for test, src in visible.items():
            test_lines = {ln.strip() for ln in src.splitlines()}
            rhs = {ln.split("=", 1)[1].strip() for ln in test_lines if "=" in ln and "==" not in ln}
            leaked = [ln for ln in lines if ln in test_lines or ln in rhs]
            assert not leaked, f"the visible part of {test} contains {answer}'s answer: {leaked}"


def test_the_backward_steps_are_derived_first_with_hints_the_last_one_the_formula():
    headings = {"cell-022": "dW_2", "cell-025": "db_2", "cell-028": "da_1", "cell-031": "dz_1", "cell-034": "dW_1",
                "cell-037": "db_1", "act-intro": "tanh", "relu-md": "ReLU"}
    for cid, what in headings.items():
        text = _cell(cid)
        title = next(ln for ln in text.splitlines() if ln.startswith("### Exercise"))
        assert "=" not in title, f"{cid}'s title gives the formula away: {title}"
        hints = re.findall(r"<details><summary>(.*?)</summary>", text)
        assert hints and "formula" in hints[-1], f"{cid}: the last hint should be the formula ({hints})"
    # the table of shapes prints the backward half without its formulas
    assert 'derive it (section 5)' in _cell("cell-003")

"""Lesson 04's stated formulas, checked by code: the batched forward pass and loss, the worked example of dZ2 and its
numbers, the hints' batched gradients (against centred differences of the mean loss), why the 1/m, and the fixed
values the forward-pass test hands the learner."""

import ast

import nbformat
import numpy as np
import pytest

from autograder.reference import training as ref
from backprop.activations import sigmoid, sigmoid_prime
from backprop.gradcheck import numerical_gradient, relative_error
from backprop.losses import cross_entropy, cross_entropy_logits, one_hot, softmax
from backprop.training import init_params

from nbrun import ROOT

LESSON = "04_batches_and_training"
NB = nbformat.read(str(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb"), as_version=4)
RNG = np.random.default_rng(4)
PARAMS = ("W1", "b1", "W2", "b2")


def _network(d=3, h=4, k=5, m=6, seed=1):
    rng = np.random.default_rng(seed)
    p = init_params(d, h, k, seed=seed, scale=0.9)
    p["b1"], p["b2"] = rng.normal(0, 0.5, (h, 1)), rng.normal(0, 0.5, (k, 1))
    return rng.normal(0, 1, (d, m)), one_hot(rng.integers(0, k, m), k), p


def _markdown(start):
    return next(c.source for c in NB.cells if c.cell_type == "markdown" and c.source.startswith(start))


def test_forward_formulas_the_mean_loss_and_one_column_per_example():
    x, y, p = _network()
    y_hat, cache = ref.forward_batch(x, p)
    z1 = p["W1"] @ x + p["b1"]
    z2 = p["W2"] @ sigmoid(z1) + p["b2"]
    assert np.allclose(cache["z1"], z1) and np.allclose(cache["z2"], z2) and np.allclose(y_hat, softmax(z2))
    assert np.allclose(y_hat.sum(axis=0), 1.0)  # the softmax is taken per column
    m = x.shape[1]
    assert np.isclose(cross_entropy(y_hat, y), -np.sum(y * np.log(y_hat)) / m)  # L = −(1/m) Σ_j Σ_i Y log Ŷ
    for j in range(m):  # column j of the batch is example j run on its own
        assert np.allclose(ref.forward_batch(x[:, j:j + 1], p)[0], y_hat[:, j:j + 1])


def test_worked_example_dz2_and_its_numbers():
    y_hat, y = np.array([[0.7, 0.2], [0.3, 0.8]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    dz2 = (y_hat - y) / 2
    assert np.allclose(dz2, [[-0.15, 0.1], [0.15, -0.1]])
    assert np.allclose(dz2.sum(axis=0), 0.0)  # each column sums to 0
    z2 = np.log(y_hat)  # softmax(log ŷ) = ŷ, as each column of ŷ sums to 1
    assert np.allclose(softmax(z2), y_hat)
    assert relative_error(dz2, numerical_gradient(lambda: cross_entropy_logits(z2, y), z2)) < 1e-8
    text = _markdown("## 2. The backward pass for a batch")
    for shown in (r"0.7 & 0.2 \\ 0.3 & 0.8", r"1 & 0 \\ 0 & 1", r"-0.3 & 0.2 \\ 0.3 & -0.2", r"-0.15 & 0.1 \\ 0.15 & -0.1"):
        assert shown in text, f"the worked example no longer shows {shown!r}: update this test with it"


def test_the_hints_formulas_match_centred_differences_of_the_mean_loss():
    x, y, p = _network()
    m = x.shape[1]
    y_hat, c = ref.forward_batch(x, p)
    dz2 = (y_hat - y) / m
    dW2, db2 = dz2 @ c["a1"].T, np.sum(dz2, axis=1, keepdims=True)
    da1 = p["W2"].T @ dz2
    dz1 = da1 * sigmoid_prime(c["z1"])
    dW1, db1 = dz1 @ x.T, np.sum(dz1, axis=1, keepdims=True)
    # the intermediate gradients, by nudging the mean loss written from that point up
    z2, a1, z1 = c["z2"].copy(), c["a1"].copy(), c["z1"].copy()
    assert relative_error(dz2, numerical_gradient(lambda: cross_entropy_logits(z2, y), z2)) < 1e-8
    assert relative_error(da1, numerical_gradient(lambda: cross_entropy_logits(p["W2"] @ a1 + p["b2"], y), a1)) < 1e-8
    assert relative_error(dz1, numerical_gradient(lambda: cross_entropy_logits(p["W2"] @ sigmoid(z1) + p["b2"], y), z1)) < 1e-8
    loss = lambda: cross_entropy_logits(ref.forward_batch(x, p)[1]["z2"], y)
    for name, g in (("W2", dW2), ("b2", db2), ("W1", dW1), ("b1", db1)):
        assert g.shape == p[name].shape
        assert relative_error(g, numerical_gradient(loss, p[name])) < 1e-7
    # hint 1: the index form, the matrix product and the sum of the examples' outer products agree
    by_index = np.array([[sum(dz2[i, j] * a1[l, j] for j in range(m)) for l in range(a1.shape[0])] for i in range(dz2.shape[0])])
    outers = sum(np.outer(dz2[:, j], a1[:, j]) for j in range(m))
    assert np.allclose(by_index, dW2) and np.allclose(outers, dW2)
    # hint 4: dW2 is the mean over the batch of the examples' (ŷ − y) a1ᵀ
    assert np.allclose(dW2, np.mean([np.outer(y_hat[:, j] - y[:, j], a1[:, j]) for j in range(m)], axis=0))


def test_a_hidden_entry_of_example_j_moves_example_js_loss_only():
    x, y, p = _network()
    _, c = ref.forward_batch(x, p)
    a1, z1 = c["a1"].copy(), c["z1"].copy()
    per_example = lambda a: -np.sum(y * np.log(softmax(p["W2"] @ a + p["b2"])), axis=0)
    for at, f in ((a1, per_example), (z1, lambda z: per_example(sigmoid(z)))):
        base = f(at)
        for j in range(x.shape[1]):
            nudged = at.copy()
            nudged[0, j] += 1e-3
            moved = np.abs(f(nudged) - base) > 0
            assert moved[j] and moved.sum() == 1  # no sum over the batch in dA1 or dZ1


def test_the_batch_gradient_is_the_mean_of_the_examples_and_the_sum_is_m_times_it():
    x, y, p = _network(m=7)
    g = ref.backward_batch(y, ref.forward_batch(x, p)[1], p)
    singles = [ref.backward_batch(y[:, j:j + 1], ref.forward_batch(x[:, j:j + 1], p)[1], p) for j in range(7)]
    summed = ref.backward_summed(y, ref.forward_batch(x, p)[1], p)
    for n in g:
        assert np.allclose(g[n], np.mean([s[n] for s in singles], axis=0))
        assert np.allclose(summed[n], 7 * g[n])


def test_the_noise_of_an_averaged_gradient_falls_like_one_over_root_m():
    """Section 3: a batch of 128 examples drawn at random has a gradient 4 = √(128/8) times less noisy than one of 8."""
    x, y, p = _network(d=4, h=5, k=3, m=400, seed=2)
    per = np.array([ref.backward_batch(y[:, j:j + 1], ref.forward_batch(x[:, j:j + 1], p)[1], p)["dW2"].ravel()
                    for j in range(400)])
    rng = np.random.default_rng(0)
    spread = {m: np.std([per[rng.integers(0, 400, m)].mean(axis=0) for _ in range(3000)], axis=0).mean() for m in (8, 128)}
    assert 3.6 < spread[8] / spread[128] < 4.4  # 3000 draws: the ratio is within ~5 % of 4


def test_one_step_against_the_gradient_lowers_the_loss():
    x, y, p = _network()
    before, new = ref.train_step(x, y, p, 0.1)
    assert cross_entropy_logits(ref.forward_batch(x, new)[1]["z2"], y) < before


def test_minibatches_hold_each_index_once():
    batches = ref.minibatches(37, 8, np.random.default_rng(0))
    assert [len(b) for b in batches] == [8, 8, 8, 8, 5]
    assert sorted(int(i) for b in batches for i in b) == list(range(37))


def _literals(grade_id, names):
    """The values the named assignments of a test cell's visible part give (array literals only)."""
    cell = next(c for c in NB.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
    out = {}
    for node in ast.parse(visible).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in names:
            out[node.targets[0].id] = eval(compile(ast.Expression(node.value), grade_id, "eval"), {"np": np})
    assert set(out) == set(names), f"{grade_id} no longer assigns {set(names) - set(out)}"
    return out


def test_the_forward_tests_fixed_values_are_the_networks():
    v = _literals("test_forward_batch", ["x_", "p_", "z1_", "z2_"])
    _, c = ref.forward_batch(v["x_"], v["p_"])
    assert np.allclose(c["z1"], v["z1_"], rtol=0, atol=1e-15)   # by hand: exact decimals
    assert np.allclose(c["z2"], v["z2_"], rtol=1e-9, atol=0)     # 10 significant digits


@pytest.mark.parametrize("z", [np.linspace(-6, 6, 13)])
def test_the_forward_tests_wrong_variants_are_the_mistakes_they_name(z):
    """forward_mistakes writes σ(−z) as 1 − σ(z) and "z2 from z1" as z2 + W2 (z1 − a1)."""
    assert np.allclose(sigmoid(-z), 1 - sigmoid(z))
    x, y, p = _network()
    _, c = ref.forward_batch(x, p)
    assert np.allclose(c["z2"] + p["W2"] @ (c["z1"] - c["a1"]), p["W2"] @ c["z1"] + p["b2"])

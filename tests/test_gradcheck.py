"""Gradient checking catches wrong gradients and names the worst parameter and entry."""

import numpy as np

from autograder.reference import two_layer
from backprop.gradcheck import check_gradients, numerical_gradient, relative_error, verdict
from backprop.losses import one_hot


def _setup(m=4, seed=0):
    rng = np.random.default_rng(seed)
    params = two_layer.init_params(3, 4, 3, seed=seed, scale=0.8)
    x = rng.normal(0, 1, (3, m))
    y = one_hot(rng.integers(0, 3, m), 3)
    _, cache = two_layer.forward(x, params)
    grads = two_layer.backward(y, cache, params)
    return params, x, y, {n: grads["d" + n] for n in params}


def test_right_gradients_pass():
    params, x, y, grads = _setup()
    report = check_gradients(lambda: two_layer.loss(x, y, params), params, grads)
    assert report.passed() and report.max_rel_error < 1e-7


def test_one_wrong_entry_is_named():
    params, x, y, grads = _setup()
    grads["W1"] = grads["W1"].copy()
    grads["W1"][2, 1] += 0.05
    report = check_gradients(lambda: two_layer.loss(x, y, params), params, grads)
    assert not report.passed()
    assert report.worst.name == "W1" and report.worst.worst_index == (2, 1)
    assert report["b2"].verdict == "right"
    assert "W1" in str(report).splitlines()[-1]


def test_missing_one_over_m_is_wrong_not_borderline():
    params, x, y, grads = _setup(m=8)
    grads = {n: g * 8 for n, g in grads.items()}
    report = check_gradients(lambda: two_layer.loss(x, y, params), params, grads)
    assert all(r.verdict == "wrong" for r in report.rows)


def test_params_are_restored_exactly():
    params, x, y, grads = _setup()
    before = {n: p.copy() for n, p in params.items()}
    check_gradients(lambda: two_layer.loss(x, y, params), params, grads)
    assert all(np.array_equal(before[n], params[n]) for n in params)


def test_sampling_checks_only_some_entries_reproducibly():
    params, x, y, grads = _setup()
    r1 = check_gradients(lambda: two_layer.loss(x, y, params), params, grads, sample=3, seed=7)
    r2 = check_gradients(lambda: two_layer.loss(x, y, params), params, grads, sample=3, seed=7)
    assert [r.rel_error for r in r1.rows] == [r.rel_error for r in r2.rows]
    calls = []
    p = np.zeros((10, 10))
    numerical_gradient(lambda: calls.append(1) or 0.0, p, indices=[(0, 0), (5, 5)])
    assert len(calls) == 4


def test_relative_error_floor_and_verdicts():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert verdict(1e-9) == "right" and verdict(1e-5) == "look closer"  # a small bug scores ~1e-6
    assert verdict(1e-3) == "look closer" and verdict(0.5) == "wrong" and "broken" in verdict(np.nan)


def test_float32_is_refused():
    try:
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    except TypeError as e:
        assert "float64" in str(e)
    else:
        raise AssertionError("float32 should be refused")

"""Reference maths (package and instructor side) against centred finite differences, float64.

Tolerance: relative error (norm-based, floored denominator, see backprop.gradcheck)
≤ 1e-7 with eps = 1e-6; the values are chosen so gradients are O(0.01–1).
"""

import numpy as np
import pytest

from autograder.reference import neuron, two_layer
from autograder.reference.engine import Value, topological_order
from backprop import activations as act
from backprop.gradcheck import centred_difference, check_gradients, numerical_gradient, relative_error
from backprop.losses import cross_entropy, one_hot, softmax, squared_error, squared_error_prime

TOL = 1e-7


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activation_derivatives_match_centred_differences(name):
    f, fp = act.ACTIVATIONS[name]
    z = np.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.5])  # away from ReLU's kink at 0
    num = np.array([centred_difference(f, zi) for zi in z])
    assert relative_error(fp(z), num) < TOL
    assert f(z).shape == z.shape and fp(z).shape == z.shape


def test_sigmoid_is_finite_and_exact_at_extremes():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    s = act.sigmoid(z)
    assert np.all(np.isfinite(s))
    assert s[0] == 0.0 and s[2] == 0.5 and s[4] == 1.0


def test_squared_error_derivative():
    a = np.array([0.2, 0.9, -0.4])
    y = np.array([1.0, 0.0, 0.5])
    num = np.array([centred_difference(lambda t: float(squared_error(t, y[i])), a[i]) for i in range(3)])
    assert relative_error(squared_error_prime(a, y), num) < TOL


def test_softmax_columns_sum_to_one_and_survive_huge_inputs():
    z = np.array([[1000.0, -1000.0, 3.0], [999.0, -1001.0, 1.0], [-1000.0, -999.0, 2.0]])
    s = softmax(z)
    assert s.shape == (3, 3)
    assert np.all(np.isfinite(s))
    assert np.allclose(s.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    # shifting a column by a constant changes nothing
    assert np.allclose(softmax(z[:, [2]] + 1000.0), softmax(z[:, [2]]), rtol=0, atol=1e-15)


def test_cross_entropy_is_mean_over_columns():
    y_hat = softmax(np.array([[2.0, 0.1], [1.0, 0.2], [0.1, 3.0]]))
    y = one_hot([0, 2], 3)
    expected = -(np.log(y_hat[0, 0]) + np.log(y_hat[2, 1])) / 2
    assert abs(cross_entropy(y_hat, y) - expected) < 1e-15


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("x,w,b,y", [(1.5, 0.8, -0.5, 1.0), (-2.0, 0.3, 0.7, 0.0), (0.5, -1.2, 0.1, 1.0)])
def test_neuron_chain_rule_matches_finite_differences(x, w, b, y, activation):
    L, cache = neuron.neuron_forward(x, w, b, y, activation)
    dw, db = neuron.neuron_backward(cache)
    ndw = centred_difference(lambda t: neuron.neuron_forward(x, t, b, y, activation)[0], w)
    ndb = centred_difference(lambda t: neuron.neuron_forward(x, w, t, y, activation)[0], b)
    assert relative_error(dw, ndw) < TOL and relative_error(db, ndb) < TOL
    dL_da, da_dz, dz_dw = neuron.local_derivatives(cache)
    a, z = cache[5], cache[4]
    assert relative_error(dL_da, centred_difference(lambda t: (t - y) ** 2, a)) < TOL
    f = act.ACTIVATIONS[activation][0]
    assert relative_error(da_dz, centred_difference(f, z)) < TOL
    assert dz_dw == x


def test_gradient_step_lowers_the_neuron_loss():
    w, b = 0.8, -0.5
    losses = []
    for _ in range(20):
        losses.append(neuron.neuron_forward(1.5, w, b, 1.0)[0])
        w, b = neuron.gradient_step(1.5, w, b, 1.0, 0.5)
    assert all(l2 < l1 for l1, l2 in zip(losses, losses[1:]))


def _engine_grads(build, values):
    leaves = [Value(v) for v in values]
    out = build(*leaves)
    out.backward()
    return out, [leaf.grad for leaf in leaves]


@pytest.mark.parametrize("build,values", [
    (lambda a, b: a * b + b ** 3, [1.3, -0.7]),
    (lambda a, b: (a * b).tanh() + (a - b).exp(), [0.4, 0.9]),
    (lambda a, b: (a * 2.0 + b).sigmoid() * a / b, [0.5, 1.7]),
    (lambda a: a * a + a, [0.6]),           # a node used twice (three times)
])
def test_engine_matches_finite_differences(build, values):
    out, grads = _engine_grads(build, values)
    for i, v in enumerate(values):
        def f(t):
            vals = list(values)
            vals[i] = t
            return build(*[Value(u) for u in vals]).data
        assert relative_error(grads[i], centred_difference(f, v)) < TOL


def test_engine_accumulates_a_node_used_twice_and_backward_is_idempotent():
    x = Value(3.0)
    out = x * x + x          # d/dx = 2x + 1 = 7
    out.backward()
    assert x.grad == 7.0
    out.backward()           # a second call must not double the gradient
    assert x.grad == 7.0


def test_topological_order_puts_inputs_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order.index(a) < order.index(c) < order.index(d) and order.index(b) < order.index(c)


@pytest.mark.parametrize("m", [1, 5])
def test_two_layer_backward_matches_finite_differences(m):
    d, h, k = 4, 3, 3
    rng = np.random.default_rng(1)
    params = two_layer.init_params(d, h, k, seed=2, scale=0.8)
    params["b1"] = rng.normal(0, 0.3, (h, 1))
    params["b2"] = rng.normal(0, 0.3, (k, 1))
    x = rng.normal(0, 1, (d, m))
    y = one_hot(rng.integers(0, k, m), k)
    y_hat, cache = two_layer.forward(x, params)
    assert y_hat.shape == (k, m) and cache["z1"].shape == (h, m) and cache["a1"].shape == (h, m)
    grads = two_layer.backward(y, cache, params)
    for name in params:
        assert grads["d" + name].shape == params[name].shape
    report = check_gradients(lambda: two_layer.loss(x, y, params), params,
                             {n: grads["d" + n] for n in params})
    assert report.passed(TOL), str(report)


def test_softmax_jacobian_times_upstream_equals_shortcut():
    z = np.array([[0.3], [-1.2], [2.0]])
    y = one_hot([1], 3)
    s = softmax(z)
    dL_dyhat = -y / s
    long_way = two_layer.softmax_jacobian(z).T @ dL_dyhat
    assert np.allclose(long_way, s - y, rtol=0, atol=1e-14)
    num = numerical_gradient(lambda: cross_entropy(softmax(z), y), z)
    assert relative_error(s - y, num) < TOL

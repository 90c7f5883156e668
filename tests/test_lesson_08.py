"""Lesson 08's reference layers (autograder/reference/layers.py): each backward against centred differences."""

import numpy as np
import pytest

from autograder.reference import layers as ref
from backprop.gradcheck import numerical_gradient, relative_error
from backprop.losses import cross_entropy_logits, one_hot

RNG = np.random.default_rng(0)


def _probe(forward, x, dout):
    """Σ dout ⊙ forward(x): its gradient in x is what a backward must return for this dout."""
    return lambda: float(np.sum(dout * forward(x)))


@pytest.mark.parametrize("kind", ["relu", "tanh", "sigmoid"])
def test_activation_backward_matches_centred_differences(kind):
    x = RNG.normal(0, 2, (4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # away from ReLU's kink
    dout = RNG.normal(0, 1, (4, 5))
    _, cache = ref.FORWARD[kind](x, {})
    numeric = numerical_gradient(_probe(lambda v: ref.FORWARD[kind](v, {})[0], x, dout), x)
    assert relative_error(ref.BACKWARD[kind](dout, cache), numeric) < 1e-8


def test_affine_backward_matches_centred_differences():
    x, W, b, dout = RNG.normal(0, 1, (3, 6)), RNG.normal(0, 1, (4, 3)), RNG.normal(0, 1, (4, 1)), RNG.normal(0, 1, (4, 6))
    dx, dW, db = ref.affine_backward(dout, (x, W, b))
    S = lambda: float(np.sum(dout * (W @ x + b)))
    for got, p in ((dx, x), (dW, W), (db, b)):
        assert got.shape == p.shape
        assert relative_error(got, numerical_gradient(S, p)) < 1e-8


def test_softmax_cross_entropy_is_finite_for_large_scores_and_its_dz_is_the_gradient():
    z = np.array([[1000.0, 1000.0], [999.0, 0.0], [998.0, -3.0]])
    y = one_hot([0, 1], 3)
    loss, dz = ref.softmax_cross_entropy(z, y)
    assert np.isfinite(loss) and abs(loss - (np.log(1 + np.exp(-1) + np.exp(-2)) + 1000.0) / 2) < 1e-9
    z = RNG.normal(0, 3, (5, 4))
    y = one_hot([0, 3, 4, 1], 5)
    assert relative_error(ref.softmax_cross_entropy(z, y)[1], numerical_gradient(lambda: cross_entropy_logits(z, y), z)) < 1e-8


def test_network_backward_passes_a_gradient_check():
    layers = ref.init_layers([4, 6, 5, 3], seed=1)
    layers.insert(3, ("tanh", {}))
    layers.insert(4, ("affine", {"W": RNG.normal(0, 0.5, (5, 5)), "b": RNG.normal(0, 0.5, (5, 1))}))
    x, y = RNG.normal(0, 1, (4, 7)), one_hot(np.arange(7) % 3, 3)
    scores, caches = ref.network_forward(x, layers)
    grads = ref.network_backward(ref.softmax_cross_entropy(scores, y)[1], caches)
    for (kind, p), g in zip(layers, grads):
        assert set(g) == set(p)
        for n in p:
            assert relative_error(g[n], numerical_gradient(lambda: ref.network_loss(x, y, layers), p[n])) < 1e-7


def test_batchnorm_backward_closed_form_equals_the_step_by_step_walk_and_centred_differences():
    x, gamma, beta, dout = RNG.normal(1, 2, (3, 6)), RNG.normal(1, 0.5, (3, 1)), RNG.normal(0, 1, (3, 1)), RNG.normal(0, 1, (3, 6))
    _, cache = ref.batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = ref.batchnorm_backward(dout, cache)
    assert np.allclose(dx, ref.batchnorm_backward_by_steps(dout, x, gamma), rtol=1e-10, atol=1e-12)
    S = lambda: float(np.sum(dout * ref.batchnorm_forward(x, gamma, beta)[0]))
    for got, p in ((dx, x), (dgamma, gamma), (dbeta, beta)):
        assert relative_error(got, numerical_gradient(S, p)) < 1e-7


def test_he_initialisation_keeps_the_variance_of_relu_pre_activations():
    layers = ref.init_layers([256] * 11, seed=0)
    z = np.random.default_rng(1).normal(0, 1, (256, 400))
    variances = []
    for kind, p in layers:
        z = ref.FORWARD[kind](z, p)[0]
        if kind == "affine":
            variances.append(float(np.var(z)))
    assert 0.5 < variances[-1] / variances[0] < 2.0  # ten layers: a wrong gain would move it 2¹⁰-fold

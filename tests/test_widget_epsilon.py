"""Lesson 05's ε explorer: the error curves show truncation and round-off, in both precisions."""

import numpy as np

from backprop.widgets.epsilon import EXPONENTS, EpsilonModel, epsilon_explorer, errors_at


def test_float64_beats_float32_at_its_best():
    model = EpsilonModel()
    c = model.curves()
    assert c["float64"].shape == c["float32"].shape == EXPONENTS.shape
    assert np.min(c["float64"]) < 1e-9
    assert 1e-8 < np.min(c["float32"]) < 1e-4


def test_best_eps_is_where_the_two_errors_meet():
    model = EpsilonModel()
    assert 1e-7 <= model.best_eps("float64") <= 1e-4
    assert 1e-4 <= model.best_eps("float32") <= 1e-1


def test_truncation_error_grows_like_eps_squared():
    # on the right of the minimum: ten times larger ε, about a hundred times larger error
    ratio = errors_at(1e-2, np.float64) / errors_at(1e-3, np.float64)
    assert 80 < ratio < 120


def test_round_off_error_grows_as_eps_shrinks():
    assert errors_at(1e-12, np.float64) > 100 * errors_at(1e-6, np.float64)
    assert errors_at(1e-6, np.float32) > 100 * errors_at(1e-2, np.float32)


def test_the_learners_difference_is_used():
    forward_only = lambda f, x, eps: (f(x + eps) - f(x)) / eps  # noqa: E731
    mine = EpsilonModel(diff=forward_only)
    assert mine.error(np.float64) != EpsilonModel().error(np.float64)
    mine.eps = 1e-2
    assert mine.error(np.float64) > 1e-3  # a forward difference has an O(ε) error


def test_slider_moves_the_marker_and_readout():
    ex = epsilon_explorer()
    s = ex.sliders[0]
    assert "bp-slider-eps" in s._dom_classes
    before_text, before_png = ex.text.value, ex.image.value
    s.value = 1e-2
    assert ex.model.eps == 1e-2
    assert ex.text.value != before_text and ex.image.value != before_png

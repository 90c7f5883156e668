"""Lesson 05's ε explorer: the error curves show truncation and round-off, in both precisions."""

import json

import numpy as np
import pytest

from backprop.widgets.epsilon import EXPONENTS, FLOOR, EpsilonModel, epsilon_explorer, errors_at
from backprop.widgets.figure import marks_of


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
    before_text, before_spec = ex.text.value, json.dumps(ex.plot.spec)
    s.value = 1e-2
    assert ex.model.eps == 1e-2
    assert ex.text.value != before_text and json.dumps(ex.plot.spec) != before_spec


def test_the_plot_sends_both_error_curves_and_the_marker_in_log10_units():
    ex = epsilon_explorer()
    ex.sliders[0].value = 10 ** -5.25
    c64, c32 = marks_of(ex.plot.spec, "line")
    curves = ex.model.curves()
    assert c64["x"] == pytest.approx(EXPONENTS, rel=1e-5) and c64["label"] == "float64" and c32["label"] == "float32"
    assert c64["y"] == pytest.approx(np.log10(np.maximum(curves["float64"], FLOOR)), rel=1e-5)
    assert c32["y"] == pytest.approx(np.log10(np.maximum(curves["float32"], FLOOR)), rel=1e-5)
    m64, m32 = marks_of(ex.plot.spec, "dots")
    assert m64["x"] == m32["x"] == pytest.approx([-5.25])
    assert m64["y"] == pytest.approx([np.log10(errors_at(10 ** -5.25, np.float64))], rel=1e-5)
    assert m32["y"] == pytest.approx([np.log10(errors_at(10 ** -5.25, np.float32))], rel=1e-5)
    assert marks_of(ex.plot.spec, "vline")[0]["x"] == pytest.approx(-5.25)

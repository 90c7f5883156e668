"""Lesson 06's depth explorer: the gain decides vanishing, healthy or exploding, and the view follows the traits."""

import json

import numpy as np
import pytest

from backprop.widgets.depth import WIDTH, DepthModel, depth_explorer, histograms
from backprop.widgets.figure import marks_of


def test_small_gain_vanishes_and_large_gain_explodes_with_relu():
    m = DepthModel(depth=10, activation="relu")
    assert m.verdict(gain=0.5) == "vanishing"
    assert m.verdict(gain=np.sqrt(2)) == "healthy"   # He
    assert m.verdict(gain=3.0) == "exploding"
    s = m.spreads(gain=np.sqrt(2))
    assert s.shape == (11,) and 0.3 < s[-1] / s[0] < 3


def test_tanh_xavier_scale_keeps_the_signal_and_large_gain_saturates():
    m = DepthModel(depth=10, activation="tanh")
    assert m.verdict(gain=1.0) == "healthy"
    assert m.verdict(gain=0.3) == "vanishing"
    assert m.verdict(gain=6.0) == "saturated"


def test_depth_trait_changes_the_number_of_layers():
    m = DepthModel()
    m.depth = 3
    assert len(m.activations()) == 4
    m.depth = 12
    assert len(m.activations()) == 13


def test_explorer_redraws_on_every_control():
    ex = depth_explorer()
    names = {s._bp_trait for s in ex.sliders}
    assert names == {"depth", "gain", "activation"}
    for s in ex.sliders:
        assert f"bp-slider-{s._bp_trait}" in s._dom_classes
    before = ex.text.value
    next(s for s in ex.sliders if s._bp_trait == "gain").value = 0.3
    assert ex.model.gain == 0.3 and "vanishing" in ex.text.value and ex.text.value != before
    next(s for s in ex.sliders if s._bp_trait == "activation").value = "relu"
    assert ex.model.activation == "relu" and "relu" in ex.text.value


def test_a_shallower_stack_is_the_start_of_a_deeper_one():
    """Layers are computed once per (gain, activation); any depth gives what a fresh run would."""
    m = DepthModel(seed=4)
    deep = m.activations(depth=12, gain=1.3)
    shallow = m.activations(depth=5, gain=1.3)
    assert len(shallow) == 6 and all(a is b for a, b in zip(shallow, deep))
    x, Z = DepthModel(seed=4)._draws()
    a = x
    for layer in range(5):
        a = np.tanh((1.3 / np.sqrt(WIDTH)) * (Z[layer] @ a))
    np.testing.assert_array_equal(shallow[-1], a)


def test_the_plot_sends_each_layers_histogram_and_the_spreads():
    ex = depth_explorer()
    next(s for s in ex.sliders if s._bp_trait == "depth").value = 5
    (img,) = marks_of(ex.plot.spec, "image")
    (lo, hi), rows = histograms(ex.model)
    assert (lo, hi) == (-1.0, 1.0) and rows.shape == (5, 50) and np.allclose(rows.sum(axis=1), 1.0)
    counts, _ = np.histogram(ex.model.activations()[3].ravel(), bins=np.linspace(-1, 1, 51))
    assert rows[2] == pytest.approx(counts / counts.sum())
    shade = np.sqrt(rows) / np.sqrt(rows).max()
    assert np.array(img["z"]) == pytest.approx(shade, rel=1e-5, abs=1e-9)
    (spread,) = marks_of(ex.plot.spec, "line")
    assert spread["y"] == pytest.approx(np.log10(ex.model.spreads()), rel=1e-5)
    json.dumps(ex.plot.spec, allow_nan=False)


def test_a_choice_reaches_the_kernel_only_through_its_own_sync():
    """A move message for the activation choice is not applied: in a busy kernel a late one set the choice back
    to its old option while the page showed the new picture. Continuous sliders still take moves."""
    ex = depth_explorer()
    choice = next(s for s in ex.sliders if s._bp_trait == "activation")
    depth = next(s for s in ex.sliders if s._bp_trait == "depth")
    assert "activation" not in ex.plot.sliders and "depth" in ex.plot.sliders
    ex.plot._answer(ex.plot, {"kind": "move", "trait": "activation", "value": 1, "seq": 7}, [])
    assert choice.value == "tanh" and ex.model.activation == "tanh"
    ex.plot._answer(ex.plot, {"kind": "move", "trait": "depth", "value": 12, "seq": 8}, [])
    assert depth.value == 12 and ex.model.depth == 12
    choice.index = 1                       # its own sync, as when the page moves it
    assert ex.model.activation == "relu"

"""Lesson 06's depth explorer: the gain decides vanishing, healthy or exploding, and the view follows the traits."""

import numpy as np

from backprop.widgets.depth import DepthModel, depth_explorer


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

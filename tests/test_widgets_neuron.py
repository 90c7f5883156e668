"""Lesson 01's explorer: the model's maths without a browser, the numbers it sends the browser to draw,
and the view reacting to its sliders."""

import json

import numpy as np
import pytest

from autograder.reference import neuron as ref
from backprop.widgets.figure import marks_of
from backprop.widgets.neuron import W_GRID, NeuronModel, neuron_explorer


def test_model_slope_matches_the_chain_rule():
    m = NeuronModel(w=0.3, b=0.7, x=-2.0, y=0.0)
    _, cache = ref.neuron_forward(-2.0, 0.3, 0.7, 0.0)
    dw, _ = ref.neuron_backward(cache)
    assert abs(m.slope - dw) < 1e-8
    assert abs(m.loss - ref.neuron_forward(-2.0, 0.3, 0.7, 0.0)[0]) < 1e-15


def test_loss_curve_is_vectorised_over_w():
    m = NeuronModel()
    ws = np.linspace(-1, 1, 5)
    assert np.allclose(m.loss_at(ws), [ref.neuron_forward(m.x, w, m.b, m.y)[0] for w in ws])


def test_factors_come_from_the_learners_function():
    seen = []

    def mine(x, w, b, y):
        seen.append((x, w, b, y))
        return 1.0, 2.0, 3.0
    m = NeuronModel(local_derivatives=mine)
    assert m.factors() == (1.0, 2.0, 3.0) and seen == [(m.x, m.w, m.b, m.y)]


def test_moving_a_slider_redraws_plot_and_readout():
    e = neuron_explorer()
    spec, text = json.dumps(e.plot.spec), e.text.value
    e.sliders[0].value = 1.5             # the w slider
    assert e.model.w == 1.5
    assert json.dumps(e.plot.spec) != spec and e.text.value != text
    assert "z = w·x + b = +1.7500" in e.text.value   # 1.5 · 1.5 − 0.5


def test_the_plot_sends_the_loss_curve_tangent_and_point_of_the_maths():
    """The browser draws these numbers: L(w) on the grid, the point (w, L) and a tangent of the learner's slope."""
    def mine(x, w, b, y):
        a = 1 / (1 + np.exp(-(w * x + b)))
        return 2 * (a - y), a * (1 - a), x
    e = neuron_explorer(local_derivatives=mine, w=-1.2, b=0.3, x=2.0, y=1.0)
    curve, tangent = marks_of(e.plot.spec, "line")
    (point,) = marks_of(e.plot.spec, "dots")
    assert curve["x"] == pytest.approx(W_GRID, rel=1e-5)
    assert curve["y"] == pytest.approx([ref.neuron_forward(2.0, w, 0.3, 1.0)[0] for w in W_GRID], rel=1e-5, abs=1e-9)
    loss = ref.neuron_forward(2.0, -1.2, 0.3, 1.0)[0]
    assert point["x"] == [-1.2] and point["y"] == pytest.approx([loss], rel=1e-5)
    dw, _ = ref.neuron_backward(ref.neuron_forward(2.0, -1.2, 0.3, 1.0)[1])
    (x0, x1), (y0, y1) = tangent["x"], tangent["y"]
    assert (x0, x1) == pytest.approx((-2.2, -0.2)) and (y1 - y0) / (x1 - x0) == pytest.approx(dw, rel=1e-4)
    assert "your dL/dw" in tangent["label"]
    json.dumps(e.plot.spec, allow_nan=False)  # plain JSON: what the widget sends


def test_the_png_view_is_kept_for_comparison(monkeypatch):
    """``VIEW = "png"``: the kernel renders the same picture to PNG (the benchmark's "before")."""
    import backprop.widgets.base as base
    monkeypatch.setattr(base, "VIEW", "png")
    e = neuron_explorer()
    assert e.plot is None and e.image in e.children and bytes(e.image.value[:4]) == b"\x89PNG"
    png = bytes(e.image.value)
    e.sliders[0].value = 1.5
    assert bytes(e.image.value) != png


def test_sliders_are_keyboard_widgets_with_stable_classes():
    e = neuron_explorer()
    classes = [set(s._dom_classes) for s in e.sliders]
    assert all("bp-slider" in c for c in classes)
    assert {"bp-slider-w", "bp-slider-b", "bp-slider-x", "bp-slider-y"} <= set().union(*classes)


def test_unwritten_learner_function_is_explained_not_raised():
    def stub(x, w, b, y):
        raise NotImplementedError()
    e = neuron_explorer(local_derivatives=stub)
    assert "write <code>local_derivatives</code> first" in e.text.value
    e.sliders[1].value = 0.5
    assert marks_of(e.plot.spec, "line")  # the loss curve still draws (with the numeric slope)
    assert "numeric slope" in marks_of(e.plot.spec, "line")[1]["label"]


def test_a_crashing_learner_function_is_reported_in_words():
    def broken(x, w, b, y):
        return (1.0, 2.0)               # wrong arity
    e = neuron_explorer(local_derivatives=broken)
    assert "Could not redraw" in e.text.value

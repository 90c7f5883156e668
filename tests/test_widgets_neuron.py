"""Lesson 01's explorer: the model's maths without a browser, and the view reacting to its sliders."""

import numpy as np

from autograder.reference import neuron as ref
from backprop.widgets.neuron import NeuronModel, neuron_explorer


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
    png, text = e.image.value, e.text.value
    e.sliders[0].value = 1.5             # the w slider
    assert e.model.w == 1.5
    assert e.image.value != png and e.text.value != text
    assert "z = w·x + b = +1.7500" in e.text.value   # 1.5 · 1.5 − 0.5


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
    assert e.image.value  # the loss curve still draws


def test_a_crashing_learner_function_is_reported_in_words():
    def broken(x, w, b, y):
        return (1.0, 2.0)               # wrong arity
    e = neuron_explorer(local_derivatives=broken)
    assert "Could not redraw" in e.text.value

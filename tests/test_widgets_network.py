"""Lesson 03's network explorer model and view, and backprop.shapes, without a browser.

Gradients are compared with the reference backward pass (autograder.reference)
and with centred differences, relative tolerance 1e-6: float64, eps = 1e-6,
loss O(1), so the centred difference is good to ~1e-9 relative.
"""

import io
import json
from contextlib import redirect_stdout

import numpy as np
import pytest

from autograder.reference import two_layer as ref
from backprop.plots import PALETTE
from backprop.shapes import expected_shapes, shape_report, shape_table, show_shapes
from backprop.widgets.figure import marks_of
from backprop.widgets.network import SLIDER_WEIGHTS, NetworkModel, network_explorer


def _ref_backward(y, cache, params):
    return ref.backward(y, cache, params)


def test_model_numbers_follow_the_sliders_and_match_the_reference():
    model = NetworkModel(forward=ref.forward)
    y_hat0, L0, g0 = model.predict(), model.loss, model.grads()
    assert y_hat0.shape == (3, 1) and abs(y_hat0.sum() - 1) < 1e-12
    ref_yhat, _ = ref.forward(model.x, model.params())
    assert np.allclose(y_hat0, ref_yhat, rtol=1e-12, atol=0)
    assert L0 == pytest.approx(ref.loss(model.x, model.y, model.params()), rel=1e-12)
    model.W2_21 = model.W2_21 + 1.0
    assert model.loss != pytest.approx(L0, rel=1e-6)
    assert not np.allclose(model.predict(), y_hat0)
    g1 = model.grads()
    assert abs(g1["W2_21"] - g0["W2_21"]) > 1e-3
    # the slider weight really is that entry of the parameter
    assert model.params()["W2"][2, 1] == model.W2_21


def test_finite_difference_gradients_match_the_reference_backward():
    model = NetworkModel(forward=ref.forward, W1_00=0.3, W1_11=-1.2, W2_21=0.8)
    num = model.numeric_grads()
    params = model.params()
    _, cache = ref.forward(model.x, params)
    exact = ref.backward(model.y, cache, params)
    for t, (name, i, j) in SLIDER_WEIGHTS.items():
        assert num[t] == pytest.approx(exact["d" + name][i, j], rel=1e-6, abs=1e-10)


def test_learner_functions_are_used_when_given():
    calls = []

    def backward(y, cache, params):
        calls.append(1)
        return {n: 2 * v for n, v in ref.backward(y, cache, params).items()}  # a wrong backward, on purpose

    model = NetworkModel(forward=ref.forward, backward=backward)
    g, num = model.grads(), model.numeric_grads()
    assert calls and model.source == "your backward"
    for t in SLIDER_WEIGHTS:
        assert g[t] == pytest.approx(2 * num[t], rel=1e-6)


def test_explorer_redraws_and_reports_a_missing_function():
    ex = network_explorer(forward=ref.forward, backward=_ref_backward)
    assert {s._bp_trait for s in ex.sliders} == set(SLIDER_WEIGHTS)
    before = (ex.text.value, json.dumps(ex.plot.spec))
    ex.sliders[2].value = -2.0
    assert ex.model.W2_21 == -2.0
    assert (ex.text.value, json.dumps(ex.plot.spec)) != before
    assert f"{ex.model.loss:.5f}" in ex.text.value

    def todo(y, cache, params):
        raise NotImplementedError()

    ex2 = network_explorer(forward=ref.forward, backward=todo)
    assert "not written yet" in ex2.text.value


def test_the_plot_sends_y_hat_and_the_slider_weights_gradients():
    """The bars the browser draws are ŷ of the reference forward pass and the reference backward's gradients."""
    ex = network_explorer(forward=ref.forward, backward=_ref_backward)
    ex.sliders[0].value = 1.25
    probs, grads = marks_of(ex.plot.spec, "bars")
    params = ex.model.params()
    y_hat, cache = ref.forward(ex.model.x, params)
    assert probs["y"] == pytest.approx(y_hat.ravel(), rel=1e-5)
    assert probs["colors"][ex.model.target] == PALETTE["green"]
    g = _ref_backward(ex.model.y, cache, params)
    assert grads["horiz"] and grads["x"] == pytest.approx([g["d" + p][i, j] for p, i, j in SLIDER_WEIGHTS.values()],
                                                          rel=1e-5)
    json.dumps(ex.plot.spec, allow_nan=False)


def test_expected_shapes_and_table():
    s = expected_shapes(d=4, h=5, k=3, m=7)
    assert s["W1"] == (5, 4) and s["b1"] == (5, 1) and s["W2"] == (3, 5) and s["z1"] == (5, 7)
    assert s["dW1"] == s["W1"] and s["db2"] == (3, 1) and s["y_hat"] == (3, 7)
    table = shape_table(4, 5, 3)
    assert "W1      (h, d)   (5, 4)" in table and "dW2" in table


def test_show_shapes_marks_a_transposed_gradient():
    params = ref.init_params(4, 5, 3, seed=1)
    x = np.ones((4, 1))
    _, cache = ref.forward(x, params)
    grads = ref.backward(np.eye(3)[:, [1]], cache, params)
    out = io.StringIO()
    with redirect_stdout(out):
        assert show_shapes(x, params, cache, grads) == 0
    assert "all shapes as they should be" in out.getvalue()
    grads["dW2"] = grads["dW2"].T
    rows = {r[0]: r for r in shape_report(x, params, cache, grads)}
    assert rows["dW2"][1:] == ((5, 3), (3, 5), False) and rows["dW1"][3]
    with redirect_stdout(io.StringIO()) as out:
        assert show_shapes(x, params, cache, grads) == 1
    assert "✗ should be (3, 5)" in out.getvalue()


def test_the_package_holds_no_forward_pass_and_waits_for_the_learners():
    import backprop.widgets.network as network_module
    assert not hasattr(network_module, "_forward")

    def todo(x, params):
        raise NotImplementedError()
    ex = network_explorer(forward=todo)
    assert "not written yet" in ex.text.value

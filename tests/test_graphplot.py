"""The graph drawing (backprop.graphplot) and lesson 02's graph explorer model, without a browser.

The drawing must work on any Value-like object, so these tests use a bare
duck-typed node class as well as the reference engine. Gradients are compared
with centred differences (relative tolerance 1e-7: float64, eps = 1e-6, the
functions are smooth and O(1), so the difference error is ~1e-10).
"""

import json
import math

import pytest
from matplotlib.patches import FancyArrowPatch

from autograder.reference.engine import Value
from backprop.graphplot import columns, draw_graph, layout, nodes
from backprop.widgets.graph import GraphModel, graph_explorer


class Node:
    """The minimum the drawing needs: data, grad, _prev, _op, label."""

    def __init__(self, data, prev=(), op="", label="", grad=0.0):
        self.data, self.grad, self._prev, self._op, self.label = data, grad, tuple(prev), op, label


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_nodes_are_unique_and_reachable_only():
    x = Node(2.0, label="x")
    xx = Node(4.0, (x, x), "*")
    f = Node(6.0, (xx, x), "+", label="f")
    Node(9.0, (f,), "exp")  # a user of f: not reachable from f
    got = nodes(f)
    assert got[0] is f
    assert {id(v) for v in got} == {id(f), id(xx), id(x)} and len(got) == 3


def test_every_node_sits_left_of_every_node_that_uses_it():
    a, b, c = Value(1.0, label="a"), Value(-2.0, label="b"), Value(0.5, label="c")
    e = a * b
    f = (e + c).tanh() * a + a * a
    pos = layout(f)
    for v in nodes(f):
        for child in v._prev:
            assert pos[id(child)][0] < pos[id(v)][0]
    assert pos[id(f)][0] == max(p[0] for p in pos.values())
    col = columns(f)
    assert col[id(f)] == 0 and col[id(a)] == max(col.values())


def test_drawing_shows_each_value_and_gradient_and_doubled_edges():
    x = Node(3.0, label="x", grad=7.0)
    xx = Node(9.0, (x, x), "*", label="xx", grad=1.0)
    f = Node(12.0, (xx, x), "+", label="f", grad=1.0)
    fig = draw_graph(f, title="x·x + x")
    texts = _texts(fig)
    assert "x  data 3" in texts and "grad 7" in texts and "f  data 12" in texts
    assert "*" in texts and "+" in texts
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    # x→*, x→* (used twice), xx's op→box, xx→+, x→+, f's op→box
    assert len(arrows) == 6


def test_drawing_shows_the_gradients_the_engine_stored():
    x = Value(0.7, label="x")
    f = (x * x).exp()
    f.backward()
    texts = _texts(draw_graph(f))
    assert f"grad {x.grad:.4g}" in texts
    x.grad = -123.0  # the drawing reads the number, it does not recompute it
    assert "grad -123" in _texts(draw_graph(f))


def test_deep_chain_does_not_recurse():
    v = Node(0.0, label="x")
    for _ in range(3000):
        v = Node(v.data + 1, (v,), "+1")
    assert len(nodes(v)) == 3001
    assert max(columns(v).values()) == 3000


def _build(x, y):
    x, y = Value(x, label="x"), Value(y, label="y")
    return (x * y + x * x).tanh() * y


def _f(x, y):
    return math.tanh(x * y + x * x) * y


def test_graph_model_gradients_change_with_the_inputs_and_match_finite_differences():
    model = GraphModel(_build, {"x": 0.4, "y": -0.8})
    g1 = model.input_grads()
    num = model.numeric_grads()
    for n in ("x", "y"):
        assert abs(g1[n] - num[n]) <= 1e-7 * max(1.0, abs(num[n]))
    model.x = -1.1
    g2 = model.input_grads()
    assert abs(g2["x"] - g1["x"]) > 1e-3
    eps = 1e-6
    dx = (_f(-1.1 + eps, -0.8) - _f(-1.1 - eps, -0.8)) / (2 * eps)
    assert abs(g2["x"] - dx) <= 1e-7 * max(1.0, abs(dx))
    assert model.output() == pytest.approx(_f(-1.1, -0.8), rel=1e-15)


def test_explorer_redraws_when_a_slider_moves():
    ex = graph_explorer(_build, {"x": 0.4, "y": -0.8})
    assert [s._bp_trait for s in ex.sliders] == ["x", "y"]
    assert any("bp-slider-x" in s._dom_classes for s in ex.sliders)
    # the browser draws the picture the kernel describes (the plot's spec); the readout travels with it
    before_text, before_spec = ex.text.value, json.dumps(ex.plot.spec, sort_keys=True)
    assert "your engine" in before_text and ex.plot.spec
    ex.sliders[0].value = 1.5
    assert ex.model.x == 1.5
    assert ex.text.value != before_text and json.dumps(ex.plot.spec, sort_keys=True) != before_spec
    assert f"{_f(1.5, -0.8):.6g}" in ex.text.value


def test_explorer_says_what_to_do_when_backward_is_not_written():
    class Todo(Node):
        def backward(self):
            raise NotImplementedError()

    ex = graph_explorer(lambda x: Todo(x, label="x"), {"x": 1.0})
    assert "not written yet" in ex.text.value


def test_order_problem_names_each_kind_of_wrong_order():
    from autograder.reference.engine import topological_order
    from backprop.graphplot import order_problem

    x = Value(2.0, label="x")
    f = x * x + x
    good = topological_order(f)
    assert order_problem(good, f) is None
    assert "more than once" in order_problem(good[:1] + good, f)
    assert "before one of its inputs" in order_problem(good[::-1], f)
    assert "output node itself is missing" in order_problem(good[:-1], f)
    assert "nodes are missing" in order_problem(good[1:], f)
    assert "list of nodes" in order_problem(None, f)

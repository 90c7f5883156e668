"""Lesson 02's explorer: sliders on a graph's inputs that redraw the whole graph.

``GraphModel`` holds one float trait per input (added when the model is made,
so any expression works) and a ``build`` function, written in the notebook,
that turns those numbers into a Value-like output node. Asking the model for
its graph builds it and runs the node's own ``backward()``: the gradients
shown are the ones the learner's engine computed. Beside them the model
offers centred differences of the output (from ``build(...).data`` alone), so
the learner can see whether the two agree.

The view is ``backprop.widgets.base.Explorer``: one slider per input (CSS
class ``bp-slider-<input>``), the drawing from ``backprop.graphplot`` and a
readout table.
"""

import html

import traitlets

from backprop.gradcheck import centred_difference
from backprop.graphplot import draw_graph, nodes
from backprop.widgets.base import Explorer, signed, slider, table


class GraphModel(traitlets.HasTraits):
    """Inputs of an expression (one Float trait each) and the graph they produce."""

    def __init__(self, build, inputs, **kwargs):
        """``build(**inputs) -> output node``; ``inputs``: {name: starting value}."""
        super().__init__()
        self.names = list(inputs)
        self.add_traits(**{n: traitlets.Float(float(v)) for n, v in inputs.items()})
        for n, v in inputs.items():
            setattr(self, n, float(v))
        for n, v in kwargs.items():
            setattr(self, n, float(v))
        self.build = build

    def values(self):
        """{input name: current value}."""
        return {n: float(getattr(self, n)) for n in self.names}

    def graph(self):
        """Build the graph at the current inputs and run its own backward(); return the output node."""
        root = self.build(**self.values())
        root.backward()
        return root

    def output(self):
        """The expression's value at the current inputs (forward pass only)."""
        return float(self.build(**self.values()).data)

    @staticmethod
    def leaves(root):
        """{label: node} for the labelled input nodes (nodes with no inputs) of a graph."""
        return {v.label: v for v in nodes(root) if not v._prev and getattr(v, "label", "")}

    def input_grads(self):
        """{input name: gradient the engine stored on the leaf labelled with that name}."""
        leaves = self.leaves(self.graph())
        return {n: float(leaves[n].grad) for n in self.names if n in leaves}

    def numeric_grads(self):
        """{input name: centred difference of the output in that input}, independent of any backward()."""
        out = {}
        vals = self.values()
        for n in self.names:
            def f(t, n=n):
                return float(self.build(**{**vals, n: t}).data)
            out[n] = float(centred_difference(f, vals[n]))
        return out


def _draw(model, title):
    return draw_graph(model.graph(), title=title, highlight=model.names)


def _readout(model):
    root = model.graph()
    leaves = model.leaves(root)
    num = model.numeric_grads()
    rows = []
    for n in model.names:
        g = leaves[n].grad if n in leaves else float("nan")
        rows.append([html.escape(n), signed(getattr(model, n), 3), signed(g, 6), signed(num[n], 6)])
    return (f"<b>output = {root.data:.6g}</b>"
            + table(["input", "value", "your engine's grad", "centred difference"], rows))


def graph_explorer(build, inputs, ranges=None, title="Move an input: every value and gradient is recomputed"):
    """Sliders on the inputs of ``build`` that redraw its graph with values and gradients.

    ``inputs``: {name: starting value}. ``ranges``: {name: (lo, hi)} (default ±3).
    The leaves ``build`` makes must carry the input names as labels.
    """
    model = GraphModel(build, inputs)
    ranges = ranges or {}
    sliders = [slider(f"input {n}", model.values()[n], *ranges.get(n, (-3.0, 3.0)), 0.05, trait=n)
               for n in model.names]
    return Explorer(model, sliders, draw=lambda m: _draw(m, None), readout=_readout, title=title)

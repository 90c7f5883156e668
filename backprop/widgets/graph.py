"""Lesson 02's explorer: sliders on a graph's inputs that redraw the whole graph.

``GraphModel`` holds one float trait per input (added when the model is made,
so any expression works) and a ``build`` function, written in the notebook,
that turns those numbers into a Value-like output node. Asking the model for
its graph builds it and runs the node's own ``backward()``: the gradients
shown are the ones the learner's engine computed. Beside them the model
offers centred differences of the output (from ``build(...).data`` alone), so
the learner can see whether the two agree.

The view is ``backprop.widgets.base.Explorer``: one slider per input (CSS
class ``bp-slider-<input>``), the drawing and a readout table. The drawing
is ``graph_spec`` (numbers and labels on ``backprop.graphplot``'s layout,
drawn by the browser); the ``png`` view draws it with ``graphplot.draw_graph``.
"""

import html

import traitlets

from backprop import graphplot as gp
from backprop.gradcheck import centred_difference
from backprop.graphplot import draw_graph, nodes
from backprop.plots import PALETTE
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, signed, slider, table

PX = 50        # px per layout unit: boxes 105 × 40 px, as the png view's at 90 dpi
FONT_PX = 13   # node text (the png view's 10.5 pt at 90 dpi)


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


def _grad_colour(g):
    try:
        return PALETTE["vermillion"] if float(g) < 0 else PALETTE["blue"]
    except (TypeError, ValueError):
        return PALETTE["black"]


def graph_spec(root, highlight=(), title=None):
    """The graph that produced ``root`` as a figure spec: one box per node (label, data, grad as the node
    stores them), a circle per operation and an arrow per edge, on ``graphplot.layout``'s positions."""
    all_nodes = nodes(root)
    pos = gp.layout(root)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x0, x1 = min(xs) - gp.BOX_W / 2 - 0.3, max(xs) + gp.BOX_W / 2 + 0.3
    y0, y1 = min(ys) - gp.BOX_H, max(ys) + gp.BOX_H
    scale = min(PX, 1150 / (x1 - x0))   # at most 1150 px wide; text shrinks only when a long graph is squeezed
    fs = max(9.0, FONT_PX * scale / PX)
    w, h = (x1 - x0) * scale, (y1 - y0) * scale
    top = 28 if title else 8
    highlight = set(highlight)
    arrows, shapes, labels = [], [], []
    for v in all_nodes:
        x, y = pos[id(v)]
        target = (x - gp.BOX_W / 2, y)
        if v._prev:
            ox = x - gp.BOX_W / 2 - 0.6
            shapes.append(fg.circle(ox, y, gp.OP_R, fill="#fff", stroke=PALETTE["black"], lw=1.2))
            labels.append(fg.text(ox, y, str(v._op), size=fs if len(str(v._op)) <= 2 else fs * 0.8, anchor="middle"))
            arrows.append(fg.arrow(ox + gp.OP_R, y, *target, color=PALETTE["black"], lw=1.0))
            target = (ox - gp.OP_R, y)
        for c, off, twice in gp.input_edges(v):
            cx, cy = pos[id(c)]
            arrows.append(fg.arrow(cx + gp.BOX_W / 2, cy + off, target[0], target[1] + off * 0.8,
                                   color=PALETTE["sky"] if twice else "#595959", lw=1.6 if twice else 1.2))
    for v in all_nodes:
        x, y = pos[id(v)]
        lab = getattr(v, "label", "") or ""
        hot = bool(lab) and lab in highlight
        shapes.append(fg.box(x - gp.BOX_W / 2, y - gp.BOX_H / 2, gp.BOX_W, gp.BOX_H, fill="#F7F7F7",
                             stroke=PALETTE["orange"] if hot else PALETTE["black"], lw=2.2 if hot else 1.0, r=4))
        head = f"{lab}  " if lab else ""
        labels.append(fg.text(x, y + 0.17, f"{head}data {gp._fmt(v.data)}", size=fs, anchor="middle"))
        labels.append(fg.text(x, y - 0.19, f"grad {gp._fmt(v.grad)}", size=fs, anchor="middle",
                              color=_grad_colour(v.grad), weight="bold"))
    p = fg.panel((8, top, w, h), (x0, x1), (y0, y1), "forward pass →   ← gradients", "", title or "",
                 arrows + shapes + labels, axes=False, equal=True)
    return fg.figure(w + 16, h + top + 26, [p], alt=f"computational graph of {len(all_nodes)} nodes")


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
    return Explorer(model, sliders, draw=lambda m: _draw(m, None), readout=_readout, title=title,
                    spec=lambda m: graph_spec(m.graph(), highlight=m.names))

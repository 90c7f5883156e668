"""Lesson 03's explorer: sliders on a few weights of a tiny two-layer network.

``NetworkModel`` holds a tiny network (d = 2 inputs, h = 3 hidden units,
k = 3 classes, one example) whose weights come from a seed, plus one Float
trait per weight on a slider (``W1_00`` is W1[0, 0], ``W2_21`` is W2[2, 1]).
From that state it computes the prediction y_hat, the loss and the gradient
of the loss with respect to each slider weight.

Where the numbers come from:

- the forward pass: always the learner's ``forward(x, params) -> (y_hat, cache)``
  (the forward pass is a graded exercise of lesson 03, so the package has none);
- the gradients: the learner's ``backward(y, cache, params) -> {"dW1": …}``
  when one is given, else centred finite differences of the loss
  (``backprop.gradcheck``). The finite differences are always available as
  ``numeric_grads()`` so the view can show both side by side.

This module never contains a forward or backward pass: that is the learner's job.
Until the learner's ``forward`` is written, the explorer says so instead of drawing.
"""

import html

import numpy as np
import traitlets

from backprop.gradcheck import numerical_gradient
from backprop.plots import PALETTE, label, new_figure
from backprop.shapes import make_params
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, signed, slider, table

#: the weights on sliders: trait name → (parameter, row, column)
SLIDER_WEIGHTS = {"W1_00": ("W1", 0, 0), "W1_11": ("W1", 1, 1), "W2_21": ("W2", 2, 1)}


def tiny_params(d=2, h=3, k=3, seed=3, scale=1.0):
    """The explorer's starting network: see :func:`backprop.shapes.make_params`."""
    return make_params(d, h, k, seed=seed, scale=scale)


class NetworkModel(traitlets.HasTraits):
    """A tiny network on one example; three of its weights are traits."""

    W1_00 = traitlets.Float()
    W1_11 = traitlets.Float()
    W2_21 = traitlets.Float()
    target = traitlets.Int(2)  # the true class of the example

    def __init__(self, forward, backward=None, x=(1.0, -0.5), seed=3, **kwargs):
        base = tiny_params(seed=seed)
        self.base = base
        start = {t: float(base[p][i, j]) for t, (p, i, j) in SLIDER_WEIGHTS.items()}
        super().__init__(**{**start, **kwargs})
        self.x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
        #: optional learner functions
        self.forward_fn = forward
        self.backward_fn = backward

    @property
    def y(self):
        """The one-hot target column (k, 1)."""
        y = np.zeros((self.base["W2"].shape[0], 1))
        y[self.target, 0] = 1.0
        return y

    def params(self):
        """A fresh dict of the parameters with the slider weights in place."""
        p = {n: v.copy() for n, v in self.base.items()}
        for t, (name, i, j) in SLIDER_WEIGHTS.items():
            p[name][i, j] = getattr(self, t)
        return p

    def _run_forward(self, params):
        return self.forward_fn(self.x, params)

    def predict(self):
        """y_hat (k, 1) at the current weights."""
        return np.asarray(self._run_forward(self.params())[0], dtype=np.float64)

    def loss_of(self, params):
        """L = −Σ y log y_hat for the given parameters (float)."""
        y_hat = np.asarray(self._run_forward(params)[0], dtype=np.float64)
        return float(-np.sum(self.y * np.log(y_hat)))

    @property
    def loss(self):
        return self.loss_of(self.params())

    def numeric_grads(self):
        """{slider trait: dL/dweight by centred differences} (independent of any learner code)."""
        params = self.params()
        out = {}
        for t, (name, i, j) in SLIDER_WEIGHTS.items():
            g = numerical_gradient(lambda: self.loss_of(params), params[name], indices=[(i, j)])
            out[t] = float(g[i, j])
        return out

    def grads(self):
        """{slider trait: dL/dweight}: from the learner's backward when given, else finite differences."""
        if self.backward_fn is None:
            return self.numeric_grads()
        params = self.params()
        _, cache = self._run_forward(params)
        g = self.backward_fn(self.y, cache, params)
        return {t: float(np.asarray(g["d" + name])[i, j]) for t, (name, i, j) in SLIDER_WEIGHTS.items()}

    @property
    def source(self):
        return "your backward" if self.backward_fn is not None else "finite differences"


def _draw(model):
    y_hat = model.predict().ravel()
    grads = model.grads()
    fig = new_figure(7.0, 3.0)
    ax1, ax2 = fig.subplots(1, 2)
    k = y_hat.size
    colors = [PALETTE["green"] if c == model.target else PALETTE["sky"] for c in range(k)]
    ax1.bar(range(k), y_hat, color=colors)
    ax1.set_ylim(0, 1)
    ax1.set_xticks(range(k), [f"class {c}" + (" (true)" if c == model.target else "") for c in range(k)])
    label(ax1, "class", "predicted probability ŷ", f"Prediction (loss L = {model.loss:.3f})")
    names = list(grads)
    vals = [grads[n] for n in names]
    ax2.barh(range(len(names)), vals, color=[PALETTE["vermillion"] if v < 0 else PALETTE["blue"] for v in vals])
    ax2.set_yticks(range(len(names)), [f"{p}[{i},{j}]" for p, i, j in (SLIDER_WEIGHTS[n] for n in names)])
    ax2.axvline(0, color="0.3", lw=0.8)
    lim = max(0.05, max(abs(v) for v in vals) * 1.15)
    ax2.set_xlim(-lim, lim)
    label(ax2, "dL/d(weight)", "slider weight", f"Gradients ({model.source})")
    return fig


def _spec(model):
    y_hat = model.predict().ravel()
    grads = model.grads()
    k = y_hat.size
    colors = [PALETTE["green"] if c == model.target else PALETTE["sky"] for c in range(k)]
    names = list(grads)
    vals = [grads[n] for n in names]
    finite = [abs(v) for v in vals if np.isfinite(v)]
    lim = max(0.05, max(finite, default=0.0) * 1.15)
    left = fg.panel((52, 30, 230, 190), (-0.6, k - 0.4), (0, 1), "class", "predicted probability ŷ",
                    f"Prediction (loss L = {model.loss:.3f})",
                    [fg.bars(range(k), y_hat, colors)],
                    xticks=fg.ticks(range(k), [f"class {c}" + (" (true)" if c == model.target else "")
                                               for c in range(k)]))
    right = fg.panel((392, 30, 226, 190), (-lim, lim), (-0.6, len(names) - 0.4), "dL/d(weight)", "slider weight",
                     f"Gradients ({model.source})",
                     [fg.bars(vals, range(len(names)), [PALETTE["vermillion"] if v < 0 else PALETTE["blue"]
                                                        for v in vals], horiz=True),
                      fg.vline(0, "#4d4d4d", 0.8)],
                     yticks=fg.ticks(range(len(names)), [f"{p}[{i},{j}]" for p, i, j in
                                                         (SLIDER_WEIGHTS[n] for n in names)]),
                     ylabel_gap=62)
    return fg.figure(630, 270, [left, right], alt=f"predicted probabilities and gradients, loss {model.loss:.3f}")


def _readout(model):
    y_hat = model.predict().ravel()
    g = model.grads()
    num = model.numeric_grads()
    rows = [f"ŷ = [{', '.join(f'{p:.4f}' for p in y_hat)}], true class {model.target}, "
            f"<b>L = {model.loss:.5f}</b>"]
    body = [[f"{name}[{i},{j}]", signed(getattr(model, t), 3), signed(g[t], 6), signed(num[t], 6)]
            for t, (name, i, j) in SLIDER_WEIGHTS.items()]
    rows.append(table(["weight", "value", f"dL/dweight ({html.escape(model.source)})", "centred difference"], body))
    return "".join(rows)


def network_explorer(forward, backward=None, **state):
    """Sliders on W1[0,0], W1[1,1] and W2[2,1] that redraw ŷ, the loss and those weights' gradients."""
    model = NetworkModel(forward=forward, backward=backward, **state)
    sliders = [slider(f"{name}[{i},{j}]", getattr(model, t), -4, 4, 0.05, trait=t)
               for t, (name, i, j) in SLIDER_WEIGHTS.items()]
    return Explorer(model, sliders, draw=_draw, spec=_spec, readout=_readout,
                    title="A tiny network (d = 2, h = 3, k = 3): move a weight, watch ŷ, L and the gradients")

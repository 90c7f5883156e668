"""Lesson 01's explorer: one neuron z = w x + b, a = f(z), L = (a − y)².

``NeuronModel`` is the state (w, b, x, y, activation) and the maths; the view
draws the loss as a function of w, the tangent at the current w, and the
three factors of dL/dw = dL/da · da/dz · dz/dw. The factors come from the
learner's own ``local_derivatives`` when one is given, so the learner sees
whether their tangent touches the curve. ``NeuronModel.picture()`` holds the
numbers the browser draws (``_spec``); ``_draw`` is the same picture in
matplotlib for the ``png`` view.
"""

import numpy as np
import traitlets

from backprop.activations import ACTIVATIONS
from backprop.gradcheck import centred_difference
from backprop.plots import COLORS, PALETTE, label, new_figure
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, slider

W_GRID = np.linspace(-4.0, 4.0, 241)   # the w axis of the loss curve


class NeuronModel(traitlets.HasTraits):
    """State of one neuron and its loss; every derived number is computed on demand."""

    w = traitlets.Float(0.8)
    b = traitlets.Float(-0.5)
    x = traitlets.Float(1.5)
    y = traitlets.Float(1.0)
    activation = traitlets.Unicode("sigmoid")

    def __init__(self, local_derivatives=None, **kwargs):
        super().__init__(**kwargs)
        #: optional learner function (x, w, b, y) -> (dL_da, da_dz, dz_dw)
        self.local_derivatives = local_derivatives

    def loss_at(self, w):
        """L as a function of w, all else fixed. w: scalar or array (any shape) → same shape."""
        f, _ = ACTIVATIONS[self.activation]
        return (f(np.asarray(w, dtype=np.float64) * self.x + self.b) - self.y) ** 2

    @property
    def z(self):
        return self.w * self.x + self.b

    @property
    def a(self):
        return float(ACTIVATIONS[self.activation][0](self.z))

    @property
    def loss(self):
        return float(self.loss_at(self.w))

    @property
    def slope(self):
        """dL/dw estimated by a centred difference (the curve's own slope)."""
        return float(centred_difference(self.loss_at, self.w))

    def factors(self):
        """The learner's (dL/da, da/dz, dz/dw), or None if no function was given."""
        if self.local_derivatives is None:
            return None
        out = self.local_derivatives(self.x, self.w, self.b, self.y)
        return tuple(float(v) for v in out)

    def picture(self):
        """What the plot shows, as numbers: the curve L(w) on ``W_GRID``, the tangent at w (from the learner's
        factors, else the numeric slope) over [w − 1, w + 1], the current point and the y range."""
        f = None
        try:
            f = self.factors()
        except NotImplementedError:
            pass
        slope = self.slope if f is None else f[0] * f[1] * f[2]
        curve = self.loss_at(W_GRID)
        span = np.array([self.w - 1.0, self.w + 1.0])
        return {"w": W_GRID, "loss": curve, "tangent_w": span, "tangent_loss": self.loss + slope * (span - self.w),
                "slope": slope, "source": "numeric slope" if f is None else "your dL/dw",
                "point": (self.w, self.loss), "ylim": (-0.05, max(1.05, float(curve.max()) * 1.05))}


def _draw(model):
    fig = new_figure(6.0, 3.4)
    ax = fig.add_subplot()
    ws = np.linspace(-4.0, 4.0, 241)
    ax.plot(ws, model.loss_at(ws), color=COLORS[0], lw=2, label="loss L(w)")
    f = None
    try:
        f = model.factors()
    except NotImplementedError:
        pass
    slope = model.slope if f is None else f[0] * f[1] * f[2]
    span = np.array([model.w - 1.0, model.w + 1.0])
    name = "numeric slope" if f is None else "your dL/dw"
    ax.plot(span, model.loss + slope * (span - model.w), color=PALETTE["vermillion"], lw=2,
            ls="--", label=f"tangent from {name} = {slope:+.3f}")
    ax.plot([model.w], [model.loss], "o", color=PALETTE["black"], ms=7, label=f"current w = {model.w:+.2f}")
    ax.set_ylim(-0.05, max(1.05, float(model.loss_at(ws).max()) * 1.05))
    ax.legend(loc="upper right", fontsize=8)
    label(ax, "weight w", "loss L = (a − y)²", "Loss as w moves (b, x, y fixed)")
    return fig


def _spec(model):
    p = model.picture()
    marks = [fg.line(p["w"], p["loss"], COLORS[0], 2, label="loss L(w)"),
             fg.line(p["tangent_w"], p["tangent_loss"], PALETTE["vermillion"], 2, dash="7 4",
                     label=f"tangent from {p['source']} = {p['slope']:+.3f}".replace("-", "−")),
             fg.dots([p["point"][0]], [p["point"][1]], PALETTE["black"], 5,
                     label=f"current w = {model.w:+.2f}".replace("-", "−"))]
    return fg.figure(540, 306, [fg.panel((62, 30, 462, 226), (-4.4, 4.4), p["ylim"], "weight w",
                                         "loss L = (a − y)²", "Loss as w moves (b, x, y fixed)", marks,
                                         legend="upper right")],
                     alt=f"Loss curve L(w) with the tangent at w = {model.w:.2f}")


def _readout(model):
    rows = [f"z = w·x + b = {model.z:+.4f}", f"a = f(z) = {model.a:.4f}", f"L = (a − y)² = {model.loss:.4f}",
            f"slope of the curve (centred difference) = {model.slope:+.5f}"]
    try:
        f = model.factors()
    except NotImplementedError:
        f = "todo"
    if f == "todo":
        rows.append("your factors: write <code>local_derivatives</code> first")
    elif f is not None:
        rows.append(f"your factors: dL/da = {f[0]:+.4f} × da/dz = {f[1]:.4f} × dz/dw = {f[2]:+.4f} "
                    f"= <b>{f[0] * f[1] * f[2]:+.5f}</b>")
    return "<br>".join(rows)


def neuron_explorer(local_derivatives=None, **state):
    """Sliders for w, b, x, y that redraw L(w), its tangent and the chain-rule factors."""
    model = NeuronModel(local_derivatives=local_derivatives, **state)
    sliders = [
        slider("weight w", model.w, -4, 4, 0.05, trait="w"),
        slider("bias b", model.b, -3, 3, 0.05, trait="b"),
        slider("input x", model.x, -3, 3, 0.05, trait="x"),
        # y = 1 in the middle of the range, so both arrow keys move it from the start; a target outside
        # (0, 1) shows a loss that the sigmoid can never bring to zero
        slider("target y", model.y, -0.5, 1.5, 0.05, trait="y"),
    ]
    return Explorer(model, sliders, draw=_draw, spec=_spec, readout=_readout,
                    title="One neuron: move w and watch the slope")

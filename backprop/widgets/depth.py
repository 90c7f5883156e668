"""Lesson 06's explorer: activations layer by layer in a deep network, for a chosen depth and weight scale.

``DepthModel`` pushes a fixed batch of random inputs (width 100, 300
examples) through ``depth`` layers a ← f(W a), where every W has entries drawn
from N(0, (gain / √width)²) with a fixed seed and f is tanh or ReLU. Each
layer multiplies the spread of its input by roughly ``gain`` times a factor
that depends on f, so over many layers the spread shrinks to nothing
(vanishing), grows without bound or saturates (exploding), or stays put when
the gain is right: 1 for tanh (Xavier/Glorot), √2 for ReLU (He).

Runs are cheap (a few small matrix products) and cached by setting.
"""

import numpy as np
import traitlets

from backprop.plots import COLORS, PALETTE, label
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, slider
from backprop.widgets.training import _figure, choice_slider, int_slider

WIDTH, EXAMPLES, MAX_DEPTH = 100, 300, 20


class DepthModel(traitlets.HasTraits):
    """Depth, weight gain and activation of a deep stack of equal-width layers."""

    depth = traitlets.Int(8)
    gain = traitlets.Float(1.0)
    activation = traitlets.Unicode("tanh")

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed = int(seed)
        self._cache = {}

    def _draws(self):
        """The input batch and one standard-normal matrix per possible layer, drawn once.

        Every setting reuses the same draws (W = gain/√width · Z), so two pictures differ only by
        the setting, and a slider move costs a few matrix products, no random numbers.
        """
        if not hasattr(self, "_z"):
            rng = np.random.default_rng(self.seed)
            self._x = rng.normal(0.0, 1.0, (WIDTH, EXAMPLES))
            self._z = rng.normal(0.0, 1.0, (MAX_DEPTH, WIDTH, WIDTH))
        return self._x, self._z

    def activations(self, depth=None, gain=None, activation=None):
        """List of (WIDTH, EXAMPLES) arrays: the input, then each layer's output (depth + 1 arrays).

        Layers are kept per (gain, activation) and computed only when a deeper stack is first asked for,
        so moving the depth costs nothing once the layers exist (a shallower stack is the start of a deeper one).
        """
        depth = self.depth if depth is None else int(depth)
        gain = self.gain if gain is None else float(gain)
        activation = activation or self.activation
        x, Z = self._draws()
        out = self._cache.setdefault((round(gain, 12), activation), [x])
        if len(out) < depth + 1:
            f = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
            a = out[-1]
            with np.errstate(all="ignore"):
                for layer in range(len(out) - 1, depth):
                    a = f((gain / np.sqrt(WIDTH)) * (Z[layer] @ a))
                    out.append(a)
        return out[:depth + 1]

    def spreads(self, **kw):
        """Standard deviation of each layer's activations, input first: (depth + 1,)."""
        return np.array([float(np.std(a)) for a in self.activations(**kw)])

    def verdict(self, **kw):
        """'vanishing', 'exploding', 'saturated' or 'healthy' for the last layer."""
        acts = self.activations(**kw)
        last = acts[-1]
        s = float(np.std(last))
        activation = kw.get("activation") or self.activation
        if not np.isfinite(s) or s > 10.0:
            return "exploding"
        if s < 0.05:
            return "vanishing"
        if activation == "tanh" and float(np.mean(np.abs(last) > 0.99)) > 0.3:
            return "saturated"
        return "healthy"


def histograms(model, bins=50):
    """Each layer's activations as a histogram: (lo, hi) of the value axis and (depth, bins) fractions per bin.

    tanh: [−1, 1]. ReLU: [0, the last layer's 99th percentile (at least 1)]; NaN counts as 0 and values
    outside the range fall into the end bins.
    """
    acts = model.activations()
    last = acts[-1]
    top = 1.0
    if model.activation != "tanh":
        finite = np.isfinite(last)
        top = max(1.0, float(np.percentile(last[finite], 99))) if finite.any() else 1.0
    lo, hi = (0.0, top) if model.activation != "tanh" else (-1.0, 1.0)
    edges = np.linspace(lo, hi, bins + 1)
    rows = []
    for a in acts[1:]:
        vals = np.clip(np.nan_to_num(a.ravel(), nan=0.0, posinf=hi, neginf=lo), lo, hi)
        counts, _ = np.histogram(vals, bins=edges)
        rows.append(counts / max(counts.sum(), 1))
    return (lo, hi), np.array(rows)


def _spec(model):
    (lo, hi), rows = histograms(model)
    spreads = model.spreads()
    shade = np.sqrt(rows)  # the square root shows thin tails; darkest = the fullest bin
    shade = shade / shade.max() if shade.size and shade.max() > 0 else shade
    relu = model.activation != "tanh"
    n = len(rows)
    left = fg.panel((50, 30, 328, 198), (lo, hi), (0.5, n + 0.5),
                    "activation value" + (" (ReLU: zeros not shown apart)" if relu else ""), "layer",
                    f"Where each layer's activations fall ({model.activation})",
                    [fg.image(shade, (lo, hi, 0.5, n + 0.5), PALETTE["blue"])], grid=False,
                    yticks=fg.ticks([t for t in range(1, n + 1) if n <= 10 or t % 2 == 0]), ylabel_gap=34)
    right = fg.panel((458, 30, 200, 198), (-0.05 * max(1, n), n * 1.05 + 0.05), (-6, 4), "layer (0 = input)",
                     "standard deviation (log scale)", "Spread of the signal",
                     [fg.band(np.log10(0.05), 1.0, PALETTE["green"], 0.12),
                      fg.line(range(n + 1), np.log10(np.maximum(spreads, 1e-30)), COLORS[0], 2),
                      fg.dots(range(n + 1), np.log10(np.maximum(spreads, 1e-30)), COLORS[0], 3.5)],
                     yticks=fg.ticks(range(-6, 5, 2), [f"1e{t}" for t in range(-6, 5, 2)]), ylabel_gap=46)
    return fg.figure(672, 272, [left, right],
                     alt=f"{n} layers, {model.activation}, gain {model.gain:.2f}: {model.verdict()}")


def _draw(model):
    # One image (layers × activation bins) instead of one histogram artist per layer keeps
    # a redraw fast at any depth.
    acts = model.activations()
    spreads = model.spreads()
    relu = model.activation != "tanh"
    last = acts[-1]
    top = 1.0
    if relu:
        finite = np.isfinite(last)
        top = max(1.0, float(np.percentile(last[finite], 99))) if finite.any() else 1.0
    lo, hi = (0.0, top) if relu else (-1.0, 1.0)
    bins = np.linspace(lo, hi, 51)
    rows = []
    for a in acts[1:]:
        vals = np.clip(np.nan_to_num(a.ravel(), nan=0.0, posinf=hi, neginf=lo), lo, hi)
        counts, _ = np.histogram(vals, bins=bins)
        rows.append(counts / max(counts.sum(), 1))
    fig = _figure(8.4, 3.4, dpi=80, left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.3)
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
    ax1.imshow(np.sqrt(np.array(rows)), aspect="auto", origin="lower", cmap="Blues", interpolation="nearest",
               extent=(lo, hi, 0.5, len(rows) + 0.5))
    label(ax1, "activation value" + (" (ReLU: zeros not shown apart)" if relu else ""), "layer",
          f"Where each layer's activations fall ({model.activation})")
    ax1.grid(False)
    # log10 on a linear axis with power-of-ten labels: a log scale without costly minor ticks
    ax2.plot(range(len(spreads)), np.log10(np.maximum(spreads, 1e-30)), "o-", color=COLORS[0], lw=2)
    ax2.axhspan(np.log10(0.05), 1.0, color=PALETTE["green"], alpha=0.12)
    ax2.set_ylim(-6, 4)
    ax2.set_yticks(range(-6, 5, 2))
    ax2.set_yticklabels([f"1e{t}" for t in range(-6, 5, 2)])
    label(ax2, "layer (0 = input)", "standard deviation (log scale)", "Spread of the signal")
    return fig


def _readout(model):
    s = model.spreads()
    v = model.verdict()
    colour = {"healthy": "#009E73"}.get(v, "#D55E00")
    return (f"{model.depth} layers, weights N(0, ({model.gain:.2f}/√{WIDTH})²), {model.activation}: "
            f"spread {s[0]:.2f} at the input → {s[-1]:.2e} at the last layer: "
            f"<b style='color:{colour}'>{v}</b>")


def depth_explorer(**state):
    """Sliders for depth, weight gain and activation (tanh or ReLU); histograms of every layer."""
    model = DepthModel(**state)
    sliders = [
        int_slider("depth (layers)", model.depth, 1, 20, 1, trait="depth"),
        slider("weight gain g (std = g/√width)", model.gain, -1, 1, 0.02, trait="gain", fmt=".2f", log=True),
        # a two-position slider rather than buttons: same keyboard handling as the other controls
        choice_slider("activation", model.activation, ("tanh", "relu"), trait="activation"),
    ]
    return Explorer(model, sliders, draw=_draw, spec=_spec, readout=_readout, ahead=("depth",),
                    title="A deep stack of layers: how the weight scale decides whether the signal survives")

"""Lesson 05's explorer: how the error of a centred difference depends on ε, in float64 and float32.

``EpsilonModel`` holds ε (a log-scale slider) and computes, for f(θ) = tanh(θ) at
θ = 0.5, the relative error of the centred difference against the exact
derivative 1 − tanh²(θ) over a grid of ε, once in float64 and once with
every number in float32. Two effects meet:

- truncation error: the centred difference is off by about ε²·|f'''|/6, which
  grows as ε grows (the straight line of slope +2 on the right of the plot);
- round-off error: f(θ ± ε) are each rounded to about u·|f| (u = 1.1e-16 in
  float64, 6e-8 in float32), and dividing their difference by 2ε magnifies
  that to about u·|f|/ε, which grows as ε shrinks (slope −1 on the left).

The difference function can be the learner's own ``centred_difference``; the
curves are computed once per model and the slider only moves a marker, so
each redraw is fast.
"""

import numpy as np
import traitlets

from backprop.gradcheck import centred_difference as _package_centred_difference
from backprop.plots import COLORS, PALETTE, label
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, sci, slider
from backprop.widgets.training import _figure

THETA = 0.5
EXPONENTS = np.linspace(-14.0, 0.0, 85)


def exact_slope():
    """d tanh(θ)/dθ at θ = 0.5, in float64."""
    return 1.0 - np.tanh(THETA) ** 2


def errors_at(eps, dtype, diff=None):
    """Relative error |numeric − exact| / |exact| of a centred difference of tanh at 0.5.

    ``dtype`` (np.float64 or np.float32) is the precision θ, ε and f are computed in.
    """
    diff = diff or _package_centred_difference
    theta = dtype(THETA)
    with np.errstate(all="ignore"):
        numeric = diff(np.tanh, theta, dtype(eps))
    exact = exact_slope()
    return float(abs(float(numeric) - exact) / exact)


class EpsilonModel(traitlets.HasTraits):
    """The chosen ε and the error curves for both precisions."""

    eps = traitlets.Float(1e-6)

    def __init__(self, diff=None, **kwargs):
        super().__init__(**kwargs)
        #: the learner's centred_difference(f, x, eps), or None for the package's
        self.diff = diff
        self._curves = None

    def curves(self):
        """{"float64": errors (85,), "float32": errors (85,)} over ε = 10**EXPONENTS (cached)."""
        if self._curves is None:
            self._curves = {
                name: np.array([errors_at(10.0 ** e, dt, self.diff) for e in EXPONENTS])
                for name, dt in (("float64", np.float64), ("float32", np.float32))
            }
        return self._curves

    def error(self, dtype):
        """Relative error at the current ε in the given precision."""
        return errors_at(self.eps, dtype, self.diff)

    def best_eps(self, name):
        """The ε on the grid with the smallest error for "float64" or "float32"."""
        c = self.curves()[name]
        return float(10.0 ** EXPONENTS[int(np.argmin(np.where(c > 0, c, np.inf)))])


def _draw(model):
    # Drawn on linear axes in log10 units with power-of-ten tick labels: the same picture as
    # log-log axes, but without hundreds of minor ticks, so a redraw stays fast.
    curves = model.curves()
    floor = 1e-17  # an exact zero error cannot be drawn on a log scale
    fig = _figure(6.2, 3.6, left=0.14, right=0.97, bottom=0.13, top=0.91)
    ax = fig.add_subplot()
    for color, name in zip((COLORS[0], COLORS[1]), ("float64", "float32")):
        ax.plot(EXPONENTS, np.log10(np.maximum(curves[name], floor)), color=color, lw=2, label=name)
        e = max(model.error(np.float64 if name == "float64" else np.float32), floor)
        ax.plot([np.log10(model.eps)], [np.log10(e)], "o", color=color, ms=7, markeredgecolor=PALETTE["black"])
    ax.axvline(np.log10(model.eps), color=PALETTE["black"], lw=1, ls=":")
    ax.text(-12.7, -2.5, "round-off\n∝ 1/ε", fontsize=9, color=PALETTE["vermillion"])
    ax.text(-2.6, -12.0, "truncation\n∝ ε²", fontsize=9, color=PALETTE["vermillion"])
    ax.set_ylim(-13, 1)
    ax.set_xticks(range(-14, 1, 2))
    ax.set_xticklabels([f"1e{t}" for t in range(-14, 1, 2)], fontsize=8)
    ax.set_yticks(range(-12, 1, 2))
    ax.set_yticklabels([f"1e{t}" for t in range(-12, 1, 2)], fontsize=8)
    ax.legend(loc="lower left", fontsize=8)
    label(ax, "step ε (log scale)", "relative error of the slope (log scale)",
          "Centred difference of tanh at θ = 0.5")
    return fig


FLOOR = 1e-17  # an exact zero error cannot be drawn on a log scale


def _spec(model):
    # log10 units on linear axes with power-of-ten tick labels: the picture of log-log axes
    curves = model.curves()
    marks = []
    for color, name, dt in ((COLORS[0], "float64", np.float64), (COLORS[1], "float32", np.float32)):
        marks.append(fg.line(EXPONENTS, np.log10(np.maximum(curves[name], FLOOR)), color, 2, label=name))
    marks.append(fg.vline(np.log10(model.eps), PALETTE["black"], 1, dash="2 3"))
    for color, dt in ((COLORS[0], np.float64), (COLORS[1], np.float32)):
        marks.append(fg.dots([np.log10(model.eps)], [np.log10(max(model.error(dt), FLOOR))], color, 5,
                             edge=PALETTE["black"]))
    marks += [fg.text(-12.7, -1.9, "round-off", PALETTE["vermillion"], 12),
              fg.text(-12.7, -2.8, "∝ 1/ε", PALETTE["vermillion"], 12),
              fg.text(-2.6, -11.4, "truncation", PALETTE["vermillion"], 12),
              fg.text(-2.6, -12.3, "∝ ε²", PALETTE["vermillion"], 12)]
    p = fg.panel((70, 30, 472, 246), (-14.7, 0.7), (-13, 1), "step ε (log scale)",
                 "relative error of the slope (log scale)", "Centred difference of tanh at θ = 0.5", marks,
                 xticks=fg.ticks(range(-14, 1, 2), [f"1e{t}" for t in range(-14, 1, 2)]),
                 yticks=fg.ticks(range(-12, 1, 2), [f"1e{t}" for t in range(-12, 1, 2)]),
                 legend="lower left", ylabel_gap=52)
    return fg.figure(558, 324, [p], alt=f"relative error against ε, marker at ε = {sci(model.eps)}")


def _readout(model):
    e64, e32 = model.error(np.float64), model.error(np.float32)
    # every number written as the slider writes ε (readout_format ".1e": 5.6e-6, not 5.6e-06)
    return (f"ε = {sci(model.eps)}: relative error <b>{sci(e64)}</b> in float64, <b>{sci(e32)}</b> in float32. "
            f"Best ε on this grid: {sci(model.best_eps('float64'), 0)} (float64), "
            f"{sci(model.best_eps('float32'), 0)} (float32).")


def epsilon_explorer(diff=None):
    """A log-scale slider over ε with the error-against-ε curves for float64 and float32."""
    model = EpsilonModel(diff=diff)
    sliders = [slider("step ε", model.eps, -14.0, 0.0, 0.25, trait="eps", fmt=".1e", log=True)]
    return Explorer(model, sliders, draw=_draw, spec=_spec, readout=_readout,
                    title="Move ε: too large and the slope is truncated, too small and rounding takes over")

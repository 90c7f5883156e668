"""The explorers' plots drawn in the browser: the kernel sends numbers, ``plot.js`` draws them as SVG.

A picture is a *spec*: a plain dict of numbers and strings (JSON), built with the helpers below and set on
a :class:`Plot` widget's ``spec`` trait. Only the numbers travel (a few kB per slider move); the browser
draws them in a few milliseconds, so a slider redraws as fast as the kernel answers.

    spec = figure(540, 300, [panel((60, 30, 460, 220), (-4, 4), (0, 1), "weight w", "loss",
                                   marks=[line(ws, losses, BLUE, label="loss L(w)")], legend="upper right")])

``panel(box, xlim, ylim, ...)``: ``box`` is the plotting area in px (left, top, width, height) inside the
figure; limits are in data units. Marks (data units; sizes in px): :func:`line`, :func:`dots`,
:func:`bars`, :func:`vline`, :func:`hline`, :func:`band`, :func:`text`, :func:`image` (a heat map),
:func:`box`, :func:`circle`, :func:`arrow`. Numbers are rounded to 6 significant digits and a NaN or an
infinity becomes ``None`` (JSON has neither; a line breaks there). Colours: ``backprop.plots.PALETTE``.

CSS classes: ``bp-plot`` (the widget), ``bp-figure`` (its element in the page), ``bp-readout`` (the
explorer's readout, which the plot shows above the drawing), ``bp-svg`` (the drawing), ``bp-plot-note`` (a
sentence when no kernel answers, e.g. in a reopened notebook).
"""

import contextlib
import math
from pathlib import Path

import anywidget
import numpy as np
import traitlets

_HERE = Path(__file__).resolve().parent


class Plot(anywidget.AnyWidget):
    """A picture drawn by the browser from ``spec`` (see the module docstring).

    Two ways to answer faster than a round trip to the kernel (both filled in by
    ``backprop.widgets.base.Explorer``): ``ahead`` holds the pictures one slider step either way,
    ``{trait: [[slider value as the page holds it, spec], ...]}``, drawn the moment the slider gets there; and
    ``sliders`` (``{trait: [slider model id, "value"]}``, continuous sliders only: see :meth:`bind`) lets the
    view send every slider move to the kernel at once, up to two in flight, instead of one at a time, so a
    dragged slider keeps redrawing.
    """

    _esm = _HERE / "plot.js"
    _css = _HERE / "plot.css"
    spec = traitlets.Dict().tag(sync=True)
    readout = traitlets.Unicode("").tag(sync=True)  # the explorer's readout (HTML), shown above the drawing
    seq = traitlets.Int(0).tag(sync=True)           # the last "move" this picture answers
    ahead = traitlets.Dict().tag(sync=True)
    sliders = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_class("bp-plot")
        self._moves = {}  # trait -> the slider widget a "move" message sets
        self.dragging = False  # set while a "move" from a mouse drag is handled: no pictures ahead then
        self.pending_seq = 0   # the "move" being handled: a redraw sends it back as ``seq``
        self.on_rest = None    # called when the drag ends (the explorer sends the pictures ahead)
        self.lock = contextlib.nullcontext()  # the explorer's lock (ipykernel 7 may call _answer on another thread)
        self.on_msg(self._answer)

    def bind(self, sliders):
        """Let the page move these sliders through this plot (``sliders``: widgets tagged with a trait)."""
        import ipywidgets as widgets
        # A choice between a few options (a SelectionSlider) is left to its own widget sync: sent both ways,
        # its index raced its own update in a busy kernel and the page showed the old option beside the new
        # picture. Choices gain nothing from moves in flight (there is no drag to keep up with).
        self._moves = {s._bp_trait: s for s in sliders if not isinstance(s, widgets.SelectionSlider)}
        self.sliders = {t: [s.model_id, "value"] for t, s in self._moves.items()}

    def _answer(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        with self.lock:
            self._answer_locked(content)

    def _answer_locked(self, content):
        if content.get("kind") == "move" and content.get("trait") in self._moves:
            s = self._moves[content["trait"]]
            attr = self.sliders[content["trait"]][1]
            value = content.get("value")
            self.dragging = bool(content.get("dragging"))
            self.pending_seq = int(content.get("seq") or 0)
            try:  # as if the slider's own update had arrived: not sent back to the page
                with s._lock_property(**{attr: value}):
                    setattr(s, attr, value)
            except traitlets.TraitError:
                pass  # a value the slider does not take (out of range): its own update follows
            finally:
                self.dragging = False
            if self.seq != self.pending_seq:
                # Nothing changed: the kernel had set this value already (a + or − button, whose redraw
                # answered an older move). The picture on show answers this move too: say so, or the page,
                # which drew the picture sent ahead for it, would wait for a newer readout forever.
                self.seq = self.pending_seq
            return
        elif content.get("kind") == "rest" and self.on_rest is not None:
            self.on_rest()
        # a ping (is a kernel behind this view?), a move that changed nothing, a rest: say it was done
        self.send({"kind": "done", "seq": content.get("seq")})

    def show(self, spec, readout):
        """A new picture and readout, in one message (with the move it answers)."""
        with self.hold_sync():
            self.spec = spec
            self.readout = readout
            self.seq = self.pending_seq


def _num(v):
    v = float(v)
    if not math.isfinite(v):
        return None
    return float(f"{v:.6g}")


def nums(values):
    """A list of JSON numbers (6 significant digits; NaN and ±inf → None) from any array-like."""
    return [_num(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def figure(width, height, panels, alt=""):
    """The whole picture: ``width`` × ``height`` px, one or more panels; ``alt`` describes it in words."""
    return {"w": int(width), "h": int(height), "alt": alt, "panels": list(panels)}


def ticks(values, labels=None):
    """Tick marks at ``values`` with ``labels`` (default: the values as written by Python's ``g``)."""
    labels = labels if labels is not None else [f"{v:g}".replace("-", "−") for v in values]
    return [[_num(v), str(s)] for v, s in zip(values, labels)]


def panel(box, xlim, ylim, xlabel="", ylabel="", title="", marks=(), xticks=None, yticks=None, legend=None,
          axes=True, grid=True, equal=False, ylabel_gap=40):
    """One set of axes. ``box``: (left, top, width, height) in px; ``xticks``/``yticks``: :func:`ticks` or None."""
    return {"box": [float(b) for b in box], "x": [_num(xlim[0]), _num(xlim[1])],
            "y": [_num(ylim[0]), _num(ylim[1])], "xlabel": xlabel, "ylabel": ylabel, "title": title,
            "marks": list(marks), "xticks": xticks, "yticks": yticks, "legend": legend, "axes": bool(axes),
            "grid": bool(grid), "equal": bool(equal), "ylabelGap": ylabel_gap}


def line(x, y, color, lw=2.0, dash=None, label=None):
    """A polyline through (x[i], y[i]); ``dash``: an SVG dash pattern such as "6 4"."""
    return {"k": "line", "x": nums(x), "y": nums(y), "color": color, "lw": lw, "dash": dash, "label": label}


def dots(x, y, color, r=4.0, edge=None, label=None):
    """A dot of radius ``r`` px at each (x[i], y[i])."""
    return {"k": "dots", "x": nums(x), "y": nums(y), "color": color, "r": r, "edge": edge, "label": label}


def bars(x, y, colors, width=0.8, horiz=False):
    """Bars from 0: vertical at positions ``x`` with heights ``y``, or (``horiz``) lengths ``x`` at rows ``y``."""
    return {"k": "bars", "x": nums(x), "y": nums(y), "colors": list(colors), "width": width, "horiz": bool(horiz)}


def vline(x, color, lw=1.0, dash=None):
    return {"k": "vline", "x": _num(x), "color": color, "lw": lw, "dash": dash}


def hline(y, color, lw=1.0, dash=None):
    return {"k": "hline", "y": _num(y), "color": color, "lw": lw, "dash": dash}


def band(y0, y1, color, alpha=0.15):
    """A horizontal stripe between ``y0`` and ``y1`` across the panel."""
    return {"k": "band", "y0": _num(y0), "y1": _num(y1), "color": color, "alpha": alpha}


def text(x, y, s, color="#222", size=12, anchor="start", weight=None):
    """Text centred vertically at (x, y); ``anchor``: start | middle | end; ``size`` in px."""
    return {"k": "text", "x": _num(x), "y": _num(y), "s": str(s), "color": color, "size": size, "anchor": anchor,
            "weight": weight}


def image(z, extent, color):
    """A heat map: ``z`` rows (bottom row first) of values in [0, 1], white to ``color``, over ``extent``
    (x0, x1, y0, y1)."""
    z = np.asarray(z, dtype=np.float64)
    return {"k": "image", "z": [nums(row) for row in z], "extent": nums(extent), "color": color}


def box(x, y, w, h, fill="none", stroke="#222", lw=1.0, r=0):
    """A rectangle with its lower-left corner at (x, y), ``w`` × ``h`` data units, corners rounded ``r`` px."""
    return {"k": "box", "x": _num(x), "y": _num(y), "w": _num(w), "h": _num(h), "fill": fill, "stroke": stroke,
            "lw": lw, "r": r}


def circle(x, y, r, fill="none", stroke="#222", lw=1.0):
    """A circle of radius ``r`` data units (use on an ``equal`` panel)."""
    return {"k": "circle", "x": _num(x), "y": _num(y), "r": _num(r), "fill": fill, "stroke": stroke, "lw": lw}


def arrow(x0, y0, x1, y1, color="#222", lw=1.2):
    """A straight arrow from (x0, y0) to (x1, y1), its head at the end."""
    return {"k": "arrow", "x0": _num(x0), "y0": _num(y0), "x1": _num(x1), "y1": _num(y1), "color": color, "lw": lw}


def marks_of(spec, kind=None):
    """Every mark of a spec (or of one ``kind``), all panels in order: what tests read the numbers from."""
    return [m for p in spec.get("panels", []) for m in p["marks"] if kind is None or m["k"] == kind]

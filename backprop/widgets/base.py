"""An explorer: sliders bound to a traitlets model, and a view redrawn on change.

The model (a ``traitlets.HasTraits``) holds the state and computes everything
from it, so the maths is tested without a browser. The view is only widgets:
sliders linked to the model's traits, a plot and an HTML readout that are
redrawn whenever a trait changes.

The plot is drawn by the browser (``VIEW = "svg"``, the default): on every move
the kernel computes the numbers to draw, a small spec from
``backprop.widgets.figure``, and ``plot.js`` draws them as SVG, so a slider
answers within a few frames and redraws while it is dragged. ``VIEW = "png"``
(or ``Explorer(..., view="png")``) is the course's first design, kept for the
side-by-side benchmark: the kernel renders a matplotlib figure to PNG per move.

Every slider sits in a row with a − and a + button that move it one step
(:func:`step_value`), and the explorer says how to move them (``HELP``):
ipywidgets sliders take focus with Tab or a click on the handle and move with
the arrow keys in JupyterLab, but Notebook 7 keeps the arrow keys for itself,
and the buttons work everywhere (Tab to one, Enter or Space to press it). All
sliders of one explorer get the same description width, so their tracks line
up; readout tables come from :func:`table`, numbers right-aligned in tabular
figures so the columns do not zigzag.

The kernel may run two of an explorer's handlers at once: ipykernel 7 hands some widget messages to a
subshell thread, so a − press (main thread) can arrive while the pictures ahead are computed (subshell).
Every handler that reads or moves the model holds the explorer's ``lock``, and the pictures ahead are
computed on a copy of the model (:func:`moved_copy`), never by setting the model itself for a moment.

If drawing fails (for example, the learner's function behind it is not
written yet) the readout says so in words instead of raising, so a demo cell
never fails a notebook.

CSS classes (the browser tests rely on them): ``bp-explorer`` (the whole
explorer), ``bp-slider`` and ``bp-slider-<trait>`` (each slider),
``bp-slider-row`` (a slider with its buttons), ``bp-step``, ``bp-step-minus`` /
``bp-step-plus`` and ``bp-step-<trait>`` (the buttons), ``bp-slider-help``,
``bp-readout``, ``bp-plot`` (the plot: an SVG drawing, or the PNG image in the
``png`` view) and ``bp-table`` (a readout table).
"""

import html
import math
import os
import re
import threading

import ipywidgets as widgets

from backprop.plots import to_png
from backprop.widgets.figure import Plot

#: how explorers draw their plot: "svg" (the browser draws the numbers the kernel sends) or "png" (the kernel
#: renders a matplotlib figure per move; the first design, kept so the benchmark can compare the two)
VIEW = os.environ.get("BACKPROP_EXPLORER_VIEW", "svg")

HELP = ("Keys: click a slider's handle (or Tab to it), then ← / →. "
        "Or press its − / + buttons (they work in Notebook 7 too).")
KEYS_TIP = "Click the handle (or Tab to it), then press ← / → to move it; or use the − / + buttons beside it"
TRACK_PX = 300        # length of every slider's track and readout, after its description
CHAR_PX = 7.3         # width of one description character at JupyterLab's 13 px UI font (a generous average)


def sci(value, digits=1):
    """``value`` in scientific notation as ipywidgets' readout_format ``.<digits>e`` shows it: 5.6e-6, 1.0e+0.

    (Python's own ``e`` format pads the exponent, 5.6e-06; a slider and its readout must read the same.)
    """
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", format(float(value), f".{int(digits)}e"))


def slider(description, value, lo, hi, step, trait=None, fmt=".2f", log=False):
    """A keyboard-operable float slider; ``trait`` names the model trait it drives.

    ``log``: lo, hi and step are powers of ten (a FloatLogSlider).
    """
    cls = widgets.FloatLogSlider if log else widgets.FloatSlider
    kw = dict(value=value, step=step, description=description, readout_format=fmt,
              continuous_update=True, style={"description_width": "initial"},
              layout=widgets.Layout(width="420px"))
    s = cls(min=lo, max=hi, base=10, **kw) if log else cls(min=lo, max=hi, **kw)
    return tag(s, trait or description)


def tag(widget, trait):
    """Give a slider the classes, trait name and key hint that ``Explorer`` and the browser tests use."""
    widget.add_class("bp-slider")
    widget.add_class(f"bp-slider-{trait}")
    widget._bp_trait = trait
    widget.tooltip = KEYS_TIP
    return widget


def step_value(s, direction):
    """The value slider ``s`` takes one step up (``direction`` +1) or down (−1), kept inside its range.

    Float and int sliders step by ``step`` on the grid that starts at ``min``; a log slider steps its
    exponent; a selection slider moves to the next option.
    """
    d = 1 if direction > 0 else -1
    if isinstance(s, widgets.SelectionSlider):
        i = max(0, min(len(s.options) - 1, s.index + d))
        return s._options_values[i]
    if isinstance(s, widgets.FloatLogSlider):
        e = math.log(s.value, s.base)
        k = round((e - s.min) / s.step) + d
        e = max(s.min, min(s.max, s.min + k * s.step))
        return float(s.base ** round(e, 12))
    k = round((s.value - s.min) / s.step) + d
    v = max(s.min, min(s.max, s.min + k * s.step))
    return int(v) if isinstance(s, widgets.IntSlider) else round(float(v), 12)


def _button(s, direction, lock):
    name = s.description or s._bp_trait
    b = widgets.Button(description="+" if direction > 0 else "−",
                       tooltip=f"{name}: one step {'up' if direction > 0 else 'down'}",
                       layout=widgets.Layout(width="34px", padding="0", margin="2px 2px"))
    for cls in ("bp-step", "bp-step-plus" if direction > 0 else "bp-step-minus", f"bp-step-{s._bp_trait}"):
        b.add_class(cls)

    def press(_):
        with lock:
            s.value = step_value(s, direction)

    b.on_click(press)
    return b


def slider_row(s, lock):
    """A slider with its − and + buttons, in one row; a press holds ``lock`` (the explorer's) while it moves."""
    row = widgets.HBox([s, _button(s, -1, lock), _button(s, +1, lock)],
                       layout=widgets.Layout(align_items="center", width="auto"))
    row.add_class("bp-slider-row")
    return row


def align(sliders):
    """Give every slider the same description width (the longest description's) and track length."""
    longest = max((len(s.description) for s in sliders), default=0)
    width = int(math.ceil(longest * CHAR_PX)) + 12
    for s in sliders:
        s.style.description_width = f"{width}px"
        s.layout.width = f"{width + TRACK_PX}px"
        # ipywidgets gives numeric sliders a 2 px margin but not the selection slider: the same for all
        s.layout.margin = "var(--jp-widgets-margin, 2px)"
    return width


def signed(value, digits):
    """A number with its sign always shown, the minus a true minus sign (as wide as +): "+0.500", "−1.052"."""
    return format(float(value), f"+.{int(digits)}f").replace("-", "−")


def table(headers, rows, align_first="left"):
    """A readout table as HTML: a header row, then rows; every column but the first right-aligned.

    Numbers are set in tabular figures, so "+0.5898" and "−1.0520" take the same width and a column's
    digits line up. Cells are HTML (escape text yourself).
    """
    def cell(tag_, i, text):
        side = align_first if i == 0 else "right"
        return (f"<{tag_} style='text-align:{side}; padding:1px 10px 1px 0; white-space:nowrap;"
                f"{' font-weight:bold;' if tag_ == 'th' else ''}'>{text}</{tag_}>")

    head = "<tr>" + "".join(cell("th", i, h) for i, h in enumerate(headers)) + "</tr>"
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f"<table class='bp-table' style='border-collapse:collapse; font-variant-numeric:tabular-nums;"
            f" margin:2px 0'>{head}{body}</table>")


class Explorer(widgets.VBox):
    """Sliders ↔ model traits, plus a redrawn plot and readout.

    ``spec(model) -> dict`` (a ``backprop.widgets.figure`` spec, drawn by the browser), ``draw(model) ->
    Figure or None`` (the ``png`` view's matplotlib figure) and ``readout(model) -> str (HTML)``. ``view``:
    "svg" or "png" (default :data:`VIEW`; "png" when there is no ``spec``). The plot is shown at its own
    pixel size (sharp, text at the size it was set in), scaled down only to fit the page.
    """

    def __init__(self, model, sliders, draw=None, readout=None, title=None, spec=None, view=None, ahead=None):
        self.model = model
        self.sliders = list(sliders)
        self._draw = draw
        self._spec = spec
        self._readout = readout
        #: traits whose pictures one step either way are sent ahead (svg view): cheap ones; default all
        self.ahead = [s._bp_trait for s in self.sliders] if ahead is None else list(ahead)
        #: held by every handler that reads or moves the model (see the module docstring)
        self.lock = threading.RLock()
        self.view = view or VIEW
        if self.view not in ("svg", "png"):
            raise ValueError(f"view must be 'svg' or 'png', not {self.view!r}")
        if spec is None:
            self.view = "png"
        self.plot = Plot() if self.view == "svg" else None          # the browser draws (svg view)
        self.image = None                                            # the kernel's PNG (png view)
        if self.view == "png" and draw is not None:
            self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
            self.image.add_class("bp-plot")
        if self.plot is not None:
            self.text = _Readout(self.plot)   # shown by the plot, sent with its picture in one message
        else:
            self.text = widgets.HTML()
            self.text.add_class("bp-readout")
        self.links = [widgets.link((s, "value"), (model, s._bp_trait)) for s in self.sliders]
        names = [s._bp_trait for s in self.sliders]
        model.observe(self.redraw, names=names)
        align(self.sliders)
        self.rows = [slider_row(s, self.lock) for s in self.sliders]
        self.help = widgets.HTML(f"<span style='font-size:12px; color:var(--jp-ui-font-color2, #555)'>"
                                 f"{html.escape(HELP)}</span>")
        self.help.add_class("bp-slider-help")
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
        children += [widgets.VBox(self.rows), self.help]
        if self.plot is not None:
            children.append(self.plot)  # the readout, then the drawing
        else:
            children.append(self.text)
            if self.image is not None:
                children.append(self.image)
        super().__init__(children)
        self.add_class("bp-explorer")
        if self.plot is not None:
            self.plot.lock = self.lock
            self.plot.bind(self.sliders)
            self.plot.on_rest = self.send_ahead
        self.redraw()

    def redraw(self, change=None):
        with self.lock:
            self._redraw()

    def _redraw(self):
        try:
            parts = self._readout(self.model) if self._readout else ""
            if self.plot is not None:
                self.plot.show(self._spec(self.model), parts)
                if not self.plot.dragging:
                    self.send_ahead()  # after the answer: it does not delay it
            elif self.image is not None:
                fig = self._draw(self.model)
                if fig is not None:
                    width = f"{round(fig.get_size_inches()[0] * fig.dpi)}px"
                    if self.image.layout.width != width:  # ipywidgets would stretch it to the max width
                        self.image.layout.width = width
                    self.image.value = to_png(fig)
            self.text.value = parts
        except NotImplementedError:
            self.text.value = ("<span style='color:#D55E00'>This explorer uses a function you have not "
                               "written yet. Write it above, run its cell, then move a slider.</span>")
        except Exception as exc:  # a learner's bug: say it in words, keep the notebook running
            self.text.value = (f"<span style='color:#D55E00'>Could not redraw: {type(exc).__name__}: "
                               f"{html.escape(str(exc))}</span>")

    def send_ahead(self):
        """Give the plot the pictures one step either way (see :meth:`pictures_ahead`)."""
        with self.lock:
            try:
                self.plot.ahead = self.pictures_ahead()
            except Exception:
                self.plot.ahead = {}

    def pictures_ahead(self):
        """{trait: [[the slider's value as the page holds it, spec], ...]}: the picture one step down and up
        for each trait in ``ahead``, computed on a copy of the model's current state with that one trait
        moved (:func:`moved_copy`: the model itself is not touched).

        The page draws one of them the moment its slider reaches that value, before the kernel answers;
        the kernel's own answer (the same picture) follows. A setting that fails is left out.
        """
        out = {}
        by_trait = {s._bp_trait: s for s in self.sliders}
        for trait in self.ahead:
            s = by_trait[trait]
            now = getattr(self.model, trait)
            rows = []
            for d in (-1, +1):
                v = step_value(s, d)
                if v == now:
                    continue
                try:
                    spec = self._spec(moved_copy(self.model, trait, v))
                except Exception:
                    continue
                key = s._options_values.index(v) if isinstance(s, widgets.SelectionSlider) else v
                rows.append([key, spec])
            out[trait] = rows
        return out


class _Readout:
    """The svg view's readout: its HTML lives on the plot (``Plot.readout``); ``.value`` as on an HTML widget."""

    def __init__(self, plot):
        self.plot = plot

    @property
    def value(self):
        return self.plot.readout

    @value.setter
    def value(self, html_):
        self.plot.readout = html_


def moved_copy(model, name, value):
    """A copy of the traitlets ``model`` with trait ``name`` set to ``value``, and no observers.

    The model is not touched, so a handler on another thread that sets the same trait meanwhile is never
    mistaken for "no change" (setting a trait to the value it already holds notifies nobody). The copy
    shares the model's other attributes (caches, the learner's functions): read them, do not replace them.
    """
    twin = object.__new__(type(model))
    twin.__dict__.update(model.__dict__)
    twin._trait_values = dict(model._trait_values)
    twin._trait_notifiers = {}
    twin._trait_values[name] = model.traits()[name].validate(twin, value)
    return twin

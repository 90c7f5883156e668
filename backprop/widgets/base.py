"""An explorer: sliders bound to a traitlets model, and a view redrawn on change.

The model (a ``traitlets.HasTraits``) holds the state and computes everything
from it, so the maths is tested without a browser. The view is only widgets:
sliders linked to the model's traits, a PNG image and an HTML readout that
are redrawn whenever a trait changes. Sliders are ipywidgets sliders, which
take focus with Tab and move with the arrow keys.

If drawing fails (for example, the learner's function behind it is not
written yet) the readout says so in words instead of raising, so a demo cell
never fails a notebook.
"""

import html

import ipywidgets as widgets

from backprop.plots import to_png


def slider(description, value, lo, hi, step, trait=None, fmt=".2f", log=False):
    """A keyboard-operable float slider; ``trait`` names the model trait it drives."""
    cls = widgets.FloatLogSlider if log else widgets.FloatSlider
    kw = dict(value=value, step=step, description=description, readout_format=fmt,
              continuous_update=True, style={"description_width": "initial"},
              layout=widgets.Layout(width="420px"))
    s = cls(min=lo, max=hi, base=10, **kw) if log else cls(min=lo, max=hi, **kw)
    s.add_class("bp-slider")
    s.add_class(f"bp-slider-{trait or description}")
    s._bp_trait = trait or description
    return s


class Explorer(widgets.VBox):
    """Sliders ↔ model traits, plus a redrawn figure and readout.

    ``draw(model) -> Figure or None`` and ``readout(model) -> str (HTML)``.
    """

    def __init__(self, model, sliders, draw=None, readout=None, title=None):
        self.model = model
        self.sliders = list(sliders)
        self._draw = draw
        self._readout = readout
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
        self.image.add_class("bp-plot")
        self.text = widgets.HTML()
        self.text.add_class("bp-readout")
        self.links = [widgets.link((s, "value"), (model, s._bp_trait)) for s in self.sliders]
        names = [s._bp_trait for s in self.sliders]
        model.observe(self.redraw, names=names)
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
        children += [widgets.VBox(self.sliders), self.text]
        if draw is not None:
            children.append(self.image)
        super().__init__(children)
        self.add_class("bp-explorer")
        self.redraw()

    def redraw(self, change=None):
        try:
            parts = self._readout(self.model) if self._readout else ""
            if self._draw is not None:
                fig = self._draw(self.model)
                if fig is not None:
                    self.image.value = to_png(fig)
            self.text.value = parts
        except NotImplementedError:
            self.text.value = ("<span style='color:#D55E00'>This explorer uses a function you have not "
                               "written yet. Write it above, run its cell, then move a slider.</span>")
        except Exception as exc:  # a learner's bug: say it in words, keep the notebook running
            self.text.value = (f"<span style='color:#D55E00'>Could not redraw: {type(exc).__name__}: "
                               f"{html.escape(str(exc))}</span>")

"""Shared plotting: a colour-blind-safe palette and figures rendered to PNG.

Widgets redraw by rendering a small matplotlib Figure to PNG bytes (no pyplot
state, no flicker); lessons can also show the same figures inline.
"""

import io

import matplotlib

matplotlib.use("Agg", force=False)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
COLORS = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]


def new_figure(width=6.0, height=3.6, dpi=90):
    """A pyplot-free Figure with an Agg canvas, sized for a notebook column."""
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def label(ax, xlabel, ylabel, title=None):
    """Label both axes (and the title), with a light grid: every plot states what it shows."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    return ax


def to_png(fig):
    """Render a Figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def show(fig):
    """Display a Figure inline in a notebook (an Image, so it also works outside pyplot)."""
    from IPython.display import Image, display
    display(Image(to_png(fig)))

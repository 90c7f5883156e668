"""Lesson 04's explorer: learning rate, hidden width and batch size against a live loss curve.

``TrainingModel`` holds the three settings and trains a fresh network on a
small spiral dataset with the *learner's own* ``train_step`` for a fixed
number of epochs, so every slider move shows what that setting does to the
loss curve. Runs are short (150 examples, 40 epochs) and cached
by setting, so moving back to a setting is instant.

The package holds no training step of its own: the model is given one
(``train_step(x, y, params, lr) -> (loss, new_params)``), as in the lesson.
"""

import time

import ipywidgets as widgets
import numpy as np
import traitlets

from backprop.datasets import make_spirals
from backprop.losses import one_hot
from backprop.plots import COLORS, PALETTE, label
from backprop.training import init_params
from backprop.widgets import figure as fg
from backprop.widgets.base import Explorer, tag

BATCH_SIZES = (8, 16, 32, 64, 150)  # smaller batches make runs too slow for a live redraw
#: the learning rates on the slider: round numbers, about evenly spaced on a log scale (1, 2, 3, 5, 10, …)
LEARNING_RATES = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0)
#: the dotted comparison curve: the explorer's starting settings
BASELINE = {"lr": 3.0, "hidden": 16, "batch_size": 16}


def _figure(width, height, dpi=90, **margins):
    """A Figure with fixed margins instead of constrained layout: the layout pass costs ~40 % of a redraw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(**margins)
    return fig


def int_slider(description, value, lo, hi, step=1, trait=None):
    """A keyboard-operable integer slider driving the model trait ``trait``."""
    s = widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                          continuous_update=True, style={"description_width": "initial"},
                          layout=widgets.Layout(width="420px"))
    return tag(s, trait or description)


def choice_slider(description, value, options, trait=None, labels=None):
    """A slider over a fixed list of values (arrow keys step through them); ``labels``: how each is shown."""
    options = list(options)
    if labels is not None:
        options = list(zip(labels, options))
    s = widgets.SelectionSlider(value=value, options=options, description=description,
                                continuous_update=True, style={"description_width": "initial"},
                                layout=widgets.Layout(width="420px"))
    return tag(s, trait or description)


class TrainingModel(traitlets.HasTraits):
    """Settings of one short training run, and its loss curve computed on demand.

    ``lr``: learning rate; ``hidden``: h, the hidden width; ``batch_size``: m per step.
    Every run starts from the same seeded parameters and sees the same data,
    so two curves differ only by the settings.
    """

    lr = traitlets.Float(BASELINE["lr"])
    hidden = traitlets.Int(BASELINE["hidden"])
    batch_size = traitlets.Int(BASELINE["batch_size"])

    def __init__(self, train_step, forward=None, epochs=40, n_per_class=50, k=3, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.train_step = train_step
        #: optional learner forward pass x -> (y_hat, cache), only for the accuracy readout
        self.forward = forward
        self.epochs = int(epochs)
        self.k = int(k)
        self.seed = int(seed)
        # three-quarter turns of radius 3: hard enough that the settings matter, easy enough
        # that good settings separate the classes within a few hundred steps
        self.x, self.labels = make_spirals(n_per_class=n_per_class, k=k, noise=0.2, turns=0.75,
                                           radius=3.0, seed=seed)
        self.y = one_hot(self.labels, k)
        self._cache = {}
        self.last_seconds = 0.0

    @property
    def key(self):
        return (round(float(self.lr), 12), int(self.hidden), int(self.batch_size))

    def run(self, lr=None, hidden=None, batch_size=None):
        """Train with these settings (default: the current traits).

        Returns dict ``epoch_loss`` (epochs + 1,) full-data loss before training and after
        each epoch, ``steps`` (int), ``accuracy`` (float, on the training data).
        (None without a ``forward``). A run whose loss becomes NaN or inf stops early.
        """
        lr = self.lr if lr is None else lr
        hidden = self.hidden if hidden is None else hidden
        batch_size = self.batch_size if batch_size is None else batch_size
        key = (round(float(lr), 12), int(hidden), int(batch_size))
        if key in self._cache:
            return self._cache[key]
        t0 = time.perf_counter()
        d, m = self.x.shape
        params = init_params(d, int(hidden), self.k, seed=self.seed)
        rng = np.random.default_rng(self.seed)
        curve = [self._full_loss(params)]
        steps = 0
        for _ in range(self.epochs):
            order = rng.permutation(m)
            for i in range(0, m, int(batch_size)):
                idx = order[i:i + int(batch_size)]
                with np.errstate(all="ignore"):
                    _, params = self.train_step(self.x[:, idx], self.y[:, idx], params, float(lr))
                steps += 1
            curve.append(self._full_loss(params))
            if not np.isfinite(curve[-1]):
                break
        out = {"epoch_loss": np.array(curve), "steps": steps, "accuracy": self._accuracy(params)}
        self._cache[key] = out
        self.last_seconds = time.perf_counter() - t0
        return out

    def _full_loss(self, params):
        """Loss on the whole dataset, from the learner's own step with learning rate 0."""
        with np.errstate(all="ignore"):
            L, _ = self.train_step(self.x, self.y, params, 0.0)
        return float(L)

    def _accuracy(self, params):
        if self.forward is None:
            return None
        with np.errstate(all="ignore"):
            y_hat, _ = self.forward(self.x, params)
        y_hat = np.asarray(y_hat)
        if not np.all(np.isfinite(y_hat)):
            return float("nan")
        return float(np.mean(np.argmax(y_hat, axis=0) == self.labels))


def settings_label(lr, hidden, batch_size):
    """How a setting is named in the legend, with the learning rate written as the slider shows it."""
    return f"lr {lr:g}, h {hidden}, batch {batch_size}"


def plural(n, word):
    """"1 step", "40 steps"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _draw(model):
    run = model.run()
    base = model.run(**BASELINE)
    fig = _figure(6.0, 3.3, left=0.1, right=0.98, bottom=0.14, top=0.9)
    ax = fig.add_subplot()
    ax.plot(base["epoch_loss"], color=PALETTE["black"], lw=1.2, ls=":",
            label=f"{settings_label(**BASELINE)} (for comparison)")
    ax.plot(run["epoch_loss"], color=COLORS[0], lw=2.2,
            label=settings_label(model.lr, model.hidden, model.batch_size))
    finite = np.concatenate([c[np.isfinite(c)] for c in (run["epoch_loss"], base["epoch_loss"])])
    top = max(1.3, float(finite.max()) * 1.05) if finite.size else 1.3
    ax.set_ylim(0.0, min(top, 5.0))
    ax.set_xlim(0, model.epochs)
    ax.legend(loc="upper right", fontsize=8)
    label(ax, f"epoch (one pass over the {model.x.shape[1]} spiral points)", "mean cross-entropy loss",
          "Loss curve of a fresh network with these settings")
    return fig


def loss_top(*curves):
    """The y axis' top for these loss curves: 5 % above the highest finite loss, at least 1.3, at most 5."""
    finite = np.concatenate([c[np.isfinite(c)] for c in curves])
    top = max(1.3, float(finite.max()) * 1.05) if finite.size else 1.3
    return min(top, 5.0)


def _spec(model):
    run = model.run()
    base = model.run(**BASELINE)
    marks = [fg.line(range(len(base["epoch_loss"])), base["epoch_loss"], PALETTE["black"], 1.3, dash="2 3",
                     label=f"{settings_label(**BASELINE)} (for comparison)"),
             fg.line(range(len(run["epoch_loss"])), run["epoch_loss"], COLORS[0], 2.2,
                     label=settings_label(model.lr, model.hidden, model.batch_size))]
    p = fg.panel((58, 30, 466, 214), (0, model.epochs), (0.0, loss_top(run["epoch_loss"], base["epoch_loss"])),
                 f"epoch (one pass over the {model.x.shape[1]} spiral points)", "mean cross-entropy loss",
                 "Loss curve of a fresh network with these settings", marks, legend="upper right")
    return fg.figure(540, 297, [p], alt=f"loss curve for {settings_label(model.lr, model.hidden, model.batch_size)}")


def _readout(model):
    run = model.run()
    final = run["epoch_loss"][-1]
    if not np.isfinite(final):
        state = "<b style='color:#D55E00'>diverged</b> (the loss became NaN or inf)"
    else:
        state = f"final loss <b>{final:.3f}</b>"
        if run["accuracy"] is not None:
            state += f", training accuracy <b>{run['accuracy']:.0%}</b>"
    per_epoch = int(np.ceil(model.x.shape[1] / model.batch_size))
    return (f"{state} after {plural(run['steps'], 'step')} "
            f"({plural(model.epochs, 'epoch')} of {plural(per_epoch, 'step')} each)")


def training_explorer(train_step, forward=None, **settings):
    """Sliders for learning rate (round values on a log scale), hidden width and batch size, with the loss curve.

    ``train_step(x, y, params, lr) -> (loss, new_params)`` is the learner's; so is the optional
    ``forward(x, params) -> (y_hat, cache)`` used for the accuracy readout.
    """
    model = TrainingModel(train_step, forward=forward, **settings)
    rates = sorted(set(LEARNING_RATES) | {float(model.lr)})
    sliders = [
        choice_slider("learning rate", model.lr, rates, trait="lr", labels=[f"{r:g}" for r in rates]),
        int_slider("hidden width h", model.hidden, 2, 64, 1, trait="hidden"),
        choice_slider("batch size", model.batch_size, BATCH_SIZES, trait="batch_size"),
    ]
    return Explorer(model, sliders, draw=_draw, spec=_spec, readout=_readout, ahead=("lr",),
                    title="Train a fresh network on the spirals: move a slider, watch the loss curve")

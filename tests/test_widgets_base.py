"""What every explorer's controls look like and do, without a browser: rows of slider, − and + buttons,
aligned tracks, a starting value both arrow keys can move, a key hint, and readouts that read like the sliders."""

import json
import threading

import ipywidgets as widgets
import pytest

from autograder.reference import training as ref_training
from autograder.reference import two_layer as ref_net
from autograder.reference.engine import Value
from backprop.graphplot import FONT, draw_graph, nodes
from backprop.plots import PALETTE
from backprop.widgets.base import HELP, align, moved_copy, sci, signed, slider, step_value, table
from backprop.widgets.depth import depth_explorer
from backprop.widgets.epsilon import epsilon_explorer
from backprop.widgets.figure import marks_of
from backprop.widgets.graph import FONT_PX as GRAPH_FONT_PX
from backprop.widgets.graph import graph_explorer
from backprop.widgets.network import network_explorer
from backprop.widgets.neuron import neuron_explorer
from backprop.widgets.training import BASELINE, choice_slider, int_slider, settings_label, training_explorer


def _expr(x, y):
    x, y = Value(x, label="x"), Value(y, label="y")
    return (x * y + x * x).tanh() * y


EXPLORERS = {
    "01 neuron": lambda: neuron_explorer(),
    "02 graph": lambda: graph_explorer(_expr, {"x": 0.5, "y": -1.5}),
    "03 network": lambda: network_explorer(forward=ref_net.forward, backward=ref_net.backward),
    "04 training": lambda: training_explorer(ref_training.train_step, forward=ref_training.forward_batch, epochs=3),
    "05 epsilon": lambda: epsilon_explorer(),
    "06 depth": lambda: depth_explorer(),
}


def _ends(s):
    if isinstance(s, widgets.SelectionSlider):
        return s.index, 0, len(s.options) - 1
    if isinstance(s, widgets.FloatLogSlider):
        import math
        return math.log10(s.value), s.min, s.max
    return s.value, s.min, s.max


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_slider_starts_where_both_arrow_keys_move_it(name):
    ex = EXPLORERS[name]()
    for s in ex.sliders:
        now, lo, hi = _ends(s)
        if isinstance(s, widgets.SelectionSlider) and len(s.options) == 2:
            continue  # a two-way switch (tanh / relu) is always at one end
        assert lo < now < hi, f"{name}: slider {s._bp_trait} starts at {now}, an end of [{lo}, {hi}]"


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_slider_has_minus_and_plus_buttons_that_step_it_and_redraw(name):
    ex = EXPLORERS[name]()
    assert len(ex.rows) == len(ex.sliders)
    for row, s in zip(ex.rows, ex.sliders):
        slider_, minus, plus = row.children
        assert slider_ is s and "bp-slider-row" in row._dom_classes
        assert (minus.description, plus.description) == ("−", "+")
        assert {"bp-step", "bp-step-minus", f"bp-step-{s._bp_trait}"} <= set(minus._dom_classes)
        assert {"bp-step", "bp-step-plus", f"bp-step-{s._bp_trait}"} <= set(plus._dom_classes)
        assert "←" in s.tooltip and "→" in s.tooltip and "−" in s.tooltip
        start, text = s.value, ex.text.value
        plus.click() if _ends(s)[0] < _ends(s)[2] else minus.click()
        assert s.value != start and getattr(ex.model, s._bp_trait) == s.value, (name, s._bp_trait)
        assert ex.text.value != text or s._bp_trait == "activation", (name, s._bp_trait)
    assert "←" in HELP and "Notebook 7" in HELP and "−" in HELP and "+" in HELP
    assert ex.help in ex.children and "bp-slider-help" in ex.help._dom_classes


@pytest.mark.parametrize("name", EXPLORERS)
def test_sliders_of_an_explorer_share_one_description_width_and_track_length(name):
    ex = EXPLORERS[name]()
    widths = {s.style.description_width for s in ex.sliders}
    lengths = {s.layout.width for s in ex.sliders}
    assert len(widths) == 1 and len(lengths) == 1, (widths, lengths)
    px = int(widths.pop().removesuffix("px"))
    assert px >= 7 * max(len(s.description) for s in ex.sliders)  # the longest description fits


def test_step_value_steps_each_kind_of_slider_and_stops_at_the_ends():
    f = slider("f", 0.95, -1, 1, 0.05, trait="f")
    assert step_value(f, +1) == 1.0 and step_value(f, -1) == 0.9
    f.value = 1.0
    assert step_value(f, +1) == 1.0
    g = slider("g", 1e-6, -14, 0, 0.25, trait="g", log=True)
    assert step_value(g, +1) == pytest.approx(10 ** -5.75) and step_value(g, -1) == pytest.approx(10 ** -6.25)
    i = int_slider("i", 20, 1, 20, trait="i")
    assert step_value(i, +1) == 20 and step_value(i, -1) == 19 and isinstance(step_value(i, -1), int)
    c = choice_slider("c", 16, (8, 16, 32), trait="c")
    assert step_value(c, +1) == 32 and step_value(c, -1) == 8
    c.value = 32
    assert step_value(c, +1) == 32


def test_align_fits_the_longest_description():
    a, b = slider("w", 0, -1, 1, 0.1), slider("weight gain g (std = g/√width)", 1, -1, 1, 0.1)
    px = align([a, b])
    assert a.style.description_width == b.style.description_width == f"{px}px" and a.layout.width == b.layout.width


def test_the_epsilon_readout_writes_eps_as_its_slider_does():
    ex = epsilon_explorer()
    s = ex.sliders[0]
    assert s.readout_format == ".1e"  # ipywidgets (d3-format) shows 10**-5.25 as "5.6e-6"
    s.value = 10 ** -5.25
    assert sci(s.value) == "5.6e-6" and "ε = 5.6e-6:" in ex.text.value
    assert "e-06" not in ex.text.value and "e-0" not in ex.text.value
    assert sci(1.0) == "1.0e+0" and sci(2e-3, 0) == "2e-3" and sci(1.23e12) == "1.2e+12"


def test_the_training_explorer_starts_on_its_comparison_setting_and_counts_steps_in_words():
    ex = training_explorer(ref_training.train_step, epochs=2)
    lr = next(s for s in ex.sliders if s._bp_trait == "lr")
    assert lr.value == BASELINE["lr"] == ex.model.lr and lr.label == "3"
    assert settings_label(**BASELINE) == "lr 3, h 16, batch 16"  # the dotted line's legend
    assert settings_label(ex.model.lr, ex.model.hidden, ex.model.batch_size) == settings_label(**BASELINE)
    batch = next(s for s in ex.sliders if s._bp_trait == "batch_size")
    batch.value = 150
    assert "(2 epochs of 1 step each)" in ex.text.value and "1 steps" not in ex.text.value
    assert "after 2 steps" in ex.text.value
    batch.value = 64
    assert "of 3 steps each" in ex.text.value


def test_readout_tables_right_align_numbers_with_true_minus_signs():
    h = table(["input", "value"], [["x", signed(-1.5, 3)], ["y", signed(0.25, 3)]])
    assert "font-variant-numeric:tabular-nums" in h
    assert h.count("text-align:right") == 3 and h.count("text-align:left") == 3
    assert "−1.500" in h and "+0.250" in h
    ex = EXPLORERS["02 graph"]()
    assert "bp-table" in ex.text.value and "−1.500" in ex.text.value


def test_graph_labels_are_readable_at_the_explorers_size():
    """Node text at least 12 px on screen, in both views. The browser's drawing is shown at its own size
    (JupyterLab's output area is about 850 px wide at a 1280 px window with the file browser open); the png
    view's text is points × dpi / 72."""
    ex = EXPLORERS["02 graph"]()
    spec = ex.plot.spec
    assert spec["w"] <= 1170
    shrink = min(1.0, 850 / spec["w"])
    texts = marks_of(spec, "text")
    body = [t["size"] for t in texts if t["s"].startswith("grad") or "data" in t["s"]]
    assert min(t["size"] for t in texts) * shrink >= 9  # even an op name like "tanh"
    assert min(body) == GRAPH_FONT_PX and GRAPH_FONT_PX * shrink >= 12
    fig = draw_graph(_expr(0.5, -1.5))
    width_px = fig.get_size_inches()[0] * fig.dpi
    shrink = min(1.0, 850 / width_px)
    sizes = [t.get_fontsize() for t in fig.axes[0].texts]
    assert min(sizes) * 0.8 >= 6
    body = [t.get_fontsize() for t in fig.axes[0].texts if t.get_text().startswith(("grad", "data")) or "data" in t.get_text()]
    assert min(body) == FONT and FONT * fig.dpi / 72 * shrink >= 12


def test_the_graph_drawing_shows_what_the_engine_stored():
    """Every node's data and grad, as the learner's engine left them, in the boxes the browser draws."""
    ex = EXPLORERS["02 graph"]()
    root = ex.model.graph()
    texts = [t["s"] for t in marks_of(ex.plot.spec, "text")]
    for v in nodes(root):
        head = f"{v.label}  " if v.label else ""
        assert f"{head}data {v.data:.4g}" in texts and f"grad {v.grad:.4g}" in texts
    assert len(marks_of(ex.plot.spec, "box")) == len(nodes(root))
    assert len(marks_of(ex.plot.spec, "circle")) == sum(1 for v in nodes(root) if v._prev)
    ex.sliders[0].value = 1.0
    assert f"x  data {1:.4g}" in [t["s"] for t in marks_of(ex.plot.spec, "text")]


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_sends_plain_json_with_labelled_axes_in_the_palette(name):
    ex = EXPLORERS[name]()
    spec = ex.plot.spec
    json.dumps(spec, allow_nan=False)
    assert 300 <= spec["w"] <= 1170 and spec["alt"]
    allowed = set(PALETTE.values()) | {"#222", "#fff", "#F7F7F7", "#595959", "#4d4d4d", "none"}
    for p in spec["panels"]:
        if p["axes"]:
            assert p["xlabel"] and p["ylabel"] and p["title"], (name, p["title"])
        for m in p["marks"]:
            colours = [m.get(c) for c in ("color", "fill", "stroke", "edge") if m.get(c)] + list(m.get("colors", []))
            assert set(colours) <= allowed, (name, m["k"], colours)


@pytest.mark.parametrize("name", EXPLORERS)
def test_the_pictures_sent_ahead_are_what_one_step_draws(name):
    """The page draws a picture sent ahead the moment its slider gets there: it must be the kernel's own."""
    ex = EXPLORERS[name]()
    by_trait = {s._bp_trait: s for s in ex.sliders}
    assert ex.plot.sliders and set(ex.plot.ahead) == set(ex.ahead) <= set(by_trait)
    for trait in ex.ahead:
        s = by_trait[trait]
        for key, spec in ex.plot.ahead[trait]:
            start = s.value
            s.value = s._options_values[key] if isinstance(s, widgets.SelectionSlider) else key
            assert json.dumps(ex.plot.spec) == json.dumps(spec), (name, trait, key)
            s.value = start


def test_a_move_from_the_page_sets_the_slider_redraws_and_answers():
    ex = EXPLORERS["01 neuron"]()
    sent = []
    ex.plot.send = lambda msg, buffers=None: sent.append(msg)
    ex.plot._answer(ex.plot, {"kind": "move", "trait": "w", "value": 1.5, "seq": 7, "dragging": True}, [])
    assert ex.sliders[0].value == ex.model.w == 1.5 and "z = w·x + b = +1.7500" in ex.text.value
    assert sent == [] and ex.plot.seq == 7  # the redraw answers the move (one message: picture and readout)
    assert marks_of(ex.plot.spec, "dots")[0]["x"] == [1.5]
    ex.plot._answer(ex.plot, {"kind": "move", "trait": "w", "value": 1.5, "seq": 8}, [])
    assert sent == [] and ex.plot.seq == 8  # nothing to redraw: the picture on show answers it
    ahead = ex.plot.ahead  # a drag skips the pictures ahead; letting go sends them
    ex.plot._answer(ex.plot, {"kind": "rest", "seq": 8}, [])
    assert [k for k, _ in ex.plot.ahead["w"]] == [1.45, 1.55] and ahead != ex.plot.ahead
    ex.plot._answer(ex.plot, {"kind": "ping", "seq": 9}, [])
    assert sent[-1] == {"kind": "done", "seq": 9}


def test_a_button_press_then_its_echo_from_the_page_leaves_the_answer_on_the_newest_move():
    """The + button sets the slider in the kernel; its redraw answers the last move the page sent (older
    than the echo the page then sends). The echo changes nothing, yet it must be answered by the picture
    and readout on show, or the page (which drew the picture sent ahead) holds the old readout forever."""
    ex = EXPLORERS["01 neuron"]()
    sent = []
    ex.plot.send = lambda msg, buffers=None: sent.append(msg)
    w = ex.sliders[0]
    plus = next(b for b in ex.rows[0].children if "bp-step-plus" in b._dom_classes)
    old_seq = ex.plot.seq
    plus.click()
    assert ex.plot.seq == old_seq and "z = w·x + b = +0.7750" in ex.plot.readout  # answers an older move
    ex.plot._answer(ex.plot, {"kind": "move", "trait": "w", "value": w.value, "seq": old_seq + 1}, [])
    assert ex.plot.seq == old_seq + 1 and "z = w·x + b = +0.7750" in ex.plot.readout and sent == []


def test_a_press_while_the_pictures_ahead_are_drawn_on_another_thread_is_not_lost():
    """ipykernel 7 runs some widget messages on a subshell thread: a "rest" (compute the pictures ahead) can
    be handled while the − button's press runs on the main thread. The press must move the model and
    redraw, not be taken for "no change" by a model that holds the ahead picture's value for a moment."""
    ex = EXPLORERS["06 depth"]()
    ex.plot.send = lambda msg, buffers=None: None
    depth = ex.sliders[0]
    minus = next(b for b in ex.rows[0].children if "bp-step-minus" in b._dom_classes)
    start = depth.value
    real, entered, go = ex._spec, threading.Event(), threading.Event()

    def slow(model):  # the first picture ahead (one step down) waits until the press has been made
        if threading.current_thread() is rest and not entered.is_set():
            entered.set()
            go.wait(10)
        return real(model)

    ex._spec = slow
    rest = threading.Thread(target=ex.plot._answer, args=(ex.plot, {"kind": "rest", "seq": 1}, []))
    press = threading.Thread(target=minus.click)
    rest.start()
    assert entered.wait(10)
    press.start()
    press.join(0.3)  # the press is made (or waits for the explorer's lock) while the picture ahead is drawn
    go.set()
    rest.join(10)
    press.join(10)
    assert not rest.is_alive() and not press.is_alive()
    assert depth.value == ex.model.depth == start - 1, (depth.value, ex.model.depth)
    assert ex.plot.readout.startswith(f"{start - 1} layers"), ex.plot.readout
    assert [k for k, _ in ex.plot.ahead["depth"]] in ([start - 1, start + 1], [start - 2, start])


def test_a_picture_ahead_is_drawn_on_a_copy_and_the_model_is_never_moved():
    ex = EXPLORERS["06 depth"]()
    seen = []
    ex.model.observe(lambda change: seen.append(change["name"]), names=["depth"])
    values = dict(ex.model._trait_values)
    twin = moved_copy(ex.model, "depth", 3)
    assert twin.depth == 3 and ex.model.depth == values["depth"] and ex.model._trait_values == values
    twin.depth = 5
    assert seen == [] and ex.model.depth == values["depth"] and len(twin.spreads()) == 6

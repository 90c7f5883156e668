"""Quiz views: ipywidgets for choices and numbers, an anywidget for drag-and-drop ordering.

Each view only shows a model from :mod:`backprop.quiz.core` and forwards the
learner's actions to it; all checking and saving happens in the model.

CSS classes (the contract the browser tests rely on):

- every question's root: ``bp-quiz``, ``bp-quiz-<kind>`` (single | multiple |
  order | numeric) and ``bp-quiz-q-<question id>``;
- options: ``bp-quiz-option`` (the RadioButtons widget; each Checkbox);
- the Check button: ``bp-quiz-check``; the verdict line: ``bp-quiz-result``;
- choice feedback (single, multiple): one ``bp-quiz-note`` per option shown, also classed
  ``bp-right`` / ``bp-wrong`` (was the learner's choice on it right?) or neither (an option not
  picked, shown once a single choice is right), and ``bp-quiz-ticked`` / ``bp-quiz-unticked``.
  Inside: ``bp-quiz-box`` (☑ / ☐ ticked or not; ◉ / ○ picked or not), the option in bold,
  ``bp-quiz-mark`` ("✓ right" / "✗ wrong") with the rest of the sentence, e.g. "✓ right to
  leave it unticked: it does not apply.", and ``bp-quiz-why``, the explanation, only when shown;
- the number box: ``bp-quiz-input`` (an ipywidgets Text; type into the ``<input>`` inside it);
- ordering: each item ``bp-order-item`` (draggable="true", data-item="<item text>",
  tabindex=0), marked ``bp-right`` / ``bp-wrong`` after a Check; the result line
  reads "✓ All n steps come after the steps they need: …" or "✗ k of n steps come after the steps
  they need. …" (an item is right when everything it needs stands above it).

Keyboard, ordering: Tab to a step; Alt+ArrowUp / Alt+ArrowDown moves it one place
(the focus stays on it). Or Space picks it up, ArrowUp / ArrowDown move it, Space
(or Enter) drops it and Escape puts it back. Plain ArrowUp / ArrowDown move the
focus between steps. Every move is announced in a polite live region. Choices and
numbers are native radio buttons, checkboxes, a text box and buttons.
"""

import html
import re
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

_HERE = Path(__file__).resolve().parent
_COLOUR = {"right": "#009E73", "wrong": "#D55E00"}  # Okabe–Ito green and vermillion
_GLYPH = {"right": "✓", "wrong": "✗"}
_MATH = re.compile(r"(\$[^$]+\$)")
_PUNCT = re.compile(r"^[.,;:!?)\]]+")


def keep_punctuation(text):
    """Glue each inline formula to the punctuation right after it, so a line never starts with ". What…".

    MathJax typesets ``$…$`` as an inline block, and the browser may wrap between it and a following
    full stop; a ``white-space: nowrap`` span around both stops that. Formulas are paired left to right.
    """
    parts = _MATH.split(text)
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        math, after = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        m = _PUNCT.match(after)
        if m:
            out.append(f"<span class='bp-nowrap' style='white-space:nowrap'>{math}{m.group(0)}</span>"
                       f"{after[m.end():]}")
        else:
            out.append(math + after)
    return "".join(out)


def _root(model, children):
    box = widgets.VBox(children, layout=widgets.Layout(margin="6px 0 14px 0", max_width="680px"))
    for cls in ("bp-quiz", f"bp-quiz-{model.kind}", f"bp-quiz-q-{model.qid}"):
        box.add_class(cls)
    box.model = model
    return box


def _prompt(model):
    return widgets.HTMLMath(f"<b>Question {model.number}.</b> {keep_punctuation(model.prompt)}")


def _result(model):
    out = widgets.HTML(html.escape(model.result))
    out.add_class("bp-quiz-result")
    model.observe(lambda ch: setattr(out, "value", html.escape(ch["new"])), names="result")
    return out


def _explanations(model):
    """The explanation of an ordering or numeric question (HTMLMath), shown once the model fills it."""
    box = widgets.VBox()
    box.add_class("bp-quiz-explanations")

    def redraw(change=None):
        box.children = [widgets.HTMLMath(keep_punctuation(text)) for text in model.explanations if text]

    model.observe(redraw, names=["explanations"])
    redraw()
    return box


def note_html(n):
    """One choice-feedback line (a dict from ``model.notes()``) as HTML: box, option, mark, why."""
    mark, status = n["mark"], n["status"]
    if mark in _GLYPH and status.startswith(mark):
        head = (f"<span class='bp-quiz-mark' style='color:{_COLOUR[mark]}; font-weight:bold'>"
                f"{_GLYPH[mark]} {mark}</span>{html.escape(status[len(mark):])}")
    else:
        head = f"<span class='bp-quiz-mark'></span>{html.escape(status)}"
    what = "ticked" if n["ticked"] else "not ticked"
    line = (f"<span class='bp-quiz-box' title='{what}' style='font-size:1.15em'>{n['box']}</span> "
            f"<b>{html.escape(n['option'])}</b> — {head}")
    why = (f"<div class='bp-quiz-why' style='margin:1px 0 4px 1.7em'>{keep_punctuation(n['explanation'])}</div>"
           if n["explanation"] else "")
    return f"<div class='bp-quiz-line'>{line}</div>{why}"


def _notes(model):
    """The choice feedback: one HTMLMath per option the model's ``notes()`` shows (classes in the docstring)."""
    box = widgets.VBox()
    box.add_class("bp-quiz-explanations")

    def redraw(change=None):
        rows = []
        for n in model.notes():
            w = widgets.HTMLMath(note_html(n))
            w.add_class("bp-quiz-note")
            w.add_class("bp-quiz-ticked" if n["ticked"] else "bp-quiz-unticked")
            if n["mark"]:
                w.add_class(f"bp-{n['mark']}")
            rows.append(w)
        old, box.children = box.children, rows
        for w in old:
            w.close()

    model.observe(redraw, names=["shown"])
    redraw()
    return box


def single_view(model):
    """RadioButtons: picking an option answers (and saves) at once."""
    radio = widgets.RadioButtons(options=model.options, index=None, layout=widgets.Layout(width="auto"))
    radio.add_class("bp-quiz-option")
    busy = []

    def picked(change):
        if busy or change["new"] is None or change["new"] == model.answer:
            return
        model.give(change["new"])

    def shown(change=None):
        if model.answer is not None and radio.value != model.answer:
            busy.append(1)
            try:
                radio.value = model.answer
            finally:
                busy.pop()

    radio.observe(picked, names="value")
    model.observe(shown, names="answer")
    shown()
    return _root(model, [_prompt(model), radio, _result(model), _notes(model)])


def multiple_view(model):
    """One Checkbox per option and a Check button."""
    boxes = []
    for o in model.options:
        cb = widgets.Checkbox(value=False, description=o, indent=False, layout=widgets.Layout(width="auto"))
        cb.add_class("bp-quiz-option")
        boxes.append(cb)
    button = widgets.Button(description="Check", tooltip="Check and save your answer")
    button.add_class("bp-quiz-check")

    def check(_):
        model.give([o for o, cb in zip(model.options, boxes) if cb.value])

    def shown(change=None):
        if model.answer is not None:
            for o, cb in zip(model.options, boxes):
                cb.value = o in model.answer

    button.on_click(check)
    model.observe(shown, names="answer")
    shown()
    return _root(model, [_prompt(model), widgets.VBox(boxes), button, _result(model), _notes(model)])


class OrderBoard(anywidget.AnyWidget):
    """The drag-and-drop list (front end: order.js, order.css). Traits mirror an Ordering model."""

    _esm = _HERE / "order.js"
    _css = _HERE / "order.css"
    qid = traitlets.Unicode("").tag(sync=True)
    items = traitlets.List(traitlets.Unicode()).tag(sync=True)
    marks = traitlets.List(traitlets.Unicode()).tag(sync=True)
    result = traitlets.Unicode("").tag(sync=True)
    checks = traitlets.Int(0).tag(sync=True)


def order_view(model):
    """An OrderBoard linked to the model: items ↔ order; marks and result shown; Check → model.check()."""
    board = OrderBoard(qid=model.qid, items=list(model.order), marks=list(model.marks), result=model.result)
    board.links = [traitlets.link((model, "order"), (board, "items")),
                   traitlets.dlink((model, "marks"), (board, "marks")),
                   traitlets.dlink((model, "result"), (board, "result"))]
    board.observe(lambda ch: model.check(), names="checks")
    return _root(model, [_prompt(model), board, _explanations(model)])


def numeric_view(model):
    """A text box for the number and a Check button."""
    box = widgets.Text(value=model.text, placeholder="a number, e.g. -0.25",
                       layout=widgets.Layout(width="200px"))
    box.add_class("bp-quiz-input")
    box.links = [traitlets.link((model, "text"), (box, "value"))]
    button = widgets.Button(description="Check", tooltip="Check and save your answer")
    button.add_class("bp-quiz-check")
    button.on_click(lambda _: model.check())
    return _root(model, [_prompt(model), widgets.HBox([box, button]), _result(model),
                         _explanations(model)])


VIEWS = {"single": single_view, "multiple": multiple_view, "order": order_view, "numeric": numeric_view}

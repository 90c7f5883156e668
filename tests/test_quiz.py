"""backprop.quiz without a browser: each kind's model, the answers file, restarts, hashes agreeing with the key,
the instructor-side grade, and the CSS classes the browser tests rely on."""

import json
import re
from pathlib import Path

import pytest

from autograder import quiz as aq
from backprop import quiz
from backprop.checks import Mistake
from backprop.quiz.core import AnswerStore, MODELS, bucket, numeric_close, parse_number

ROOT = Path(__file__).resolve().parent.parent
KEYED_LESSONS = sorted(p.stem for p in (ROOT / "autograder" / "quiz" / "keys").glob("*.py") if p.stem[:2].isdigit())


def _make(q, folder, lesson="07_try_it"):
    """A model for key question ``q``, built from its seal exactly as a notebook builds it."""
    store = AnswerStore(lesson, folder)
    cls = MODELS[q["kind"]]
    choices = aq.shown(q) if q["kind"] in ("single", "multiple") else q.get("shown")
    args = (q["id"], q["prompt"]) + ((list(choices),) if choices is not None else ())
    m = cls(*args, seal=aq.seal(q), salt=aq.SALT, store=store)
    m.restore()
    return m


@pytest.fixture
def key():
    return {q["id"]: q for q in aq.load_key("07_try_it")}


# ----------------------------------------------------------------- kinds ---

def test_single_choice_right_wrong_and_unanswered(tmp_path, key):
    q = key["dz2"]
    m = _make(q, tmp_path)
    assert m.answer is None and m.verdict == "" and m.result == "" and not any(m.explanations)
    assert m.not_answered_message() == "You have not answered question 1 yet: pick an option above."
    wrong = next(o for o in q["options"] if o != q["answer"])
    assert m.give(wrong) == "wrong" and m.result.startswith("✗")
    # only the picked option is explained while the answer is wrong (the others would give it away)
    shown = [o for o, e in zip(m.options, m.explanations) if e]
    assert shown == [wrong] and m.explanations[m.options.index(wrong)] == q["explain"][wrong]
    assert m.give(m.options.index(q["answer"])) == "right" and m.result.startswith("✓")
    assert m.explanations == [q["explain"][o] for o in m.options]  # all explained once right
    with pytest.raises(ValueError):
        m.give("not an option")


def test_multiple_choice_marks_every_option(tmp_path, key):
    q = key["grads_like_W1"]
    m = _make(q, tmp_path)
    assert m.give(list(q["answer"])) == "right" and m.marks == ["right"] * len(q["options"])
    half = [q["answer"][0]]
    assert m.give(half) == "wrong"
    assert m.marks == ["right" if (o in q["answer"]) == (o in half) else "wrong" for o in m.options]
    assert m.result.startswith("✗ 1 of 4 options is not right")
    # a wrong try explains only the options whose tick was wrong, not every option at once
    wrong = [o for o, mk in zip(m.options, m.marks) if mk == "wrong"]
    assert wrong == [q["answer"][1]]
    assert m.explanations == [q["explain"][o] if o in wrong else "" for o in m.options]
    assert m.give([]) == "wrong"
    assert m.answer == []
    assert m.give(list(q["answer"])) == "right"
    assert m.explanations == [q["explain"][o] for o in m.options]  # every option explained once right


def test_choice_notes_say_what_was_ticked_whether_that_was_right_and_what_the_option_is(tmp_path, key):
    """The feedback lines: a box for the learner's tick, a right/wrong word on that tick, the option's status."""
    q = key["grads_like_W1"]
    m = _make(q, tmp_path)
    assert m.notes() == []  # nothing before a Check
    yes, also = q["answer"]
    no = next(o for o in q["options"] if o not in q["answer"])
    m.give([yes, no])  # one right tick, one wrong tick, one missing tick
    notes = {n["option"]: n for n in m.notes()}
    assert list(notes) == m.options
    assert (notes[yes]["box"], notes[yes]["mark"], notes[yes]["status"]) == ("☑", "right", "right to tick it: it applies.")
    assert (notes[no]["box"], notes[no]["mark"], notes[no]["status"]) == \
        ("☑", "wrong", "wrong to tick it: it does not apply.")
    assert (notes[also]["box"], notes[also]["mark"], notes[also]["status"]) == \
        ("☐", "wrong", "wrong to leave it unticked: it applies.")
    other = next(o for o in q["options"] if o not in q["answer"] and o != no)
    assert (notes[other]["box"], notes[other]["status"]) == ("☐", "right to leave it unticked: it does not apply.")
    # the ✓ / ✗ word is about the tick; the explanation is shown for the wrong ticks only
    assert [n["option"] for n in notes.values() if n["explanation"]] == [o for o in m.options if o in (no, also)]
    for n in notes.values():
        assert n["status"].startswith(n["mark"])

    s = _make(key["dz2"], tmp_path / "single")
    wrong = next(o for o in key["dz2"]["options"] if o != key["dz2"]["answer"])
    s.give(wrong)
    assert [(n["option"], n["box"], n["mark"], n["status"]) for n in s.notes()] == \
        [(wrong, "◉", "wrong", "wrong: your pick is not the answer.")]
    s.give(key["dz2"]["answer"])
    notes = s.notes()
    assert notes[0]["option"] == key["dz2"]["answer"] and notes[0]["status"] == "right: your pick is the answer."
    assert {n["box"] for n in notes[1:]} == {"○"} and {n["mark"] for n in notes[1:]} == {""}
    assert all(n["explanation"] for n in notes) and len(notes) == len(s.options)


def test_choice_feedback_html_puts_the_mark_word_beside_the_tick_not_the_explanation(tmp_path, key):
    from backprop.quiz.views import keep_punctuation, note_html
    q = key["grads_like_W1"]
    m = _make(q, tmp_path)
    m.give([])
    row = next(n for n in m.notes() if n["mark"] == "right")
    text = re.sub(r"<[^>]+>", "", note_html(row))
    assert text == f"☐ {row['option']} — ✓ right to leave it unticked: it does not apply."
    wrong = next(n for n in m.notes() if n["mark"] == "wrong")
    h = note_html(wrong)
    assert "bp-quiz-why" in h and "✗ wrong</span> to leave it unticked: it applies." in h
    # a formula keeps the full stop after it on its own line (no line starting ". What is")
    assert keep_punctuation(r"now $w = -1$. What is $a$? Say $b$ or $c$") == (
        r"now <span class='bp-nowrap' style='white-space:nowrap'>$w = -1$.</span> What is "
        r"<span class='bp-nowrap' style='white-space:nowrap'>$a$?</span> Say $b$ or $c$")


def test_ordering_right_wrong_partial_and_moves(tmp_path, key):
    q = key["backward_order"]
    m = _make(q, tmp_path)
    assert m.order == q["shown"] and m.marks == [] and m.answer is None
    # shown: da1, dW1 and db1, dz1, dz2, dW2 and db2: da1 and dW1 stand above what they need
    assert m.check() == "wrong" and m.marks == ["wrong", "wrong", "right", "right", "right"]
    partial = ["dz2", "dW2 and db2", "dz1", "da1", "dW1 and db1"]  # dz1 above the da1 it needs
    m.order = partial
    assert m.marks == [] and m.result == ""  # moving clears the marks until the next Check
    assert m.check() == "wrong"
    assert m.marks == ["right", "right", "wrong", "right", "right"]
    assert m.result.startswith("✗ 4 of 5 steps come after the steps they need")
    assert m.detail(m.marks) == "4 of 5 steps come after the steps they need"
    for i in range(5):  # bring the key's order about with moves, as the keyboard does
        m.move(m.order.index(q["answer"][i]), i)
    assert m.order == q["answer"] and m.marks == []
    assert m.check() == "right" and m.result.startswith("✓ All 5 steps come after the steps they need")
    assert m.explanations == [q["explain"]]
    with pytest.raises(ValueError):
        m.give(q["answer"][:4])


@pytest.mark.parametrize("lesson, qid", [(lesson, q["id"]) for lesson in KEYED_LESSONS
                                         for q in aq.load_key(lesson) if q["kind"] == "order"])
def test_an_ordering_is_right_exactly_when_every_step_follows_what_it_needs(tmp_path, lesson, qid):
    """Every permutation of the items: the widget's marks (from the seal) are the grader's (from the key),
    every order that respects the dependencies is right in both, and no other order is."""
    from itertools import permutations
    q = aq.question(lesson, qid)
    m = _make(q, tmp_path, lesson)
    wants = aq.needs(q)
    n_right = 0
    for order in permutations(q["answer"]):
        order = list(order)
        respects = all(wants[it] <= set(order[:p]) for p, it in enumerate(order))
        m.order = order
        assert (m.check() == "right") is respects, order
        assert m.marks == ["right" if ok else "wrong" for ok in aq.order_marks(q, order)], order
        assert aq.verdict(q, order)[0] is respects, order
        n_right += respects
    assert n_right >= 1


def test_the_backward_pass_order_accepts_dW2_before_or_after_da1():
    """Lesson 07's question: dW2 and db2 need only dz2, so they may come before or after da1 (the lesson's
    own explanation); da1 before dz2, or dW1 before dz1, is wrong."""
    q = aq.question("07_try_it", "backward_order")
    for order in (["dz2", "dW2 and db2", "da1", "dz1", "dW1 and db1"],
                  ["dz2", "da1", "dW2 and db2", "dz1", "dW1 and db1"],
                  ["dz2", "da1", "dz1", "dW1 and db1", "dW2 and db2"]):
        assert aq.verdict(q, order)[0], order
    for order in (["da1", "dz2", "dW2 and db2", "dz1", "dW1 and db1"],
                  ["dz2", "dW2 and db2", "da1", "dW1 and db1", "dz1"]):
        assert not aq.verdict(q, order)[0], order
    assert "More than one order works" in q["prompt"]


def test_numeric_tolerance_and_typos(tmp_path, key):
    q = key["dW2_entry"]
    v, tol = q["answer"], q["tol"]
    m = _make(q, tmp_path)
    for typed, verdict in [(f"{v:.3f}", "right"), (repr(v + 0.99 * tol), "right"), (repr(v - 0.99 * tol), "right"),
                           (repr(v + 2 * tol), "wrong"), (repr(-v), "wrong"), ("0", "wrong")]:
        m.text = typed
        assert m.check() == verdict, typed
    m.text = "zero point one"
    assert m.check() == "" and m.result.startswith("✗ 'zero point one' is not a number")
    assert parse_number("−0,25") == -0.25 and parse_number("3/4") == 0.75 and parse_number(" 1e-3 ") == 0.001
    with pytest.raises(ValueError):
        parse_number("nan")


def test_numeric_rule_is_a_grid_of_step_tol():
    for right in (0.17350303, -0.2774341, 12.0, 0.0):
        for delta in (0.0, 0.3, 0.999, -0.999):
            assert numeric_close(right + delta * 1e-3, right, 1e-3)
        for delta in (2.0, -2.0, 5.0):
            assert not numeric_close(right + delta * 1e-3, right, 1e-3)
    assert bucket(0.0004, 1e-3) == 0 and bucket(0.0006, 1e-3) == 1


# ----------------------------------------------------- hashes agree with key ---

@pytest.mark.parametrize("lesson", KEYED_LESSONS)
def test_sealed_verdicts_agree_with_the_plaintext_key(tmp_path, lesson):
    """For every question of every keyed lesson, the widget's hash verdict equals the grader's verdict."""
    for q in aq.load_key(lesson):
        m = _make(q, tmp_path / q["id"], lesson)
        if q["kind"] == "single":
            candidates = list(q["options"])
        elif q["kind"] == "multiple":
            o = q["options"]
            candidates = [list(q["answer"]), [], list(o), o[:1], o[1:], [x for x in o if x not in q["answer"]]]
        elif q["kind"] == "order":
            a = list(q["answer"])
            candidates = [a, list(q["shown"]), a[::-1], a[1:] + a[:1]]
        else:
            v, t = q["answer"], q["tol"]
            candidates = [v, v + 0.5 * t, v - 0.9 * t, v + 3 * t, -v, 0.0]
        for c in candidates:
            (tmp_path / q["id"]).mkdir(exist_ok=True)
            got = m.give(c, save=False)
            right, _ = aq.verdict(q, c)
            assert got == ("right" if right else "wrong"), (lesson, q["id"], c)


# --------------------------------------------------- persistence, restart ---

def test_answers_survive_a_restart(tmp_path, key):
    """A new model (as after a kernel restart) reading the same file shows the saved answer and its marks."""
    first = {qid: _make(q, tmp_path) for qid, q in key.items()}
    first["dz2"].give("y − ŷ")
    first["dz2"].give(key["dz2"]["answer"])  # only the latest answer is kept
    first["grads_like_W1"].give(["dW1"])
    partial = list(key["backward_order"]["answer"])
    partial[0], partial[1] = partial[1], partial[0]  # dW2 above the dz2 it needs
    first["backward_order"].order = partial
    first["backward_order"].check()
    first["backward_order"].move(0, 4)  # moved after checking: not saved
    first["dW2_entry"].text = "0.1735"
    first["dW2_entry"].check()

    data = json.loads((tmp_path / "quiz_answers.json").read_text(encoding="utf-8"))
    assert data["format"] == "backprop-quiz-answers" and data["version"] == 1
    saved = {qid: rec["answer"] for qid, rec in data["lessons"]["07_try_it"].items()}
    assert saved == {"dz2": key["dz2"]["answer"], "grads_like_W1": ["dW1"], "backward_order": partial,
                     "dW2_entry": 0.1735}

    again = {qid: _make(q, tmp_path) for qid, q in key.items()}
    assert again["dz2"].answer == key["dz2"]["answer"] and again["dz2"].verdict == "right"
    assert again["grads_like_W1"].answer == ["dW1"] and again["grads_like_W1"].verdict == "wrong"
    o = again["backward_order"]
    assert o.order == partial and o.marks == ["wrong", "right", "right", "right", "right"]
    assert o.result.startswith("✗ 4 of 5")
    assert again["dW2_entry"].text == "0.1735" and again["dW2_entry"].verdict == "right"
    assert again["shape_check"].answer is None


def test_a_damaged_answers_file_is_replaced_not_fatal(tmp_path, key):
    (tmp_path / "quiz_answers.json").write_text("{not json", encoding="utf-8")
    m = _make(key["dz2"], tmp_path)
    assert m.answer is None
    m.give(key["dz2"]["answer"])
    assert json.loads((tmp_path / "quiz_answers.json").read_text())["lessons"]["07_try_it"]["dz2"]["answer"]


# ------------------------------------------------- the notebook-facing API ---

def _run_cells(lesson, folder):
    """Start a quiz and run the lesson's question cells (grade id ``quiz_q_<id>``) as they are; returns the widgets."""
    quiz.start(lesson, salt=aq.SALT, folder=folder)
    nb = json.loads((ROOT / "solutions" / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    ns = {"quiz": quiz}
    return [eval("".join(c["source"]).strip(), ns) for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("quiz_q_")]


def test_generated_cells_show_widgets_with_the_browser_contract(tmp_path):
    widgets_ = _run_cells("07_try_it", tmp_path)
    kinds = [q["kind"] for q in aq.load_key("07_try_it")]
    assert len(widgets_) == len(kinds)
    for w, q in zip(widgets_, aq.load_key("07_try_it")):
        assert {"bp-quiz", f"bp-quiz-{q['kind']}", f"bp-quiz-q-{q['id']}"} <= set(w._dom_classes)

    def walk(w):
        yield w
        for c in getattr(w, "children", ()):
            yield from walk(c)

    def classes(w):
        return {c for x in walk(w) for c in getattr(x, "_dom_classes", ())}

    single, order, _, multiple, numeric = widgets_
    assert {"bp-quiz-option", "bp-quiz-result"} <= classes(single)
    assert {"bp-quiz-option", "bp-quiz-check", "bp-quiz-result"} <= classes(multiple)
    assert {"bp-quiz-input", "bp-quiz-check", "bp-quiz-result"} <= classes(numeric)
    board = order.children[1]
    assert board.items == aq.question("07_try_it", "backward_order")["shown"]
    js = Path(quiz.__file__).with_name("order.js").read_text()
    for needle in ('"bp-order-item"', 'draggable = true', "dataset.item", "tabIndex = 0", '"bp-quiz-check"',
                   '"bp-quiz-result"', '"bp-right"', '"bp-wrong"', "dragstart", "dragover", "drop",
                   "e.altKey", "ArrowUp", "ArrowDown", "preventDefault"):
        assert needle in js, needle


def test_views_follow_the_model_both_ways(tmp_path):
    widgets_ = _run_cells("07_try_it", tmp_path)
    single, order, _, multiple, numeric = widgets_
    key = {q["id"]: q for q in aq.load_key("07_try_it")}
    # widget → model → file
    single.children[1].value = key["dz2"]["answer"]
    assert quiz.model("dz2").verdict == "right"
    assert AnswerStore("07_try_it", tmp_path).get("dz2")["answer"] == key["dz2"]["answer"]
    # the board: the learner reorders (items synced from the browser) and presses Check (checks + 1)
    board = order.children[1]
    board.items = list(key["backward_order"]["answer"])
    board.checks += 1
    assert board.marks == ["right"] * 5 and board.result.startswith("✓ All 5 steps come after")
    board.items = list(key["backward_order"]["shown"])
    assert board.marks == [] and board.result == ""
    # code → model → widget
    quiz.answer("grads_like_W1", ["dz1"])
    assert [cb.value for cb in multiple.children[1].children] == [o == "dz1" for o in aq.shown(key["grads_like_W1"])]
    checkbox_result = multiple.children[3]
    assert checkbox_result.value.startswith("✗")
    quiz.answer("dW2_entry", "0.5")
    assert numeric.children[1].children[0].value == "0.5"
    # a restart: the widgets show the saved answers
    again = _run_cells("07_try_it", tmp_path)
    assert again[0].children[1].value == key["dz2"]["answer"]
    assert again[1].children[1].items == list(key["backward_order"]["answer"])
    assert again[1].children[1].marks == ["right"] * 5


def test_check_is_the_visible_half_of_a_grade_cell(tmp_path, capsys):
    _run_cells("07_try_it", tmp_path)
    with pytest.raises(Mistake, match=r"^You have not answered question 1 yet: pick an option above\.$"):
        quiz.check("dz2")
    with pytest.raises(Mistake, match="You have not answered question 2 yet: put the steps in order"):
        quiz.check("backward_order")
    quiz.answer("dz2", "2(ŷ − y)")
    with pytest.raises(Mistake, match="question 1 is not right yet"):
        quiz.check("dz2")
    quiz.answer("dz2", "ŷ − y")
    quiz.check("dz2")
    assert "✓ Question 1: right" in capsys.readouterr().out
    with pytest.raises(Mistake, match="has not been shown yet"):
        quiz.check("no_such_question")


def test_by_code_swallows_only_the_released_stub(capsys):
    with quiz.by_code():
        raise NotImplementedError()
    assert "answer here by code" in capsys.readouterr().out
    with pytest.raises(ZeroDivisionError):
        with quiz.by_code():
            1 / 0


# -------------------------------------------------------- instructor grade ---

def test_grade_outcomes(tmp_path, capsys, key):
    with pytest.raises(Mistake, match="No saved quiz answers: quiz_answers.json is not in this notebook's folder"):
        aq.grade("07_try_it", "dz2", folder=tmp_path)
    (tmp_path / "quiz_answers.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(Mistake, match="could not be read"):
        aq.grade("07_try_it", "dz2", folder=tmp_path)
    (tmp_path / "quiz_answers.json").unlink()
    aq.write_answers(tmp_path, "07_try_it", {"dz2": "y − ŷ", "backward_order": list(key["backward_order"]["shown"])})
    with pytest.raises(Mistake, match=r"question 1 \(dL/dz2\) is not right\."):
        aq.grade("07_try_it", "dz2", folder=tmp_path)
    with pytest.raises(Mistake, match="3 of 5 steps come after the steps they need"):
        aq.grade("07_try_it", "backward_order", folder=tmp_path)
    with pytest.raises(Mistake, match=r"You have not answered question 3 \(checking gradient shapes\) yet"):
        aq.grade("07_try_it", "shape_check", folder=tmp_path)
    aq.write_answers(tmp_path, "07_try_it", aq.right_answers("07_try_it"))
    for qid in key:
        aq.grade("07_try_it", qid, folder=tmp_path)
    assert capsys.readouterr().out.count("right.") == len(key)


def test_grade_messages_never_contain_the_answer(tmp_path, key):
    aq.write_answers(tmp_path, "07_try_it", {"dz2": "y − ŷ", "shape_check": 1, "grads_like_W1": ["dz1"],
                                             "backward_order": list(key["backward_order"]["shown"]),
                                             "dW2_entry": 99.0})
    for qid, q in key.items():
        with pytest.raises(Mistake) as err:
            aq.grade("07_try_it", qid, folder=tmp_path)
        text = str(err.value)
        if q["kind"] == "numeric":
            assert f"{q['answer']:.3f}" not in text and f"{q['answer']:.2f}" not in text
        elif q["kind"] == "single":
            assert q["answer"] not in text
        else:
            assert not any(item in text for item in q["answer"])


def test_an_unwritable_answers_file_is_said_not_hidden(tmp_path, key):
    m = _make(key["dz2"], tmp_path / "no_such_folder")
    assert m.give(key["dz2"]["answer"]) == "right"
    assert m.result.startswith("✓") and "⚠ Not saved: quiz_answers.json could not be written" in m.result


@pytest.mark.parametrize("lesson", KEYED_LESSONS)
def test_choices_are_shown_shuffled_never_answer_first(lesson):
    for q in aq.load_key(lesson):
        if q["kind"] not in ("single", "multiple"):
            continue
        order = aq.shown(q)
        assert sorted(order) == sorted(q["options"]) and order == aq.shown(q)  # a permutation, the same every time
        right = {q["answer"]} if q["kind"] == "single" else set(q["answer"])
        if 0 < len(right) < len(order):
            assert set(order[:len(right)]) != right, (lesson, q["id"], order)

r'''Quiz questions whose answers are saved beside the notebook and graded by nbgrader.

Four kinds: single choice, multiple choice, ordering (drag and drop, or the
keyboard) and a number with a tolerance. A learner's latest answer is saved
the moment it is given to ``quiz_answers.json`` in the notebook's folder; it
survives a kernel restart (re-running a question's cell shows the saved answer
and its ✓/✗ again) and travels with the submission. Hidden tests grade that
file against the plaintext key, which only the instructor has
(``autograder/quiz/``). The notebook holds only *seals*: salted hashes of the
right answers and scrambled explanations, enough for instant ✓/✗ feedback.
They stop casual reading, not a determined learner; grading never trusts them.

A course can also be released with no seals at all (``make course SEALS=0``):
each question cell then passes ``number=`` and ``title=`` instead of ``seal=``,
and a widget only saves the answer and says "Answer saved; it is marked when
your work is graded." (no ✓/✗); ``check`` says the same. Nothing in such a
notebook can tell a right answer from a wrong one.

API (all there is)
------------------
``start(lesson, salt)``                         once, in the setup cell (``start(lesson)`` without seals)
``single(qid, prompt, options, seal=...)``      pick one option       → widget
``multiple(qid, prompt, options, seal=...)``    tick all that apply   → widget
``order(qid, prompt, items, seal=...)``         drag into order       → widget
``numeric(qid, prompt, seal=...)``              type a number         → widget
                                                (without seals: ``number=n, title="..."`` instead of ``seal=``)
``answer(qid, value)``                          answer by code (the solution notebook does this)
``by_code()``                                   context for the cell that answers by code
``check(qid)``                                  visible part of a quiz's grade cell
``model(qid)``                                  the question's state (traitlets model), for tests

``qid``: letters, digits, ``_`` and ``-`` (it becomes the CSS class
``bp-quiz-q-<qid>``). ``prompt``: HTML with maths in ``$...$``. ``seal`` and the
whole question cell are generated, never typed: write the question with its key
in ``autograder/quiz/keys/<lesson>.py`` and run
``python -m autograder.quiz update <lesson>``, which writes the question and
grade cells into ``solutions/<lesson>/<lesson>.ipynb`` (again after every
change to the key; see ``autograder/quiz/README.md``). Choice options
are shown in an order shuffled from the question id, never with the answer first.

Usage (the cells as ``python -m autograder.quiz cells`` prints them, each
headed by its grade_id; an invented lesson ``00_example``, not a real quiz)::

    # ---- quiz_setup (locked)             (or add the two lines to the setup cell)
    from backprop import quiz
    quiz.start("00_example", salt="backprop-by-hand/2026")

    # ---- quiz_q_sigmoid_range (locked)
    quiz.single("sigmoid_range", r"Which values can $\sigma(z)$ take?",
                ["(−1, 1)", "(0, 1)", "[0, ∞)"], seal="eyJo...")

    # ---- quiz_q_relu_facts (locked)
    quiz.multiple("relu_facts", r"Which are true of $\mathrm{ReLU}(z) = \max(0, z)$?",
                  ["its slope is 0 for z < 0", "it is bounded above", "its slope is 1 for z > 0"],
                  seal="eyJo...")

    # ---- quiz_q_forward_order (locked)
    quiz.order("forward_order", "Put the forward pass in order.",
               ["a1 = σ(z1)", "z2 = W2 a1 + b2", "z1 = W1 x + b1"], seal="eyJo...")

    # ---- quiz_q_sigmoid_at_0 (locked)
    quiz.numeric("sigmoid_at_0", r"What is $\sigma(0)$?", seal="eyJo...")

    # ---- quiz_answers_00 (solution)       (released as a stub that does nothing)
    with quiz.by_code():
        quiz.answer("sigmoid_range", "(0, 1)")     # in the solution notebook, between nbgrader's
        quiz.answer("sigmoid_at_0", 0.5)           # solution markers; learners get the stub

    # ---- test_quiz_sigmoid_range (test)   (the grade-cell pattern: one per question)
    """Question 1 (range of the sigmoid): graded from your saved answer."""
    quiz.check("sigmoid_range")
    # ... then nbgrader's hidden tests: the instructor side grades the saved answer
    # against the key (autograder/quiz/README.md); learners never get that part

``check`` raises :class:`backprop.checks.Mistake` with a sentence for the
learner when the question is unanswered ("You have not answered question 1
yet: pick an option above.") or the saved answer is wrong; the hidden
``grade`` does the same from the plaintext key, so a wrong, missing or
unreadable answers file scores zero with a message, never a crash.

In the released notebook the ``by_code`` cell's body becomes nbgrader's stub
(``raise NotImplementedError()``), which ``by_code`` turns into one quiet line:
learners answer with the widgets (or, if they prefer the keyboard or a screen
reader, with ``quiz.answer`` in that cell).
'''

import re
from contextlib import contextmanager

from backprop.checks import Mistake, passed
from backprop.quiz.core import (ANSWERS_FILE, MODELS, AnswerStore, MultipleChoice, Numeric, Ordering,
                                SingleChoice, numeric_close, parse_number)

__all__ = ["start", "single", "multiple", "order", "numeric", "answer", "by_code", "check", "model",
           "ANSWERS_FILE", "SingleChoice", "MultipleChoice", "Ordering", "Numeric", "numeric_close", "parse_number"]

_QID = re.compile(r"[A-Za-z0-9_-]+")


class _Session:
    def __init__(self, lesson, salt, folder):
        self.lesson, self.salt = lesson, salt
        self.store = AnswerStore(lesson, folder)
        self.models = {}


_session = None


def start(lesson, salt=None, folder=None):
    """Begin this notebook's quiz: answers go to ``quiz_answers.json`` in ``folder``.

    ``folder`` defaults to the kernel's working directory, which Jupyter sets to
    the notebook's own folder. ``salt``: the course's public salt, for sealed questions
    (a notebook released without seals has none). Prints one line saying so; returns None.
    """
    global _session
    _session = _Session(lesson, salt, folder)
    print(f"Quiz answers are saved in {_session.store.path.name}, next to this notebook.")


def _need_session():
    if _session is None:
        raise Mistake("The quiz is not set up: run the notebook's first code cell (the one with "
                      "`quiz.start(...)`), then this cell again.")
    return _session


def _make(kind, qid, prompt, choices, seal, number=None, title=None):
    from backprop.quiz.views import VIEWS  # ipywidgets only when a question is shown

    s = _need_session()
    if not isinstance(qid, str) or not _QID.fullmatch(qid):
        raise ValueError(f"question id {qid!r}: use letters, digits, _ and - only")
    if seal is None and not number:
        raise ValueError(f"question {qid!r} needs seal=... (a sealed release) or number=... (a release without seals)")
    cls = MODELS[kind]
    args = (qid, prompt) + ((choices,) if choices is not None else ())
    m = cls(*args, seal=seal, salt=s.salt, store=s.store, number=number, title=title)
    m.restore()
    s.models[qid] = m
    return VIEWS[kind](m)


def single(qid, prompt, options, seal=None, *, number=None, title=None):
    """A single-choice question (RadioButtons). Picking an option answers and saves it.

    ``seal``: from the instructor's tools (✓/✗ at once); or, released without seals, the question's
    ``number`` and ``title`` (the answer is saved and marked when graded). The same for every kind.
    """
    return _make("single", qid, prompt, list(options), seal, number, title)


def multiple(qid, prompt, options, seal=None, *, number=None, title=None):
    """A multiple-choice question (a Checkbox per option, then Check)."""
    return _make("multiple", qid, prompt, list(options), seal, number, title)


def order(qid, prompt, items, seal=None, *, number=None, title=None):
    """An ordering question: ``items`` in the order first shown (never the right order)."""
    return _make("order", qid, prompt, list(items), seal, number, title)


def numeric(qid, prompt, seal=None, *, number=None, title=None):
    """A question whose answer is a number, within the tolerance sealed with it."""
    return _make("numeric", qid, prompt, None, seal, number, title)


def model(qid):
    """The model behind question ``qid`` (shown earlier in this kernel)."""
    s = _need_session()
    if qid not in s.models:
        raise Mistake(f"Question {qid!r} has not been shown yet in this session: run its cell above first.")
    return s.models[qid]


def answer(qid, value):
    """Answer question ``qid`` by code, exactly as if given in its widget: checked, shown and saved.

    ``value``: an option's text (or index) for single choice; a list of them for
    multiple choice; the list of items in order for ordering; a number for numeric.
    Returns "right" or "wrong" ("saved" for a question released without a seal).
    """
    m = model(qid)
    try:
        if isinstance(m, Numeric):
            m.text = str(value)
        if isinstance(m, Ordering):
            m.order = list(value) if sorted(value) == sorted(m.items) else m.order
        return m.give(value)
    except ValueError as exc:
        raise Mistake(str(exc)) from None


@contextmanager
def by_code():
    """Wrap a cell that answers with :func:`answer`; an unwritten stub there is not an error."""
    try:
        yield
    except NotImplementedError:
        print("(Optional) You can answer here by code instead of with the widgets, "
              "for example: quiz.answer(\"question_id\", ...). Otherwise leave this cell as it is.")


def check(qid):
    """The visible part of a quiz grade cell: is question ``qid`` answered, and is the saved answer right?

    Reads the answers file (what will be graded), not the widget. Raises a
    Mistake for the learner if the question is unanswered or wrong; prints a ✓
    line if it is right. The verdict comes from the sealed hashes; the grade
    itself comes from the hidden tests. A question released without a seal has no
    verdict here: an answered question prints that its answer is saved and marked
    when graded (no ✓, no ✗).
    """
    m = model(qid)
    rec = m.store.get(qid) if m.store is not None else None
    if rec is None:
        raise Mistake(m.not_answered_message())
    try:
        answer_ = m.canonical(rec["answer"])
    except ValueError as exc:
        raise Mistake(f"Your saved answer to question {m.number} does not fit it ({exc}) Answer it again above.")
    if not m.sealed:
        print(f"Question {m.number}: answer saved in {m.store.path.name}; it is marked when your work is graded.")
        return
    marks, verdict, _ = m.judge(answer_)
    if verdict != "right":
        detail = m.detail(marks)
        raise Mistake(f"Your saved answer to question {m.number} is not right yet" + (f" ({detail})" if detail else "")
                      + ". Answer it again above: your latest answer is saved as soon as you give it.")
    passed(f"Question {m.number}: right, and saved in {m.store.path.name}.")

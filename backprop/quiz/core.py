"""Quiz state without a browser: hashing, the answers file, one model per kind of question.

Nothing here knows the right answers. A question arrives with a *seal*: a
small token made on the instructor side (``python -m autograder.quiz update``)
that holds salted hashes of the right answer and the explanations, scrambled.
The models check an answer by hashing it the same way and comparing.

A question may also arrive *without* a seal (``seal=None``, with its ``number``
and ``title`` instead): a course released with ``make course SEALS=0``. Then
there is nothing in the notebook to check against, so an answer is only saved:
``verdict`` is ``"saved"`` and ``result`` says it is marked when the work is
graded (:data:`SAVED`), never ✓ or ✗.

Hashes: ``sha256(salt · question id · kind · canonical answer part)``, cut to
24 hex digits (see :func:`digest`). Every quiz question has a handful of
possible answers, so anyone who reads this code can try them all: the hashes
stop casual reading of the notebook, not a determined learner. That is why
grading never trusts them: nbgrader's hidden tests grade the saved answer
against the plaintext key, which lives only on the instructor side
(``autograder/quiz/``).

Canonical answers, as saved in the answers file:

- single choice: the chosen option's text;
- multiple choice: the ticked options' texts, in the order they are shown;
- ordering: the item texts, top to bottom (each item is judged by the set of items above it:
  :func:`order_part`);
- numeric: a float. A number is accepted when it lies on the same or a
  neighbouring step of a grid of step ``tol`` as the right value
  (:func:`bucket`): everything within ``tol`` of the right value is accepted,
  nothing ``2·tol`` or further away. Grading uses the same rule.
"""

import base64
import datetime as _dt
import hashlib
import json
import math
import os
import re
from pathlib import Path

import traitlets

ANSWERS_FILE = "quiz_answers.json"
FORMAT = "backprop-quiz-answers"
VERSION = 1
KINDS = ("single", "multiple", "order", "numeric")
#: What a question without a seal says once answered (no ✓/✗: only grading can tell).
SAVED = "Answer saved; it is marked when your work is graded."


# ---------------------------------------------------------------- hashing ---

def digest(salt, qid, kind, *parts):
    """Salted hash of one canonical answer part: 24 hex digits of sha256."""
    text = "\x1f".join([str(salt), str(qid), str(kind)] + [str(p) for p in parts])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def order_part(item, before):
    """What is hashed for one item of an ordering: the item and the set of items placed before it.

    An ordering question accepts every order in which each step comes after the steps it needs (the
    backward pass has more than one right order); an item is marked right when the items before it
    include everything it needs, so its mark depends on that set, not on its position.
    """
    return item, "\x1e".join(sorted(before))


def bucket(value, step):
    """Index of the grid cell of width ``step`` that holds ``value`` (for numeric answers)."""
    return int(math.floor(float(value) / float(step) + 0.5))


def numeric_close(value, right, step):
    """The numeric acceptance rule: same or neighbouring grid cell (accepts |value − right| < step)."""
    return abs(bucket(value, step) - bucket(right, step)) <= 1


def _stream(salt, qid, tag, n):
    out, counter = b"", 0
    while len(out) < n:
        out += hashlib.sha256(f"{salt}\x1f{qid}\x1fexplain\x1f{tag}\x1f{counter}".encode("utf-8")).digest()
        counter += 1
    return out[:n]


def scramble(salt, qid, tag, text):
    """Scramble an explanation so it cannot be read in the notebook's source (XOR with a hash stream)."""
    raw = text.encode("utf-8")
    return base64.b64encode(bytes(a ^ b for a, b in zip(raw, _stream(salt, qid, tag, len(raw))))).decode("ascii")


def unscramble(salt, qid, tag, token):
    """Inverse of :func:`scramble`."""
    raw = base64.b64decode(token.encode("ascii"))
    return bytes(a ^ b for a, b in zip(raw, _stream(salt, qid, tag, len(raw)))).decode("utf-8")


def read_seal(seal):
    """Decode a seal token (base64 JSON) into a dict."""
    try:
        return json.loads(base64.b64decode(seal.encode("ascii")).decode("utf-8"))
    except Exception:
        raise ValueError("this question's seal is damaged: regenerate it with `python -m autograder.quiz update`") from None


def make_seal(data):
    """Encode a dict as a seal token (used by the instructor tools)."""
    return base64.b64encode(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).decode("ascii")


# ------------------------------------------------------------ answers file ---

def _now():
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class AnswerStore:
    """The answers file beside the notebook: ``{"lessons": {lesson: {qid: record}}}``.

    Every ``save`` rewrites the whole file atomically (a temporary file, then a
    rename), so a kernel that dies mid-write never leaves half a file.
    """

    def __init__(self, lesson, folder=None, filename=ANSWERS_FILE):
        self.lesson = lesson
        self.path = Path(folder if folder is not None else os.getcwd()) / filename

    def read_all(self):
        """The whole file as a dict ({} if there is no file). Raises ValueError if unreadable."""
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path.name} could not be read ({exc})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{self.path.name} does not hold a JSON object")
        return data

    def records(self):
        """{qid: record} for this lesson; {} if the file is missing or unreadable."""
        try:
            data = self.read_all()
        except ValueError:
            return {}
        lesson = data.get("lessons", {}).get(self.lesson, {})
        return lesson if isinstance(lesson, dict) else {}

    def get(self, qid):
        rec = self.records().get(qid)
        return rec if isinstance(rec, dict) and "answer" in rec else None

    def save(self, qid, kind, answer):
        try:
            data = self.read_all()
        except ValueError:
            data = {}  # a damaged file is replaced by a good one
        data["format"], data["version"] = FORMAT, VERSION
        lessons = data.setdefault("lessons", {})
        lessons.setdefault(self.lesson, {})[qid] = {"kind": kind, "answer": answer, "saved_at": _now()}
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


# ----------------------------------------------------------------- models ---

def parse_number(text):
    """A learner's typed number → float. Accepts '−0.25', '-2.5e-3', '0,25', '3/4'. Raises ValueError."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        s = str(text).strip().replace("\u2212", "-").replace(" ", "")
        if "," in s and "." not in s:
            s = s.replace(",", ".")
        m = re.fullmatch(r"([-+]?[0-9.eE+-]+)/([-+]?[0-9.eE+-]+)", s)
        try:
            value = float(m.group(1)) / float(m.group(2)) if m else float(s)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{text!r} is not a number: type something like -0.25 or 3.1e-2") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


class Question(traitlets.HasTraits):
    """One question's state. Subclasses: SingleChoice, MultipleChoice, Ordering, Numeric.

    Traits a view shows:
      ``answer``  the given (and saved) answer in canonical form, or None;
      ``verdict`` "" (unanswered), "right" or "wrong"; "saved" for a question without a seal;
      ``result``  one line for the learner, starting with ✓ or ✗ ("" before answering;
                  :data:`SAVED` for a question without a seal);
      ``marks``   per option / position: "right", "wrong" or "" (not shown yet);
      ``explanations`` per option (choice kinds) or one item (others): HTML, "" while hidden.

    Choice kinds also have ``notes()``: the feedback lines under the options (see :func:`note`).
    """

    kind = ""
    answer = traitlets.Any(None, allow_none=True)
    verdict = traitlets.Unicode("")
    result = traitlets.Unicode("")
    marks = traitlets.List(traitlets.Unicode())
    explanations = traitlets.List(traitlets.Unicode())
    shown = traitlets.Int(0)  # counts answers shown: a view redraws its feedback once per answer, on this

    def __init__(self, qid, prompt, seal, salt, store=None, number=None, title=None):
        super().__init__()
        self.qid, self.prompt, self.salt, self.store = qid, prompt, salt, store
        #: False for a question released without a seal: answers are saved, never judged here.
        self.sealed = seal is not None
        if not self.sealed:
            self.seal = {}
            self.number = int(number or 0)
            self.title = title or qid
            return
        self.seal = read_seal(seal)
        if self.seal.get("kind") != self.kind:
            raise ValueError(f"question {qid!r}: the seal is for a {self.seal.get('kind')} question, not {self.kind}")
        if self.seal.get("id") != qid:
            raise ValueError(f"the seal given to question {qid!r} belongs to question {self.seal.get('id')!r}")
        self.number = int(self.seal.get("n", 0))
        self.title = self.seal.get("title", qid)

    # subclasses: canonical(value) -> canonical answer (raise ValueError), judge(answer) -> marks, verdict
    def canonical(self, value):
        raise NotImplementedError

    def judge(self, answer):
        raise NotImplementedError

    def _explain(self, tag):
        token = self.seal.get("x", {}).get(tag)
        return unscramble(self.salt, self.qid, tag, token) if token else ""

    def explain_for(self, answer, verdict):
        """The explanations to show: by default the question's one explanation, once the answer is right."""
        return [self._explain("") if verdict == "right" else ""]

    def _show(self, answer):
        """Set verdict, marks, result and explanations for ``answer`` (already canonical)."""
        self.answer = answer
        self.marks, verdict, self.result = self.judge(answer) if self.sealed else ([], "saved", SAVED)
        self.explanations = self.explain_for(answer, verdict)
        self.verdict = verdict
        self.shown += 1

    def give(self, value, save=True):
        """The learner answers: check the answer, show the verdict, save it at once.

        Raises ValueError (with a sentence for the learner) if ``value`` is not a
        possible answer of this kind; nothing is saved then.
        """
        answer = self.canonical(value)
        self._show(answer)
        if save and self.store is not None:
            try:
                self.store.save(self.qid, self.kind, answer)
            except OSError as exc:  # a read-only folder, a full disk: say so instead of failing silently
                unsaved = (f"⚠ Not saved: {self.store.path.name} could not be written ({exc.strerror or exc}). "
                           "Move the notebook to a folder you can write to, then answer again.")
                self.result = f"{self.result} {unsaved}" if self.sealed else unsaved
        return self.verdict

    def restore(self):
        """Show the answer saved in the answers file, if any (after a restart or on reopening)."""
        rec = self.store.get(self.qid) if self.store is not None else None
        if rec is None:
            return False
        try:
            self._show(self.canonical(rec["answer"]))
        except ValueError:
            return False  # a saved answer that no longer fits the question: start fresh
        return True

    def detail(self, marks):
        """A few words on how wrong a wrong answer is, without giving the answer away."""
        return ""

    def not_answered_message(self):
        return f"You have not answered question {self.number} yet: {self.how_to_answer}"

    how_to_answer = "answer it above."


class SingleChoice(Question):
    """Pick one option. Answered (and saved) as soon as an option is picked."""

    kind = "single"
    how_to_answer = "pick an option above."

    def __init__(self, qid, prompt, options, seal, salt, store=None, **meta):
        super().__init__(qid, prompt, seal, salt, store, **meta)
        self.options = list(options)

    def canonical(self, value):
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(self.options):
            return self.options[value]
        if value in self.options:
            return value
        raise ValueError(f"question {self.number} has no option {value!r}; pick one of the options shown.")

    def judge(self, answer):
        right = digest(self.salt, self.qid, self.kind, answer) == self.seal["h"]
        marks = ["right" if (o == answer and right) else "wrong" if o == answer else "" for o in self.options]
        if right:
            return marks, "right", "✓ Right. Read why each option is or is not right below."
        return marks, "wrong", "✗ Not this one. Read why below, then pick again."

    def explain_for(self, answer, verdict):
        # Once right, every option's explanation; before that, only the picked one's (the rest would give it away).
        return [self._explain(o) if (verdict == "right" or o == answer) else "" for o in self.options]

    def notes(self):
        """What the feedback under the options shows, one dict per option to show (see :func:`note`).

        Before an answer: nothing. While wrong: only the picked option (its explanation says why not).
        Once right: every option, the picked one first, each with its explanation.
        Without a seal: nothing (the result line says the answer is saved).
        """
        if self.answer is None or not self.sealed:
            return []
        out = []
        for i, o in enumerate(self.options):
            picked = o == self.answer
            if not picked and self.verdict != "right":
                continue
            mark = self.marks[i] if i < len(self.marks) else ""
            if picked:
                status = "right: your pick is the answer." if mark == "right" else "wrong: your pick is not the answer."
            else:
                status = "not the answer."
            out.append(note(o, "single", picked, mark, status, self.explanations[i] if i < len(self.explanations) else ""))
        return sorted(out, key=lambda n: not n["ticked"])


class MultipleChoice(Question):
    """Tick every option that applies, then Check.

    After a Check every option is marked: was its tick (or its absence) right? Options whose tick was
    wrong are explained at once; the others only once the whole answer is right.
    """

    kind = "multiple"
    how_to_answer = "tick the options that apply above and press Check."

    def __init__(self, qid, prompt, options, seal, salt, store=None, **meta):
        super().__init__(qid, prompt, seal, salt, store, **meta)
        self.options = list(options)

    def canonical(self, value):
        if isinstance(value, str):
            value = [value]
        value = list(value)
        picked = set()
        for v in value:
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(self.options):
                v = self.options[v]
            if v not in self.options:
                raise ValueError(f"question {self.number} has no option {v!r}.")
            picked.add(v)
        return [o for o in self.options if o in picked]

    def judge(self, answer):
        marks = []
        for i, o in enumerate(self.options):
            ticked = "1" if o in answer else "0"
            marks.append("right" if digest(self.salt, self.qid, self.kind, o, ticked) == self.seal["h"][i] else "wrong")
        n_right = marks.count("right")
        if n_right == len(marks):
            return marks, "right", f"✓ Right: all {len(marks)} options are ticked or left as they should be."
        bad = len(marks) - n_right
        return marks, "wrong", (f"✗ {bad} of {len(marks)} options {'is' if bad == 1 else 'are'} not right yet: "
                                "change the ticks marked ✗ wrong and press Check again.")

    def explain_for(self, answer, verdict):
        # Once right, every option's explanation. Before that, only the options whose tick was wrong: one
        # wrong try must not hand out the reasoning for every option (the ✓ ones are for the learner to own).
        return [self._explain(o) if (verdict == "right" or (i < len(self.marks) and self.marks[i] == "wrong"))
                else "" for i, o in enumerate(self.options)]

    def notes(self):
        """One dict per option once checked (see :func:`note`): the tick given, whether it was right, and why.

        Without a seal: nothing (the ticks are the answer; the result line says it is saved).
        """
        if self.answer is None or not self.sealed:
            return []
        out = []
        for i, o in enumerate(self.options):
            ticked = o in self.answer
            mark = self.marks[i] if i < len(self.marks) else ""
            applies = (ticked and mark == "right") or (not ticked and mark == "wrong")
            verb = "tick it" if ticked else "leave it unticked"
            status = (f"{'right' if mark == 'right' else 'wrong'} to {verb}: "
                      f"{'it applies' if applies else 'it does not apply'}.")
            out.append(note(o, "multiple", ticked, mark, status, self.explanations[i] if i < len(self.explanations) else ""))
        return out


class Ordering(Question):
    """Put items in order (drag, or the keyboard), then Check; each position is marked right or wrong.

    ``order`` is the arrangement on screen; ``answer`` the order last checked.
    Moving an item clears the marks until the next Check.
    """

    kind = "order"
    how_to_answer = "put the steps in order above and press Check."
    order = traitlets.List(traitlets.Unicode())

    def __init__(self, qid, prompt, items, seal, salt, store=None, **meta):
        super().__init__(qid, prompt, seal, salt, store, **meta)
        self.items = list(items)
        self.order = list(items)
        self.observe(self._moved, names="order")

    def _moved(self, change):
        if self.answer is not None and list(change["new"]) == list(self.answer):
            self._show(self.answer)
        else:
            self.marks, self.result, self.verdict = [], "", ""

    def move(self, i, j):
        """Move the item at position i to position j (0-based); positions are clamped to the list."""
        order = list(self.order)
        i = max(0, min(len(order) - 1, int(i)))
        j = max(0, min(len(order) - 1, int(j)))
        order.insert(j, order.pop(i))
        self.order = order

    def check(self):
        """Check (and save) the order on screen."""
        return self.give(list(self.order))

    def canonical(self, value):
        value = list(value)
        if sorted(value) != sorted(self.items):
            raise ValueError(f"question {self.number} needs each of these exactly once: {', '.join(self.items)}.")
        return value

    def judge(self, answer):
        # an item is right when everything it needs is above it (any such order is right)
        marks = ["right" if digest(self.salt, self.qid, self.kind, *order_part(it, answer[:p]))
                 in self.seal["h"].get(it, ()) else "wrong" for p, it in enumerate(answer)]
        n, ok = len(marks), marks.count("right")
        if ok == n:
            return marks, "right", f"✓ All {n} steps come after the steps they need: this order works."
        return marks, "wrong", (f"✗ {ok} of {n} steps come after the steps they need. A step marked ✗ needs "
                                "a step that is still below it: move it down, or what it needs up, and check again.")

    def detail(self, marks):
        return f"{marks.count('right')} of {len(marks)} steps come after the steps they need"

    def _show(self, answer):
        super()._show(answer)
        if list(self.order) != list(answer):  # show the checked order without clearing its marks
            self.unobserve(self._moved, names="order")
            try:
                self.order = list(answer)
            finally:
                self.observe(self._moved, names="order")


class Numeric(Question):
    """Type a number, then Check. Right when within the question's tolerance (see :func:`numeric_close`)."""

    kind = "numeric"
    how_to_answer = "type your number above and press Check."
    text = traitlets.Unicode("")

    def __init__(self, qid, prompt, seal, salt, store=None, **meta):
        super().__init__(qid, prompt, seal, salt, store, **meta)
        self.step = float(self.seal["step"]) if self.sealed else None

    def check(self):
        """Check (and save) the number typed in ``text``. A typo gives a ✗ line, not an error."""
        try:
            return self.give(self.text)
        except ValueError as exc:
            self.result = f"✗ {exc}"
            return ""

    def canonical(self, value):
        return parse_number(value)

    def judge(self, answer):
        right = digest(self.salt, self.qid, self.kind, bucket(answer, self.step)) in self.seal["h"]
        if right:
            return ["right"], "right", f"✓ Right: {answer:g} is within {self.step:g} of the answer."
        hint = self.seal.get("hint", "")
        return ["wrong"], "wrong", f"✗ {answer:g} is not right (answers within {self.step:g} count)." + (
            f" Hint: {hint}" if hint else "")

    def _show(self, answer):
        super()._show(answer)
        if _safe_number(self.text) != answer:  # an answer given by code or restored from the file
            self.text = format(float(answer), ".12g")


def note(option, kind, ticked, mark, status, explanation):
    """One line of choice feedback, as a dict the view shows and the tests read.

    ``box``: the learner's choice as a glyph (☑ / ☐ ticked or not; ◉ / ○ picked or not);
    ``mark``: "right" / "wrong" (was that choice right?) or "" (an option not picked, shown once right);
    ``status``: the words after the mark, e.g. "right to leave it unticked: it does not apply.";
    ``explanation``: HTML, "" while it is held back.
    """
    box = ("☑" if ticked else "☐") if kind == "multiple" else ("◉" if ticked else "○")
    return {"option": option, "ticked": bool(ticked), "box": box, "mark": mark, "status": status,
            "explanation": explanation}


def _safe_number(text):
    try:
        return parse_number(text)
    except ValueError:
        return None


MODELS = {"single": SingleChoice, "multiple": MultipleChoice, "order": Ordering, "numeric": Numeric}

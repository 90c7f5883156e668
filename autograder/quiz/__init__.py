"""Instructor side of the quizzes: the plaintext keys, sealing, grading saved answers.

- ``keys/<lesson>.py``: each lesson's questions with their right answers and
  explanations (``QUESTIONS``, a list of dicts; see ``keys/07_try_it.py``).
  Nothing from here reaches a learner except through :func:`seal`.
- :mod:`autograder.quiz.notebook`: the quiz cells of a lesson's solution
  notebook (question cells with seals, the answers-by-code cell, one grade cell
  per question), generated from the key and kept in step with it:
  ``python -m autograder.quiz update <lesson>`` rewrites them in
  ``solutions/<lesson>/<lesson>.ipynb``.
- :func:`grade`: what hidden tests call. It reads ``quiz_answers.json`` in the
  working directory (the submission's folder) and compares against the key;
  right prints a ✓ line, anything else raises ``backprop.checks.Mistake`` with
  a sentence that never contains the right answer.
- :func:`write_answers`: script a submission (see README.md for the format).
- :func:`giveaways`: what must never reach a learner (for the leak checks and the learner edition).
"""

import importlib.util
from pathlib import Path

from backprop.checks import Mistake, passed
from backprop.quiz.core import (ANSWERS_FILE, FORMAT, KINDS, VERSION, AnswerStore, digest, make_seal, order_part,
                                numeric_close, parse_number, scramble, bucket)

#: The course's salt for answer hashes. Public (it is in every notebook); it only makes
#: the hashes specific to this course, so a table of hashes from elsewhere does not apply.
SALT = "backprop-by-hand/2026"
KEYS = Path(__file__).resolve().parent / "keys"

HOW = {"single": "pick an option above.", "multiple": "tick the options that apply above and press Check.",
       "order": "put the steps in order above and press Check.", "numeric": "type your number above and press Check."}


# ------------------------------------------------------------------- keys ---

def load_key(lesson):
    """The lesson's questions (list of dicts, numbered ``n`` = 1, 2, … in order), validated."""
    path = KEYS / f"{lesson}.py"
    if not path.exists():
        raise FileNotFoundError(f"no quiz key for lesson {lesson!r}: expected {path}")
    spec = importlib.util.spec_from_file_location(f"autograder.quiz.keys.k_{lesson}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    questions = [dict(q) for q in mod.QUESTIONS]
    seen = set()
    for n, q in enumerate(questions, 1):
        q["n"] = n
        _validate(lesson, q)
        if q["id"] in seen:
            raise ValueError(f"{lesson}: duplicate question id {q['id']!r}")
        seen.add(q["id"])
    return questions


def _validate(lesson, q):
    where = f"{lesson}:{q.get('id')}"
    for field in ("id", "kind", "title", "prompt"):
        if not q.get(field):
            raise ValueError(f"{where}: missing {field!r}")
    kind = q["kind"]
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {KINDS}")
    if kind == "single":
        if q["answer"] not in q["options"]:
            raise ValueError(f"{where}: the answer is not one of the options")
    if kind == "multiple":
        if not set(q["answer"]) <= set(q["options"]):
            raise ValueError(f"{where}: every answer must be an option")
    if kind in ("single", "multiple"):
        if len(set(q["options"])) != len(q["options"]):
            raise ValueError(f"{where}: options must differ")
        missing = [o for o in q["options"] if not q.get("explain", {}).get(o)]
        if missing:
            raise ValueError(f"{where}: every option needs an explanation; missing for {missing}")
    if kind == "order":
        if sorted(q["shown"]) != sorted(q["answer"]) or len(set(q["answer"])) != len(q["answer"]):
            raise ValueError(f"{where}: 'shown' must be the answer's items in another order, each once")
        if len(q["answer"]) > MAX_ORDER_ITEMS:
            raise ValueError(f"{where}: at most {MAX_ORDER_ITEMS} items (the seal holds 2^(n-1) hashes per item)")
        wants = needs(q)
        odd = [it for it in q.get("needs", {}) if it not in q["answer"]] + \
              [w for ws in wants.values() for w in ws if w not in q["answer"]]
        if odd:
            raise ValueError(f"{where}: 'needs' names items the question does not have: {odd}")
        if not all(order_marks(q, q["answer"])):
            raise ValueError(f"{where}: the answer does not respect 'needs' (or 'needs' has a cycle)")
        if all(order_marks(q, q["shown"])):
            raise ValueError(f"{where}: the items must not be shown in an order that is already right")
    if kind == "numeric":
        if not float(q["tol"]) > 0:
            raise ValueError(f"{where}: tol must be > 0")
        float(q["answer"])


#: An ordering question's seal holds 2^(n-1) hashes per item (one per set of items that may be above it).
MAX_ORDER_ITEMS = 8


def needs(q):
    """{item: set of the items it needs above it} for an ordering question.

    From the key's ``needs`` ({item: [items it needs]}) when it has one: then every order that respects
    them is right. Without it, the order is a chain: each item needs the one before it in ``answer``.
    """
    items = list(q["answer"])
    if "needs" in q:
        return {it: set(q["needs"].get(it, ())) for it in items}
    return {it: set(items[i - 1:i]) for i, it in enumerate(items)}


def order_marks(q, order):
    """For each position of ``order``: does every item that item needs stand above it?"""
    wants = needs(q)
    return [wants.get(it, set()) <= set(order[:p]) for p, it in enumerate(order)]


def question(lesson, qid):
    """One question of the key, by id."""
    for q in load_key(lesson):
        if q["id"] == qid:
            return q
    raise KeyError(f"{lesson} has no quiz question {qid!r}")


def right_answers(lesson):
    """{qid: the right answer in the answers file's form}, for scripting and tests."""
    return {q["id"]: (list(q["answer"]) if q["kind"] in ("multiple", "order") else q["answer"])
            for q in load_key(lesson)}


def giveaways(lesson):
    """Strings that would give a question's answer away if a learner could read them (for leak checks).

    Every explanation (the right option's reads "Right. …"), a numeric answer in the usual formats, a
    multiple-choice or ordering answer written as a list, and a single choice answered by code. (The right
    option's text alone is no giveaway: every option is shown.)
    """
    import json
    out = []
    for q in load_key(lesson):
        if q["kind"] == "numeric":
            v = float(q["answer"])
            out += [repr(v), f"{v:.4f}", f"{v:.5f}", f"{v:.6f}", f"{v:.8g}"]
        elif q["kind"] in ("multiple", "order"):
            ans = list(q["answer"])
            out += [json.dumps(ans, ensure_ascii=False), json.dumps(ans), repr(ans), ", ".join(ans)]
        ex = q.get("explain")
        out += list(ex.values()) if isinstance(ex, dict) else ([ex] if ex else [])
        if q["kind"] == "single":
            out.append(f'quiz.answer("{q["id"]}", "{q["answer"]}")')
    return [s for s in out if s]


# ------------------------------------------------------------------ seals ---

def shown(q, salt=SALT):
    """The order a choice question's options are shown in: shuffled, seeded by the question id.

    Key authors may list the right option first; the learner never sees it there. A single choice
    never shows its answer first, and a multiple choice never shows its right options as a block
    at the top. Ordering questions use their own ``shown``; numeric questions have no options.
    """
    import hashlib
    import random

    options = list(q.get("options", []))
    if q["kind"] not in ("single", "multiple") or len(options) < 2:
        return options
    right = {q["answer"]} if q["kind"] == "single" else set(q["answer"])
    seed = int(hashlib.sha256(f"{salt}\x1f{q['id']}\x1fshown".encode("utf-8")).hexdigest(), 16)
    for attempt in range(1000):
        order = options[:]
        random.Random(seed + attempt).shuffle(order)
        if 0 < len(right) < len(order) and set(order[:len(right)]) == right:
            continue  # the right options as a block at the top
        return order
    return options


def seal(q, salt=SALT):
    """The token shipped in the notebook: hashes of the right answer, scrambled explanations."""
    qid, kind = q["id"], q["kind"]
    data = {"id": qid, "kind": kind, "n": q["n"], "title": q["title"]}
    if kind == "single":
        data["h"] = digest(salt, qid, kind, q["answer"])
    elif kind == "multiple":  # one hash per option, in the order shown
        data["h"] = [digest(salt, qid, kind, o, "1" if o in q["answer"] else "0") for o in shown(q, salt)]
    elif kind == "order":
        # per item, the hash of every set of other items that may stand above it (it holds all it needs),
        # padded to 2^(n-1) so the count does not tell how many items it needs
        from itertools import combinations
        items, wants = list(q["answer"]), needs(q)
        data["h"] = {}
        for it in items:
            others = [o for o in items if o != it]
            ok = [digest(salt, qid, kind, *order_part(it, c)) for r in range(len(others) + 1)
                  for c in combinations(others, r) if wants[it] <= set(c)]
            pad = [digest(salt, qid, kind, "pad", it, i) for i in range(2 ** len(others) - len(ok))]
            data["h"][it] = sorted(ok + pad)
    else:
        step = float(q["tol"])
        b = bucket(float(q["answer"]), step)
        data["h"] = sorted(digest(salt, qid, kind, b + j) for j in (-1, 0, 1))
        data["step"] = step
        if q.get("hint"):
            data["hint"] = q["hint"]
    if kind in ("single", "multiple"):
        data["x"] = {o: scramble(salt, qid, o, q["explain"][o]) for o in q["options"]}
    elif q.get("explain"):
        data["x"] = {"": scramble(salt, qid, "", q["explain"])}
    return make_seal(data)


# ---------------------------------------------------------------- grading ---

def verdict(q, saved):
    """Compare a saved answer with the key. Returns (right: bool, detail: str for the learner)."""
    kind = q["kind"]
    if kind == "single":
        if isinstance(saved, int) and not isinstance(saved, bool) and 0 <= saved < len(q["options"]):
            saved = q["options"][saved]
        if saved not in q["options"]:
            return False, "the saved answer is not one of its options"
        return saved == q["answer"], ""
    if kind == "multiple":
        if isinstance(saved, str) or not isinstance(saved, (list, tuple)):
            return False, "the saved answer is not a list of options"
        if not all(isinstance(s, str) and s in q["options"] for s in saved):
            return False, "the saved answer names an option the question does not have"
        return set(saved) == set(q["answer"]), ""
    if kind == "order":
        if not isinstance(saved, (list, tuple)) or sorted(map(str, saved)) != sorted(q["answer"]):
            return False, "the saved answer does not hold each step exactly once"
        marks = order_marks(q, list(map(str, saved)))
        ok, n = sum(marks), len(marks)
        return ok == n, f"{ok} of {n} steps come after the steps they need"
    try:
        value = parse_number(saved)
    except (ValueError, TypeError):
        return False, "the saved answer is not a number"
    return numeric_close(value, float(q["answer"]), float(q["tol"])), ""


def grade(lesson, qid, folder=None):
    """Hidden test: grade question ``qid`` from the saved answers file in ``folder`` (default: cwd).

    Right: prints "✓ Question n (title): right." Otherwise raises a Mistake that
    says what is missing or that the answer is wrong, never what is right.
    """
    q = question(lesson, qid)
    n, title = q["n"], q["title"]
    store = AnswerStore(lesson, folder)
    if not store.path.exists():
        raise Mistake(f"No saved quiz answers: {ANSWERS_FILE} is not in this notebook's folder, so question {n} "
                      f"({title}) scores 0. Answer the questions in the notebook (each answer is saved as you give "
                      f"it) and submit {ANSWERS_FILE} with it.")
    try:
        data = store.read_all()
    except ValueError as exc:
        raise Mistake(f"{exc}, so question {n} ({title}) scores 0. Answer the question again in the "
                      "notebook; that rewrites the file.") from None
    rec = (data.get("lessons") or {}).get(lesson, {}).get(qid) if isinstance(data.get("lessons"), dict) else None
    if not isinstance(rec, dict) or "answer" not in rec:
        raise Mistake(f"You have not answered question {n} ({title}) yet: {HOW[q['kind']]}")
    right, detail = verdict(q, rec["answer"])
    if not right:
        raise Mistake(f"Your saved answer to question {n} ({title}) is not right"
                      + (f": {detail}." if detail else ".") + " Answer it again above; your latest answer counts.")
    passed(f"Question {n} ({title}): right.")


def write_answers(folder, lesson, answers):
    """Write (or update) ``quiz_answers.json`` in ``folder`` with ``{qid: answer}`` for ``lesson``.

    Answers in the file's form: option text (single), list of option texts
    (multiple), list of items top to bottom (order), number (numeric).
    Returns the file's path.
    """
    store = AnswerStore(lesson, folder)
    kinds = {q["id"]: q["kind"] for q in load_key(lesson)}
    for qid, value in answers.items():
        if qid not in kinds:
            raise KeyError(f"{lesson} has no quiz question {qid!r}")
        store.save(qid, kinds[qid], value)
    return store.path


__all__ = ["SALT", "load_key", "needs", "order_marks", "question", "right_answers", "giveaways", "shown", "seal", "verdict", "grade", "write_answers",
           "FORMAT", "VERSION"]

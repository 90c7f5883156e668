"""A lesson's quiz cells, generated from its key and kept in step with it inside the solution notebook.

``solutions/LESSON/LESSON.ipynb`` is the only source of a lesson. The quiz part of it is derived
from ``autograder/quiz/keys/LESSON.py``: one locked question cell per question (its prompt, options
and seal) and one grade cell per question. :func:`sync` rewrites exactly those cells from the key,
adds the cells of new questions, removes those of questions the key dropped, and adds a
``quiz.answer(...)`` line to the answers cell for a new question; every other cell (the lesson's
text, the setup, the answers the instructor wrote by code) stays as it is.

    python -m autograder.quiz update LESSON    # after editing the key
    python -m autograder.quiz check LESSON     # the key is valid and the notebook is in step with it

The solution notebook is always sealed (the instructor gets ✓/✗). A release without seals
(``make course SEALS=0``) passes it through :func:`drop_seals`, nbgrader preprocessor
``autograder.preprocessors.DropQuizSeals``: each question's ``seal="…"`` becomes
``number=n, title="…"`` and ``quiz.start`` loses its salt.
"""

import json
import re
from pathlib import Path

import nbformat

from autograder.nbconfig import ROOT, SOURCE

QUESTION = "quiz_q_"      # grade_id prefix of a question cell
GRADE = "test_quiz_"      # grade_id prefix of a question's grade cell
ANSWERS = "quiz_answers_"  # grade_id prefix of the answers-by-code cell (a solution cell)
SETUP = "quiz_setup"


def notebook_path(lesson, root=ROOT):
    return Path(root) / SOURCE / lesson / f"{lesson}.ipynb"


def _py(value):
    return json.dumps(value, ensure_ascii=False)


def _raw(text):
    if '"""' in text or text.endswith("\\"):
        raise ValueError("a prompt may not contain triple quotes or end in a backslash")
    return f'r"""{text}"""' if "\n" in text or '"' in text else f'r"{text}"'


def _meta(gid, *, grade=False, locked=True, solution=False, points=None):
    meta = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = float(points)
    return meta


def _code(gid, source, **kw):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = gid
    cell.metadata["nbgrader"] = _meta(gid, **kw)
    return cell


def question_source(lesson, q, salt):
    """The question cell's code. Its first line is a label: a collapsed cell shows only that line."""
    from autograder.quiz import seal, shown
    s = seal(q, salt)
    label = f"# Question {q['n']} ({q['title']}): answer it in the widget below this cell.\n"
    if q["kind"] in ("single", "multiple"):
        return label + (f"quiz.{q['kind']}({_py(q['id'])}, {_raw(q['prompt'])},\n"
                        f"    {_py(shown(q, salt))},\n    seal={_py(s)})")
    if q["kind"] == "order":
        return label + (f"quiz.order({_py(q['id'])}, {_raw(q['prompt'])},\n"
                        f"    {_py(list(q['shown']))},\n    seal={_py(s)})")
    return label + f"quiz.numeric({_py(q['id'])}, {_raw(q['prompt'])},\n    seal={_py(s)})"


def question_cell(lesson, q, salt):
    """The locked cell that shows question ``q``. Its source (with the long seal) starts collapsed."""
    cell = _code(QUESTION + q["id"], question_source(lesson, q, salt))
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def grade_source(lesson, q):
    return "\n".join([f'"""Question {q["n"]} ({q["title"]}): graded from your saved answer."""',
                      f"quiz.check({_py(q['id'])})",
                      "### BEGIN HIDDEN TESTS",
                      "from autograder.quiz import grade",
                      f"grade({_py(lesson)}, {_py(q['id'])})",
                      "### END HIDDEN TESTS"])


def grade_cell(lesson, q):
    return _code(GRADE + q["id"], grade_source(lesson, q), grade=True, points=q.get("points", 1))


def answer_line(qid, answer):
    return f"    quiz.answer({_py(qid)}, {_py(answer)})"


def answers_cell(lesson, questions):
    from autograder.quiz import right_answers
    right = right_answers(lesson)
    lines = ["with quiz.by_code():", "    ### BEGIN SOLUTION"]
    lines += [answer_line(q["id"], right[q["id"]]) for q in questions]
    lines.append("    ### END SOLUTION")
    return _code(ANSWERS + lesson[:2], "\n".join(lines), locked=False, solution=True)


def setup_cell(lesson, salt):
    return _code(SETUP, f"from backprop import quiz\n\nquiz.start({_py(lesson)}, salt={_py(salt)})")


def cells(lesson, salt=None):
    """Every quiz cell of a lesson, freshly generated from its key, in notebook order."""
    from autograder.quiz import SALT, load_key
    salt = salt or SALT
    qs = load_key(lesson)
    return ([setup_cell(lesson, salt)] + [question_cell(lesson, q, salt) for q in qs]
            + [answers_cell(lesson, qs)] + [grade_cell(lesson, q) for q in qs])


def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or ""


def _same(a, b):
    return (a.source == b.source and a.metadata.get("nbgrader") == b.metadata.get("nbgrader")
            and a.metadata.get("jupyter") == b.metadata.get("jupyter"))


def sync(lesson, nb, salt=None):
    """Bring the quiz cells of notebook ``nb`` (a NotebookNode, changed in place) in step with the key.

    Returns the list of changes, one sentence each (empty when the notebook was already in step).
    """
    from autograder.quiz import SALT, load_key, right_answers
    salt = salt or SALT
    qs = load_key(lesson)
    fresh = {}
    for q in qs:
        fresh[QUESTION + q["id"]] = question_cell(lesson, q, salt)
        fresh[GRADE + q["id"]] = grade_cell(lesson, q)
    changes, kept = [], []
    for cell in nb.cells:
        gid = _gid(cell)
        if gid.startswith((QUESTION, GRADE)):
            if gid not in fresh:
                changes.append(f"removed {gid} (the key has no such question)")
                continue
            new = fresh[gid]
            if not _same(cell, new):
                cell.source = new.source
                cell.metadata["nbgrader"] = new.metadata["nbgrader"]
                cell.metadata["jupyter"] = dict(cell.metadata.get("jupyter", {}), **new.metadata.get("jupyter", {}))
                if not cell.metadata["jupyter"]:
                    del cell.metadata["jupyter"]
                changes.append(f"updated {gid}")
        kept.append(cell)
    nb.cells = kept

    def index_of(pred):
        return [i for i, c in enumerate(nb.cells) if pred(_gid(c))]

    if not any("quiz.start(" in c.source for c in nb.cells if c.cell_type == "code"):
        first = (index_of(lambda g: g.startswith((QUESTION, ANSWERS, GRADE))) or [len(nb.cells)])[0]
        nb.cells.insert(first, setup_cell(lesson, salt))
        changes.append(f"added {SETUP}")
    for q in qs:  # new questions: after the question before them in the key (or after the setup)
        gid = QUESTION + q["id"]
        if index_of(lambda g, gid=gid: g == gid):
            continue
        before = index_of(lambda g: g.startswith(QUESTION)) or [
            i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "quiz.start(" in c.source]
        nb.cells.insert(before[-1] + 1, fresh[gid])
        changes.append(f"added {gid}")
    answers = index_of(lambda g: g.startswith(ANSWERS))
    if not answers:
        at = index_of(lambda g: g.startswith(QUESTION))[-1] + 1
        nb.cells.insert(at, answers_cell(lesson, qs))
        changes.append(f"added {ANSWERS}{lesson[:2]}")
    else:
        cell = nb.cells[answers[0]]
        right = right_answers(lesson)
        missing = [q["id"] for q in qs if not re.search(rf"quiz\.answer\(\s*{re.escape(_py(q['id']))}", cell.source)]
        if missing:
            lines = cell.source.split("\n")
            end = next(i for i, line in enumerate(lines) if line.strip() == "### END SOLUTION")
            lines[end:end] = [answer_line(qid, right[qid]) for qid in missing]
            cell.source = "\n".join(lines)
            changes.append(f"{_gid(cell)}: added the answer to {', '.join(missing)}")
    for q in qs:  # new grade cells: after the grade cell before them (or after the answers cell)
        gid = GRADE + q["id"]
        if index_of(lambda g, gid=gid: g == gid):
            continue
        before = index_of(lambda g: g.startswith(GRADE)) or index_of(lambda g: g.startswith(ANSWERS))
        nb.cells.insert(before[-1] + 1, fresh[gid])
        changes.append(f"added {gid}")
    return changes


def update(lesson, path=None, salt=None, write=True):
    """Sync the quiz cells of the lesson's solution notebook (default ``solutions/LESSON/LESSON.ipynb``).

    Writes the notebook back (outputs untouched, nbformat's own layout) only if something changed;
    returns the changes.
    """
    path = Path(path) if path is not None else notebook_path(lesson)
    nb = nbformat.read(str(path), as_version=4)
    changes = sync(lesson, nb, salt)
    if changes and write:
        nbformat.write(nb, str(path))
    return changes


# ------------------------------------------------------- releases without seals ---

_SEAL = re.compile(r'seal=("[A-Za-z0-9+/=]*")')
_SALT = re.compile(r'(quiz\.start\(\s*"[^"]*")\s*,\s*salt\s*=\s*"[^"]*"\s*\)')


def unsealed_source(source):
    """A question cell's code without its seal: ``seal="…"`` becomes ``number=n, title="…"`` (from the seal)."""
    from backprop.quiz.core import read_seal

    def swap(m):
        data = read_seal(json.loads(m.group(1)))
        return f"number={int(data['n'])}, title={_py(data['title'])}"

    new, n = _SEAL.subn(swap, source)
    if n != 1:
        raise ValueError(f"a quiz question cell holds {n} seals, not 1: regenerate it with "
                         "`python -m autograder.quiz update LESSON`")
    return new


def drop_seals(nb):
    """Take every seal (and the salt) out of notebook ``nb``'s quiz, in place; returns the questions changed.

    Question cells (grade_id ``quiz_q_…``) keep their prompt and options and get ``number=`` and ``title=``
    instead of ``seal=``; ``quiz.start(LESSON, salt="…")`` becomes ``quiz.start(LESSON)`` wherever it is.
    Every other cell is left as it is.
    """
    changed = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if _gid(cell).startswith(QUESTION):
            cell.source = unsealed_source(cell.source)
            changed += 1
        cell.source = _SALT.sub(r"\1)", cell.source)
    return changed

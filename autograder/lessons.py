"""The lessons the grader knows: discovered at run time from solutions/ and course/.

A lesson is graded against two notebooks: the instructor's source
(``solutions/L/L.ipynb``: solutions and hidden tests, the points, the
source of truth for ``max_score``) and the release (``course/L/L.ipynb``: the
exact cells a learner received, whose nbgrader checksums tell whether a
locked or test cell was edited).
"""

import ast
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

ROOT = Path(__file__).resolve().parent.parent


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


@dataclass
class Lesson:
    """What the grader needs to know about one lesson (one nbgrader assignment)."""

    id: str
    source: Path          # solutions/L/L.ipynb
    release: Path         # course/L/L.ipynb
    source_nb: object = None
    release_nb: object = None
    tests: dict = field(default_factory=dict)        # test grade_id -> points (source order)
    answers: list = field(default_factory=list)      # answer (solution) grade_ids, in order
    exercise_of: dict = field(default_factory=dict)  # test grade_id -> answer grade_id it checks (or itself)
    titles: dict = field(default_factory=dict)       # answer or test grade_id -> "Exercise 1 · Forward pass"
    released: dict = field(default_factory=dict)     # grade_id -> released cell (what the learner got)
    answer_names: set = field(default_factory=set)   # names the answer cells define (neuron_forward, …)
    fingerprint: str = ""

    @property
    def max_score(self):
        return float(sum(self.tests.values()))

    @property
    def exercises(self):
        """[(exercise id, title, [test ids])] in notebook order."""
        out = {}
        for t in self.tests:
            ex = self.exercise_of[t]
            out.setdefault(ex, []).append(t)
        return [(ex, self.titles.get(ex, ex), ts) for ex, ts in out.items()]

    def locked_sources(self):
        """The sources of the lesson's locked code cells that are neither answers nor tests (setup, data, …)."""
        from nbgrader.utils import is_locked
        return [c.source for c in self.source_nb.cells
                if c.cell_type == "code" and is_locked(c) and not is_grade(c) and not is_solution(c)]

    def visible_test_source(self, test_id):
        """A test cell as the learner sees it: nbgrader stripped its hidden part in the release."""
        cell = self.released.get(test_id)
        return cell.source if cell is not None else ""


_HEADING = re.compile(r"^#{1,4}\s+([^\n]+)", re.M)


def _title(markdown):
    """The last heading of a markdown cell, without its "(2 points)" (an exercise's or a quiz's title)."""
    heads = _HEADING.findall(markdown or "")
    if not heads:
        return None
    title = re.sub(r"\s*\([^)]*\bpoints?\b[^)]*\)\s*$", "", heads[-1])
    return title.replace("$", "").replace("`", "").strip()


def _docstring(source):
    first = (source or "").lstrip().splitlines()[0] if (source or "").strip() else ""
    text = first.strip().strip('"').strip("'").strip()
    return text.split(":")[0].strip() if text else None


def load_lesson(lesson_id, root=ROOT):
    root = Path(root)
    src = root / "solutions" / lesson_id / f"{lesson_id}.ipynb"
    rel = root / "course" / lesson_id / f"{lesson_id}.ipynb"
    lesson = Lesson(id=lesson_id, source=src, release=rel)
    lesson.source_nb = nbformat.read(str(src), as_version=4)
    lesson.release_nb = nbformat.read(str(rel), as_version=4) if rel.exists() else None
    last_answer, last_title = None, None
    for cell in lesson.source_nb.cells:
        if cell.cell_type == "markdown":
            last_title = _title(cell.source) or last_title
            continue
        gid = grade_id(cell)
        if gid is None:
            continue
        if is_solution(cell) and not is_grade(cell):
            last_answer = gid
            lesson.answers.append(gid)
            if cell.cell_type == "code":
                lesson.answer_names.update(bound_names(cell.source))
            if last_title:
                lesson.titles[gid] = last_title
        elif is_grade(cell):
            lesson.tests[gid] = float(cell.metadata.nbgrader.get("points", 0))
            lesson.exercise_of[gid] = last_answer if (last_answer and not is_solution(cell)) else gid
            if "quiz" in gid:   # one quiz answer cell, several questions: each question is its own row
                lesson.exercise_of[gid] = gid
                q = _docstring(cell.source)
                lesson.titles[gid] = f"{last_title} · {q}" if (q and last_title) else (q or last_title or gid)
            elif lesson.exercise_of[gid] == gid and last_title:
                lesson.titles[gid] = last_title
    if lesson.release_nb is not None:
        lesson.released = {grade_id(c): c for c in lesson.release_nb.cells if grade_id(c)}
    h = hashlib.sha256()
    h.update(src.read_bytes())
    if rel.exists():
        h.update(rel.read_bytes())
    lesson.fingerprint = h.hexdigest()
    return lesson


def lesson_ids(root=ROOT):
    """Lessons that exist both as a source (solutions/) and as a release (course/), in order."""
    root = Path(root)
    ids = []
    for p in sorted((root / "course").iterdir()) if (root / "course").is_dir() else []:
        if p.is_dir() and (p / f"{p.name}.ipynb").exists() \
                and (root / "solutions" / p.name / f"{p.name}.ipynb").exists():
            ids.append(p.name)
    return ids


def load_all(root=ROOT):
    return {lid: load_lesson(lid, root) for lid in lesson_ids(root)}


def bound_names(source, imports_only=False):
    """Names a cell's code binds at top level: {name: origin}.

    ``origin`` is "module.attr" for imports (so re-importing the same thing is
    recognised as harmless), "def" for a function or class, "code" for any
    other binding.
    """
    try:
        tree = ast.parse(transform(source))
    except SyntaxError:
        return {}
    out = {}
    for node in tree.body:
        for name, origin in _bindings(node):
            if imports_only and origin in ("code", "def"):
                continue
            out[name] = origin
    return out


def _bindings(node):
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.asname:
                yield a.asname, a.name
            else:
                yield a.name.split(".")[0], a.name.split(".")[0]
    elif isinstance(node, ast.ImportFrom):
        for a in node.names:
            yield a.asname or a.name, f"{node.module}.{a.name}"
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name, "def"
    elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    yield n.id, "code"
    elif isinstance(node, (ast.For, ast.With, ast.If, ast.While, ast.Try)):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                yield sub.id, "code"
            elif isinstance(sub, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
                yield from _bindings(sub)


def transform(source):
    """Cell source as plain Python (IPython magics and shell escapes turned into calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:
        return source

"""Step 2: is the submission the notebook the learner was given, and does its code play fair?

Two checks, both before anything runs:

**Tampering** (flag ``tampered``). Every nbgrader cell of the release
(course/) is looked up by its grade_id in the submission. A locked or test
cell that is missing, present twice, or whose nbgrader checksum (source, type,
grade/solution/locked flags, id and points: :func:`nbgrader.utils.compute_checksum`)
differs from the released one is tampered; so is any change to grading
metadata (points, grade/solution/locked flags, cell type) of any nbgrader cell,
and any cell that claims to be graded but is not in the lesson. Tampering is
never fixed silently: the submission is flagged, and nbgrader's
``OverwriteCells`` (with missing cells added back) then grades it against the
original tests from the source notebook.

**Static scan of the learner's code** (every code cell that is not locked).
``monkeypatch``: rebinding what tests rely on: attributes of numpy, builtins,
math, sys (modules, excepthook, stdout…), the ``backprop`` helpers or IPython's
error display (``set_custom_exc``, ``showtraceback``), function internals
(``__code__``, ``__defaults__``), ``sys.modules`` games, ``setattr`` on those
modules, and rebinding at top level a name that the lesson's locked cells
import or define and its tests use (``check_scalar = ...``), or a builtin that
its tests use (``abs = ...``).
Re-importing the very same thing (``import numpy as np``) is not flagged.
``reference-import``: code that imports or names ``autograder`` (the
reference solutions), uses a name the hidden tests bound to it (``ref``), or
uses the ``backprop`` function that *is* the answer to one of the lesson's
exercises (:data:`ANSWER_IN_PACKAGE`). Test cells run in the judge, outside the
learner's kernel (:mod:`autograder.judge`), so monkeypatching there changes no
verdict whether or not the scan sees it; a reference-import costs the exercise
its points (see :func:`zeroed_tests`).
"""

import ast
from dataclasses import dataclass, field

from nbgrader.utils import compute_checksum, is_grade, is_locked, is_solution

from autograder import protected
from autograder.lessons import bound_names, grade_id, transform

ANSWER_IN_PACKAGE = protected.ANSWER_IN_PACKAGE
BUILTIN_NAMES = protected.BUILTIN_NAMES
#: the scan flags rebinding an attribute of any of these
GUARDED_MODULES = protected.RESTORED_MODULES + protected.RUNTIME_MODULES
SYS_GUARDED = frozenset(protected.SYS_ATTRS + protected.SYS_CONTAINERS)
DISPLAY_ATTRS = frozenset(protected.SHELL_ATTRS + protected.KERNEL_ATTRS)
INTERNALS = frozenset(protected.INTERNALS)


@dataclass
class Findings:
    flags: list = field(default_factory=list)      # subset of tampered, monkeypatch, reference-import
    details: list = field(default_factory=list)    # sentences for the instructor
    reference_cells: list = field(default_factory=list)  # indices of learner cells with a reference-import

    def add(self, flag, detail):
        if flag not in self.flags:
            self.flags.append(flag)
        if detail not in self.details:
            self.details.append(detail)


def _nbg(cell):
    return cell.metadata.get("nbgrader", {}) if "metadata" in cell else {}


def check_tampering(nb, lesson, findings):
    released = [c for c in lesson.release_nb.cells if grade_id(c)]
    by_id = {}
    for c in nb.cells:
        gid = grade_id(c)
        if gid:
            by_id.setdefault(gid, []).append(c)
    known = {grade_id(c) for c in released}
    for r in released:
        gid = grade_id(r)
        kind = "test cell" if is_grade(r) else ("answer cell" if is_solution(r) else "locked cell")
        got = by_id.get(gid, [])
        locked = is_grade(r) or is_locked(r)
        if not got:
            if locked:
                findings.add("tampered", f"{kind} {gid!r} was deleted")
            continue
        if len(got) > 1 and locked:
            findings.add("tampered", f"{kind} {gid!r} appears {len(got)} times")
        for s in got:
            rm, sm = _nbg(r), _nbg(s)
            for key in ("grade", "solution", "locked", "task"):
                if bool(rm.get(key, False)) != bool(sm.get(key, False)):
                    findings.add("tampered", f"{kind} {gid!r}: grading metadata {key!r} changed")
            if is_grade(r) and _points(sm) != _points(rm):
                findings.add("tampered", f"{kind} {gid!r}: points changed from {_points(rm):g} to {_points(sm)}")
            if s.cell_type != r.cell_type:
                findings.add("tampered", f"{kind} {gid!r}: cell type changed to {s.cell_type}")
            if locked:
                try:
                    same = compute_checksum(s) == rm.get("checksum")
                except Exception:
                    same = False
                if not same and s.get("source") != r.source:
                    findings.add("tampered", f"{kind} {gid!r} was edited")
    for gid, cells in by_id.items():
        if gid not in known and any(is_grade(c) or is_locked(c) for c in cells):
            findings.add("tampered", f"a cell claims to be graded as {gid!r}, which is not part of the lesson")


def _points(meta):
    try:
        return float(meta.get("points", 0))
    except (TypeError, ValueError):
        return meta.get("points")


# ---------------------------------------------------------------- static scan

class _Scanner(ast.NodeVisitor):
    """Resolves names to dotted origins ("numpy.allclose") and reports suspicious bindings."""

    def __init__(self, aliases, protected, test_builtins, ref_names, forbidden, report):
        self.aliases = dict(aliases)       # local name -> dotted origin ("np" -> "numpy")
        self.protected = protected         # name -> origin bound by locked cells
        self.test_builtins = test_builtins
        self.ref_names = ref_names         # names hidden tests bound to autograder imports
        self.forbidden = forbidden
        self.report = report
        self.depth = 0
        self.globals_declared = set()
        self.bound_here = set()

    # -- resolution
    def origin(self, node):
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.origin(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Subscript):
            base = self.origin(node.value)
            if base in ("sys.modules",) or (base or "").endswith(".__dict__"):
                return base + "[]"
            return None
        if isinstance(node, ast.Call):
            f = self.origin(node.func)
            if f in ("IPython.get_ipython", "get_ipython"):
                return "IPython.shell"
            if f in ("vars", "builtins.vars") and node.args:
                a = self.origin(node.args[0])
                return f"{a}.__dict__" if a else None
            if f in ("globals", "builtins.globals"):
                return "__main__.__dict__"
        return None

    def guarded(self, dotted):
        if not dotted:
            return False
        head = dotted.split(".")[0]
        if head == "sys":
            parts = dotted.split(".")
            return len(parts) > 1 and parts[1].rstrip("[]") in SYS_GUARDED
        return head in GUARDED_MODULES or dotted.startswith(protected.INSTRUCTOR_PACKAGE)

    # -- bindings
    def _target(self, t, node):
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._target(e, node)
            return
        if isinstance(t, ast.Starred):
            self._target(t.value, node)
            return
        if isinstance(t, ast.Attribute):
            base = self.origin(t.value)
            if t.attr in INTERNALS:
                self.report("monkeypatch", f"changes `{ast.unparse(t)}` (a function's or class's internals)", node)
            elif t.attr in DISPLAY_ATTRS:
                self.report("monkeypatch", f"replaces `{ast.unparse(t)}` (how errors are shown)", node)
            elif self.guarded(base) or (base and self.guarded(f"{base}.{t.attr}")):
                self.report("monkeypatch", f"rebinds `{ast.unparse(t)}`", node)
            elif base and self._is_protected_value(t.value):
                self.report("monkeypatch", f"rebinds `{ast.unparse(t)}`", node)
            return
        if isinstance(t, ast.Subscript):
            base = self.origin(t.value)
            name = ast.unparse(t.value)
            if (base and (base.startswith("sys.modules") or base.endswith("__dict__"))) \
                    or "__builtins__" in name or name in ("sys.modules",):
                key = _const(t.slice)
                if base == "__main__.__dict__" and key not in self.protected and key not in self.test_builtins:
                    return
                self.report("monkeypatch", f"rebinds `{ast.unparse(t)}`", node)
            return
        if isinstance(t, ast.Name):
            self._name_bound(t.id, "code", node)

    def _is_protected_value(self, value):
        return isinstance(value, ast.Name) and value.id in self.protected and self.protected[value.id] != "code" \
            and self.protected[value.id].startswith(("backprop", "numpy"))

    def _name_bound(self, name, origin, node):
        top = self.depth == 0 or name in self.globals_declared
        if not top:
            return
        if name == "__builtins__":
            self.report("monkeypatch", "rebinds `__builtins__`", node)
        elif name in self.protected and self.protected[name] != origin:
            self.report("monkeypatch", f"rebinds `{name}`, which the lesson's tests use", node)
        elif name in self.test_builtins and origin == "code":
            self.report("monkeypatch", f"rebinds the builtin `{name}`, which the lesson's tests use", node)
        if origin == "code":
            self.aliases.pop(name, None)
        else:
            self.aliases[name] = origin
        self.bound_here.add(name)

    def visit_Assign(self, node):
        for t in node.targets:
            self._target(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self._target(t, node)
        self.generic_visit(node)

    def visit_NamedExpr(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_For(self, node):
        self._target(node.target, node)
        self.generic_visit(node)

    def visit_With(self, node):
        for item in node.items:
            if item.optional_vars is not None:
                self._target(item.optional_vars, node)
        self.generic_visit(node)

    def visit_Global(self, node):
        self.globals_declared.update(node.names)

    def _import_origin(self, dotted, node):
        if dotted.split(".")[0] == "autograder":
            self.report("reference-import", f"imports `{dotted}` (the course's reference solutions)", node)
        for bad in self.forbidden:
            if dotted == bad or dotted.startswith(bad + "."):
                self.report("reference-import", f"uses `{dotted}`, which computes this lesson's answer", node)

    def visit_Import(self, node):
        for a in node.names:
            self._import_origin(a.name, node)
            if a.asname:
                self._name_bound(a.asname, a.name, node)
            else:
                head = a.name.split(".")[0]
                self._name_bound(head, head, node)

    def visit_ImportFrom(self, node):
        mod = "." * node.level + (node.module or "")
        for a in node.names:
            self._import_origin(f"{mod}.{a.name}", node)
            self._name_bound(a.asname or a.name, f"{mod}.{a.name}", node)

    def visit_FunctionDef(self, node):
        self._name_bound(node.name, "code", node)
        for d in node.decorator_list + node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(d)
        saved = set(self.globals_declared)
        self.depth += 1
        for stmt in node.body:
            self.visit(stmt)
        self.depth -= 1
        self.globals_declared = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_ClassDef(self, node):
        self._name_bound(node.name, "code", node)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_Call(self, node):
        f = self.origin(node.func)
        fname = ast.unparse(node.func)
        last = fname.rsplit(".", 1)[-1]
        if last in ("set_custom_exc",):
            self.report("monkeypatch", f"calls `{fname}` (changes how errors are shown)", node)
        if f in ("setattr", "delattr", "builtins.setattr", "builtins.delattr") or fname in ("setattr", "delattr"):
            if len(node.args) >= 2 and _const(node.args[1]) in (DISPLAY_ATTRS | INTERNALS):
                self.report("monkeypatch", f"calls `{ast.unparse(node)[:60]}`", node)
            if node.args:
                target = self.origin(node.args[0])
                if self.guarded(target) or self._is_protected_value(node.args[0]) or \
                        (isinstance(node.args[0], ast.Name) and node.args[0].id in ("__builtins__",)):
                    self.report("monkeypatch", f"calls `{ast.unparse(node)[:60]}`", node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in (
                "update", "pop", "setdefault", "__setitem__", "__delitem__", "clear", "popitem", "insert",
                "append", "remove"):
            base = self.origin(node.func.value)
            if base and (base in ("sys.modules", "sys.meta_path", "sys.path_hooks") or
                         (base.endswith("__dict__") and base != "__main__.__dict__" and self.guarded(base))):
                self.report("monkeypatch", f"calls `{fname}` (changes what imports return)", node)
            if "__builtins__" in ast.unparse(node.func.value):
                self.report("monkeypatch", f"calls `{fname}`", node)
        if f in ("__import__", "builtins.__import__", "importlib.import_module", "importlib.__import__") \
                or last in ("import_module", "__import__"):
            for a in node.args[:1]:
                s = _const(a)
                if isinstance(s, str):
                    self._import_origin(s, node)
        if f in ("importlib.reload",) or last == "reload":
            self.report("monkeypatch", f"calls `{fname}` (reloads a module the tests use)", node)
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.ctx, ast.Load):
            dotted = self.origin(node)
            if dotted:
                for bad in self.forbidden:
                    if dotted == bad or dotted.startswith(bad + "."):
                        self.report("reference-import", f"uses `{dotted}`, which computes this lesson's answer", node)
                if dotted.startswith("autograder"):
                    self.report("reference-import", f"uses `{dotted}`", node)
        self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            if node.id in self.ref_names and node.id not in self.bound_here:
                self.report("reference-import", f"uses `{node.id}`, the hidden tests' reference solutions", node)
            dotted = self.aliases.get(node.id)
            if dotted:
                for bad in self.forbidden:
                    if dotted == bad or dotted.startswith(bad + "."):
                        self.report("reference-import", f"uses `{node.id}` ({dotted}), which computes this lesson's answer", node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and "autograder" in node.value:
            self.report("reference-import", "names the `autograder` package (the course's reference solutions)", node)


def _const(node):
    if isinstance(node, ast.Constant):
        return node.value
    return None


def package_functions(root=None):
    """{name: ["backprop.module.name", ...]} for every top-level function and class of backprop/ (read, not imported)."""
    from autograder.lessons import ROOT
    base = (root or ROOT) / "backprop"
    out = {}
    for path in sorted(base.rglob("*.py")):
        mod = ".".join(path.relative_to(base.parent).with_suffix("").parts)
        mod = mod[: -len(".__init__")] if mod.endswith(".__init__") else mod
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, OSError, UnicodeDecodeError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                out.setdefault(node.name, []).append(f"{mod}.{node.name}")
    return out


def _given(lesson):
    """Origins the lesson's locked cells import: handed to the learner, so always allowed."""
    given = set()
    for c in lesson.source_nb.cells:
        if c.cell_type == "code" and is_locked(c) and not is_grade(c) and not is_solution(c):
            given.update(v for v in bound_names(c.source, imports_only=True).values())
    return given


def forbidden_for(lesson):
    """Dotted names of backprop functions that are the answer to one of this lesson's exercises."""
    funcs = package_functions()
    bad = set(ANSWER_IN_PACKAGE.get(lesson.id.split("_")[0], ()))
    for name in lesson.answer_names:
        bad.update(funcs.get(name, []))
    given = _given(lesson)
    return sorted(b for b in bad if b not in given)


_CONTEXT = {}


def lesson_context(lesson):
    """What the scan needs from the source notebook (cached per lesson version)."""
    key = (lesson.id, lesson.fingerprint)
    if key not in _CONTEXT:
        _CONTEXT[key] = _lesson_context(lesson)
    return _CONTEXT[key]


def _lesson_context(lesson):
    """Protected names, builtins the tests use, names bound to the reference, aliases, forbidden functions."""
    protected, test_builtins, ref_names, test_loads = {}, set(), set(), set()
    forbidden = forbidden_for(lesson)
    for c in lesson.source_nb.cells:
        if c.cell_type != "code" or not grade_id(c):
            continue
        if is_grade(c) and not is_solution(c):
            for name, origin in bound_names(c.source, imports_only=True).items():
                if origin.startswith("autograder") or any(origin == b or origin.startswith(b + ".")
                                                          for b in forbidden):
                    ref_names.add(name)
            try:
                tree = ast.parse(transform(c.source))
            except SyntaxError:
                continue
            stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
            test_loads.update(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))
            for n in ast.walk(tree):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in BUILTIN_NAMES \
                        and n.id not in stored:
                    test_builtins.add(n.id)
        elif is_locked(c) and not is_solution(c):
            for name, origin in bound_names(c.source).items():
                protected[name] = origin
    # helpers a locked cell imports or defines may not be rebound; its plain data may be shadowed
    # (the judge uses its own copy of the setup's data anyway)
    # only what the tests use: a learner may name a helper `show` even if the setup imported one
    aliases = {k: v for k, v in protected.items() if v not in ("code", "def") and k not in lesson.answer_names}
    protected = {k: v for k, v in protected.items() if v != "code" and k not in lesson.answer_names
                 and k in test_loads}
    for name in ref_names:
        protected.setdefault(name, "reference")
    return protected, test_builtins, ref_names, aliases, forbidden


def scan_code(nb, lesson, findings):
    protected, test_builtins, ref_names, aliases, forbidden = lesson_context(lesson)
    # aliases accumulate across cells, in notebook order, like the kernel's namespace
    scanner = None
    for index, c in enumerate(nb.cells):
        if c.cell_type != "code":
            continue
        if is_locked(c) or is_grade(c):
            continue
        try:
            tree = ast.parse(transform(c.source))
        except SyntaxError:
            continue
        where = grade_id(c) or f"cell {index + 1}"
        hits = []

        def report(flag, what, node, where=where, hits=hits):
            findings.add(flag, f"{where}: {what}")
            hits.append(flag)

        if scanner is None:
            scanner = _Scanner(aliases, protected, test_builtins, ref_names, forbidden, report)
        scanner.report = report
        scanner.depth = 0
        scanner.globals_declared = set()
        scanner.visit(tree)
        if "reference-import" in hits:
            findings.reference_cells.append(index)


def check(nb, lesson):
    """All integrity findings for a submitted notebook (a NotebookNode)."""
    findings = Findings()
    check_tampering(nb, lesson, findings)
    scan_code(nb, lesson, findings)
    return findings


def zeroed_tests(nb, lesson, reference_cells):
    """Tests that earn nothing because the code they check calls the reference solutions.

    A reference-import in an exercise's answer cell costs that exercise's tests;
    in a cell the learner added, it costs every test after that cell.
    """
    out = set()
    for index in reference_cells:
        gid = grade_id(nb.cells[index])
        if gid in lesson.answers:
            out.update(t for t, ex in lesson.exercise_of.items() if ex == gid)
        else:
            for c in nb.cells[index + 1:]:
                t = grade_id(c)
                if t in lesson.tests:
                    out.add(t)
    return out

"""The grading kernel: an ipykernel that keeps learner code from changing a test's verdict.

Launched by the sandbox as ``python -m autograder.guard --memory MB
--output-limit BYTES -f CONNECTION_FILE`` (see :mod:`autograder.sandbox`).

Before any learner code runs it imports numpy, every ``backprop`` module and
``autograder.reference``, and takes a snapshot of what tests rely on:

- the namespaces of those modules, of ``builtins`` and ``math`` (so
  ``np.allclose = lambda *a, **k: True`` or ``builtins.abs = ...`` is undone),
- the code, defaults and class attributes of the course's own functions and
  classes (so ``check_scalar.__code__ = ...`` is undone),
- their ``sys.modules`` entries and the import machinery (so a fake
  ``autograder.reference`` slipped into ``sys.modules`` is thrown away),
- IPython's error display (``set_custom_exc``, ``showtraceback``) and
  ``sys.excepthook``/``stdout``/``stderr``,
- and, as the lesson's locked cells and test cells run, every name they bind
  in the notebook's namespace (``check_scalar``, ``sigmoid``, ``ref``, …).

The sandbox marks each locked cell by starting its code with :data:`MARK`
and each test cell with :data:`MARK_TEST`. Before such a cell runs, the
snapshot is restored and learner variables that shadow a builtin
(``abs = ...``) are hidden for the duration of the cell. After a locked cell,
what it changed (names it bound, module state such as ``quiz.start``) becomes
part of the snapshot; after a test cell, only the names its own code binds
(``ref``), so learner code a test calls cannot slip anything in. Names the
lesson's answer cells define (``AUTOGRADER_ANSWER_NAMES``) are never
protected: the learner's version is the one graded. Learner cells run
untouched, so a learner's own variables are never disturbed.

Limits: the address space is capped at (size after start-up + ``--memory``)
with ``RLIMIT_AS`` once the kernel is up, so a memory hog gets a MemoryError
instead of taking the machine down; the text a notebook may print is capped at
``--output-limit`` bytes, after which writing raises
:class:`OutputLimitExceeded` (a BaseException, so ``except Exception`` in
learner code does not swallow it).
"""

import builtins
import importlib
import os
import pkgutil
import resource
import sys
import types

from autograder import protected
from autograder.limits import DEFAULT as _LIMITS

MARK = "#@autograder:locked\n"       # a locked cell of the lesson (setup, quiz questions, data)
MARK_TEST = "#@autograder:test\n"    # a test cell

_is = lambda a, b: a is b  # noqa: E731  (bound before learner code; identity never changes meaning)
_dict_items = dict.items
_setattr = setattr
_getattr = getattr
_delattr = delattr
_isinstance = isinstance
_list = list
_FunctionType = types.FunctionType
_BUILTIN_NAMES = frozenset(dir(builtins))
#: names the lesson's answer cells define: locked cells may bind a placeholder, the learner's version wins
#: (set by main() from AUTOGRADER_ANSWER_NAMES)
_ANSWER_NAMES = frozenset()


def _cell_binds(code):
    """Names a test cell's own code binds at top level (what it leaves for later tests, such as ``ref``)."""
    import ast
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                for a in sub.names:
                    names.add(a.asname or a.name.split(".")[0])
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                break
    return names


class OutputLimitExceeded(BaseException):
    """The notebook printed more than the grader allows."""


def _preimport():
    names = ["numpy", "numpy.linalg", "numpy.random", "math", *protected.COURSE_PACKAGES]
    for n in names:
        try:
            importlib.import_module(n)
        except Exception:
            pass
    for pkg in protected.COURSE_PACKAGES:
        mod = sys.modules.get(pkg)
        if mod is None:
            continue
        for info in pkgutil.walk_packages(mod.__path__, pkg + "."):
            try:
                importlib.import_module(info.name)
            except Exception:
                pass


_guarded = protected.restored_module
_COURSE_PACKAGES = tuple(protected.COURSE_PACKAGES)


def _ours(obj):
    mod = _getattr(obj, "__module__", None) or ""
    return mod.startswith(_COURSE_PACKAGES)


class Snapshot:
    """What tests rely on, captured before learner code runs, and put back before each test."""

    def __init__(self):
        self.modules = {}     # name -> module object (sys.modules entries)
        self.namespaces = {}  # name -> copy of module.__dict__
        self.functions = {}   # id -> (function, __code__, __defaults__, __kwdefaults__)
        self.classes = {}     # id -> (class, copy of its own __dict__ entries)
        self.user = {}        # notebook names bound by locked/test cells -> value
        self.shell = {}
        self.shell_class = {}
        self.sys_attrs = {}
        self.meta_path = []
        self.path_hooks = []
        self.take_modules()

    def take_modules(self):
        for name, mod in _list(sys.modules.items()):
            if not _guarded(name) or not _isinstance(mod, types.ModuleType):
                continue
            self.modules[name] = mod
            self.namespaces[name] = dict(mod.__dict__)
            if not (name.startswith(_COURSE_PACKAGES) or name == protected.INSTRUCTOR_PACKAGE):
                continue
            for obj in _list(mod.__dict__.values()):
                if _isinstance(obj, _FunctionType) and _ours(obj):
                    self.functions[id(obj)] = (obj, obj.__code__, obj.__defaults__, obj.__kwdefaults__)
                elif _isinstance(obj, type) and _ours(obj):
                    self.classes[id(obj)] = (obj, dict(obj.__dict__))
                    for v in _list(obj.__dict__.values()):
                        f = _getattr(v, "__func__", v)
                        if _isinstance(f, _FunctionType):
                            self.functions[id(f)] = (f, f.__code__, f.__defaults__, f.__kwdefaults__)

    def take_runtime(self, shell):
        names = protected.SHELL_ATTRS
        self.shell = {n: shell.__dict__[n] for n in names if n in shell.__dict__}
        self.shell_names = names
        self.shell_class = {}
        for klass in type(shell).__mro__:
            for n in names:
                if n in klass.__dict__:
                    self.shell_class.setdefault((klass, n), klass.__dict__[n])
        self.sys_attrs = {n: _getattr(sys, n) for n in protected.SYS_ATTRS if hasattr(sys, n)}
        self.meta_path = _list(sys.meta_path)
        self.path_hooks = _list(sys.path_hooks)

    def restore(self, shell):
        modules = sys.modules
        for name, mod in _dict_items(self.modules):
            if not _is(modules.get(name), mod):
                modules[name] = mod
        for name, saved in _dict_items(self.namespaces):
            ns = self.modules[name].__dict__
            for k, v in _dict_items(saved):
                if not _is(ns.get(k, _MISSING), v):
                    ns[k] = v
        for f, code, defaults, kwdefaults in self.functions.values():
            if not _is(f.__code__, code):
                f.__code__ = code
            if not _is(f.__defaults__, defaults):
                f.__defaults__ = defaults
            if not _is(f.__kwdefaults__, kwdefaults):
                f.__kwdefaults__ = kwdefaults
        for klass, saved in self.classes.values():
            own = klass.__dict__
            for k, v in _dict_items(saved):
                if k in ("__dict__", "__weakref__", "__doc__", "__module__"):
                    continue
                if not _is(own.get(k, _MISSING), v):
                    try:
                        _setattr(klass, k, v)
                    except (AttributeError, TypeError):
                        pass
        if shell is not None:
            d = shell.__dict__
            for n in self.shell_names:
                if n in self.shell:
                    if not _is(d.get(n, _MISSING), self.shell[n]):
                        d[n] = self.shell[n]
                elif n in d:
                    del d[n]
            for (klass, n), v in _dict_items(self.shell_class):
                if not _is(klass.__dict__.get(n, _MISSING), v):
                    try:
                        _setattr(klass, n, v)
                    except (AttributeError, TypeError):
                        pass
        for n, v in _dict_items(self.sys_attrs):
            if not _is(_getattr(sys, n, _MISSING), v):
                _setattr(sys, n, v)
        if sys.meta_path != self.meta_path:
            sys.meta_path[:] = self.meta_path
        if sys.path_hooks != self.path_hooks:
            sys.path_hooks[:] = self.path_hooks
        if shell is not None:
            ns = shell.user_ns
            for k, v in _dict_items(self.user):
                if not _is(ns.get(k, _MISSING), v):
                    ns[k] = v


_MISSING = object()


class _State:
    snapshot = None
    started = False
    memory_mb = _LIMITS.memory
    output_limit = _LIMITS.output_limit
    written = 0


def _cap_stream(stream, state):
    """Make ``stream.write`` count characters and refuse to go past the limit."""
    klass_write = type(stream).write

    def write(text):
        state.written += len(text) if _isinstance(text, str) else 0
        if state.written > state.output_limit:
            raise OutputLimitExceeded(
                f"this notebook printed more than {state.output_limit // 1024} KB; the grader stopped it here")
        return klass_write(stream, text)

    stream.write = write


def _first_execute(shell):
    """Runs once, just before the first cell: the shell exists now."""
    try:
        from backprop.checks import install_display
        install_display()  # imported before the shell existed: register the Mistake display now
    except Exception:
        pass
    for stream in (sys.stdout, sys.stderr):
        _cap_stream(stream, _State)
    _State.snapshot.take_runtime(shell)
    if _State.memory_mb and _State.memory_mb > 0:
        try:
            import psutil
            vms = psutil.Process().memory_info().vms
        except Exception:
            vms = 0
        limit = int(vms + _State.memory_mb * 1024 * 1024)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):
            pass
    _State.started = True


def _make_kernel_class():
    from ipykernel.ipkernel import IPythonKernel

    class GuardedKernel(IPythonKernel):
        """IPython kernel that restores the snapshot before locked and test cells."""

        async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                             allow_stdin=False, **kwargs):
            shell = self.shell
            if not _State.started:
                _first_execute(shell)
            is_test = _isinstance(code, str) and code.startswith(MARK_TEST)
            locked = is_test or (_isinstance(code, str) and code.startswith(MARK))
            if not locked:
                return await super().do_execute(code, silent, store_history, user_expressions,
                                                allow_stdin, **kwargs)
            snap = _State.snapshot
            snap.restore(shell)
            ns = shell.user_ns
            hidden = {}
            for k in _list(ns):
                if k in _BUILTIN_NAMES and not k.startswith("_") and k not in snap.user:
                    v = ns[k]
                    if not _is(v, _getattr(builtins, k, _MISSING)):
                        hidden[k] = ns.pop(k)
            before = dict(ns)
            try:
                return await super().do_execute(code, silent, store_history, user_expressions,
                                                allow_stdin, **kwargs)
            finally:
                # what a locked cell sets up becomes part of what tests rely on; a test cell only
                # contributes the names its own code binds (learner code it calls may not add any)
                own = _cell_binds(code) if is_test else None
                for k, v in _list(_dict_items(ns)):
                    if k.startswith("_") or k in ("In", "Out", "get_ipython", "exit", "quit") or k in _ANSWER_NAMES:
                        continue
                    if own is not None and k not in own:
                        continue
                    if not _is(before.get(k, _MISSING), v):
                        snap.user[k] = v
                if not is_test:
                    snap.take_modules()  # e.g. quiz.start() in the setup cell sets the quiz module's state
                for k, v in _dict_items(hidden):
                    ns.setdefault(k, v)

    return GuardedKernel


def main(argv=None):
    global _ANSWER_NAMES
    _ANSWER_NAMES = frozenset(n for n in os.environ.pop("AUTOGRADER_ANSWER_NAMES", "").split(",") if n)
    argv = list(sys.argv[1:] if argv is None else argv)
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--memory":
            _State.memory_mb = float(argv[i + 1])
            i += 2
        elif argv[i] == "--output-limit":
            _State.output_limit = int(argv[i + 1])
            i += 2
        else:
            rest.append(argv[i])
            i += 1
    _preimport()
    _State.snapshot = Snapshot()
    from ipykernel.kernelapp import IPKernelApp
    IPKernelApp.launch_instance(argv=rest, kernel_class=_make_kernel_class())


if __name__ == "__main__":
    main()

"""The judge: runs a lesson's test cells outside the sandbox, against the learner's kernel over a channel.

The hidden tests, the reference solutions and the quiz keys never enter a
sandbox. For each test cell the judge executes the cell's source (the
instructor's original from ``solutions/``) in a namespace of its own:

- **trusted names**: Python's builtins, every name the lesson's locked cells
  import (``np``, ``check_array``, ``numerical_gradient`` …: the judge imports
  them itself), and what the lesson's *pure* locked cells define (cells whose
  every free name is itself trusted: the fixed inputs ``x``, ``params``, …,
  computed here, so a learner who reassigns them changes nothing);
- **everything else** is looked up in the learner's kernel when the test reads
  it: plain data arrives as a copy (:mod:`autograder.inside.wire`), any other
  object as a :class:`Remote` handle whose calls, attributes and operators run
  in the kernel and answer with plain data or further handles.

So the learner's functions run only in the sandbox, on copies of the judge's
arguments (changes made in place are copied back, see
:mod:`autograder.inside.server`), and the test's checks run only here, on
plain data. A verdict is the test's own outcome: it passed, or the sentence of
the :class:`~backprop.checks.Mistake` it raised, or a sentence the judge
writes. Nothing the learner's code printed ever becomes part of a verdict.
"""

import ast
import builtins
import contextlib
import io
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from autograder.inside import server, wire

SERVE_CODE = "import server as _ag_server; _ag_server.serve({path!r}, globals())"
#: Names whose value is the notebook's own state, kept in its kernel: the quiz session (which answers
#: file it reads and writes, the questions shown). The judge never trusts its own copy of them.
KERNEL_STATE = frozenset({"quiz"})
TRUSTED_BUILTINS = frozenset(dir(builtins))


@dataclass
class Verdict:
    """What the judge decided about one test cell."""

    passed: bool
    message: str                                 # the learner-facing sentence
    ticks: list = field(default_factory=list)    # the ✓ lines the test printed (the judge's own text)
    error: str = ""                              # the exception's name when it failed ("Mistake", "Timeout", …)


class JudgeTimeout(Exception):
    """The learner's code did not answer in time."""


class ChannelClosed(Exception):
    """The learner's kernel went away (it died, or it was stopped)."""


class LearnerError(Exception):
    """An exception raised by the learner's code in the kernel (its type name and message only)."""

    remote_type = "Exception"

    def __init__(self, message):
        super().__init__(message)


_ERROR_TYPES = {}


def _learner_error(type_name, message):
    """An exception to raise here for one raised in the kernel: a subclass of the builtin type of that name
    (so ``except NotImplementedError`` still works), never the judge's own classes."""
    type_name = "".join(ch for ch in str(type_name) if ch.isalnum() or ch == "_")[:60] or "Exception"
    if type_name not in _ERROR_TYPES:
        base = getattr(builtins, type_name, None)
        bases = (LearnerError,)
        if isinstance(base, type) and issubclass(base, Exception) and base not in (Exception, BaseException):
            bases = (base, LearnerError)
        _ERROR_TYPES[type_name] = type(type_name, bases, {"remote_type": type_name, "__module__": "learner"})
    return _ERROR_TYPES[type_name](message)


# ------------------------------------------------------------------ handles on kernel objects

class Remote:
    """A kernel object, seen from the judge: every use is a request to the kernel; nothing runs here."""

    __slots__ = ("_channel", "_number", "_type", "_callable", "_name", "__weakref__")

    def __init__(self, channel, number, type_name, is_callable, name):
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_callable", is_callable)
        object.__setattr__(self, "_name", name)

    @property
    def _tag(self):
        return {"$h": self._number}

    def _ask(self, op, **fields):
        return self._channel.request(dict(op=op, o=self._tag, **fields))

    def __call__(self, *args, **kwargs):
        return self._channel.call(self, args, kwargs)

    def __getattr__(self, name):
        if name == "__name__" and self._name:
            return self._name
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)          # numpy's and Python's protocol probes stay here
        return self._ask("getattr", name=name)

    def __setattr__(self, name, value):
        self._ask("setattr", name=name, value=self._channel.encode(value))

    def __getitem__(self, key):
        return self._ask("getitem", key=self._channel.encode(key))

    def __setitem__(self, key, value):
        self._ask("setitem", key=self._channel.encode(key), value=self._channel.encode(value))

    def __len__(self):
        n = self._ask("unop", fn="len")
        if type(n) is not int:
            raise TypeError(f"len() of {self._describe()} gave {wire.describe(n)}")
        return n

    def __iter__(self):
        items = self._channel.request({"op": "iter", "o": self._tag})
        return iter(items if isinstance(items, list) else [])

    def __bool__(self):
        return bool(self._ask("unop", fn="bool") is True)

    def __float__(self):
        value = self._ask("unop", fn="float")
        if type(value) is not float:
            raise TypeError(f"{self._describe()} is not a number")
        return value

    def __array__(self, *args, **kwargs):
        raise TypeError(f"it is {self._describe()}, not numbers")

    def __hash__(self):
        return hash(("remote", id(self._channel), self._number))

    def __eq__(self, other):
        if isinstance(other, Remote):
            return other is self
        return NotImplemented

    def __repr__(self):
        return f"<your {self._type} object>"

    def _describe(self):
        return "a function" if self._callable and self._type == "function" else f"a {self._type} object"

    def _binop(self, fn, a, b):
        return self._channel.request({"op": "binop", "fn": fn, "a": self._channel.encode(a),
                                      "b": self._channel.encode(b)})

    def __add__(self, o): return self._binop("add", self, o)
    def __radd__(self, o): return self._binop("add", o, self)
    def __sub__(self, o): return self._binop("sub", self, o)
    def __rsub__(self, o): return self._binop("sub", o, self)
    def __mul__(self, o): return self._binop("mul", self, o)
    def __rmul__(self, o): return self._binop("mul", o, self)
    def __truediv__(self, o): return self._binop("truediv", self, o)
    def __rtruediv__(self, o): return self._binop("truediv", o, self)
    def __pow__(self, o): return self._binop("pow", self, o)
    def __rpow__(self, o): return self._binop("pow", o, self)
    def __matmul__(self, o): return self._binop("matmul", self, o)
    def __rmatmul__(self, o): return self._binop("matmul", o, self)
    def __lt__(self, o): return self._binop("lt", self, o)
    def __le__(self, o): return self._binop("le", self, o)
    def __gt__(self, o): return self._binop("gt", self, o)
    def __ge__(self, o): return self._binop("ge", self, o)
    def __neg__(self): return self._ask("unop", fn="neg")
    def __pos__(self): return self._ask("unop", fn="pos")
    def __abs__(self): return self._ask("unop", fn="abs")


_REMOTE_CLASSES = {}


def _remote_class(type_name):
    """A :class:`Remote` subclass named after the kernel object's type, so checks that name a value's type
    ("it is a Node, not an array") say the learner's word for it."""
    name = "".join(ch for ch in type_name.split(".")[-1] if ch.isalnum() or ch == "_")[:60] or "object"
    if name not in _REMOTE_CLASSES:
        _REMOTE_CLASSES[name] = type(name, (Remote,), {"__slots__": (), "__module__": "learner"})
    return _REMOTE_CLASSES[name]


# ------------------------------------------------------------------ the channel

_CALLBACK_NUMBERS = __import__("itertools").count(1)

class Channel:
    """The judge's end of the socket to one kernel (:class:`autograder.inside.server.Session` is the other)."""

    def __init__(self, path):
        self.path = path
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        os.chmod(path, 0o666)            # the sandbox's user connects to it
        self.listener.listen(1)
        self.sock = None
        self.remotes = {}                # handle number → Remote (one object per handle: identity holds)
        self.callbacks = {}
        self.frames = []                 # the argument lists of calls in progress (outermost first)
        self.deadline = None
        self.out_of_memory = False

    def close(self):
        for s in (self.sock, self.listener):
            if s is not None:
                with contextlib.suppress(OSError):
                    s.close()

    # ---- transport
    def _timeout(self):
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise JudgeTimeout()
        return left

    def accept(self):
        self.listener.settimeout(self._timeout())
        try:
            self.sock, _ = self.listener.accept()
        except socket.timeout:
            raise JudgeTimeout() from None
        msg = self.recv()
        if msg.get("ready") is not True:
            raise ChannelClosed()

    def send(self, msg):
        try:
            self.sock.settimeout(self._timeout())
            server.send(self.sock, msg)
        except socket.timeout:
            raise JudgeTimeout() from None
        except OSError:
            raise ChannelClosed() from None

    def recv(self):
        try:
            (self.sock or self.listener).settimeout(self._timeout())
            return server.recv(self.sock)
        except socket.timeout:
            raise JudgeTimeout() from None
        except (OSError, ConnectionError):
            raise ChannelClosed() from None

    # ---- values
    def _ref(self, obj):
        if isinstance(obj, Remote):
            if obj._channel is not self:
                raise wire.NotPlain("a handle of another kernel")
            return obj._tag
        if callable(obj) and not isinstance(obj, type):
            number = next(_CALLBACK_NUMBERS)      # never reused: a stub kept from an earlier test reaches nothing
            self.callbacks[number] = obj
            return {"$cb": number, "name": str(getattr(obj, "__name__", "function"))[:80]}
        return None

    def encode(self, value):
        return wire.to_plain(value, ref=self._ref)

    def _resolve(self, tag):
        number = tag.get("$h")
        if type(number) is not int:
            raise wire.BadMessage("an unknown tag")
        if number not in self.remotes:
            name = tag.get("name")
            type_name = str(tag.get("type", "object"))[:80]
            self.remotes[number] = _remote_class(type_name)(self, number, type_name, tag.get("callable") is True,
                                                            name if isinstance(name, str) else None)
        return self.remotes[number]

    def decode(self, data):
        return wire.from_plain(data, resolve=self._resolve)

    # ---- requests
    def call(self, fn, args, kwargs):
        frame = list(args) + list(kwargs.values())
        self.frames.append(frame)
        try:
            return self.request({"op": "call", "f": fn._tag, "args": self.encode(list(args)),
                                 "kw": self.encode(dict(kwargs))})
        finally:
            self.frames.pop()

    def request(self, msg):
        """Send one request; answer the kernel's callbacks until its reply comes; return the decoded value."""
        self.send(msg)
        while True:
            reply = self.recv()
            if "cb" in reply:
                self._write_back(reply.get("wb"), len(self.frames))
                self.send(self._run_callback(reply))
                continue
            if "wb" in reply:
                self._write_back([reply["wb"]], len(self.frames), only_last=True)
            if "err" in reply:
                err = reply["err"] if isinstance(reply["err"], dict) else {}
                if err.get("type") == "KeyboardInterrupt":
                    raise JudgeTimeout()
                if err.get("type") == "MemoryError":
                    self.out_of_memory = True      # the notebook is stopped there, whatever the test made of it
                raise _learner_error(err.get("type", "Exception"), str(err.get("msg", ""))[:300])
            if "ok" not in reply:
                raise wire.BadMessage("a reply with no value")
            return self.decode(reply["ok"])

    def _run_callback(self, req):
        fn = self.callbacks.get(req.get("cb"))
        try:
            if fn is None:
                raise wire.BadMessage("an unknown callback")
            args = self.decode(req.get("args", []))
            kwargs = self.decode(req.get("kw", {"$d": []}))
            if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
                raise wire.BadMessage("malformed callback arguments")
            return {"ok": self.encode(fn(*args, **kwargs))}
        except (JudgeTimeout, ChannelClosed):
            raise
        except Exception as exc:   # the test's own function failed on what the learner's code passed it
            return {"err": {"type": type(exc).__name__, "msg": str(exc)[:300]}}

    def _write_back(self, frames, depth, only_last=False):
        """Copy what the learner's code changed in place into the judge's own arguments."""
        if not isinstance(frames, list):
            return
        mine = self.frames[depth - len(frames):depth] if only_last else self.frames[:len(frames)]
        for original, data in zip(mine, frames):
            try:
                new = self.decode(data)
            except wire.BadMessage:
                continue
            if isinstance(new, list):
                for old, value in zip(original, new):
                    _sync(old, value)


def _sync(old, new):
    """Make ``old`` (an argument the judge passed) equal to ``new`` (its value in the kernel), in place."""
    if isinstance(old, np.random.Generator) and isinstance(new, np.random.Generator):
        if type(old.bit_generator) is type(new.bit_generator):
            old.bit_generator.state = new.bit_generator.state    # the kernel drew numbers from it
        return
    if isinstance(old, np.ndarray) and isinstance(new, np.ndarray):
        if old.shape == new.shape and old.flags.writeable:
            with contextlib.suppress(TypeError, ValueError):
                old[...] = new
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key in old and isinstance(old[key], (np.ndarray, dict, list)) and type(old[key]) is type(value):
                _sync(old[key], value)
                if isinstance(value, np.ndarray) and old[key].shape != value.shape:
                    old[key] = value
            elif not isinstance(value, Remote):
                old[key] = value
        return
    if isinstance(old, list) and isinstance(new, list):
        old[:] = [v for v in new]


# ------------------------------------------------------------------ the namespace a test runs in

class Namespace(dict):
    """Globals of a notebook's test cells: what they assigned (kept from cell to cell, as in a kernel,
    until a notebook cell rebinds the name: :meth:`forget`), then trusted names, then the learner's kernel."""

    def __init__(self, trusted, channel):
        super().__init__()
        self.trusted = trusted
        self.channel = channel

    def __missing__(self, name):
        if name in self.trusted:
            return self.trusted[name]
        if name in TRUSTED_BUILTINS:
            return getattr(builtins, name)
        try:
            return self.channel.request({"op": "get", "name": name})
        except NameError:
            from backprop.checks import Mistake
            raise Mistake(f"`{name}` is not defined in your notebook: did you delete or rename it, or skip "
                          "running the cell that defines it?") from None

    def forget(self, names):
        for name in names:
            self.pop(name, None)


def bound_names(source):
    """Top-level names a cell binds (assignments, definitions, imports, loop targets); empty if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def free_names(source):
    """Names a cell reads that it does not bind itself (anywhere in it); None if it does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - TRUSTED_BUILTINS


def trusted_namespace(locked_sources, cwd=None):
    """Run a lesson's locked cells here where they are pure (every free name trusted); return their names.

    A locked cell's import statements always run (they bind the course's own helpers); the rest of the
    cell runs only if everything it reads is already trusted.
    """
    ns = {"__name__": "__judge__", "__builtins__": builtins}
    rebound = set()      # names a cell left to the kernel binds: the kernel's value is the one that counts
    for source in locked_sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        names = free_names(source)
        with _quiet(), _chdir(cwd):
            if names is not None and names <= set(ns) - rebound - KERNEL_STATE:
                try:
                    exec(compile(tree, "<locked cell>", "exec"), ns)
                    continue
                except Exception:   # noqa: BLE001  (it needs the kernel after all: leave it to the kernel)
                    pass
            rebound |= bound_names(source) - {n for node in imports for n in bound_names(ast.unparse(node))}
            for node in imports:
                with contextlib.suppress(Exception):
                    exec(compile(ast.Module([node], []), "<locked cell>", "exec"), ns)
        for name in KERNEL_STATE:
            ns.pop(name, None)
    ns.pop("__builtins__", None)
    for name in rebound:
        ns.pop(name, None)
    return ns


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


@contextlib.contextmanager
def _chdir(path):
    if path is None:
        yield
        return
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def kernel_namespace():
    """The notebook's global namespace, for a hidden test that must set a name in it (and put it back).

    Run by the judge, it is a handle on the kernel's globals (items read and set there); run in a notebook's
    own kernel (the solution notebooks' gates), it is that kernel's globals."""
    caller = sys._getframe(1).f_globals
    if isinstance(caller, Namespace):
        return caller.channel.request({"op": "ns"})
    return caller


def run_test(source, ns, cwd=None):
    """Execute one test cell's source in ``ns`` (a :class:`Namespace` on the kernel); return a :class:`Verdict`."""
    from backprop.checks import Mistake

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()), _chdir(cwd):
            exec(compile(source, "<test>", "exec"), ns)
    except JudgeTimeout:
        return Verdict(False, "", error="Timeout")
    except ChannelClosed:
        return Verdict(False, "", error="KernelDied")
    except Mistake as exc:
        return Verdict(False, _sentence(exc), _ticks(out), "Mistake")
    except LearnerError as exc:
        return Verdict(False, f"Your code raised {exc.remote_type}: {exc}", _ticks(out), exc.remote_type)
    except wire.BadMessage as exc:
        return Verdict(False, f"Your code sent back something the grader cannot read ({exc}).", _ticks(out),
                       "BadResult")
    except Exception as exc:   # noqa: BLE001  (the test met a value it could not check)
        return Verdict(False, f"The test could not check your answer: {type(exc).__name__}: {_clip(exc)}",
                       _ticks(out), type(exc).__name__)
    finally:
        ns.channel.callbacks.clear()     # the test's functions are not the learner's to keep
    return Verdict(True, " ".join(_ticks(out)) or "Passed.", _ticks(out))


def _judged(source, ns, cwd):
    """:func:`run_test`, except that learner code that ran out of memory fails the test as a MemoryError."""
    ns.channel.out_of_memory = False
    verdict = run_test(source, ns, cwd)
    if ns.channel.out_of_memory:
        return Verdict(False, "Your code ran out of memory while the test ran it.", verdict.ticks, "MemoryError")
    return verdict


def _ticks(out):
    return [line for line in out.getvalue().splitlines() if line.startswith("✓")]


def _sentence(exc):
    return " ".join(str(exc).split())


def _clip(exc):
    return " ".join(str(exc).split())[:300]


def fresh(trusted):
    """A copy of a lesson's trusted names for one notebook: its data copied, so no notebook's test changes
    what the next one sees; modules and functions shared."""
    import copy
    out = {}
    for name, value in trusted.items():
        out[name] = copy.deepcopy(value) if isinstance(value, (np.ndarray, dict, list, set)) else value
    return out


ANSWERS_FILE = "quiz_answers.json"


class Session:
    """The judge for one notebook: a channel to its kernel, and a thread per test cell."""

    def __init__(self, socket_path):
        self.channel = Channel(socket_path)
        self.namespace = None
        self.connected = False
        self.result = None
        self.thread = None

    def serve_code(self):
        return SERVE_CODE.format(path=self.channel.path)

    def start(self, source, trusted, timeout, cwd=None):
        """Judge ``source`` in a thread while the kernel runs :meth:`serve_code`; :meth:`finish` joins it.

        ``cwd``: the judge's private folder for this notebook; the learner's saved quiz answers are copied
        there from the kernel before the test runs (the quiz tests read them)."""
        self.result = None
        self.channel.deadline = time.monotonic() + timeout
        if self.namespace is None:
            self.namespace = Namespace(trusted, self.channel)

        def work():
            try:
                if not self.connected:
                    self.channel.accept()
                    self.connected = True
                else:
                    msg = self.channel.recv()
                    if msg.get("ready") is not True:
                        raise ChannelClosed()
                if cwd is not None:
                    self._copy_answers(cwd)
                self.result = _judged(source, self.namespace, cwd)
                if self.result.error not in ("Timeout", "KernelDied"):
                    self.channel.deadline = time.monotonic() + 5
                    self.channel.send({"op": "done"})
            except JudgeTimeout:
                self.result = self.result or Verdict(False, "", error="Timeout")
            except ChannelClosed:
                self.result = self.result or Verdict(False, "", error="KernelDied")

        self.thread = threading.Thread(target=work, name="judge", daemon=True)
        self.thread.start()

    def forget(self, names):
        """A notebook cell rebound these names: later tests read them from the kernel again."""
        if self.namespace is not None:
            self.namespace.forget(names)

    def _copy_answers(self, cwd):
        path = os.path.join(cwd, ANSWERS_FILE)
        try:
            text = self.channel.request({"op": "read", "name": ANSWERS_FILE})
        except LearnerError:
            text = None
        if isinstance(text, str):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        elif os.path.exists(path):
            os.remove(path)

    def finish(self, timeout=None):
        if self.thread is None:
            return Verdict(False, "", error="Timeout")
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.channel.deadline = time.monotonic()     # its next read gives up
            self.thread.join(10)
        return self.result or Verdict(False, "", error="Timeout")

    def close(self):
        self.channel.close()

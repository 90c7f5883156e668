"""The kernel side of the judge's channel: runs inside the sandbox, next to the learner's code.

At each test cell the grader runs ``serve(path, globals())`` in the learner's
kernel. It connects (once per kernel) to the judge's Unix socket and answers
requests until the judge says ``done``. Every request asks for one operation on
the learner's namespace (look a name up, call a function, read an attribute,
apply an operator); every answer is plain data in :mod:`wire`'s format, or a
*handle* that names a kernel object the judge may ask about next. The judge
may pass its own functions as arguments: here they become :class:`Callback`
stubs, whose calls go back over the same socket (the judge can call in again
while it answers, to any depth).

Arguments arrive as copies. After a call, and before every callback, the
current value of each argument is sent back, so the judge sees what the
learner's code changed in place (a nudged θ, a params dict, a mutated input).

Nothing here is trusted by the judge: learner code can rebind anything in this
module. It can only ever make its own answers wrong.
"""

import operator
import socket
import struct

try:
    from . import wire
except ImportError:          # inside the sandbox this folder is on sys.path as top-level modules
    import wire

_HEADER = struct.Struct(">I")
_BINOPS = {name: getattr(operator, name) for name in
           ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "lt", "le", "gt", "ge", "eq", "ne",
            "and_", "or_", "xor")}
_UNOPS = {"neg": operator.neg, "pos": operator.pos, "abs": operator.abs, "invert": operator.invert,
          "len": len, "bool": bool, "float": float, "int": int, "list": list, "hash": hash}


def send(sock, msg):
    """Send one message: a JSON object whose values went through :func:`wire.to_plain`."""
    data = wire.message(msg).encode("utf-8")
    sock.sendall(_HEADER.pack(len(data)) + data)


def recv(sock):
    """Receive one message (its raw JSON structure: values still in wire format)."""
    head = _recv_exact(sock, _HEADER.size)
    (n,) = _HEADER.unpack(head)
    if n > wire.MAX_MESSAGE:
        raise wire.BadMessage("a message too large")
    msg = wire.parse(_recv_exact(sock, n))
    if type(msg) is not dict:
        raise wire.BadMessage("a message that is not an object")
    return msg


def _recv_exact(sock, n):
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ConnectionError("the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class Callback:
    """A function of the judge's, called from learner code: its calls go back over the channel."""

    def __init__(self, session, number, name):
        self._session, self._number, self.__name__ = session, number, name

    def __call__(self, *args, **kwargs):
        return self._session.callback(self._number, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


class _AsHandle:
    """Send this object as a handle even if it is plain data."""

    def __init__(self, obj):
        self.obj = obj


class RemoteError(Exception):
    """A callback that failed on the judge's side."""


class Session:
    """One kernel's channel to the judge, and the objects it has handed out as handles."""

    def __init__(self, path, namespace):
        self.namespace = namespace
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.objects, self.numbers = {}, {}
        self.active = []            # the argument lists of the calls in progress (outermost first)

    # ---- encoding with handles
    def handle(self, obj):
        key = id(obj)
        if key not in self.numbers:
            self.numbers[key] = len(self.objects) + 1
            self.objects[self.numbers[key]] = obj
        tag = {"$h": self.numbers[key], "type": type(obj).__qualname__[:80], "callable": callable(obj)}
        name = getattr(obj, "__name__", None) if callable(obj) else None
        if isinstance(name, str):
            tag["name"] = name[:80]
        return tag

    def encode(self, value):
        if isinstance(value, _AsHandle):
            return self.handle(value.obj)
        return wire.to_plain(value, ref=self.handle)

    def resolve(self, tag):
        if "$h" in tag and type(tag["$h"]) is int and tag["$h"] in self.objects:
            return self.objects[tag["$h"]]
        if "$cb" in tag and type(tag["$cb"]) is int:
            return Callback(self, tag["$cb"], str(tag.get("name", "callback"))[:80])
        raise wire.BadMessage("an unknown handle")

    def decode(self, data):
        return wire.from_plain(data, resolve=self.resolve)

    def writebacks(self):
        return [self.encode(list(a)) for a in self.active]

    # ---- the loop
    def serve(self):
        send(self.sock, {"ready": True})
        while True:
            req = recv(self.sock)
            if req.get("op") == "done":
                return
            send(self.sock, self.answer(req))

    def answer(self, req):
        try:
            value, wb = self.perform(req)
            reply = {"ok": self.encode(value)}
            if wb is not None:
                reply["wb"] = wb
            return reply
        except KeyboardInterrupt:
            raise
        except BaseException as exc:   # the learner's code failed (or exited): report it, keep serving
            return {"err": {"type": type(exc).__name__[:80], "msg": _message(exc)}}

    def perform(self, req):
        op = req.get("op")
        if op == "get":
            name = str(req["name"])
            if name not in self.namespace:
                raise NameError(f"name '{name}' is not defined")
            return self.namespace[name], None
        if op == "ns":       # the namespace itself, as a handle (a hidden test sets a name and puts it back)
            return _AsHandle(self.namespace), None
        if op == "call":
            fn = self.decode(req["f"])
            args = self.decode(req.get("args", []))
            kwargs = self.decode(req.get("kw", {"$d": []}))
            frame = list(args) + list(kwargs.values())
            self.active.append(frame)
            try:
                result = fn(*args, **kwargs)
            finally:
                self.active.pop()
            return result, self.encode(frame)
        target = self.decode(req["o"]) if "o" in req else None
        if op == "getattr":
            return getattr(target, str(req["name"])), None
        if op == "setattr":
            setattr(target, str(req["name"]), self.decode(req["value"]))
            return None, None
        if op == "getitem":
            return target[self.decode(req["key"])], None
        if op == "setitem":
            target[self.decode(req["key"])] = self.decode(req["value"])
            return None, None
        if op == "binop":
            return _BINOPS[req["fn"]](self.decode(req["a"]), self.decode(req["b"])), None
        if op == "unop":
            return _UNOPS[req["fn"]](target), None
        if op == "read":      # the learner's saved quiz answers, which the quiz tests read (a copy, capped)
            name = str(req["name"])
            if name != "quiz_answers.json":
                raise ValueError("only quiz_answers.json can be read")
            try:
                with open(name, "rb") as f:
                    data = f.read(wire.MAX_STR + 1)
            except FileNotFoundError:
                return None, None
            if len(data) > wire.MAX_STR:
                raise ValueError(f"{name} is larger than 1 MB")
            return data.decode("utf-8", "replace"), None
        if op == "iter":
            return list(iter(target))[: wire.MAX_ITEMS], None
        raise ValueError(f"unknown request {op!r}")

    def callback(self, number, args, kwargs):
        send(self.sock, {"cb": number, "args": self.encode(list(args)), "kw": self.encode(dict(kwargs)),
                         "wb": self.writebacks()})
        while True:
            msg = recv(self.sock)
            if "ok" in msg:
                return self.decode(msg["ok"])
            if "err" in msg:
                raise RemoteError(str(msg["err"])[:300])
            send(self.sock, self.answer(msg))     # the judge calls in again before answering


def _message(exc):
    try:
        text = str(exc)
    except BaseException:
        text = "(its message could not be read)"
    return " ".join(text.split())[:300]


_SESSION = None


def serve(path, namespace):
    """Answer the judge's requests about ``namespace`` until it says done (one test cell)."""
    global _SESSION
    if _SESSION is None or _SESSION.namespace is not namespace:
        _SESSION = Session(path, namespace)
    _SESSION.serve()

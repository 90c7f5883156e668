"""The one serialisation between a sandboxed kernel and the judge: plain data as JSON, never pickle.

Both sides import this module: the judge as ``autograder.inside.wire``, the
sandboxed kernel from a read-only copy of this folder (nothing else of the
grader enters a sandbox). What crosses:

========================  ==========================================================
Python value              on the wire
========================  ==========================================================
None, bool, str           as JSON
int                       as JSON (at most :data:`MAX_INT_BITS` bits)
float                     as JSON; NaN and ±inf as ``{"$f": "nan" | "inf" | "-inf"}``
list                      a JSON list
tuple, set, frozenset     ``{"$t": [...]}``, ``{"$s": [...]}``, ``{"$fs": [...]}``
dict                      ``{"$d": [[key, value], ...]}`` (keys: any plain value but a list or dict)
numpy.random.Generator    ``{"$rng": bit generator name, "state": its state}`` (numpy's own classes)
numpy array, numpy scalar ``{"$a": dtype, "shape": [...], "data": base64}``, ``"$n"`` for a scalar;
                          only bool, integer, unsigned and float dtypes
anything else             what ``ref(obj)`` returns (a handle such as ``{"$h": 7}``), else NotPlain
========================  ==========================================================

Decoding builds only ``dict``, ``list``, ``tuple``, ``set``, ``frozenset``,
Python scalars and base-class ``numpy.ndarray`` / numpy scalars: no subclass,
no custom ``__eq__`` or array protocol ever reaches a verdict. A handle is
turned into an object only by the ``resolve`` the caller gives. Limits on depth,
element count, array bytes and string length make a hostile message cost at
most a bounded amount of memory and time.
"""

import base64
import json
import math
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 40
MAX_ITEMS = 1_000_000          # containers' elements plus array entries, per message
MAX_ARRAY_BYTES = 64 << 20     # per message
MAX_STR = 1 << 20              # characters per string
MAX_INT_BITS = 4096
MAX_MESSAGE = 96 << 20         # bytes of JSON text
DTYPES = {"b", "i", "u", "f"}  # numpy kinds that are plain numbers
BIT_GENERATORS = {"PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"}   # a Generator travels as its state


class NotPlain(TypeError):
    """A value that is not plain data (and no handle was given for it)."""

    def __init__(self, what):
        super().__init__(what)
        self.what = what


class BadMessage(ValueError):
    """A message that breaks the format or its limits."""


@dataclass
class _Budget:
    items: int = 0
    array_bytes: int = 0

    def spend(self, items=1, nbytes=0):
        self.items += items
        self.array_bytes += nbytes
        if self.items > MAX_ITEMS:
            raise BadMessage(f"more than {MAX_ITEMS} values")
        if self.array_bytes > MAX_ARRAY_BYTES:
            raise BadMessage(f"more than {MAX_ARRAY_BYTES >> 20} MB of arrays")


def describe(obj):
    """A short name for what a value is, for a sentence ("a Foo object", "a generator")."""
    t = type(obj)
    name = getattr(t, "__qualname__", None) or getattr(t, "__name__", "object")
    if callable(obj) and t.__name__ in ("function", "builtin_function_or_method", "method"):
        return "a function"
    if isinstance(obj, np.ndarray):
        return f"an array of {obj.dtype} (a {name})"
    return f"a {name} object"


# ------------------------------------------------------------------ encoding

def _array(a, budget):
    a = np.asarray(a)            # a subclass becomes a plain ndarray view of its own data
    if type(a) is not np.ndarray:
        a = np.array(a, subok=False)
    if a.dtype.kind not in DTYPES:
        raise NotPlain(f"an array of {a.dtype}")
    budget.spend(max(a.size, 1), a.nbytes)
    # tobytes() is C order whatever the layout (ascontiguousarray would turn a 0-d array into 1-d)
    return {"shape": list(a.shape), "data": base64.b64encode(a.tobytes(order="C")).decode("ascii"),
            "$a": a.dtype.str}


def _enter(budget, depth):
    """One more value, one level down: the budget to charge it to (a new one at the top)."""
    budget = budget or _Budget()
    if depth > MAX_DEPTH:
        raise BadMessage(f"nested more than {MAX_DEPTH} deep")
    budget.spend()
    return budget


def to_plain(obj, ref=None, budget=None, depth=0):
    """``obj`` as a JSON-ready structure (see the module docstring). ``ref(obj)`` names what is not plain."""
    budget = _enter(budget, depth)
    t = type(obj)
    if obj is None or t is bool or t is str:
        if t is str and len(obj) > MAX_STR:
            raise BadMessage("a string longer than 1 M characters")
        return obj
    if t is int:
        if obj.bit_length() > MAX_INT_BITS:
            raise BadMessage("an integer too large to send")
        return obj
    if t is float:
        return obj if math.isfinite(obj) else {"$f": "nan" if obj != obj else ("inf" if obj > 0 else "-inf")}
    if t in (list, tuple, set, frozenset):
        items = [to_plain(v, ref, budget, depth + 1) for v in (sorted(obj, key=repr) if t in (set, frozenset) else obj)]
        return items if t is list else {{tuple: "$t", set: "$s", frozenset: "$fs"}[t]: items}
    if t is dict:
        return {"$d": [[to_plain(k, ref, budget, depth + 1), to_plain(v, ref, budget, depth + 1)] for k, v in obj.items()]}
    if isinstance(obj, np.generic) and type(obj).__module__ == "numpy":
        enc = _array(np.asarray(obj), budget)
        enc["$n"] = enc.pop("$a")
        return enc
    if isinstance(obj, np.ndarray) and (obj.dtype.kind in DTYPES or ref is None):
        return _array(obj, budget)    # a subclass too: its own data, as a plain array
    if t is np.random.Generator and type(obj.bit_generator).__name__ in BIT_GENERATORS:
        return {"$rng": type(obj.bit_generator).__name__,
                "state": to_plain(obj.bit_generator.state, None, budget, depth + 1)}
    if ref is not None:
        tag = ref(obj)
        if tag is not None:
            return tag
    raise NotPlain(describe(obj))


def dumps(obj, ref=None):
    """Encode ``obj`` to JSON text."""
    return json.dumps(to_plain(obj, ref), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# ------------------------------------------------------------------ decoding

_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _decode_array(d, budget, scalar):
    dtype = d.get("$n" if scalar else "$a")
    shape, data = d.get("shape"), d.get("data")
    if not (isinstance(dtype, str) and isinstance(shape, list) and isinstance(data, str)):
        raise BadMessage("a malformed array")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise BadMessage(f"an unknown dtype {dtype!r}") from None
    if dt.kind not in DTYPES or dt.hasobject or dt.fields is not None or dt.subdtype is not None:
        raise BadMessage(f"the dtype {dtype!r} is not plain numbers")
    if len(shape) > 32 or not all(type(n) is int and 0 <= n < 1 << 40 for n in shape):
        raise BadMessage("a malformed array shape")
    size = math.prod(shape)
    budget.spend(max(size, 1), size * dt.itemsize)
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    if len(raw) != size * dt.itemsize:
        raise BadMessage("an array whose data does not fit its shape")
    a = np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    return a[()] if scalar else a


def from_plain(data, resolve=None, budget=None, depth=0):
    """The Python value of a structure made by :func:`to_plain`; ``resolve(tag)`` turns a handle into an object."""
    budget = _enter(budget, depth)
    t = type(data)
    if data is None or t in (bool, str, float):
        return data
    if t is int:
        if data.bit_length() > MAX_INT_BITS:
            raise BadMessage("an integer too large")
        return data
    if t is list:
        return [from_plain(v, resolve, budget, depth + 1) for v in data]
    if t is not dict or len(data) == 0:
        raise BadMessage(f"an unexpected {t.__name__}")
    if "$f" in data:
        if data["$f"] not in _FLOATS:
            raise BadMessage("a malformed float")
        return _FLOATS[data["$f"]]
    for tag, kind in (("$t", tuple), ("$s", set), ("$fs", frozenset)):
        if tag in data:
            items = data[tag]
            if type(items) is not list:
                raise BadMessage(f"a malformed {kind.__name__}")
            values = [from_plain(v, resolve, budget, depth + 1) for v in items]
            try:
                return kind(values)
            except TypeError:
                raise BadMessage(f"a {kind.__name__} of unhashable values") from None
    if "$d" in data:
        pairs = data["$d"]
        if type(pairs) is not list or not all(type(p) is list and len(p) == 2 for p in pairs):
            raise BadMessage("a malformed dict")
        out = {}
        for k, v in pairs:
            key = from_plain(k, resolve, budget, depth + 1)
            try:
                out[key] = from_plain(v, resolve, budget, depth + 1)
            except TypeError:
                raise BadMessage("a dict with an unhashable key") from None
        return out
    if "$a" in data or "$n" in data:
        return _decode_array(data, budget, "$n" in data)
    if "$rng" in data:
        name, state = data["$rng"], from_plain(data.get("state"), None, budget, depth + 1)
        if name not in BIT_GENERATORS or not isinstance(state, dict) or state.get("bit_generator") != name:
            raise BadMessage("a malformed random generator")
        bits = getattr(np.random, name)()
        try:
            bits.state = state        # numpy checks the state's fields and types
        except (TypeError, ValueError, KeyError) as exc:
            raise BadMessage(f"a random generator with a bad state ({exc})") from None
        return np.random.Generator(bits)
    if resolve is not None:
        return resolve(data)
    raise BadMessage(f"an unknown tag {sorted(data)[:3]}")


def parse(text):
    """JSON text (or UTF-8 bytes) to its raw structure, within the size and depth limits."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_MESSAGE:
            raise BadMessage("a message too large")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise BadMessage("a message that is not UTF-8") from None
    if len(text) > MAX_MESSAGE:
        raise BadMessage("a message too large")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise BadMessage("nested too deep") from None
    except ValueError as exc:
        raise BadMessage(f"not JSON ({exc})") from None


def message(obj):
    """JSON text of a structure that is already plain (a protocol message whose values went through to_plain)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def loads(text, resolve=None):
    """Decode JSON text made by :func:`dumps` (within the limits above)."""
    return from_plain(parse(text), resolve)


def _no_constant(name):
    raise BadMessage(f"the JSON constant {name} (floats travel as $f)")

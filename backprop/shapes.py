"""Shapes of the two-layer network, layer by layer: the first thing to check.

Letters (see STYLE.md): d inputs, h hidden units, k classes, m examples
(m = 1 for one example). Column convention: one example per column.

- :func:`expected_shapes` gives every array's shape from (d, h, k, m).
- :func:`shape_table` is that as a printable table, with the formula that
  makes each array.
- :func:`show_shapes` prints the shape of every array you actually have
  (input, parameters, the forward cache, the gradients), layer by layer,
  next to the shape it should have, and marks each line ✓ or ✗. It reads
  arrays; it computes nothing, so it never hides a bug of yours.
"""

import numpy as np

#: name → (shape in letters, how it is made), in forward then backward order
LAYERS = [
    ("x", ("d", "m"), "the input, one column per example"),
    ("W1", ("h", "d"), "parameter"),
    ("b1", ("h", 1), "parameter"),
    ("z1", ("h", "m"), "W1 x + b1"),
    ("a1", ("h", "m"), "σ(z1)"),
    ("W2", ("k", "h"), "parameter"),
    ("b2", ("k", 1), "parameter"),
    ("z2", ("k", "m"), "W2 a1 + b2"),
    ("y_hat", ("k", "m"), "softmax(z2)"),
    ("y", ("k", "m"), "one-hot target"),
    ("dz2", ("k", "m"), "y_hat − y"),
    ("dW2", ("k", "h"), "dz2 a1ᵀ"),
    ("db2", ("k", 1), "dz2"),
    ("da1", ("h", "m"), "W2ᵀ dz2"),
    ("dz1", ("h", "m"), "da1 ⊙ σ'(z1)"),
    ("dW1", ("h", "d"), "dz1 xᵀ"),
    ("db1", ("h", 1), "dz1"),
]


def make_params(d, h, k, seed=0, scale=1.0):
    """Random parameters of the right shapes, float64: W1 (h, d), b1 (h, 1), W2 (k, h), b2 (k, 1).

    Weights ~ N(0, scale²), biases ~ N(0, 0.1²), drawn in that order from ``seed``.
    """
    rng = np.random.default_rng(seed)
    return {"W1": rng.normal(0.0, scale, (h, d)), "b1": rng.normal(0.0, 0.1, (h, 1)),
            "W2": rng.normal(0.0, scale, (k, h)), "b2": rng.normal(0.0, 0.1, (k, 1))}


def expected_shapes(d, h, k, m=1):
    """{name: shape tuple} for every array of the network (see LAYERS)."""
    size = {"d": d, "h": h, "k": k, "m": m, 1: 1}
    return {name: tuple(size[s] for s in letters) for name, letters, _ in LAYERS}


def _letters(letters):
    return "(" + ", ".join(str(s) for s in letters) + ")"


def shape_table(d, h, k, m=1):
    """The shape of every array, in letters and in numbers, as a printable table (str)."""
    shapes = expected_shapes(d, h, k, m)
    lines = [f"{'array':<7} {'shape':<8} {'here':<9} how it is made",
             f"{'-' * 7} {'-' * 8} {'-' * 9} {'-' * 20}"]
    for name, letters, how in LAYERS:
        lines.append(f"{name:<7} {_letters(letters):<8} {str(shapes[name]):<9} {how}")
    return "\n".join(lines)


def dims(x, params):
    """(d, h, k, m) read off the input (d, m) and the weights W1 (h, d), W2 (k, h)."""
    x = np.asarray(x)
    h, k = np.shape(params["W1"])[0], np.shape(params["W2"])[0]
    d, m = (x.shape[0], x.shape[1] if x.ndim == 2 else 1)
    return d, h, k, m


def shape_report(x, params, cache=None, grads=None):
    """[(name, actual shape or None, expected shape, ok)] for every array given, layer by layer.

    ``cache``: a dict with any of z1, a1, z2, y_hat (x is ignored there).
    ``grads``: a dict with any of dz2, dW2, db2, da1, dz1, dW1, db1.
    Names that are not given are left out.
    """
    d, h, k, m = dims(x, params)
    want = expected_shapes(d, h, k, m)
    have = {"x": x, **{n: params[n] for n in ("W1", "b1", "W2", "b2") if n in params}}
    for source in (cache or {}), (grads or {}):
        for n, v in source.items():
            if n in want and n not in have:
                have[n] = v
    rows = []
    for name, _, _ in LAYERS:
        if name in have:
            shape = tuple(np.shape(have[name]))
            rows.append((name, shape, want[name], shape == want[name]))
    return rows


def show_shapes(x, params, cache=None, grads=None):
    """Print the shape of every array given, layer by layer, ✓ when it is the shape it should be.

    Returns the number of arrays with a wrong shape (0 when all is well).
    """
    rows = shape_report(x, params, cache, grads)
    letters = {name: _letters(lt) for name, lt, _ in LAYERS}
    how = {name: h for name, _, h in LAYERS}
    bad = 0
    for name, shape, want, ok in rows:
        mark = "✓" if ok else f"✗ should be {want}"
        bad += not ok
        print(f"{name:<6} {str(shape):<9} {letters[name]:<7} {how[name]:<22} {mark}")
    print("all shapes as they should be" if not bad else f"{bad} array(s) with the wrong shape")
    return bad

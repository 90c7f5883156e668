"""Gradient checking: compare analytic gradients with centred finite differences.

Tolerances, and why:

- ``eps = 1e-6`` (float64). A centred difference has truncation error of order
  eps² · |f'''| (about 1e-12 here) and round-off error of order
  ε_machine · |L| / eps (about 1e-10); both are far below the gradients of the
  small networks in this course.
- The relative error of a whole parameter is
  ``‖a − n‖ / max(‖a‖ + ‖n‖, floor)`` with ``floor = 1e-8``. Using norms over
  the parameter keeps one tiny entry from dominating, and the floor keeps the
  ratio finite when both gradients are (almost) zero.
- Reading it: ≤ 1e-7 right (a right smooth network in float64 scores about 1e-10); up to 1e-2 look
  closer (a kink such as ReLU's at 0 can cause it, and so can a small bug: a 1e-6·W term scores a few
  times 1e-6); above 1e-2 wrong.
"""

from dataclasses import dataclass, field

import numpy as np

EPS = 1e-6
FLOOR = 1e-8
RIGHT, LOOK_CLOSER = 1e-7, 1e-2


def centred_difference(f, x, eps=EPS):
    """(f(x + eps) − f(x − eps)) / (2 eps) for a scalar function of a scalar."""
    return (f(x + eps) - f(x - eps)) / (2.0 * eps)


def numerical_gradient(f, x, eps=EPS, indices=None):
    """Centred-difference gradient of a scalar function ``f`` at array ``x``.

    ``f()`` takes no argument and reads ``x``, which is perturbed in place one
    entry at a time and restored exactly afterwards. ``indices`` limits the
    work to some entries (a list of index tuples); other entries are NaN.

    Shapes: x any shape → gradient of the same shape, float64.
    """
    if x.dtype != np.float64:
        raise TypeError(f"gradient checks need float64 arrays, got {x.dtype}")
    grad = np.full(x.shape, np.nan) if indices is not None else np.zeros(x.shape)
    todo = indices if indices is not None else list(np.ndindex(x.shape))
    for ix in todo:
        old = x[ix]
        x[ix] = old + eps
        plus = f()
        x[ix] = old - eps
        minus = f()
        x[ix] = old
        grad[ix] = (plus - minus) / (2.0 * eps)
    return grad


def relative_error(a, n, floor=FLOOR):
    """‖a − n‖ / max(‖a‖ + ‖n‖, floor) over all entries (NaN entries skipped).

    Shapes: a, n same shape → float.
    """
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    keep = ~np.isnan(n)
    a, n = a[keep], n[keep]
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), floor))


def verdict(rel):
    """Plain-words reading of a relative error (see the module docstring)."""
    if not np.isfinite(rel):
        return "broken (NaN or inf)"
    if rel <= RIGHT:
        return "right"
    if rel <= LOOK_CLOSER:
        return "look closer"
    return "wrong"


@dataclass
class ParamCheck:
    """One parameter's result: where analytic and numeric gradients differ most."""

    name: str
    shape: tuple
    rel_error: float
    worst_index: tuple
    analytic: float
    numeric: float

    @property
    def verdict(self):
        return verdict(self.rel_error)


@dataclass
class GradCheckReport:
    """Per-parameter results of :func:`check_gradients`, worst first on request."""

    rows: list = field(default_factory=list)
    tol: float = RIGHT

    @property
    def worst(self):
        return max(self.rows, key=lambda r: (np.nan_to_num(r.rel_error, nan=np.inf)))

    @property
    def max_rel_error(self):
        return self.worst.rel_error if self.rows else 0.0

    def passed(self, tol=None):
        tol = self.tol if tol is None else tol
        return all(np.isfinite(r.rel_error) and r.rel_error <= tol for r in self.rows)

    def __getitem__(self, name):
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(name)

    def __str__(self):
        lines = [f"{'parameter':<10} {'shape':<10} {'rel. error':>11}  verdict          worst entry (analytic vs numeric)"]
        for r in self.rows:
            lines.append(
                f"{r.name:<10} {str(r.shape):<10} {r.rel_error:>11.2e}  {r.verdict:<16} "
                f"{r.name}{list(r.worst_index)}: {r.analytic:+.6e} vs {r.numeric:+.6e}"
            )
        if self.rows:
            w = self.worst
            lines.append(f"worst: {w.name} at {list(w.worst_index)} (relative error {w.rel_error:.2e}, {w.verdict})")
        return "\n".join(lines)

    __repr__ = __str__


def check_gradients(loss, params, grads, eps=EPS, sample=None, seed=0, floor=FLOOR, tol=RIGHT):
    """Compare analytic ``grads`` with centred differences of ``loss``.

    ``loss()`` takes no argument and reads the arrays in ``params`` (a dict
    name → float64 array), which are perturbed in place and restored.
    ``grads`` maps the same names to analytic gradients of the same shapes.
    ``sample`` (an int) checks that many entries per parameter, chosen with
    ``seed``, instead of all of them (for large parameters).

    Returns a :class:`GradCheckReport`: one row per parameter with its relative
    error and the entry where the two gradients differ most.
    """
    rng = np.random.default_rng(seed)
    report = GradCheckReport(tol=tol)
    for name, p in params.items():
        a = np.asarray(grads[name], dtype=np.float64)
        if a.shape != p.shape:
            raise ValueError(f"d{name} has shape {a.shape} but {name} has shape {p.shape}")
        indices = None
        if sample is not None and sample < p.size:
            flat = rng.choice(p.size, size=sample, replace=False)
            indices = [np.unravel_index(i, p.shape) for i in sorted(flat)]
        n = numerical_gradient(loss, p, eps=eps, indices=indices)
        diff = np.where(np.isnan(n), -1.0, np.abs(a - n))
        worst = np.unravel_index(int(np.argmax(diff)), p.shape)
        report.rows.append(ParamCheck(
            name=name, shape=p.shape, rel_error=relative_error(a, n, floor),
            worst_index=tuple(int(i) for i in worst), analytic=float(a[worst]), numeric=float(n[worst]),
        ))
    return report

"""The article's single neuron: z = w x + b, a = f(z), L = (a − y)².

All quantities are scalars (Python floats or 0-d arrays), float64.
"""

from backprop.activations import ACTIVATIONS


def neuron_forward(x, w, b, y, activation="sigmoid"):
    """Forward pass. Returns (L, cache) with cache = (x, w, b, y, z, a, activation)."""
    f, _ = ACTIVATIONS[activation]
    z = w * x + b
    a = float(f(z))
    L = (a - y) ** 2
    return float(L), (x, w, b, y, float(z), a, activation)


def local_derivatives(cache):
    """The three local derivatives of the chain: (dL/da, da/dz, dz/dw), plus dz/db = 1."""
    x, w, b, y, z, a, activation = cache
    _, fprime = ACTIVATIONS[activation]
    return 2.0 * (a - y), float(fprime(z)), float(x)


def neuron_backward(cache):
    """Chain rule: dL/dw = 2(a − y) f'(z) x and dL/db = 2(a − y) f'(z). Returns (dw, db)."""
    dL_da, da_dz, dz_dw = local_derivatives(cache)
    dz = dL_da * da_dz
    return dz * dz_dw, dz * 1.0


def gradient_step(x, w, b, y, lr, activation="sigmoid"):
    """One gradient-descent step on (w, b). Returns the new (w, b)."""
    _, cache = neuron_forward(x, w, b, y, activation)
    dw, db = neuron_backward(cache)
    return w - lr * dw, b - lr * db

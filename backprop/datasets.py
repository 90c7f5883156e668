"""Small datasets, made in code or shipped with the package (numpy only, nothing downloaded).

Every loader returns examples as columns, in the course's convention:
``x`` (d, m) float64 and integer ``labels`` (m,). Use
``backprop.losses.one_hot(labels, k)`` for the (k, m) targets.

- :func:`make_spirals`: k interleaved 2-D spirals, a classic that a linear
  model cannot separate but a small two-layer network can.
- :func:`load_digits`: 1797 handwritten digits as 8×8 images (64 pixels,
  values 0..16), from UCI's optdigits (CC BY 4.0; see ``data/README.txt``).
- :func:`train_test_split`: a seeded, stratified-by-shuffle split into
  training and held-out columns.
- :func:`blobs`: k Gaussian clusters in d dimensions, for tiny demos.
"""

from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


def make_spirals(n_per_class=100, k=3, noise=0.2, turns=1.0, radius=1.0, seed=0):
    """k spirals in the plane, ``n_per_class`` points each, with Gaussian angle noise.

    Points of class c lie on an arm starting at the origin; the distance from
    the origin grows to ``radius`` while the angle turns ``turns`` times
    around, offset by 2πc/k.

    Shapes: returns x (2, k·n_per_class) float64, labels (k·n_per_class,) int.
    """
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(k):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = 2 * np.pi * (turns * r + c / k) + rng.normal(0.0, noise, n_per_class)
        xs.append(radius * np.stack([r * np.cos(t), r * np.sin(t)]))
        ys.append(np.full(n_per_class, c))
    return np.concatenate(xs, axis=1), np.concatenate(ys)


def blobs(m=60, d=2, k=3, spread=0.6, seed=0):
    """k Gaussian clusters with centres on a circle (first two coordinates).

    Shapes: returns x (d, m) float64, labels (m,) int (classes as equal as m allows).
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % k
    angles = 2 * np.pi * labels / k
    centres = np.zeros((d, m))
    centres[0], centres[1 % d] = 2 * np.cos(angles), 2 * np.sin(angles)
    return centres + rng.normal(0.0, spread, (d, m)), labels


def load_digits():
    """The 8×8 handwritten digits: x (64, 1797) float64 with pixel values 0..16, labels (1797,) int.

    Column j is image j flattened row by row (reshape(8, 8) to see it).
    Source and licence: ``backprop/data/README.txt`` (UCI optdigits, CC BY 4.0).
    """
    with np.load(DATA / "digits.npz") as f:
        images, labels = f["images"], f["labels"]
    return images.T.astype(np.float64), labels.astype(np.int64)


def train_test_split(x, labels, test_fraction=0.2, seed=0):
    """Shuffle the columns with ``seed`` and hold out ``test_fraction`` of them.

    Shapes: x (d, m), labels (m,) → x_train (d, m − t), y_train (m − t,),
    x_test (d, t), y_test (t,), with t = round(test_fraction · m).
    """
    x = np.asarray(x)
    labels = np.asarray(labels)
    m = x.shape[1]
    if labels.shape != (m,):
        raise ValueError(f"labels should have shape ({m},) for x of shape {x.shape}, got {labels.shape}")
    t = int(round(test_fraction * m))
    order = np.random.default_rng(seed).permutation(m)
    test, train = order[:t], order[t:]
    return x[:, train], labels[train], x[:, test], labels[test]

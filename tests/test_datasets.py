"""backprop.datasets: shapes, determinism, and the shipped digits file."""

import numpy as np
import pytest

from backprop import datasets


def test_digits_load_with_numpy_only_and_match_the_readme():
    x, labels = datasets.load_digits()
    assert x.shape == (64, 1797) and x.dtype == np.float64
    assert labels.shape == (1797,)
    assert x.min() == 0.0 and x.max() == 16.0
    assert np.array_equal(x, np.round(x)), "pixels are integer counts 0..16"
    assert np.array_equal(np.unique(labels), np.arange(10))
    assert 170 <= np.bincount(labels).min() and np.bincount(labels).max() <= 185  # roughly balanced
    # a column is one image: the first digit of the set is a 0, with a blank left edge
    assert labels[0] == 0 and x[:, 0].reshape(8, 8)[:, 0].sum() == 0


def test_digits_module_does_not_import_sklearn():
    import sys
    import subprocess
    code = "import sys; import backprop.datasets as d; d.load_digits(); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_readme_states_source_and_licence():
    text = (datasets.DATA / "README.txt").read_text()
    assert "CC BY 4.0" in text and "optdigits" in text and "UCI" in text


@pytest.mark.parametrize("n,k", [(10, 2), (50, 3), (7, 5)])
def test_spirals_shapes_classes_and_seed(n, k):
    x, labels = datasets.make_spirals(n_per_class=n, k=k, seed=3)
    assert x.shape == (2, n * k) and labels.shape == (n * k,)
    assert np.array_equal(np.bincount(labels), np.full(k, n))
    assert np.all(np.linalg.norm(x, axis=0) <= 1.0 + 1e-12)
    x2, _ = datasets.make_spirals(n_per_class=n, k=k, seed=3)
    x3, _ = datasets.make_spirals(n_per_class=n, k=k, seed=4)
    assert np.array_equal(x, x2) and not np.array_equal(x, x3)


def test_spiral_classes_are_not_linearly_separable_by_their_means():
    # the class means sit near the origin: a nearest-mean classifier does badly
    x, labels = datasets.make_spirals(n_per_class=100, k=3, seed=0)
    means = np.stack([x[:, labels == c].mean(axis=1) for c in range(3)], axis=1)
    pred = np.argmin(((x[:, None, :] - means[:, :, None]) ** 2).sum(axis=0), axis=0)
    assert np.mean(pred == labels) < 0.7


def test_train_test_split_partitions_the_columns():
    x = np.arange(20.0).reshape(2, 10)
    labels = np.arange(10)
    xtr, ytr, xte, yte = datasets.train_test_split(x, labels, test_fraction=0.3, seed=1)
    assert xtr.shape == (2, 7) and xte.shape == (2, 3)
    assert sorted(np.concatenate([ytr, yte]).tolist()) == list(range(10))
    assert np.array_equal(xtr[0], ytr * 1.0) and np.array_equal(xte[1], yte + 10.0)  # columns stay with labels
    again = datasets.train_test_split(x, labels, test_fraction=0.3, seed=1)
    assert np.array_equal(again[3], yte)
    with pytest.raises(ValueError):
        datasets.train_test_split(x, labels[:5])


def test_blobs():
    x, labels = datasets.blobs(m=30, d=4, k=3, seed=0)
    assert x.shape == (4, 30) and np.array_equal(np.bincount(labels), [10, 10, 10])

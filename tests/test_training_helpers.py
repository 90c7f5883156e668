"""backprop.training: starting parameters, copies, accuracy and the progress wrapper."""

import numpy as np

from backprop.training import accuracy, copy_params, init_params, progress


def test_init_params_shapes_scale_and_seed():
    p = init_params(64, 32, 10, seed=3, scale=0.5)
    assert {k: v.shape for k, v in p.items()} == {"W1": (32, 64), "b1": (32, 1), "W2": (10, 32), "b2": (10, 1)}
    assert np.all(p["b1"] == 0) and np.all(p["b2"] == 0)
    assert abs(p["W1"].std() - 0.5) < 0.03  # 2048 samples: the sample std is within ~1.6 % of 0.5
    again = init_params(64, 32, 10, seed=3, scale=0.5)
    other = init_params(64, 32, 10, seed=4, scale=0.5)
    assert np.array_equal(p["W1"], again["W1"]) and not np.array_equal(p["W1"], other["W1"])


def test_copy_params_is_deep():
    p = init_params(3, 4, 2)
    q = copy_params(p)
    q["W1"][0, 0] += 1.0
    assert p["W1"][0, 0] != q["W1"][0, 0]


def test_accuracy_counts_argmax_per_column():
    y_hat = np.array([[0.9, 0.2, 0.4], [0.1, 0.8, 0.6]])
    assert accuracy(y_hat, np.array([0, 1, 0])) == 2 / 3
    assert accuracy(y_hat, np.array([0, 1, 1])) == 1.0


def test_progress_yields_every_item():
    assert list(progress(range(5), desc="test")) == [0, 1, 2, 3, 4]

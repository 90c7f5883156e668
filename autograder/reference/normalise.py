"""Lesson 06 reference: standardising features with statistics of the training set only.

x is (d, m): one feature per row, one example per column.
"""

import numpy as np

MIN_STD = 1e-8


def fit_standardiser(x):
    """Per-feature mean and standard deviation over the examples: (mean (d, 1), std (d, 1)).

    A feature that never changes (std < 1e-8) gets std 1, so it maps to 0 instead of 0/0.
    """
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=1, keepdims=True)
    std = x.std(axis=1, keepdims=True)
    return mean, np.where(std < MIN_STD, 1.0, std)


def standardise_split(x_train, x_test):
    """Fit on x_train, apply the same (mean, std) to both: returns (x_train_std, x_test_std)."""
    mean, std = fit_standardiser(x_train)
    return (x_train - mean) / std, (x_test - mean) / std

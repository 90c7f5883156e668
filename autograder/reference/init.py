"""Lesson 06 reference: weight initialisation scaled to the layer's fan-in (and fan-out).

A layer W (fan_out, fan_in) maps fan_in inputs to fan_out units. Entries are
drawn with ``rng.normal(0.0, std, size=(fan_out, fan_in))``.
"""

import numpy as np


def xavier_std(fan_in, fan_out):
    """Glorot & Bengio (2010): Var(W) = 2 / (fan_in + fan_out), for tanh/sigmoid-like units."""
    return float(np.sqrt(2.0 / (fan_in + fan_out)))


def he_std(fan_in):
    """He et al. (2015): Var(W) = 2 / fan_in, for ReLU units (which zero half their inputs)."""
    return float(np.sqrt(2.0 / fan_in))


def xavier_init(fan_in, fan_out, rng):
    """W (fan_out, fan_in) with entries N(0, 2 / (fan_in + fan_out))."""
    return rng.normal(0.0, xavier_std(fan_in, fan_out), size=(fan_out, fan_in))


def he_init(fan_in, fan_out, rng):
    """W (fan_out, fan_in) with entries N(0, 2 / fan_in)."""
    return rng.normal(0.0, he_std(fan_in), size=(fan_out, fan_in))

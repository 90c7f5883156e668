"""Lesson 06 reference: gradient clipping by the global norm."""

import numpy as np


def global_norm(grads):
    """√(Σ over every gradient array of Σ entries²) → float."""
    return float(np.sqrt(sum(float(np.sum(np.asarray(g, dtype=np.float64) ** 2)) for g in grads.values())))


def clip_by_norm(grads, max_norm):
    """If the global norm exceeds max_norm, scale every gradient by max_norm / norm; else return them as they are.

    Returns a new dict with the same keys; the direction of the whole gradient is kept.
    """
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {name: np.asarray(g, dtype=np.float64) * scale for name, g in grads.items()}

"""Right answers to lesson 06's exercises in other forms."""

LESSON = "06_stability_and_debugging"

CASES = [
    dict(exercise="clip_by_norm", bug="norm of all entries concatenated, min(1, ·)", passes=["test_clip_by_norm"],
         source="def clip_by_norm(grads, max_norm):\n"
                "    norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads.values()]))\n"
                "    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0\n"
                "    return {k: g * scale for k, g in grads.items()}\n"),
    dict(exercise="first_nan", bug="np.unravel_index (numpy ints in the tuple)", passes=["test_first_nan"],
         source="def first_nan(arrays):\n    for name, a in arrays.items():\n"
                "        bad = ~np.isfinite(np.asarray(a, dtype=float))\n        if bad.any():\n"
                "            return (name, np.unravel_index(int(np.argmax(bad)), bad.shape))\n    return None\n"),
]

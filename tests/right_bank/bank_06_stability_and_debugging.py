"""Right answers to lesson 06's exercises in other forms."""

LESSON = "06_stability_and_debugging"

CASES = [
    dict(exercise="stable_softmax", bug="max and sum without keepdims (broadcast along the columns)",
         passes=["test_stable_softmax"],
         source="def stable_softmax(z):\n    e = np.exp(z - np.max(z, axis=0))\n    return e / np.sum(e, axis=0)\n"),
    dict(exercise="stable_softmax", bug="via log-sum-exp, on a copy", passes=["test_stable_softmax"],
         source="def stable_softmax(z):\n    z = np.array(z, dtype=float)\n    z -= z.max(axis=0, keepdims=True)\n"
                "    return np.exp(z - np.log(np.exp(z).sum(axis=0, keepdims=True)))\n"),
    dict(exercise="clip_by_norm", bug="norm of all entries concatenated, min(1, ·)", passes=["test_clip_by_norm"],
         source="def clip_by_norm(grads, max_norm):\n"
                "    norm = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads.values()]))\n"
                "    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0\n"
                "    return {k: g * scale for k, g in grads.items()}\n"),
    dict(exercise="clip_by_norm", bug="norm of the norms, copies scaled in place", passes=["test_clip_by_norm"],
         source="def clip_by_norm(grads, max_norm):\n    out = {k: np.array(g, dtype=float) for k, g in grads.items()}\n"
                "    norm = np.linalg.norm([np.linalg.norm(g) for g in out.values()])\n    if norm > max_norm:\n"
                "        for g in out.values():\n            g *= max_norm / norm\n    return out\n"),
    dict(exercise="xavier_init", bug="rng.standard_normal times the std", passes=["test_xavier_init"],
         source="def xavier_init(fan_in, fan_out, rng):\n    std = (2 / (fan_in + fan_out)) ** 0.5\n"
                "    return std * rng.standard_normal((fan_out, fan_in))\n"),
    dict(exercise="xavier_init", bug="drawn (fan_in, fan_out), then transposed", passes=["test_xavier_init"],
         source="def xavier_init(fan_in, fan_out, rng):\n"
                "    return rng.normal(scale=np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out)).T\n"),
    dict(exercise="he_init", bug="keyword arguments, variance then sqrt", passes=["test_he_init"],
         source="def he_init(fan_in, fan_out, rng):\n    var = 2.0 / fan_in\n"
                "    return rng.normal(loc=0.0, scale=np.sqrt(var), size=(fan_out, fan_in))\n"),
    dict(exercise="fit_standardiser", bug="std by hand, guard in place, std == 0 test", passes=["test_fit_standardiser", "test_standardise_split"],
         source="def fit_standardiser(x):\n    mean = np.mean(x, axis=1, keepdims=True)\n"
                "    std = np.sqrt(np.mean((x - mean) ** 2, axis=1, keepdims=True))\n    std[std < 1e-8] = 1.0\n"
                "    return mean, std\n"),
    dict(exercise="fit_standardiser", bug="reshape(-1, 1), a list of two", passes=["test_fit_standardiser", "test_standardise_split"],
         source="def fit_standardiser(x):\n    s = x.std(axis=1)\n"
                "    return [x.mean(axis=1).reshape(-1, 1), np.where(s < 1e-8, 1, s).reshape(-1, 1)]\n"),
    dict(exercise="standardise_split", bug="a helper applied to both", passes=["test_standardise_split"],
         source="def standardise_split(x_train, x_test):\n    mean, std = fit_standardiser(x_train)\n"
                "    scale = lambda x: (np.asarray(x, dtype=float) - mean) / std\n    return [scale(x_train), scale(x_test)]\n"),
    dict(exercise="overfit_tiny", bug="its own forward/backward step, losses as an array", passes=["test_overfit_tiny"],
         source="def overfit_tiny(x, labels, k, h=32, steps=300, lr=2.0, seed=0):\n"
                "    params, y = init_params(x.shape[0], h, k, seed=seed), one_hot(labels, k)\n    losses = np.zeros(steps)\n"
                "    for s in range(steps):\n        y_hat, cache = network_forward(x, params)\n"
                "        grads = network_backward(y, cache, params)\n        losses[s] = cross_entropy_logits(cache['z2'], y)\n"
                "        params = {n: params[n] - lr * grads['d' + n] for n in PARAMS}\n    return losses\n"),
    dict(exercise="first_nan", bug="np.unravel_index (numpy ints in the tuple)", passes=["test_first_nan"],
         source="def first_nan(arrays):\n    for name, a in arrays.items():\n"
                "        bad = ~np.isfinite(np.asarray(a, dtype=float))\n        if bad.any():\n"
                "            return (name, np.unravel_index(int(np.argmax(bad)), bad.shape))\n    return None\n"),
    dict(exercise="first_nan", bug="np.ndindex, a list pair", passes=["test_first_nan"],
         source="def first_nan(arrays):\n    for name in arrays:\n        a = arrays[name]\n"
                "        for ix in np.ndindex(a.shape):\n            if not np.isfinite(a[ix]):\n"
                "                return [name, ix]\n"),
]

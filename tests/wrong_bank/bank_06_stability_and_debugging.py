LESSON = "06_stability_and_debugging"


def _clip(body):
    return "def clip_by_norm(grads, max_norm):\n" + body


def _split(body):
    return "def standardise_split(x_train, x_test):\n" + body


def _nan(body):
    return "def first_nan(arrays):\n" + body


CASES = [
    dict(exercise="stable_softmax", bug="naive softmax (no max subtraction)", fails=["test_stable_softmax"], says="overflow",
         source="def stable_softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=0, keepdims=True)\n"),
    dict(exercise="stable_softmax", bug="normalises rows", fails=["test_stable_softmax"], says="not each row",
         source="def stable_softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)\n"),
    dict(exercise="clip_by_norm", bug="clips each entry", fails=["test_clip_by_norm"], says="not each entry",
         source=_clip("    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="each array's own norm", fails=["test_clip_by_norm"], says="one global norm",
         source=_clip("    out = {}\n    for k, g in grads.items():\n        n = np.linalg.norm(g)\n"
                      "        out[k] = g * (max_norm / n if n > max_norm else 1.0)\n    return out\n")),
    dict(exercise="clip_by_norm", bug="always rescales to max_norm", fails=["test_clip_by_norm"], says="only shrink",
         source=_clip("    n = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))\n"
                      "    return {k: g * max_norm / n for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="inverted scale", fails=["test_clip_by_norm"], says="not norm / max_norm",
         source=_clip("    n = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))\n"
                      "    return {k: g * (n / max_norm if n > max_norm else 1.0) for k, g in grads.items()}\n")),
    dict(exercise="xavier_init", bug="He scale (Xavier vs He confusion)", fails=["test_xavier_init"], says="He's scale",
         source="def xavier_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))\n"),
    dict(exercise="xavier_init", bug="variance used as std", fails=["test_xavier_init"], says="not the variance",
         source="def xavier_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_out, fan_in))\n"),
    dict(exercise="xavier_init", bug="transposed shape", fails=["test_xavier_init"], says="did you transpose",
         source="def xavier_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))\n"),
    dict(exercise="he_init", bug="Xavier scale (He vs Xavier confusion)", fails=["test_he_init"], says="Xavier's scale",
         source="def he_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_out, fan_in))\n"),
    dict(exercise="he_init", bug="fan-out instead of fan-in", fails=["test_he_init"], says="not the fan-out",
         source="def he_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_out, fan_in))\n"),
    dict(exercise="he_init", bug="factor 2 missing", fails=["test_he_init"], says="factor 2 is missing",
         source="def he_init(fan_in, fan_out, rng):\n    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_out, fan_in))\n"),
    dict(exercise="fit_standardiser", bug="statistics over the wrong axis", fails=["test_fit_standardiser"], says="wrong axis",
         source="def fit_standardiser(x):\n    s = x.std(axis=0, keepdims=True)\n"
                "    return x.mean(axis=0, keepdims=True), np.where(s < 1e-8, 1.0, s)\n"),
    dict(exercise="fit_standardiser", bug="no guard for constant features", fails=["test_fit_standardiser"], says="replace any std below 1e-8 by 1",
         source="def fit_standardiser(x):\n    return x.mean(axis=1, keepdims=True), x.std(axis=1, keepdims=True)\n"),
    dict(exercise="fit_standardiser", bug="sample std (ddof=1)", fails=["test_fit_standardiser"], says="ddof=1",
         source="def fit_standardiser(x):\n    s = x.std(axis=1, ddof=1, keepdims=True)\n"
                "    return x.mean(axis=1, keepdims=True), np.where(s < 1e-8, 1.0, s)\n"),
    dict(exercise="standardise_split", bug="test set standardised with its own statistics", fails=["test_standardise_split"],
         says="training set's mean and std",
         source=_split("    m1, s1 = fit_standardiser(x_train)\n    m2, s2 = fit_standardiser(x_test)\n"
                       "    return (x_train - m1) / s1, (x_test - m2) / s2\n")),
    dict(exercise="standardise_split", bug="fitted on train and test together", fails=["test_standardise_split"],
         says="not on train and test together",
         source=_split("    m, s = fit_standardiser(np.concatenate([x_train, x_test], axis=1))\n"
                       "    return (x_train - m) / s, (x_test - m) / s\n")),
    dict(exercise="overfit_tiny", bug="parameters never updated", fails=["test_overfit_tiny"], says="did not fall",
         source="def overfit_tiny(x, labels, k, h=32, steps=300, lr=2.0, seed=0):\n"
                "    params = init_params(x.shape[0], h, k, seed=seed)\n    y = one_hot(labels, k)\n    losses = []\n"
                "    for _ in range(steps):\n        loss, _ = network_step(x, y, params, lr)\n        losses.append(loss)\n"
                "    return losses\n"),
    dict(exercise="overfit_tiny", bug="returns only the final loss", fails=["test_overfit_tiny"], says="one loss per step",
         source="def overfit_tiny(x, labels, k, h=32, steps=300, lr=2.0, seed=0):\n"
                "    params = init_params(x.shape[0], h, k, seed=seed)\n    y = one_hot(labels, k)\n"
                "    for _ in range(steps):\n        loss, params = network_step(x, y, params, lr)\n    return loss\n"),
    dict(exercise="overfit_tiny", bug="one example per step, few steps", fails=["test_overfit_tiny"], says="full batch",
         source="def overfit_tiny(x, labels, k, h=32, steps=300, lr=2.0, seed=0):\n"
                "    params = init_params(x.shape[0], h, k, seed=seed)\n    y = one_hot(labels, k)\n    losses = []\n"
                "    for s in range(steps):\n        j = s % x.shape[1]\n"
                "        loss, params = network_step(x[:, j:j + 1], y[:, j:j + 1], params, lr * 0.02)\n"
                "        losses.append(loss)\n    return losses\n"),
    dict(exercise="first_nan", bug="returns the last array with a NaN", fails=["test_first_nan"], says="first one",
         source=_nan("    found = None\n    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            found = (name, tuple(int(i) for i in bad[0]))\n    return found\n")),
    dict(exercise="first_nan", bug="only looks for NaN, not inf", fails=["test_first_nan"], says="inf and -inf all count",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(np.isnan(a))\n"
                     "        if len(bad):\n            return name, tuple(int(i) for i in bad[0])\n    return None\n")),
    dict(exercise="first_nan", bug="flat index instead of a tuple", fails=["test_first_nan"], says="index should be",
         source=_nan("    for name, a in arrays.items():\n        bad = ~np.isfinite(a)\n"
                     "        if bad.any():\n            return name, int(np.argmax(bad))\n    return None\n")),
    dict(exercise="clip_by_norm", bug="scales the given gradients in place", fails=["test_clip_by_norm"],
         says="changed the gradients it was given",
         source=_clip("    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))\n"
                      "    if norm > max_norm:\n        for g in grads.values():\n            g *= max_norm / norm\n"
                      "    return grads\n")),
    dict(exercise="first_nan", bug="index as an ndarray, not a tuple", fails=["test_first_nan"], says="a tuple of ints",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            return name, bad[0]\n    return None\n")),
]

LESSON = "06_stability_and_debugging"


def _softmax(body):
    return "def stable_softmax(z):\n" + body


def _clip(body):
    return "def clip_by_norm(grads, max_norm):\n" + body


_NORM = "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))\n"


def _init(name, std, size="(fan_out, fan_in)", draw="rng.normal(0.0, {std}, size={size})"):
    return f"def {name}(fan_in, fan_out, rng):\n    return " + draw.format(std=std, size=size) + "\n"


def _stats(mean="x.mean(axis=1, keepdims=True)", std="x.std(axis=1, keepdims=True)", guard="np.where(s < 1e-8, 1.0, s)",
           ret="m, {guard}"):
    return f"def fit_standardiser(x):\n    m = {mean}\n    s = {std}\n    return " + ret.format(guard=guard) + "\n"


def _split(body):
    return "def standardise_split(x_train, x_test):\n" + body


_FIT = "    mean, std = fit_standardiser(x_train)\n"


def _overfit(loop, head="    params = init_params(x.shape[0], h, k, seed=seed)\n    y = one_hot(labels, k)\n    losses = []\n",
             tail="    return losses\n"):
    return "def overfit_tiny(x, labels, k, h=32, steps=300, lr=2.0, seed=0):\n" + head + loop + tail


def _nan(body):
    return "def first_nan(arrays):\n" + body


CASES = [
    # --- Exercise 1: stable_softmax
    dict(exercise="stable_softmax", bug="naive softmax (no max subtraction)", fails=["test_stable_softmax"], says="overflow",
         source=_softmax("    e = np.exp(z)\n    return e / e.sum(axis=0, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="normalises rows", fails=["test_stable_softmax"], says="not each row",
         source=_softmax("    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=1, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="one max for the whole array", fails=["test_stable_softmax"],
         says="not one max for the whole array",
         source=_softmax("    e = np.exp(z - np.max(z))\n    return e / e.sum(axis=0, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="max over the rows, sum over the columns", fails=["test_stable_softmax"],
         says="each column's own max",
         source=_softmax("    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="the 1-D recipe: global max and global sum", fails=["test_stable_softmax"],
         says="one softmax over all the entries",
         source=_softmax("    e = np.exp(z - np.max(z))\n    return e / np.sum(e)\n")),
    dict(exercise="stable_softmax", bug="column max, but divided by the sum of every entry", fails=["test_stable_softmax"],
         says="not by the sum of every entry",
         source=_softmax("    e = np.exp(z - z.max(axis=0, keepdims=True))\n    return e / e.sum()\n")),
    dict(exercise="stable_softmax", bug="not normalised", fails=["test_stable_softmax"], says="divide by the column sums",
         source=_softmax("    return np.exp(z - z.max(axis=0, keepdims=True))\n")),
    dict(exercise="stable_softmax", bug="max − z (softmax of −z)", fails=["test_stable_softmax"], says="softmax of −z",
         source=_softmax("    e = np.exp(z.max(axis=0, keepdims=True) - z)\n    return e / e.sum(axis=0, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="adds the max (overflows)", fails=["test_stable_softmax"], says="overflow",
         source=_softmax("    e = np.exp(z + z.max(axis=0, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)\n")),
    dict(exercise="stable_softmax", bug="shifts z in place (z -= max)", fails=["test_stable_softmax"], says="changed z",
         source=_softmax("    z -= z.max(axis=0, keepdims=True)\n    e = np.exp(z)\n    return e / e.sum(axis=0, keepdims=True)\n")),
    # --- Exercise 2: clip_by_norm
    dict(exercise="clip_by_norm", bug="clips each entry", fails=["test_clip_by_norm"], says="not each entry",
         source=_clip("    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="each array's own norm", fails=["test_clip_by_norm"], says="one global norm",
         source=_clip("    out = {}\n    for k, g in grads.items():\n        n = np.linalg.norm(g)\n"
                      "        out[k] = g * (max_norm / n if n > max_norm else 1.0)\n    return out\n")),
    dict(exercise="clip_by_norm", bug="always rescales to max_norm", fails=["test_clip_by_norm"], says="only shrink",
         source=_clip(_NORM + "    return {k: g * max_norm / norm for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="inverted scale", fails=["test_clip_by_norm"], says="not norm / max_norm",
         source=_clip(_NORM + "    return {k: g * (norm / max_norm if norm > max_norm else 1.0) for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="scales the given gradients in place", fails=["test_clip_by_norm"],
         says="changed the gradients it was given",
         source=_clip(_NORM + "    if norm > max_norm:\n        for g in grads.values():\n            g *= max_norm / norm\n"
                      "    return grads\n")),
    dict(exercise="clip_by_norm", bug="condition the wrong way round", fails=["test_clip_by_norm"], says="nothing was clipped",
         source=_clip(_NORM + "    scale = max_norm / norm if norm < max_norm else 1.0\n"
                      "    return {k: g * scale for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="no square root (sum of squares)", fails=["test_clip_by_norm"],
         says="left out the square root",
         source=_clip("    total = sum(np.sum(g * g) for g in grads.values())\n    scale = max_norm / total if total > max_norm else 1\n"
                      "    return {k: g * scale for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="sum of absolute values as the norm", fails=["test_clip_by_norm"],
         says="not the sum of absolute values",
         source=_clip("    total = sum(np.abs(g).sum() for g in grads.values())\n"
                      "    return {k: g * min(1.0, max_norm / total) for k, g in grads.items()}\n")),
    dict(exercise="clip_by_norm", bug="returns a list", fails=["test_clip_by_norm"], says="should be a dict",
         source=_clip(_NORM + "    scale = min(1.0, max_norm / norm)\n    return [g * scale for g in grads.values()]\n")),
    dict(exercise="clip_by_norm", bug="renames the keys", fails=["test_clip_by_norm"], says="same keys as grads",
         source=_clip(_NORM + "    scale = min(1.0, max_norm / norm)\n    return {k[1:]: g * scale for k, g in grads.items()}\n")),
    # --- Exercise 3: xavier_init
    dict(exercise="xavier_init", bug="He scale (Xavier vs He confusion)", fails=["test_xavier_init"], says="He's scale",
         source=_init("xavier_init", "np.sqrt(2.0 / fan_in)")),
    dict(exercise="xavier_init", bug="variance used as std", fails=["test_xavier_init"], says="not the variance",
         source=_init("xavier_init", "2.0 / (fan_in + fan_out)")),
    dict(exercise="xavier_init", bug="transposed shape", fails=["test_xavier_init"], says="did you transpose",
         source=_init("xavier_init", "np.sqrt(2.0 / (fan_in + fan_out))", size="(fan_in, fan_out)")),
    dict(exercise="xavier_init", bug="LeCun's 1/√fan_in", fails=["test_xavier_init"], says="LeCun",
         source=_init("xavier_init", "1 / np.sqrt(fan_in)")),
    dict(exercise="xavier_init", bug="factor 2 missing", fails=["test_xavier_init"], says="the factor 2 is missing",
         source=_init("xavier_init", "np.sqrt(1.0 / (fan_in + fan_out))")),
    dict(exercise="xavier_init", bug="fan-out only", fails=["test_xavier_init"], says="not √(2/fan_out)",
         source=_init("xavier_init", "np.sqrt(2.0 / fan_out)")),
    dict(exercise="xavier_init", bug="the uniform limit as the std", fails=["test_xavier_init"], says="uniform version",
         source=_init("xavier_init", "np.sqrt(6.0 / (fan_in + fan_out))")),
    dict(exercise="xavier_init", bug="uniform draws of the right spread", fails=["test_xavier_init"], says="look uniform",
         source=_init("xavier_init", "np.sqrt(6.0 / (fan_in + fan_out))",
                      draw="rng.uniform(-{std}, {std}, size={size})")),
    dict(exercise="xavier_init", bug="np.random instead of the rng given", fails=["test_xavier_init"],
         says="the rng you are given", source=_init("xavier_init", "np.sqrt(2.0 / (fan_in + fan_out))",
                                                   draw="np.random.normal(0.0, {std}, size={size})")),
    dict(exercise="xavier_init", bug="std 1 (no scaling)", fails=["test_xavier_init"], says="scale the draws",
         source=_init("xavier_init", "1.0")),
    # --- Exercise 4: he_init
    dict(exercise="he_init", bug="Xavier scale (He vs Xavier confusion)", fails=["test_he_init"], says="Xavier's scale",
         source=_init("he_init", "np.sqrt(2.0 / (fan_in + fan_out))")),
    dict(exercise="he_init", bug="fan-out instead of fan-in", fails=["test_he_init"], says="not the fan-out",
         source=_init("he_init", "np.sqrt(2.0 / fan_out)")),
    dict(exercise="he_init", bug="factor 2 missing", fails=["test_he_init"], says="factor 2 is missing",
         source=_init("he_init", "np.sqrt(1.0 / fan_in)")),
    dict(exercise="he_init", bug="variance used as std", fails=["test_he_init"], says="not the variance",
         source=_init("he_init", "2.0 / fan_in")),
    dict(exercise="he_init", bug="transposed shape", fails=["test_he_init"], says="did you transpose",
         source=_init("he_init", "np.sqrt(2.0 / fan_in)", size="(fan_in, fan_out)")),
    dict(exercise="he_init", bug="the uniform limit as the std", fails=["test_he_init"], says="uniform version",
         source=_init("he_init", "np.sqrt(6.0 / fan_in)")),
    dict(exercise="he_init", bug="uniform draws of the right spread", fails=["test_he_init"], says="look uniform",
         source=_init("he_init", "np.sqrt(6.0 / fan_in)", draw="rng.uniform(-{std}, {std}, size={size})")),
    dict(exercise="he_init", bug="a fresh generator, not the rng given", fails=["test_he_init"],
         says="the rng you are given",
         source=_init("he_init", "np.sqrt(2.0 / fan_in)", draw="np.random.default_rng().normal(0.0, {std}, size={size})")),
    # --- Exercise 5: fit_standardiser
    dict(exercise="fit_standardiser", bug="statistics over the wrong axis", fails=["test_fit_standardiser"], says="wrong axis",
         source=_stats(mean="x.mean(axis=0, keepdims=True)", std="x.std(axis=0, keepdims=True)")),
    dict(exercise="fit_standardiser", bug="no guard for constant features", fails=["test_fit_standardiser"],
         says="replace any std below 1e-8 by 1", source=_stats(guard="s")),
    dict(exercise="fit_standardiser", bug="sample std (ddof=1)", fails=["test_fit_standardiser"], says="ddof=1",
         source=_stats(std="x.std(axis=1, ddof=1, keepdims=True)")),
    dict(exercise="fit_standardiser", bug="the variance, not the std", fails=["test_fit_standardiser"], says="the variance",
         source=_stats(std="x.var(axis=1, keepdims=True)")),
    dict(exercise="fit_standardiser", bug="adds 1e-8 instead of replacing", fails=["test_fit_standardiser"],
         says="adding 1e-8", source=_stats(guard="s + 1e-8")),
    dict(exercise="fit_standardiser", bug="np.maximum(std, 1)", fails=["test_fit_standardiser"], says="np.maximum(std, 1)",
         source=_stats(guard="np.maximum(s, 1.0)")),
    dict(exercise="fit_standardiser", bug="returns (std, mean)", fails=["test_fit_standardiser"], says="wrong order",
         source=_stats(ret="{guard}, m")),
    dict(exercise="fit_standardiser", bug="no keepdims (d,)", fails=["test_fit_standardiser"], says="lost its second axis",
         source=_stats(mean="x.mean(axis=1)", std="x.std(axis=1)")),
    dict(exercise="fit_standardiser", bug="centres x in place to get the std", fails=["test_fit_standardiser"],
         says="changed x",
         source="def fit_standardiser(x):\n    mean = x.mean(axis=1, keepdims=True)\n    x -= mean\n"
                "    std = np.sqrt((x ** 2).mean(axis=1, keepdims=True))\n    return mean, np.where(std < 1e-8, 1.0, std)\n"),
    # --- Exercise 6: standardise_split
    dict(exercise="standardise_split", bug="test set standardised with its own statistics", fails=["test_standardise_split"],
         says="training set's mean and std",
         source=_split("    m1, s1 = fit_standardiser(x_train)\n    m2, s2 = fit_standardiser(x_test)\n"
                       "    return (x_train - m1) / s1, (x_test - m2) / s2\n")),
    dict(exercise="standardise_split", bug="fitted on train and test together", fails=["test_standardise_split"],
         says="not on train and test together",
         source=_split("    m, s = fit_standardiser(np.concatenate([x_train, x_test], axis=1))\n"
                       "    return (x_train - m) / s, (x_test - m) / s\n")),
    dict(exercise="standardise_split", bug="only the mean subtracted", fails=["test_standardise_split"],
         says="you only subtracted the mean", source=_split(_FIT + "    return x_train - mean, x_test - mean\n")),
    dict(exercise="standardise_split", bug="divides before subtracting", fails=["test_standardise_split"],
         says="not x / std − mean", source=_split(_FIT + "    return x_train / std - mean, x_test / std - mean\n")),
    dict(exercise="standardise_split", bug="no brackets: x − mean / std", fails=["test_standardise_split"],
         says="not x − mean / std", source=_split(_FIT + "    return x_train - mean / std, x_test - mean / std\n")),
    dict(exercise="standardise_split", bug="multiplies by the std", fails=["test_standardise_split"], says="do not multiply",
         source=_split(_FIT + "    return (x_train - mean) * std, (x_test - mean) * std\n")),
    dict(exercise="standardise_split", bug="test set left raw", fails=["test_standardise_split"],
         says="standardise the test set too", source=_split(_FIT + "    return (x_train - mean) / std, x_test\n")),
    dict(exercise="standardise_split", bug="returns (test, train)", fails=["test_standardise_split"],
         says="the order is (x_train_std, x_test_std)",
         source=_split(_FIT + "    return (x_test - mean) / std, (x_train - mean) / std\n")),
    dict(exercise="standardise_split", bug="standardises in place", fails=["test_standardise_split"],
         says="changed the arrays it was given",
         source=_split(_FIT + "    x_train -= mean\n    x_train /= std\n    x_test -= mean\n    x_test /= std\n"
                       "    return x_train, x_test\n")),
    # --- Exercise 7: overfit_tiny
    dict(exercise="overfit_tiny", bug="parameters never updated", fails=["test_overfit_tiny"], says="are the parameters updated",
         source=_overfit("    for _ in range(steps):\n        loss, _ = network_step(x, y, params, lr)\n        losses.append(loss)\n")),
    dict(exercise="overfit_tiny", bug="returns only the final loss", fails=["test_overfit_tiny"], says="one per step",
         source=_overfit("    for _ in range(steps):\n        loss, params = network_step(x, y, params, lr)\n",
                         tail="    return loss\n")),
    dict(exercise="overfit_tiny", bug="one example per step, few steps", fails=["test_overfit_tiny"], says="full batch",
         source=_overfit("    for s in range(steps):\n        j = s % x.shape[1]\n"
                         "        loss, params = network_step(x[:, j:j + 1], y[:, j:j + 1], params, lr * 0.02)\n"
                         "        losses.append(loss)\n")),
    dict(exercise="overfit_tiny", bug="re-initialises the parameters every step", fails=["test_overfit_tiny"],
         says="initialised once, before the loop",
         source=_overfit("    for _ in range(steps):\n        params = init_params(x.shape[0], h, k, seed=seed)\n"
                         "        loss, params = network_step(x, y, params, lr)\n        losses.append(loss)\n")),
    dict(exercise="overfit_tiny", bug="steps up the gradient (own update)", fails=["test_overfit_tiny"],
         says="step against the gradient",
         source=_overfit("    for _ in range(steps):\n        y_hat, cache = network_forward(x, params)\n"
                         "        grads = network_backward(y, cache, params)\n        losses.append(cross_entropy(y_hat, y))\n"
                         "        params = {n: params[n] + 0.05 * grads['d' + n] for n in PARAMS}\n")),
    dict(exercise="overfit_tiny", bug="records the loss every 10 steps", fails=["test_overfit_tiny"],
         says="append the loss inside the loop, at every step",
         source=_overfit("    for s in range(steps):\n        loss, params = network_step(x, y, params, lr)\n"
                         "        if s % 10 == 0:\n            losses.append(loss)\n")),
    dict(exercise="overfit_tiny", bug="keeps (loss, params) pairs", fails=["test_overfit_tiny"], says="one loss, a number",
         source=_overfit("    for _ in range(steps):\n        step = network_step(x, y, params, lr)\n        params = step[1]\n"
                         "        losses.append(step)\n")),
    dict(exercise="overfit_tiny", bug="a small fixed learning rate", fails=["test_overfit_tiny"], says="the given h, steps, lr",
         source=_overfit("    for _ in range(steps):\n        loss, params = network_step(x, y, params, 0.05)\n"
                         "        losses.append(loss)\n")),
    # --- Exercise 8: first_nan
    dict(exercise="first_nan", bug="returns the last array with a NaN", fails=["test_first_nan"], says="first one",
         source=_nan("    found = None\n    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            found = (name, tuple(int(i) for i in bad[0]))\n    return found\n")),
    dict(exercise="first_nan", bug="only looks for NaN, not inf", fails=["test_first_nan"], says="inf and -inf count too",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(np.isnan(a))\n"
                     "        if len(bad):\n            return name, tuple(int(i) for i in bad[0])\n    return None\n")),
    dict(exercise="first_nan", bug="flat index instead of a tuple", fails=["test_first_nan"], says="not the flat position",
         source=_nan("    for name, a in arrays.items():\n        bad = ~np.isfinite(a)\n"
                     "        if bad.any():\n            return name, int(np.argmax(bad))\n    return None\n")),
    dict(exercise="first_nan", bug="index as an ndarray, not a tuple", fails=["test_first_nan"], says="a tuple of ints",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            return name, bad[0]\n    return None\n")),
    dict(exercise="first_nan", bug="scans the names sorted", fails=["test_first_nan"], says="not sorted by name",
         source=_nan("    for name in sorted(arrays):\n        bad = np.argwhere(~np.isfinite(arrays[name]))\n"
                     "        if len(bad):\n            return name, tuple(int(i) for i in bad[0])\n    return None\n")),
    dict(exercise="first_nan", bug="returns (index, name)", fails=["test_first_nan"], says="the order is (name, index)",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            return tuple(int(i) for i in bad[0]), name\n    return None\n")),
    dict(exercise="first_nan", bug="column by column (transposed scan)", fails=["test_first_nan"], says="row-by-row order",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a.T))\n"
                     "        if len(bad):\n            return name, tuple(int(i) for i in bad[0][::-1])\n    return None\n")),
    dict(exercise="first_nan", bug="only the name", fails=["test_first_nan"], says="should return a pair (name, index)",
         source=_nan("    for name, a in arrays.items():\n        if not np.all(np.isfinite(a)):\n            return name\n"
                     "    return None\n")),
    dict(exercise="first_nan", bug="False instead of None when all finite", fails=["test_first_nan"],
         says="should return None",
         source=_nan("    for name, a in arrays.items():\n        bad = np.argwhere(~np.isfinite(a))\n"
                     "        if len(bad):\n            return name, tuple(int(i) for i in bad[0])\n    return False\n")),
]

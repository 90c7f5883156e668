LESSON = "05_gradient_checking"


def _centred(body):
    return "def centred_difference(f, x, eps=1e-6):\n    " + body + "\n"


def _numgrad(body, head="    grad = np.zeros(theta.shape)\n"):
    return "def numerical_gradient(loss, theta, eps=1e-6):\n" + head + body + "    return grad\n"


_LOOP = ("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        theta[ix] = old + eps\n"
         "        plus = loss()\n        theta[ix] = old - eps\n        minus = loss()\n        theta[ix] = old\n")


def _relerr(body):
    return ("def relative_error(a, n, floor=1e-8):\n    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)\n"
            "    na, nn = np.linalg.norm(a), np.linalg.norm(n)\n    " + body + "\n")


_SUSPECT_BODY = ("    z1 = params['W1'] @ x + params['b1']; a1 = sigmoid(z1); y_hat = softmax(params['W2'] @ a1 + params['b2'])\n"
                 "    m = x.shape[1]\n")


def _fixed(dz2="(y_hat - y) / m", dW2="dz2 @ a1.T", db2="np.sum(dz2, axis=1, keepdims=True)",
           dz1="(params['W2'].T @ dz2) * sigmoid_prime(z1)", dW1="dz1 @ x.T", db1="np.sum(dz1, axis=1, keepdims=True)",
           keys=("dW1", "db1", "dW2", "db2")):
    return ("def backward_fixed(x, y, params):\n" + _SUSPECT_BODY
            + f"    dz2 = {dz2}\n    dW2, db2 = {dW2}, {db2}\n    dz1 = {dz1}\n"
            + f"    return {{'{keys[0]}': {dW1}, '{keys[1]}': {db1}, '{keys[2]}': dW2, '{keys[3]}': db2}}\n")


def _check(line, head="    for name, theta in params.items():\n        g = np.asarray(grads['d' + name], dtype=np.float64)\n"):
    return "def gradient_check(loss, params, grads, eps=1e-6):\n    errors = {}\n" + head + line + "    return errors\n"


def _flags(line, errs="errors = gradient_check(lambda: network_loss(x, y, params), params, grads)"):
    return ("def wrong_params(backward, x, y, params, tol=1e-4):\n    grads = backward(x, y, params)\n"
            f"    {errs}\n    {line}\n")


CASES = [
    # --- Exercise 1: centred_difference
    dict(exercise="centred_difference", bug="forward difference", fails=["test_centred_difference"],
         says="not the forward difference", source=_centred("return (f(x + eps) - f(x)) / eps")),
    dict(exercise="centred_difference", bug="divides by eps instead of 2 eps", fails=["test_centred_difference"],
         says="divide by 2ε, not by ε", source=_centred("return (f(x + eps) - f(x - eps)) / eps")),
    dict(exercise="centred_difference", bug="forward difference over 2 eps", fails=["test_centred_difference"],
         says="nudge both ways", source=_centred("return (f(x + eps) - f(x)) / (2 * eps)")),
    dict(exercise="centred_difference", bug="backward difference", fails=["test_centred_difference"],
         says="not the backward difference", source=_centred("return (f(x) - f(x - eps)) / eps")),
    dict(exercise="centred_difference", bug="difference not divided", fails=["test_centred_difference"],
         says="it is a slope", source=_centred("return f(x + eps) - f(x - eps)")),
    dict(exercise="centred_difference", bug="/ 2 * eps (precedence)", fails=["test_centred_difference"],
         says="/ 2 * eps divides by 2", source=_centred("return (f(x + eps) - f(x - eps)) / 2 * eps")),
    dict(exercise="centred_difference", bug="no brackets round the difference", fails=["test_centred_difference"],
         says="without them only f(x − ε) is divided", source=_centred("return f(x + eps) - f(x - eps) / (2 * eps)")),
    dict(exercise="centred_difference", bug="a fixed step instead of eps", fails=["test_centred_difference"],
         says="use the eps you are given", source=_centred("h = 1e-6\n    return (f(x + h) - f(x - h)) / (2 * h)")),
    dict(exercise="centred_difference", bug="difference the wrong way round", fails=["test_centred_difference"],
         says="wrong sign", source=_centred("return (f(x - eps) - f(x + eps)) / (2 * eps)")),
    # --- Exercise 2: numerical_gradient
    dict(exercise="numerical_gradient", bug="forward differences", fails=["test_numerical_gradient"],
         says="not forward differences",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        base = loss()\n"
                         "        theta[ix] = old + eps\n        plus = loss()\n        theta[ix] = old\n"
                         "        grad[ix] = (plus - base) / eps\n")),
    dict(exercise="numerical_gradient", bug="entries not restored", fails=["test_numerical_gradient"], says="restore",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        old = theta[ix]\n        theta[ix] = old + eps\n"
                         "        plus = loss()\n        theta[ix] = old - eps\n        minus = loss()\n"
                         "        grad[ix] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="whole array nudged at once", fails=["test_numerical_gradient"],
         says="one entry at a time",
         source=_numgrad("    old = theta.copy()\n    theta += eps\n    plus = loss()\n    theta[...] = old - eps\n"
                         "    minus = loss()\n    theta[...] = old\n    grad[...] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="divides by eps", fails=["test_numerical_gradient"], says="divide by 2ε",
         source=_numgrad(_LOOP + "        grad[ix] = (plus - minus) / eps\n")),
    dict(exercise="numerical_gradient", bug="a row at a time (theta[i])", fails=["test_numerical_gradient"],
         says="theta[i] is a whole row",
         source=_numgrad("    for i in range(theta.shape[0]):\n        old = theta[i].copy()\n        theta[i] = old + eps\n"
                         "        plus = loss()\n        theta[i] = old - eps\n        minus = loss()\n        theta[i] = old\n"
                         "        grad[i] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="nudges a copy of theta", fails=["test_numerical_gradient"],
         says="nudging a copy",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        t = theta.copy()\n        t[ix] += eps\n"
                         "        plus = loss()\n        t[ix] -= 2 * eps\n        minus = loss()\n"
                         "        grad[ix] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="theta = theta + eps (rebinds, loss never sees it)",
         fails=["test_numerical_gradient"], says="changes nothing",
         source=_numgrad("    for ix in np.ndindex(theta.shape):\n        bump = np.zeros(theta.shape)\n        bump[ix] = eps\n"
                         "        up = theta + bump\n        theta = up\n        plus = loss()\n        theta = up - 2 * bump\n"
                         "        minus = loss()\n        theta = up - bump\n        grad[ix] = (plus - minus) / (2 * eps)\n")),
    dict(exercise="numerical_gradient", bug="a flat gradient (theta.size entries)", fails=["test_numerical_gradient"],
         says="same number of entries, different arrangement",
         source=_numgrad("    flat = theta.reshape(-1)\n    for i in range(flat.size):\n        old = flat[i]\n"
                         "        flat[i] = old + eps\n        plus = loss()\n        flat[i] = old - eps\n        minus = loss()\n"
                         "        flat[i] = old\n        grad[i] = (plus - minus) / (2 * eps)\n",
                         head="    grad = np.zeros(theta.size)\n")),
    dict(exercise="numerical_gradient", bug="a Python list of slopes", fails=["test_numerical_gradient"], says="Python list",
         source=_numgrad(_LOOP + "        grad.append((plus - minus) / (2 * eps))\n", head="    grad = []\n")),
    # --- Exercise 3: relative_error
    dict(exercise="relative_error", bug="no floor on the denominator", fails=["test_relative_error"], says="floor",
         source="def relative_error(a, n, floor=1e-8):\n"
                "    return float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))\n"),
    dict(exercise="relative_error", bug="divides by ‖a‖ only", fails=["test_relative_error"], says="not by ‖a‖ alone",
         source="def relative_error(a, n, floor=1e-8):\n"
                "    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a), floor))\n"),
    dict(exercise="relative_error", bug="largest entry instead of norms", fails=["test_relative_error"], says="largest entry",
         source="def relative_error(a, n, floor=1e-8):\n    a, n = np.asarray(a, float), np.asarray(n, float)\n"
                "    return float(np.max(np.abs(a - n)) / max(np.max(np.abs(a)) + np.max(np.abs(n)), floor))\n"),
    dict(exercise="relative_error", bug="divides by ‖n‖ only", fails=["test_relative_error"], says="not by ‖n‖ alone",
         source=_relerr("return float(np.linalg.norm(a - n) / max(nn, floor))")),
    dict(exercise="relative_error", bug="divides by max(‖a‖, ‖n‖)", fails=["test_relative_error"], says="max(‖a‖, ‖n‖)",
         source=_relerr("return float(np.linalg.norm(a - n) / max(na, nn, floor))")),
    dict(exercise="relative_error", bug="divides by ‖a + n‖", fails=["test_relative_error"], says="not by ‖a + n‖",
         source=_relerr("return float(np.linalg.norm(a - n) / max(np.linalg.norm(a + n), floor))")),
    dict(exercise="relative_error", bug="difference of the norms on top", fails=["test_relative_error"],
         says="not the difference of the norms", source=_relerr("return float(abs(na - nn) / max(na + nn, floor))")),
    dict(exercise="relative_error", bug="sums of squares, no square roots", fails=["test_relative_error"],
         says="not the sum of squares",
         source=_relerr("return float(np.sum((a - n) ** 2) / max(np.sum(a ** 2) + np.sum(n ** 2), floor))")),
    dict(exercise="relative_error", bug="sums of absolute values", fails=["test_relative_error"],
         says="not the sum of absolute values",
         source=_relerr("return float(np.abs(a - n).sum() / max(np.abs(a).sum() + np.abs(n).sum(), floor))")),
    dict(exercise="relative_error", bug="floor added to the denominator", fails=["test_relative_error"],
         says="not by adding floor", source=_relerr("return float(np.linalg.norm(a - n) / (na + nn + floor))")),
    # --- Exercise 4: gradient_check
    dict(exercise="gradient_check", bug="no shape check", fails=["test_gradient_check"], says="report inf",
         source=_check("        errors[name] = relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="keys named like the gradients", fails=["test_gradient_check"],
         says="key the dict by the parameters' names",
         source=_check("        errors['d' + name] = float('inf') if g.shape != theta.shape else "
                       "relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="compares the parameter, not its gradient", fails=["test_gradient_check"],
         says="not the parameter theta itself",
         source=_check("        errors[name] = float('inf') if g.shape != theta.shape else "
                       "relative_error(theta, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="nudges the gradient array", fails=["test_gradient_check"],
         says="not its gradient",
         source=_check("        errors[name] = float('inf') if g.shape != theta.shape else "
                       "relative_error(g, numerical_gradient(loss, g.copy(), eps))\n")),
    dict(exercise="gradient_check", bug="skips a gradient of the wrong shape", fails=["test_gradient_check"],
         says="do not skip it",
         source=_check("        if g.shape == theta.shape:\n"
                       "            errors[name] = relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="compares sizes, not shapes", fails=["test_gradient_check"], says="report inf",
         source=_check("        if g.size != theta.size:\n            errors[name] = float('inf')\n        else:\n"
                       "            errors[name] = relative_error(g.reshape(theta.shape), numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="NaN for a wrong shape", fails=["test_gradient_check"], says="report inf",
         source=_check("        errors[name] = float('nan') if g.shape != theta.shape else "
                       "relative_error(g, numerical_gradient(loss, theta, eps))\n")),
    dict(exercise="gradient_check", bug="a list of errors", fails=["test_gradient_check"], says="should return a dict",
         source="def gradient_check(loss, params, grads, eps=1e-6):\n"
                "    return [float('inf') if np.shape(grads['d' + n]) != t.shape else "
                "relative_error(grads['d' + n], numerical_gradient(loss, t, eps)) for n, t in params.items()]\n"),
    # --- Exercise 5: wrong_params
    dict(exercise="wrong_params", bug="flags the right ones instead", fails=["test_wrong_params"],
         says="you returned the parameters that pass the check",
         source=_flags("return {name for name, err in errors.items() if err <= tol}")),
    dict(exercise="wrong_params", bug="only the worst parameter", fails=["test_wrong_params"], says="not only the worst one",
         source=_flags("worst = max(errors, key=errors.get)\n    return {worst} if errors[worst] > tol else set()")),
    dict(exercise="wrong_params", bug="absolute threshold 0.5", fails=["test_wrong_params"], says="above tol",
         source=_flags("return {name for name, err in errors.items() if err > 0.5}")),
    dict(exercise="wrong_params", bug="gradient names ('dW1')", fails=["test_wrong_params"], says="not their gradients",
         source=_flags("return {'d' + name for name, err in errors.items() if not err <= tol}")),
    dict(exercise="wrong_params", bug="ignores tol (a fixed 1e-4)", fails=["test_wrong_params"],
         says="use the tol you are given",
         source=_flags("return {name for name, err in errors.items() if err > 1e-4}")),
    dict(exercise="wrong_params", bug="a sorted list", fails=["test_wrong_params"], says="should return a set",
         source=_flags("return sorted(name for name, err in errors.items() if not err <= tol)")),
    # --- Exercise 6: backward_fixed
    dict(exercise="backward_fixed", bug="suspect c unchanged (σ' dropped)", fails=["test_backward_fixed"],
         says="σ' factor is still missing", source=_fixed(dz1="params['W2'].T @ dz2")),
    dict(exercise="backward_fixed", bug="suspect b half fixed (dW1 without 1/m)", fails=["test_backward_fixed"],
         says="times too large",
         source=_fixed(dz2="y_hat - y", dW2="dz2 @ a1.T / m", db2="np.sum(dz2, axis=1, keepdims=True) / m",
                       db1="np.sum(dz1, axis=1, keepdims=True) / m")),
    dict(exercise="backward_fixed", bug="suspect e unchanged (bias not summed)", fails=["test_backward_fixed"],
         says="suspect e returns dz1 itself", source=_fixed(db1="dz1")),
    dict(exercise="backward_fixed", bug="suspect d unchanged (sign)", fails=["test_backward_fixed"], says="sign",
         source=_fixed(dz2="(y - y_hat) / m")),
    dict(exercise="backward_fixed", bug="suspect a unchanged (transpose)", fails=["test_backward_fixed"], says="transpose",
         source=_fixed(dW2="a1 @ dz2.T")),
    dict(exercise="backward_fixed", bug="σ(z1) instead of σ'(z1)", fails=["test_backward_fixed"],
         says="you used σ(z1) itself", source=_fixed(dz1="(params['W2'].T @ dz2) * a1")),
    dict(exercise="backward_fixed", bug="σ' taken at a1", fails=["test_backward_fixed"], says="not at a1",
         source=_fixed(dz1="(params['W2'].T @ dz2) * sigmoid_prime(a1)")),
    dict(exercise="backward_fixed", bug="ReLU's slope for the sigmoid", fails=["test_backward_fixed"], says="ReLU's slope",
         source=_fixed(dz1="(params['W2'].T @ dz2) * (z1 > 0)")),
    dict(exercise="backward_fixed", bug="no 1/m anywhere", fails=["test_backward_fixed"], says="forget to divide by m",
         source=_fixed(dz2="y_hat - y")),
    dict(exercise="backward_fixed", bug="1/m twice", fails=["test_backward_fixed"], says="divide by m twice",
         source=_fixed(dW2="dz2 @ a1.T / m")),
    dict(exercise="backward_fixed", bug="db2 summed over the wrong axis", fails=["test_backward_fixed"], says="wrong axis",
         source=_fixed(db2="np.sum(dz2, axis=0, keepdims=True)")),
    dict(exercise="backward_fixed", bug="dW1 transposed (x dz1ᵀ)", fails=["test_backward_fixed"], says="did you transpose",
         source=_fixed(dW1="x @ dz1.T")),
    dict(exercise="backward_fixed", bug="keys without the d", fails=["test_backward_fixed"], says="has no key",
         source=_fixed(keys=("W1", "b1", "W2", "b2"))),
]

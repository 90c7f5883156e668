"""Right answers to lesson 01's exercises, written in other forms than the solution's."""

LESSON = "01_chain_rule"

CASES = [
    dict(exercise="neuron_forward", bug="numpy scalars and (y − a)²", passes=["test_neuron_forward"],
         source=("def neuron_forward(x, w, b, y):\n    z = np.float64(x) * w + b\n    a = 1 / (1 + np.exp(-z))\n"
                 "    return z, a, (y - a) ** 2\n")),
    dict(exercise="neuron_forward", bug="0-d arrays, a list of three", passes=["test_neuron_forward"],
         source=("def neuron_forward(x, w, b, y):\n    z = np.array(w * x + b)\n    a = np.array(sigmoid(z))\n"
                 "    return [z, a, np.square(a - y)]\n")),
    dict(exercise="neuron_forward", bug="tanh form of the sigmoid", passes=["test_neuron_forward"],
         source=("def neuron_forward(x, w, b, y):\n    z = x * w + b\n    a = 0.5 * (1 + np.tanh(z / 2))\n"
                 "    return z, a, (a - y) * (a - y)\n")),
    dict(exercise="nudge_slope", bug="via its own loss function", passes=["test_nudge_slope"],
         source=("def nudge_slope(x, w, b, y, eps=1e-4):\n    loss = lambda v: neuron_forward(x, v, b, y)[-1]\n"
                 "    return (loss(w + eps) - loss(w)) / eps\n")),
    dict(exercise="local_derivatives", bug="σ'(z) written out, 1-element arrays", passes=["test_local_derivatives"],
         source=("def local_derivatives(x, w, b, y):\n    z = w * x + b\n    s = 1 / (1 + np.exp(-z))\n"
                 "    return np.array([2 * (s - y)]), s * (1 - s), float(x)\n")),
    dict(exercise="neuron_backward", bug="from the formulas, not local_derivatives", passes=["test_neuron_backward"],
         source=("def neuron_backward(x, w, b, y):\n    a = sigmoid(w * x + b)\n    dz = 2 * (a - y) * a * (1 - a)\n"
                 "    return x * dz, dz\n")),
    dict(exercise="gradient_step", bug="a list, updates in place of names", passes=["test_gradient_step"],
         source=("def gradient_step(x, w, b, y, lr):\n    grads = neuron_backward(x, w, b, y)\n"
                 "    params = [w, b]\n    for i, g in enumerate(grads):\n        params[i] -= lr * g\n"
                 "    return params\n")),
]

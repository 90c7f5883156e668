LESSON = "01_chain_rule"

CASES = [
    dict(exercise="neuron_forward", bug="bias left out of z", fails=["test_neuron_forward"], says="left out b",
         source="def neuron_forward(x, w, b, y):\n    z = w * x\n    a = sigmoid(z)\n    return z, a, (a - y) ** 2\n"),
    dict(exercise="neuron_forward", bug="activation skipped (a = z)", fails=["test_neuron_forward"],
         says="a is sigmoid(z), not z itself",
         source="def neuron_forward(x, w, b, y):\n    z = w * x + b\n    return z, z, (z - y) ** 2\n"),
    dict(exercise="neuron_forward", bug="loss not squared", fails=["test_neuron_forward"], says="forgot to square",
         source="def neuron_forward(x, w, b, y):\n    z = w * x + b\n    a = sigmoid(z)\n    return z, a, a - y\n"),
    dict(exercise="neuron_forward", bug="returns two values", fails=["test_neuron_forward"], says="should return 3 values",
         source="def neuron_forward(x, w, b, y):\n    z = w * x + b\n    return z, sigmoid(z)\n"),
    dict(exercise="nudge_slope", bug="nudges b instead of w", fails=["test_nudge_slope"], says="nudge w, not b",
         source=("def nudge_slope(x, w, b, y, eps=1e-4):\n"
                 "    return (neuron_forward(x, w, b + eps, y)[2] - neuron_forward(x, w, b, y)[2]) / eps\n")),
    dict(exercise="nudge_slope", bug="divides by 2 eps", fails=["test_nudge_slope"], says="not by 2·eps",
         source=("def nudge_slope(x, w, b, y, eps=1e-4):\n"
                 "    return (neuron_forward(x, w + eps, b, y)[2] - neuron_forward(x, w, b, y)[2]) / (2 * eps)\n")),
    dict(exercise="local_derivatives", bug="sigmoid instead of its derivative", fails=["test_local_derivatives"],
         says="you used σ(z)",
         source=("def local_derivatives(x, w, b, y):\n    z, a, _ = neuron_forward(x, w, b, y)\n"
                 "    return 2 * (a - y), sigmoid(z), x\n")),
    dict(exercise="local_derivatives", bug="derivative taken at a, not z", fails=["test_local_derivatives"],
         source=("def local_derivatives(x, w, b, y):\n    z, a, _ = neuron_forward(x, w, b, y)\n"
                 "    return 2 * (a - y), sigmoid_prime(a), x\n")),
    dict(exercise="local_derivatives", bug="dz/dw = w", fails=["test_local_derivatives"], says="dz/dw is x, not w",
         source=("def local_derivatives(x, w, b, y):\n    z, a, _ = neuron_forward(x, w, b, y)\n"
                 "    return 2 * (a - y), sigmoid_prime(z), w\n")),
    dict(exercise="local_derivatives", bug="y − a (sign flip)", fails=["test_local_derivatives"], says="wrong sign",
         source=("def local_derivatives(x, w, b, y):\n    z, a, _ = neuron_forward(x, w, b, y)\n"
                 "    return 2 * (y - a), sigmoid_prime(z), x\n")),
    dict(exercise="neuron_backward", bug="activation derivative dropped", fails=["test_neuron_backward"],
         says="left out f'(z)",
         source=("def neuron_backward(x, w, b, y):\n    dL_da, da_dz, dz_dw = local_derivatives(x, w, b, y)\n"
                 "    return dL_da * dz_dw, dL_da\n")),
    dict(exercise="neuron_backward", bug="factor 2 dropped", fails=["test_neuron_backward"], says="a factor 2 is missing",
         source=("def neuron_backward(x, w, b, y):\n    dL_da, da_dz, dz_dw = local_derivatives(x, w, b, y)\n"
                 "    return dL_da * da_dz * dz_dw / 2, dL_da * da_dz / 2\n")),
    dict(exercise="neuron_backward", bug="x in the bias gradient", fails=["test_neuron_backward"],
         says="no factor x",
         source=("def neuron_backward(x, w, b, y):\n    dL_da, da_dz, dz_dw = local_derivatives(x, w, b, y)\n"
                 "    return dL_da * da_dz * dz_dw, dL_da * da_dz * x\n")),
    dict(exercise="gradient_step", bug="steps up the gradient", fails=["test_gradient_step"], says="against the gradient",
         source=("def gradient_step(x, w, b, y, lr):\n    dw, db = neuron_backward(x, w, b, y)\n"
                 "    return w + lr * dw, b + lr * db\n")),
    dict(exercise="gradient_step", bug="learning rate ignored", fails=["test_gradient_step"],
         source=("def gradient_step(x, w, b, y, lr):\n    dw, db = neuron_backward(x, w, b, y)\n"
                 "    return w - dw, b - db\n")),
]


def _quiz(**wrong):
    """The checkpoint's answers-by-code cell with the right answers except those in ``wrong``."""
    right = {
        "dLdw_new_w": "neuron_backward(1.5, -1.0, -0.5, 1.0)[0]",
        "why_backprop": '"Nudging costs one extra forward pass per parameter"',
        "shared_factors": '["2(a − y)", "σ′(z)"]',
        "chain_order": '["dL/da = 2(a - y)", "dL/dz = dL/da * f\'(z)", "dL/dw = dL/dz * x"]',
    }
    right.update(wrong)
    return "with quiz.by_code():\n" + "".join(f"    quiz.answer({q!r}, {v})\n" for q, v in right.items())


CASES += [
    dict(exercise="quiz_answers_01", bug="dL/dw at w = −1 with f'(z) left out", fails=["test_quiz_dLdw_new_w"],
         says="is not right", source=_quiz(dLdw_new_w="2 * (float(sigmoid(-2.0)) - 1.0) * 1.5")),
    dict(exercise="quiz_answers_01", bug="dL/dw with the sign flipped", fails=["test_quiz_dLdw_new_w"],
         says="is not right", source=_quiz(dLdw_new_w="-neuron_backward(1.5, -1.0, -0.5, 1.0)[0]")),
    dict(exercise="quiz_answers_01", bug="backprop needs no forward pass", fails=["test_quiz_why_backprop"],
         says="is not right", source=_quiz(why_backprop='"Backpropagation does not need a forward pass"')),
    dict(exercise="quiz_answers_01", bug="x ticked as shared", fails=["test_quiz_shared_factors"],
         says="is not right", source=_quiz(shared_factors='["2(a − y)", "σ′(z)", "x"]')),
    dict(exercise="quiz_answers_01", bug="chain walked forwards", fails=["test_quiz_chain_order"],
         source=_quiz(chain_order='["dL/dw = dL/dz * x", "dL/dz = dL/da * f\'(z)", "dL/da = 2(a - y)"]')),
]

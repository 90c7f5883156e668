"""Quiz key for 01_chain_rule: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer is computed from the lesson's own
neuron (x = 1.5, b = −0.5, y = 1) at a weight the lesson never uses, w = −1.
"""

from autograder.reference import neuron


def _dw_at(x, w, b, y):
    _, cache = neuron.neuron_forward(x, w, b, y)
    return neuron.neuron_backward(cache)[0]


QUESTIONS = [
    dict(id="dLdw_new_w", kind="numeric", title="dL/dw at a new weight",
         prompt=r"Take the lesson's neuron with $x = 1.5$, $b = -0.5$, $y = 1$ and the sigmoid, but now "
                r"$w = -1$. What is $\partial L/\partial w$? Give at least 3 decimals. (You may use your "
                r"own functions in a new cell.)",
         answer=_dw_at(1.5, -1.0, -0.5, 1.0), tol=1e-3,
         hint=r"multiply the three local derivatives 2(a − y) · σ'(z) · x, with z = w·x + b.",
         explain=r"Right: $z = -2$, $a = \sigma(-2)$, and $\partial L/\partial w = 2(a - y)\,\sigma'(z)\,x$. "
                 r"It is negative, so a step against it raises $w$ and lowers the loss."),
    dict(id="why_backprop", kind="single", title="why not nudge every weight",
         prompt=r"Nudging a weight and re-running the forward pass gives its slope. Why do real networks "
                r"use backpropagation instead?",
         options=["Nudging costs one extra forward pass per parameter",
                  "Nudging only works with the sigmoid",
                  "Nudging gives the wrong sign for negative weights",
                  "Backpropagation does not need a forward pass"],
         answer="Nudging costs one extra forward pass per parameter",
         explain={
             "Nudging costs one extra forward pass per parameter":
                 r"Right. With millions of weights that is millions of forward passes per step; the backward "
                 r"pass gets every gradient for about the cost of one more pass. Nudging stays useful as a "
                 r"checker.",
             "Nudging only works with the sigmoid":
                 r"Nudging works for any function you can evaluate; that is what makes it a good checker.",
             "Nudging gives the wrong sign for negative weights":
                 r"The sign of $(L(w+\varepsilon) - L(w))/\varepsilon$ is the slope's sign wherever $w$ is.",
             "Backpropagation does not need a forward pass":
                 r"It does: the backward pass reuses the $z$ and $a$ that the forward pass computed.",
         }),
    dict(id="shared_factors", kind="multiple", title="factors shared by dL/dw and dL/db",
         prompt=r"Which factors appear in <i>both</i> $\partial L/\partial w$ and $\partial L/\partial b$? "
                r"Tick all that do, then press <b>Check</b>.",
         options=["2(a − y)", "σ′(z)", "x", "the learning rate η"],
         answer=["2(a − y)", "σ′(z)"],
         explain={
             "2(a − y)": r"Yes: $\partial L/\partial a$ starts both chains.",
             "σ′(z)": r"Yes: both chains pass through the activation. Together these two make "
                      r"$\partial L/\partial z$, computed once and reused.",
             "x": r"Only in $\partial L/\partial w$, because $\partial z/\partial w = x$; "
                  r"for the bias $\partial z/\partial b = 1$.",
             "the learning rate η": r"No: $\eta$ belongs to the update step $w \leftarrow w - \eta\,"
                                    r"\partial L/\partial w$, not to the gradient.",
         }),
    dict(id="chain_order", kind="order", title="order of the chain",
         prompt=r"Put the backward pass of the neuron in the order you compute it, then press <b>Check</b>.",
         answer=["dL/da = 2(a - y)", "dL/dz = dL/da * f'(z)", "dL/dw = dL/dz * x"],
         shown=["dL/dz = dL/da * f'(z)", "dL/dw = dL/dz * x", "dL/da = 2(a - y)"],
         explain=r"Backwards from the loss: each step multiplies the gradient that arrived by its own local "
                 r"derivative, so it needs the step before it."),
]

"""Quiz key for 03_two_layer_network: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer is computed from the lesson's own
network (make_params(2, 3, 3, seed=7), x = [0.5, −1.2]) with a target the
lesson never uses (class 0), by the reference backward pass. The last question is on the choice of the
hidden activation (sigmoid, tanh or ReLU), which only the step through it, dz1, depends on.
"""

import numpy as np

from autograder.reference import two_layer
from backprop.losses import one_hot
from backprop.shapes import make_params


def _db1_entry():
    params = make_params(2, 3, 3, seed=7)
    x = np.array([[0.5], [-1.2]])
    _, cache = two_layer.forward(x, params)
    return float(two_layer.backward(one_hot([0], 3), cache, params)["db1"][1, 0])


QUESTIONS = [
    dict(id="db1_class0", kind="numeric", title="a bias gradient for another target",
         prompt=r"Keep the lesson's network and input $x$, but suppose the true class were <b>0</b> instead of 2. "
                r"What is the entry of $\partial L/\partial b_1$ in row 1 (<code>db1[1, 0]</code>)? Give at least "
                r"4 decimals. (Use your <code>forward</code> and <code>backward</code> in a new cell, with "
                r"<code>one_hot([0], 3)</code>.)",
         answer=_db1_entry(), tol=1e-4,
         hint=r"y_hat, cache = forward(x, params); grads = backward(one_hot([0], 3), cache, params); "
              r"then grads['db1'][1, 0].",
         explain=r"Right. Only $dz_2 = \hat y - y$ changes with the target; everything after it follows the "
                 r"same steps."),
    dict(id="dW2_shape", kind="single", title="the shape of dW2",
         prompt=r"A network has $d = 4$ inputs, $h = 5$ hidden units and $k = 3$ classes. "
                r"What is the shape of $dW_2$ for one example?",
         options=["(3, 5)", "(5, 3)", "(3, 1)", "(5, 4)"],
         answer="(3, 5)",
         explain={
             "(3, 5)": r"Right: $dW_2$ has the shape of $W_2$, $(k, h)$; as a product $dz_2\,a_1^\top$ is "
                       r"$(3,1)(1,5)$.",
             "(5, 3)": r"That is $a_1\,dz_2^\top$, the transpose. A gradient has its parameter's shape: "
                       r"$W_2$ is $(k, h)$.",
             "(3, 1)": r"That is the shape of $dz_2$ and $db_2$, not of a weight matrix's gradient.",
             "(5, 4)": r"That is the shape of $W_1$ (and $dW_1$), the first layer.",
         }),
    dict(id="shortcut_facts", kind="multiple", title="softmax with cross-entropy",
         prompt=r"Which are true of $dz_2 = \hat y - y$ for softmax followed by cross-entropy? Tick all that are, "
                r"then press <b>Check</b>.",
         options=["It equals the long way, Jᵀ (−y / ŷ), up to round-off",
                  "It never divides by ŷ, so it stays finite when ŷ of the true class underflows",
                  "It needs the k × k softmax Jacobian",
                  "It only holds when the hidden layer uses the sigmoid"],
         answer=["It equals the long way, Jᵀ (−y / ŷ), up to round-off",
                 "It never divides by ŷ, so it stays finite when ŷ of the true class underflows"],
         explain={
             "It equals the long way, Jᵀ (−y / ŷ), up to round-off":
                 r"Yes: multiplying out $J^\top(-y/\hat y)$ cancels to $\hat y - y$ because $y$ sums to 1.",
             "It never divides by ŷ, so it stays finite when ŷ of the true class underflows":
                 r"Yes: that is why it is more robust than the long way.",
             "It needs the k × k softmax Jacobian":
                 r"No: the point of the shortcut is that the Jacobian cancels; it costs $k$ subtractions.",
             "It only holds when the hidden layer uses the sigmoid":
                 r"No: it is about the output layer only (softmax + cross-entropy); the hidden activation "
                 r"does not enter $dz_2$.",
         }),
    dict(id="activation_change", kind="single", title="what the activation choice changes",
         prompt=r"You switch the lesson's network from a sigmoid hidden layer to a ReLU one (starting from He's "
                r"weights). Which steps of the backward pass change <i>their formula</i>?",
         options=["Only dz1 = da1 ⊙ f'(z1): the slope becomes 1 where z1 > 0 and 0 elsewhere",
                  "dz2 as well: it is no longer ŷ − y",
                  "Every step: each gradient is multiplied by the new slope",
                  "None: a backward pass does not depend on the activation"],
         answer="Only dz1 = da1 ⊙ f'(z1): the slope becomes 1 where z1 > 0 and 0 elsewhere",
         explain={
             "Only dz1 = da1 ⊙ f'(z1): the slope becomes 1 where z1 > 0 and 0 elsewhere":
                 r"Right: the activation is one step, $a_1 = f(z_1)$, and only the step back through it uses $f'$. "
                 r"Every gradient's numbers change (the forward pass's values do), but no other formula.",
             "dz2 as well: it is no longer ŷ − y":
                 r"No: $\hat y - y$ comes from the softmax and the cross-entropy alone, at the output; the hidden "
                 r"activation never enters it.",
             "Every step: each gradient is multiplied by the new slope":
                 r"No: $f'$ enters once, at $dz_1 = da_1 \odot f'(z_1)$. $dW_1$ and $db_1$ are computed from $dz_1$, "
                 r"and the steps before it ($dW_2$, $db_2$, $da_1$) are the output layer's.",
             "None: a backward pass does not depend on the activation":
                 r"No: the step through the activation multiplies by its slope, $\sigma'(z_1)$ for the sigmoid, "
                 r"the 0/1 mask of $z_1 > 0$ for ReLU.",
         }),
]

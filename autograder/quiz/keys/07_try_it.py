"""Quiz key for 07_try_it: the article's three "Try it" questions, one on shapes, one number.

Instructor side only. The numeric answer is computed here from the network the
notebook shows (NET below is the same numbers as the notebook's `net` cell).
"""

import numpy as np

from autograder.reference import two_layer

# The small network of the notebook's numeric question: d = 2, h = 2, k = 2, m = 1.
NET = {
    "x": np.array([[1.0], [2.0]]),
    "y": np.array([[0.0], [1.0]]),
    "W1": np.array([[0.1, -0.2], [0.4, 0.3]]), "b1": np.array([[0.0], [0.1]]),
    "W2": np.array([[0.5, -0.3], [-0.2, 0.6]]), "b2": np.array([[0.0], [0.0]]),
}


def _dW2_00():
    params = {k: NET[k] for k in ("W1", "b1", "W2", "b2")}
    _, cache = two_layer.forward(NET["x"], params)
    return float(two_layer.backward(NET["y"], cache, params)["dW2"][0, 0])


QUESTIONS = [
    dict(id="dz2", kind="single", title="dL/dz2",
         prompt=r"In a two-layer network with a softmax output and cross-entropy loss, what is "
                r"$\partial L/\partial z_2$ for one example with one-hot target $y$?",
         options=["ŷ − y", "y − ŷ", "−y / ŷ", "(ŷ − y) ⊙ ŷ ⊙ (1 − ŷ)", "2(ŷ − y)"],
         answer="ŷ − y",
         explain={
             "ŷ − y": r"Right. The cross-entropy's gradient $-y/\hat y$, pushed back through the softmax's "
                      r"Jacobian, collapses to $\hat y - y$: predicted probabilities minus targets. "
                      r"For a batch of $m$ examples, divide by $m$.",
             "y − ŷ": r"Right size, wrong sign. The loss grows with the score of a class the network "
                      r"over-predicts, where $\hat y - y > 0$; $y - \hat y$ points downhill, which is the "
                      r"direction of a step, not the gradient.",
             "−y / ŷ": r"That is $\partial L/\partial \hat y$, the gradient at the softmax's <i>output</i>. "
                       r"$z_2$ is one step further back: you still have to pass through the softmax.",
             "(ŷ − y) ⊙ ŷ ⊙ (1 − ŷ)": r"This treats the softmax like a sigmoid acting on each score alone. "
                                      r"Every softmax output depends on every score, so its Jacobian has "
                                      r"off-diagonal terms; with cross-entropy they cancel down to "
                                      r"$\hat y - y$.",
             "2(ŷ − y)": r"A factor 2 comes from a squared error $(\hat y - y)^2$. Cross-entropy is a "
                         r"logarithm, not a square, so there is no 2.",
         }),
    dict(id="backward_order", kind="order", title="order of the backward pass",
         prompt=r"Put the steps of the backward pass in an order you could compute them in, then press "
                r"<b>Check</b>. More than one order works: each step must come after the steps it needs.",
         answer=["dz2", "dW2 and db2", "da1", "dz1", "dW1 and db1"],
         # what each step reads (besides the forward pass's cache): any order that respects these is right
         needs={"dz2": [], "dW2 and db2": ["dz2"], "da1": ["dz2"], "dz1": ["da1"], "dW1 and db1": ["dz1"]},
         shown=["da1", "dW1 and db1", "dz1", "dz2", "dW2 and db2"],
         explain=r"Start at the loss: $dz_2 = \hat y - y$. The output layer's parameters need only $dz_2$ "
                 r"and the cached $a_1$: $dW_2 = dz_2\,a_1^T$, $db_2 = dz_2$. Sending the gradient back "
                 r"through $W_2$ needs only $dz_2$ too: $da_1 = W_2^T dz_2$; then through the activation, "
                 r"$dz_1 = da_1 \odot \sigma'(z_1)$, and finally $dW_1 = dz_1\,x^T$, $db_1 = dz_1$. So "
                 r"$dW_2$ and $db_2$ may come anywhere after $dz_2$ (before $da_1$, or after $dW_1$); the "
                 r"chain $dz_2 \to da_1 \to dz_1 \to dW_1$ is fixed."),
    dict(id="shape_check", kind="single", title="checking gradient shapes",
         prompt=r"Which is the most reliable quick check for the shapes of your gradients?",
         options=["Each gradient has the same shape as its parameter",
                  "Every gradient is a column vector",
                  "Each gradient has the shape of its layer's input",
                  "The entries of each gradient add up to zero",
                  "Gradients get smaller towards the input layer"],
         answer="Each gradient has the same shape as its parameter",
         explain={
             "Each gradient has the same shape as its parameter":
                 r"Right. $\partial L/\partial W$ has one entry per entry of $W$, so $dW_1$ is $(h, d)$ like "
                 r"$W_1$ and $db_2$ is $(k, 1)$ like $b_2$. Assert it after every backward pass; it catches "
                 r"transposes and forgotten sums over the batch.",
             "Every gradient is a column vector":
                 r"Only the bias gradients are columns. $dW_1$ is a matrix of shape $(h, d)$.",
             "Each gradient has the shape of its layer's input":
                 r"$dW_1$ is $(h, d)$ but the input $x$ is $(d, m)$. Only $dx$, the gradient with respect "
                 r"to the input itself, has the input's shape.",
             "The entries of each gradient add up to zero":
                 r"That holds for $dz_2 = \hat y - y$ (each column sums to $1 - 1 = 0$) but not for "
                 r"$dW_1$ or $db_1$; and it says nothing about shape.",
             "Gradients get smaller towards the input layer":
                 r"They often do (vanishing gradients), but not always, and a size says nothing about a "
                 r"shape.",
         }),
    dict(id="grads_like_W1", kind="multiple", title="shapes like W1",
         prompt=r"With $x$ of shape $(d, m)$ and $W_1$ of shape $(h, d)$: which of these have the same "
                r"shape as $W_1$? Tick all that do, then press <b>Check</b>.",
         options=["dW1", "dz1 @ x.T", "dz1", "x @ dz1.T"],
         answer=["dW1", "dz1 @ x.T"],
         explain={
             "dW1": r"Yes: a gradient always has its parameter's shape, $(h, d)$.",
             "dz1 @ x.T": r"Yes: $(h, m)$ times $(m, d)$ is $(h, d)$. Divided by $m$ it <i>is</i> $dW_1$.",
             "dz1": r"No: $dz_1$ has one column per example, $(h, m)$. Multiplying by $x^T$ sums over "
                    r"the examples.",
             "x @ dz1.T": r"No: $(d, m)$ times $(m, h)$ is $(d, h)$, the transpose of what you want.",
         }),
    dict(id="dW2_entry", kind="numeric", title="a number from the network",
         prompt=r"For the network in the cell above (one example, sigmoid hidden layer, softmax and "
                r"cross-entropy), what is $\partial L/\partial W_2[0, 0]$, the top-left entry of $dW_2$? "
                r"Give at least 3 decimals.",
         answer=_dW2_00(), tol=1e-3,
         hint=r"run the forward pass, then dz2 = y_hat − y and dW2 = dz2 @ a1.T; take the entry [0, 0].",
         explain=r"Right: $dW_2[0, 0] = dz_2[0]\,a_1[0]$, the output error of class 0 times the first "
                 r"hidden unit's activation."),
]

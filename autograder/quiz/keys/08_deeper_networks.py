"""Quiz key for 08_deeper_networks: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer is computed by the reference loss
(autograder.reference.layers.softmax_cross_entropy) on a batch whose second
column would overflow a naive softmax.
"""

import numpy as np

from autograder.reference import layers
from backprop.losses import one_hot

#: The numeric question's scores (k = 3, m = 2) and true classes.
Z_BIG = np.array([[2.0, 1000.0], [0.0, 0.0], [-1.0, 1001.0]])
CLASSES = [0, 0]


def _big_loss():
    return layers.softmax_cross_entropy(Z_BIG, one_hot(CLASSES, 3))[0]


QUESTIONS = [
    dict(id="affine_returns", kind="single", title="what an affine layer's backward returns",
         prompt=r"An affine layer has input $x$ of shape $(d, m)$ and weights $W$ of shape $(h, d)$. What must "
                r"<code>affine_backward(dout, cache)</code> return?",
         options=["dx (d, m), dW (h, d), db (h, 1)", "dx (h, m), dW (d, h), db (h, m)",
                  "dW (h, d) and db (h, 1) only: x is data, so it needs no gradient",
                  "dx (d, m), dW (h, d), db (h, m): one bias gradient per example"],
         answer="dx (d, m), dW (h, d), db (h, 1)",
         explain={
             "dx (d, m), dW (h, d), db (h, 1)": r"Right: every gradient has the shape of what it is the gradient of, "
                                                r"and $dx$ is the <code>dout</code> of the layer below.",
             "dx (h, m), dW (d, h), db (h, m)": r"Those are the shapes of <code>dout</code>, $W^\top$ and an unsummed "
                                                r"bias gradient: a gradient has its variable's shape.",
             "dW (h, d) and db (h, 1) only: x is data, so it needs no gradient":
                 r"In a network $x$ is the output of the layer below, which needs $dx$ as its <code>dout</code>; "
                 r"without it backpropagation stops at this layer.",
             "dx (d, m), dW (h, d), db (h, m): one bias gradient per example":
                 r"$b$ is $(h, 1)$, shared by every example, so its gradient adds the examples up: "
                 r"<code>np.sum(dout, axis=1, keepdims=True)</code>.",
         }),
    dict(id="why_cache", kind="multiple", title="why a layer keeps a cache",
         prompt=r"Why does each <code>&lt;layer&gt;_forward</code> return a cache? Tick all that are true, then "
                r"press <b>Check</b>.",
         options=["The backward pass needs values from the forward pass, such as x for dW or the ReLU input for its mask",
                  "It saves computing the forward pass a second time during the backward pass",
                  "It stores the gradients of the previous training step, so the next step can reuse them",
                  "Without a cache, the chain rule would give different gradients"],
         answer=["The backward pass needs values from the forward pass, such as x for dW or the ReLU input for its mask",
                 "It saves computing the forward pass a second time during the backward pass"],
         explain={
             "The backward pass needs values from the forward pass, such as x for dW or the ReLU input for its mask":
                 r"Yes: $dW = \text{dout}\,x^\top$ needs $x$, and the ReLU backward needs to know where its input "
                 r"was positive.",
             "It saves computing the forward pass a second time during the backward pass":
                 r"Yes: the backward pass could recompute those values, but that would cost a second forward pass.",
             "It stores the gradients of the previous training step, so the next step can reuse them":
                 r"No: a cache holds forward values of the current batch, and a new forward pass replaces it.",
             "Without a cache, the chain rule would give different gradients":
                 r"No: recomputing the same values gives the same gradients; the cache only saves work and "
                 r"keeps each layer self-contained.",
         }),
    dict(id="he_constant", kind="single", title="what He initialisation keeps constant",
         prompt=r"He initialisation draws a ReLU layer's weights with variance $2/\text{fan\_in}$. What does that "
                r"keep (about) the same from one layer to the next, at the start of training?",
         options=["The variance of the pre-activations z", "The mean of the activations, at 0",
                  "The fraction of ReLU units that are active", "The norm of each weight matrix, at 1"],
         answer="The variance of the pre-activations z",
         explain={
             "The variance of the pre-activations z":
                 r"Right: $\operatorname{Var}(z^{(l+1)}) = \frac{n\sigma^2}{2}\operatorname{Var}(z^{(l)})$, and "
                 r"$n\sigma^2 = 2$ makes the factor 1.",
             "The mean of the activations, at 0":
                 r"A ReLU's output is never negative, so its mean is positive whatever the weights.",
             "The fraction of ReLU units that are active":
                 r"About half are active with any zero-mean symmetric weights; the factor 2 is about the size of "
                 r"the signal, not how many units pass it.",
             "The norm of each weight matrix, at 1":
                 r"The norm of an $(h, n)$ matrix with variance $2/n$ entries is about $\sqrt{2h}$, not 1; what the "
                 r"scale fixes is the variance of $z$.",
         }),
    dict(id="big_scores_loss", kind="numeric", title="the loss on scores of 1000",
         prompt=r"Two examples, $k = 3$ classes, both of true class 0, with scores "
                r"$z = \begin{pmatrix} 2 & 1000 \\ 0 & 0 \\ -1 & 1001 \end{pmatrix}$ (one column per example). "
                r"What is the mean cross-entropy loss? Give at least 3 decimals. (Your "
                r"<code>softmax_cross_entropy</code> gives it; a naive softmax would give <code>nan</code>.)",
         answer=_big_loss(), tol=1e-3,
         hint=r"softmax_cross_entropy(np.array([[2.0, 1000.0], [0.0, 0.0], [-1.0, 1001.0]]), one_hot([0, 0], 3))[0]",
         explain=r"Right. The second column's loss is $\log(e^{0} + e^{-1000} + e^{1}) \approx 1.3133$: the shift by "
                 r"the column's maximum, 1001, keeps every exponent at most 0."),
]

"""Quiz key for 04_batches_and_training: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer is computed from the lesson's own
fixed batch (the one in the forward-pass test) with the reference network.
"""

import numpy as np

from autograder.reference import training
from backprop.losses import one_hot

_X = np.array([[1.0, -0.5, 2.0, 0.0], [0.5, 1.5, -1.0, 0.3]])
_P = {"W1": np.array([[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]), "b1": np.array([[0.1], [-0.2], [0.05]]),
      "W2": np.array([[0.6, -0.1, 0.3], [-0.5, 0.4, 0.2]]), "b2": np.array([[0.05], [-0.05]])}


def _db2_first():
    _, cache = training.forward_batch(_X, _P)
    return float(training.backward_batch(one_hot([0, 1, 1, 0], 2), cache, _P)["db2"][0, 0])


QUESTIONS = [
    dict(id="db2_batch", kind="numeric", title="db2 of the lesson's batch",
         prompt=r"Take the 4-example batch and the parameters of the forward-pass test (Exercise 1), with "
                r"labels $[0, 1, 1, 0]$ (so $y$ = <code>one_hot([0, 1, 1, 0], 2)</code>). What is "
                r"<code>db2[0, 0]</code>, the gradient of the mean loss with respect to the first class's bias? "
                r"Give at least 3 decimals. (Your own functions in a new cell will do it.)",
         answer=_db2_first(), tol=1e-3,
         hint=r"db2 is the sum over the batch of dZ2 = (ŷ − y)/m: average ŷ[0, j] − y[0, j] over the 4 columns.",
         explain=r"Right: $db_2 = \frac1m\sum_j(\hat y_{0j} - y_{0j})$, the average over the batch of how much "
                 r"too high the first class's probability is."),
    dict(id="lr_batch_size", kind="single", title="learning rate when the batch grows",
         prompt=r"With gradients <i>averaged</i> over the batch (the $1/m$), you change the batch size from 32 "
                r"to 128. What should you expect about the learning rate?",
         options=["The old rate is still safe, but the best rate is likely larger",
                  "It must be 4 times smaller",
                  "The same rate stays the best one: the 1/m makes the batch size irrelevant",
                  "It must be 16 times smaller"],
         answer="The old rate is still safe, but the best rate is likely larger",
         explain={
             "The old rate is still safe, but the best rate is likely larger":
                 r"Right. An average does not grow with $m$, so the old step does not blow up. But the "
                 r"averaged gradient is less noisy (its variance about 4 times smaller) and an epoch has a "
                 r"quarter of the steps, so larger steps pay: the <i>linear-scaling</i> rule of thumb multiplies "
                 r"the rate by 4, up to the rate where training breaks. In the lesson's sweep the best rate moves "
                 r"from 1 (batches of 8) to about 3 (batches of 32).",
             "It must be 4 times smaller":
                 r"That would be true for <i>summed</i> gradients, which grow with $m$. The $1/m$ removes that.",
             "The same rate stays the best one: the 1/m makes the batch size irrelevant":
                 r"The $1/m$ keeps the gradient's <i>size</i> from growing with $m$, not the best rate: a "
                 r"larger batch has less noise and fewer steps per epoch. In the lesson's sweep the best rate "
                 r"moves from 1 (batches of 8) to about 3 (batches of 32).",
             "It must be 16 times smaller":
                 r"Neither averaged nor summed gradients scale with $m^2$.",
         }),
    dict(id="summed_over_batch", kind="multiple", title="which gradients sum over the batch",
         prompt=r"In the batched backward pass, which of these are computed with a sum over the examples "
                r"(axis 1), whether by <code>np.sum(..., axis=1, keepdims=True)</code> or inside a matrix "
                r"product? Tick all that are, then press <b>Check</b>.",
         options=["db2", "dW2 = dZ2 A1ᵀ", "dA1 = W2ᵀ dZ2", "dZ1 = dA1 ⊙ σ′(Z1)"],
         answer=["db2", "dW2 = dZ2 A1ᵀ"],
         explain={
             "db2": r"Yes: the bias is broadcast to every column, so its gradient collects from every column.",
             "dW2 = dZ2 A1ᵀ": r"Yes: the product $dZ_2A_1^\top$ adds one outer product per example.",
             "dA1 = W2ᵀ dZ2": r"No: this keeps one column per example, shape $(h, m)$.",
             "dZ1 = dA1 ⊙ σ′(Z1)": r"No: an elementwise product keeps the batch axis, shape $(h, m)$.",
         }),
]

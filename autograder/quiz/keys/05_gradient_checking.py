"""Quiz key for 05_gradient_checking: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer is computed on the lesson's own tiny
network (the line-up's x, y and parameters) with the reference code.
"""

import numpy as np

from autograder.reference import gradcheck
from backprop.losses import one_hot
from backprop.training import init_params


def _suspect_b_rel_error():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (4, 5))
    y = one_hot([0, 1, 2, 1, 0], 3)
    p = init_params(4, 3, 3, seed=0, scale=1.0)
    g = gradcheck.backward(x, y, p)
    return gradcheck.relative_error(5 * g["dW1"], g["dW1"])


QUESTIONS = [
    dict(id="missing_m_error", kind="numeric", title="relative error of a missing 1/m",
         prompt=r"In the line-up (m = 5 examples), suspect b returns a <code>dW1</code> that is exactly 5 times "
                r"the right one. What relative error $\lVert a-n\rVert/(\lVert a\rVert+\lVert n\rVert)$ does the "
                r"check report for <code>W1</code> (taking the numerical gradient as exact)? Give 3 decimals.",
         answer=_suspect_b_rel_error(), tol=1e-3,
         hint=r"write a = 5n and simplify: the norms cancel.",
         explain=r"Right: $\lVert 5n - n\rVert / (\lVert 5n\rVert + \lVert n\rVert) = 4/6$. A factor of $m$ "
                 r"always gives $(m-1)/(m+1)$, whatever the gradient."),
    dict(id="right_errors", kind="multiple", title="which relative errors are right",
         prompt=r"A gradient check in float64 with $\varepsilon = 10^{-6}$ reports these relative errors for four "
                r"parameters. Which would you call <i>right</i> without further thought? Tick them and press "
                r"<b>Check</b>.",
         options=["3e-10", "2e-8", "5e-3", "0.4"],
         answer=["3e-10", "2e-8"],
         explain={
             "3e-10": r"Yes: far below $10^{-7}$.",
             "2e-8": r"Yes: below $10^{-7}$.",
             "5e-3": r"This is in the 'look closer' band: a kink (ReLU at 0) or a subtle bug.",
             "0.4": r"Wrong: a real bug, such as a factor or a dropped term.",
         }),
    dict(id="why_float64", kind="single", title="why check in float64",
         prompt=r"Why must gradient checks run in float64 rather than float32?",
         options=["In float32 rounding alone gives relative errors as large as real bugs do",
                  "Backpropagation is not defined for float32",
                  "float32 makes the centred difference a forward difference",
                  "float64 is faster"],
         answer="In float32 rounding alone gives relative errors as large as real bugs do",
         explain={
             "In float32 rounding alone gives relative errors as large as real bugs do":
                 r"Right: $L(\theta+\varepsilon)-L(\theta-\varepsilon)$ loses most of float32's 7 digits, so even "
                 r"right gradients score $10^{-3}$ to $10^{-1}$, and you could not tell right from wrong.",
             "Backpropagation is not defined for float32":
                 r"Backprop is the same arithmetic in any precision; networks are trained in float32 every day.",
             "float32 makes the centred difference a forward difference":
                 r"The formula is the same; only its rounding gets worse.",
             "float64 is faster":
                 r"It is usually slower. The reason is accuracy, not speed.",
         }),
]

"""Quiz key for 06_stability_and_debugging: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer comes from the lesson's digits
network (W1 maps 64 pixels to 32 hidden units) and the reference initialiser.
"""

from autograder.reference import init

QUESTIONS = [
    dict(id="xavier_std_W1", kind="numeric", title="Xavier scale for the digits network",
         prompt=r"The digits network's first layer $W_1$ maps 64 pixels to 32 hidden units. What standard "
                r"deviation does Xavier/Glorot initialisation give its entries? Give 3 decimals.",
         answer=init.xavier_std(64, 32), tol=1e-3,
         hint=r"the variance is 2 / (fan_in + fan_out); rng.normal wants its square root.",
         explain=r"Right: $\sqrt{2/(64+32)} = \sqrt{1/48} \approx 0.144$."),
    dict(id="clip_direction", kind="single", title="why clip by the norm",
         prompt=r"Why clip the gradient by its global norm rather than clipping each entry to $[-c, c]$?",
         options=["Scaling by the norm keeps the gradient's direction; clipping entries changes it",
                  "Clipping entries is slower",
                  "Clipping by norm also removes NaNs",
                  "Clipping entries never changes anything"],
         answer="Scaling by the norm keeps the gradient's direction; clipping entries changes it",
         explain={
             "Scaling by the norm keeps the gradient's direction; clipping entries changes it":
                 r"Right: every entry is multiplied by the same $c/\lVert g\rVert$, so the step still points "
                 r"downhill; clipping entries flattens the largest components and bends it.",
             "Clipping entries is slower": r"Both are cheap; the difference is the direction of the step.",
             "Clipping by norm also removes NaNs": r"A NaN makes the norm NaN; clipping cannot repair it.",
             "Clipping entries never changes anything": r"It changes every entry larger than $c$.",
         }),
    dict(id="standardise_leak", kind="single", title="statistics from the test set",
         prompt=r"You standardise with a mean and standard deviation computed on the training and test sets "
                r"together. What is wrong?",
         options=["Information about the test set leaks into the model, so the held-out score is no longer honest",
                  "Nothing: more data gives better statistics",
                  "The network can no longer be trained",
                  "The test set will have mean exactly 0"],
         answer="Information about the test set leaks into the model, so the held-out score is no longer honest",
         explain={
             "Information about the test set leaks into the model, so the held-out score is no longer honest":
                 r"Right: the statistics are part of the model; fit them on the training set only and apply "
                 r"them unchanged to everything else.",
             "Nothing: more data gives better statistics":
                 r"Better statistics, but borrowed from data the model is meant never to have seen.",
             "The network can no longer be trained": r"It trains fine; the problem is the honesty of the test.",
             "The test set will have mean exactly 0": r"Only the pooled data has mean 0, not the test set alone.",
         }),
]

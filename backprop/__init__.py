"""Backprop, by hand: the helpers that the course's notebooks import.

One small module per concept:

- ``activations``: sigmoid, tanh, ReLU and their derivatives.
- ``losses``: squared error, a numerically stable softmax, cross-entropy.
- ``gradcheck``: centred finite differences and relative errors.
- ``checks``: compare a learner's answer with what is expected and explain the mistake.
- ``widgets``: interactive explorers, each a traitlets model apart from its view.
- ``plots``: a colour-blind-safe palette and shared plotting helpers.
- ``datasets``: small datasets made in code (spirals, blobs) or shipped (8×8 digits).
- ``training``: starting parameters, accuracy and a progress bar for training loops.
- ``shapes``: the shape of every layer, as a table.
- ``graphplot``: draw a scalar computational graph with each node's value and gradient.
- ``quiz``: question widgets whose answers are saved beside the notebook.

This package never holds the answers to graded exercises: the reference
backward passes that hidden tests compare against live in ``autograder/``.
"""

__version__ = "1.0.0"

"""Reference solutions that hidden tests compare learners' answers against.

Instructor side only: the learner package ``backprop`` must not contain the
answers to its own graded exercises. Each module mirrors one concept.
"""

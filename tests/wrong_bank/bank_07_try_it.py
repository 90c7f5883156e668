"""Known-wrong quiz answers for 07_try_it: each is saved to quiz_answers.json and must score 0.

The case replaces the answers-by-code cell (what a learner's widgets would save);
the other questions are answered rightly, so only the named test cell fails.
"""

LESSON = "07_try_it"

RIGHT = {
    "dz2": '"ŷ − y"',
    "backward_order": '["dz2", "dW2 and db2", "da1", "dz1", "dW1 and db1"]',
    "shape_check": '"Each gradient has the same shape as its parameter"',
    "grads_like_W1": '["dW1", "dz1 @ x.T"]',
}
FORWARD = ("    a1 = sigmoid(W1 @ x + b1)\n"
           "    dz2 = softmax(W2 @ a1 + b2) - y\n")


def answers(number='float((dz2 @ a1.T)[0, 0])', forward=FORWARD, **wrong):
    lines = ["with quiz.by_code():"]
    for qid, value in RIGHT.items():
        lines.append(f"    quiz.answer({qid!r}, {wrong.get(qid, value)})")
    return "\n".join(lines) + "\n" + forward + f"    quiz.answer('dW2_entry', {number})\n"


CASES = [
    dict(exercise="quiz_answers_07", bug="dz2 = y − ŷ (sign flipped)", fails=["test_quiz_dz2"],
         says="question 1", source=answers(dz2='"y − ŷ"')),
    dict(exercise="quiz_answers_07", bug="dz2 = ∂L/∂ŷ (stopped before the softmax)", fails=["test_quiz_dz2"],
         says="is not right", source=answers(dz2='"−y / ŷ"')),
    dict(exercise="quiz_answers_07", bug="da1 and dz1 swapped", fails=["test_quiz_backward_order"],
         says="4 of 5 steps come after the steps they need",
         source=answers(backward_order='["dz2", "dW2 and db2", "dz1", "da1", "dW1 and db1"]')),
    dict(exercise="quiz_answers_07", bug="starts from the input layer", fails=["test_quiz_backward_order"],
         says="1 of 5 steps come after the steps they need",
         source=answers(backward_order='["dW1 and db1", "dz1", "da1", "dW2 and db2", "dz2"]')),
    dict(exercise="quiz_answers_07", bug="every gradient a column vector", fails=["test_quiz_shape_check"],
         says="is not right", source=answers(shape_check='"Every gradient is a column vector"')),
    dict(exercise="quiz_answers_07", bug="dz1 ticked as shaped like W1", fails=["test_quiz_grads_like_W1"],
         says="is not right", source=answers(grads_like_W1='["dW1", "dz1 @ x.T", "dz1"]')),
    dict(exercise="quiz_answers_07", bug="transposed product x @ dz1.T", fails=["test_quiz_grads_like_W1"],
         says="is not right", source=answers(grads_like_W1='["dW1", "x @ dz1.T"]')),
    dict(exercise="quiz_answers_07", bug="number with dz2 = y − ŷ", fails=["test_quiz_dW2_entry"],
         says="is not right", source=answers(forward="    a1 = sigmoid(W1 @ x + b1)\n"
                                                      "    dz2 = y - softmax(W2 @ a1 + b2)\n")),
    dict(exercise="quiz_answers_07", bug="number from z1 instead of a1", fails=["test_quiz_dW2_entry"],
         says="is not right", source=answers(number="float((dz2 @ (W1 @ x + b1).T)[0, 0])")),
]

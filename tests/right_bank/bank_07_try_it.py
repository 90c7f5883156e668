"""Right quiz answers for 07_try_it in other forms: every order of the backward pass that respects what each
step needs (dW2 and db2 need only dz2), and the multiple choice ticked in another order."""

from wrong_bank.bank_07_try_it import answers

LESSON = "07_try_it"

CASES = [
    dict(exercise="quiz_answers_07", bug=f"backward pass with dW2 {where}", passes=["test_quiz_backward_order"],
         source=answers(backward_order=order))
    for where, order in [("after da1", '["dz2", "da1", "dW2 and db2", "dz1", "dW1 and db1"]'),
                         ("after dz1", '["dz2", "da1", "dz1", "dW2 and db2", "dW1 and db1"]'),
                         ("last", '["dz2", "da1", "dz1", "dW1 and db1", "dW2 and db2"]'),
                         ("second (the key's order)", '["dz2", "dW2 and db2", "da1", "dz1", "dW1 and db1"]')]
] + [
    dict(exercise="quiz_answers_07", bug="shapes ticked in another order", passes=["test_quiz_grads_like_W1"],
         source=answers(grads_like_W1='["dz1 @ x.T", "dW1"]')),
]

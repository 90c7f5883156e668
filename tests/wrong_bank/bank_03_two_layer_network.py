LESSON = "03_two_layer_network"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


_FWD = ("z1 = params['W1'] @ x + params['b1']\na1 = sigmoid(z1)\nz2 = params['W2'] @ a1 + params['b2']\n"
        "y_hat = softmax(z2)\nreturn y_hat, {'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}")
_BWD = ("dz2 = grad_z2(cache['y_hat'], y)\ndW2 = grad_W2(dz2, cache['a1'])\ndb2 = grad_b2(dz2)\n"
        "da1 = grad_a1(params['W2'], dz2)\ndz1 = grad_z1(da1, cache['z1'])\ndW1 = grad_W1(dz1, cache['x'])\n"
        "db1 = grad_b1(dz1)\nreturn {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}")


def _fwd(old, new):
    assert old in _FWD
    return _f("forward", "x, params", _FWD.replace(old, new))


def _bwd(old, new):
    assert old in _BWD
    return _f("backward", "y, cache, params", _BWD.replace(old, new))


CASES = [
    # --- Exercise 1: softmax
    dict(exercise="softmax", bug="no max subtracted (overflows)", fails=["test_softmax"], says="column's own max",
         source=_f("softmax", "z", "e = np.exp(z)\nreturn e / np.sum(e, axis=0, keepdims=True)")),
    dict(exercise="softmax", bug="max and sum over axis=1 (rows)", fails=["test_softmax"], says="axis=0",
         source=_f("softmax", "z", "e = np.exp(z - np.max(z, axis=1, keepdims=True))\nreturn e / np.sum(e, axis=1, keepdims=True)")),
    dict(exercise="softmax", bug="one global max for all columns", fails=["test_softmax"], says="column's own max",
         source=_f("softmax", "z", "e = np.exp(z - np.max(z))\nreturn e / np.sum(e, axis=0, keepdims=True)")),
    dict(exercise="softmax", bug="not normalised", fails=["test_softmax"], says="divide by each column's sum",
         source=_f("softmax", "z", "return np.exp(z - np.max(z, axis=0, keepdims=True))")),
    # --- Exercise 2: forward
    dict(exercise="forward", bug="b1 left out", fails=["test_forward"], says="left out b1",
         source=_fwd("z1 = params['W1'] @ x + params['b1']", "z1 = params['W1'] @ x")),
    dict(exercise="forward", bug="no activation (a1 = z1)", fails=["test_forward"], says="no activation",
         source=_fwd("a1 = sigmoid(z1)", "a1 = z1")),
    dict(exercise="forward", bug="z1 used where a1 belongs in z2", fails=["test_forward"], says="used z1 where a1 belongs",
         source=_fwd("z2 = params['W2'] @ a1 + params['b2']", "z2 = params['W2'] @ z1 + params['b2']")),
    dict(exercise="forward", bug="softmax skipped (y_hat = z2)", fails=["test_forward"], says="returned z2 itself",
         source=_fwd("y_hat = softmax(z2)", "y_hat = z2")),
    dict(exercise="forward", bug="cache returned as a tuple", fails=["test_forward"], says="cache",
         source=_fwd("{'x': x, 'z1': z1, 'a1': a1, 'z2': z2, 'y_hat': y_hat}", "(x, z1, a1, z2, y_hat)")),
    # --- Exercise 3: cross_entropy
    dict(exercise="cross_entropy", bug="y left out (sums log ŷ over all classes)", fails=["test_cross_entropy"],
         says="multiply by y", source=_f("cross_entropy", "y_hat, y", "return float(-np.sum(np.log(y_hat)))")),
    dict(exercise="cross_entropy", bug="minus sign dropped", fails=["test_cross_entropy"], says="wrong sign",
         source=_f("cross_entropy", "y_hat, y", "return float(np.sum(y * np.log(y_hat)))")),
    dict(exercise="cross_entropy", bug="log forgotten", fails=["test_cross_entropy"], says="forgot the log",
         source=_f("cross_entropy", "y_hat, y", "return float(-np.sum(y * y_hat))")),
    # --- Exercise 4: grad_z2
    dict(exercise="grad_z2", bug="sign flip (y − ŷ)", fails=["test_grad_z2"], says="ŷ − y, not y − ŷ",
         source=_f("grad_z2", "y_hat, y", "return y - y_hat")),
    dict(exercise="grad_z2", bug="forgets − y", fails=["test_grad_z2"], says="left out − y",
         source=_f("grad_z2", "y_hat, y", "return y_hat")),
    dict(exercise="grad_z2", bug="sigmoid-style derivative ŷ(1 − ŷ)", fails=["test_grad_z2"], says="sigmoid derivative",
         source=_f("grad_z2", "y_hat, y", "return y_hat * (1 - y_hat)")),
    # --- Exercise 5: grad_W2
    dict(exercise="grad_W2", bug="transposed (a1 dz2ᵀ)", fails=["test_grad_W2"], says="transpose",
         source=_f("grad_W2", "dz2, a1", "return a1 @ dz2.T")),
    dict(exercise="grad_W2", bug="inner product instead of outer (dz2ᵀ a1)", fails=["test_grad_W2"], says="collapsed",
         source=_f("grad_W2", "dz2, a1", "return dz2.T @ a1")),
    dict(exercise="grad_W2", bug="elementwise product dz2 ⊙ a1", fails=["test_grad_W2"], says="shape",
         source=_f("grad_W2", "dz2, a1", "return dz2 * a1")),
    # --- Exercise 6: grad_b2
    dict(exercise="grad_b2", bug="returns a row (dz2ᵀ)", fails=["test_grad_b2"], says="transpose",
         source=_f("grad_b2", "dz2", "return dz2.T")),
    dict(exercise="grad_b2", bug="sums to one number", fails=["test_grad_b2"], says="single number",
         source=_f("grad_b2", "dz2", "return np.sum(dz2)")),
    # --- Exercise 7: grad_a1
    dict(exercise="grad_a1", bug="transpose forgotten (W2 dz2)", fails=["test_grad_a1"], says="forgot the transpose",
         source=_f("grad_a1", "W2, dz2", "return W2 @ dz2")),
    dict(exercise="grad_a1", bug="row instead of column (dz2ᵀ W2)", fails=["test_grad_a1"], says="transpose",
         source=_f("grad_a1", "W2, dz2", "return dz2.T @ W2")),
    # --- Exercise 8: grad_z1
    dict(exercise="grad_z1", bug="σ' missing", fails=["test_grad_z1"], says="left out σ'",
         source=_f("grad_z1", "da1, z1", "return da1")),
    dict(exercise="grad_z1", bug="σ(z1) instead of σ'(z1)", fails=["test_grad_z1"], says="not by σ(z1)",
         source=_f("grad_z1", "da1, z1", "return da1 * sigmoid(z1)")),
    dict(exercise="grad_z1", bug="σ' evaluated at a1 (a1 where z1 belongs)", fails=["test_grad_z1"], says="not at a1",
         source=_f("grad_z1", "da1, z1", "return da1 * sigmoid_prime(sigmoid(z1))")),
    # --- Exercise 9: grad_W1
    dict(exercise="grad_W1", bug="transposed (x dz1ᵀ)", fails=["test_grad_W1"], says="transpose",
         source=_f("grad_W1", "dz1, x", "return x @ dz1.T")),
    dict(exercise="grad_W1", bug="inner product dz1ᵀ x", fails=["test_grad_W1"],
         source=_f("grad_W1", "dz1, x", "return dz1.T @ x")),
    # --- Exercise 10: grad_b1
    dict(exercise="grad_b1", bug="returns a row (dz1ᵀ)", fails=["test_grad_b1"], says="transpose",
         source=_f("grad_b1", "dz1", "return dz1.T")),
    dict(exercise="grad_b1", bug="sums to one number", fails=["test_grad_b1"], says="single number",
         source=_f("grad_b1", "dz1", "return np.sum(dz1)")),
    # --- Exercise 11: backward
    dict(exercise="backward", bug="z1 used where a1 belongs in dW2", fails=["test_gradcheck"], says="z1 where a1 belongs",
         source=_bwd("dW2 = grad_W2(dz2, cache['a1'])", "dW2 = grad_W2(dz2, cache['z1'])")),
    dict(exercise="backward", bug="σ' step skipped (dz1 = da1)", fails=["test_gradcheck"], says="left out σ'",
         source=_bwd("dz1 = grad_z1(da1, cache['z1'])", "dz1 = da1")),
    dict(exercise="backward", bug="a1 passed where z1 belongs to grad_z1", fails=["test_gradcheck"],
         says="a1 where z1 belongs", source=_bwd("dz1 = grad_z1(da1, cache['z1'])", "dz1 = grad_z1(da1, cache['a1'])")),
    dict(exercise="backward", bug="sign flip (y − ŷ)", fails=["test_gradcheck"], says="ŷ − y, not y − ŷ",
         source=_bwd("dz2 = grad_z2(cache['y_hat'], y)", "dz2 = y - cache['y_hat']")),
    dict(exercise="backward", bug="dW1 returned transposed", fails=["test_backward_shapes", "test_gradcheck"],
         says="W1 has shape", source=_bwd("dW1 = grad_W1(dz1, cache['x'])", "dW1 = grad_W1(dz1, cache['x']).T")),
    dict(exercise="backward", bug="gradients of W1 and W2 swapped in the dict", fails=["test_backward_shapes", "test_gradcheck"],
         source=_bwd("{'dW1': dW1, 'db1': db1, 'dW2': dW2", "{'dW1': dW2, 'db1': db1, 'dW2': dW1")),
    # --- Exercise 12: softmax_jacobian
    dict(exercise="softmax_jacobian", bug="− s sᵀ left out", fails=["test_softmax_jacobian"], says="left out − s sᵀ",
         source=_f("softmax_jacobian", "z", "s = softmax(z)\nreturn np.diag(s.ravel())")),
    dict(exercise="softmax_jacobian", bug="sign flip (s sᵀ − diag s)", fails=["test_softmax_jacobian"], says="wrong sign",
         source=_f("softmax_jacobian", "z", "s = softmax(z)\nreturn s @ s.T - np.diag(s.ravel())")),
    dict(exercise="softmax_jacobian", bug="np.diag of a column (takes its diagonal)", fails=["test_softmax_jacobian"],
         says="np.diag of a (k, 1) column",
         source=_f("softmax_jacobian", "z", "s = softmax(z)\nreturn np.diag(s) - s @ s.T")),
    # --- Exercise 13: dz2_long_way
    dict(exercise="dz2_long_way", bug="minus sign dropped in dL/dŷ", fails=["test_dz2_long_way"], says="wrong sign",
         source=_f("dz2_long_way", "z2, y", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (y / y_hat)")),
    dict(exercise="dz2_long_way", bug="y left out of dL/dŷ", fails=["test_dz2_long_way"], says="without y",
         source=_f("dz2_long_way", "z2, y", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (-1 / y_hat)")),
    dict(exercise="dz2_long_way", bug="uses the loss −y log ŷ instead of its derivative", fails=["test_dz2_long_way"],
         says="not −y · log ŷ",
         source=_f("dz2_long_way", "z2, y", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T @ (-y * np.log(y_hat))")),
    dict(exercise="dz2_long_way", bug="Jacobian times dL/dŷ elementwise", fails=["test_dz2_long_way"],
         says="elementwise (*)",
         source=_f("dz2_long_way", "z2, y", "y_hat = softmax(z2)\nreturn softmax_jacobian(z2).T * (-y / y_hat)")),
]

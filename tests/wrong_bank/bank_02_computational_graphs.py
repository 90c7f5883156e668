LESSON = "02_computational_graphs"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


_TOPO_HEAD = "order, visited = [], set()\n"

CASES = [
    # --- Exercise 1: add_backward
    dict(exercise="add_backward", bug="forgets out_grad (returns the local derivatives 1, 1)", fails=["test_add_backward"],
         says="multiply the local derivative (1) by out_grad",
         source=_f("add_backward", "a, b, out_grad", "return 1.0, 1.0")),
    dict(exercise="add_backward", bug="second input gets no gradient", fails=["test_add_backward"],
         says="both inputs of a sum get the full gradient",
         source=_f("add_backward", "a, b, out_grad", "return out_grad, 0.0")),
    dict(exercise="add_backward", bug="scales by the input values (treats + like ×)", fails=["test_add_backward"],
         says="d(a + b)/da is 1, not a",
         source=_f("add_backward", "a, b, out_grad", "return a * out_grad, b * out_grad")),
    # --- Exercise 2: mul_backward
    dict(exercise="mul_backward", bug="swapped inputs (da = a·out_grad)", fails=["test_mul_backward"], says="swapped",
         source=_f("mul_backward", "a, b, out_grad", "return a * out_grad, b * out_grad")),
    dict(exercise="mul_backward", bug="forgets out_grad", fails=["test_mul_backward"], says="multiply by out_grad",
         source=_f("mul_backward", "a, b, out_grad", "return b, a")),
    # --- Exercise 3: pow_backward
    dict(exercise="pow_backward", bug="drops the factor n", fails=["test_pow_backward"], says="left out the factor n",
         source=_f("pow_backward", "a, n, out_grad", "return out_grad * a ** (n - 1)")),
    dict(exercise="pow_backward", bug="exponent not lowered (n·aⁿ)", fails=["test_pow_backward"], says="drops by one",
         source=_f("pow_backward", "a, n, out_grad", "return out_grad * n * a ** n")),
    dict(exercise="pow_backward", bug="forgets out_grad", fails=["test_pow_backward"], says="multiply by out_grad",
         source=_f("pow_backward", "a, n, out_grad", "return n * a ** (n - 1)")),
    # --- Exercise 4: exp_backward
    dict(exercise="exp_backward", bug="forgets out_grad", fails=["test_exp_backward"], says="multiply by out_grad",
         source=_f("exp_backward", "a, out_grad", "return math.exp(a)")),
    dict(exercise="exp_backward", bug="uses a instead of e^a", fails=["test_exp_backward"], says="e^a, not a",
         source=_f("exp_backward", "a, out_grad", "return a * out_grad")),
    # --- Exercise 5: tanh_backward
    dict(exercise="tanh_backward", bug="1 − a² (squares the input)", fails=["test_tanh_backward"], says="you used 1 − a²",
         source=_f("tanh_backward", "a, out_grad", "return out_grad * (1 - a ** 2)")),
    dict(exercise="tanh_backward", bug="1 − tanh(a) (no square)", fails=["test_tanh_backward"], says="forgot the square",
         source=_f("tanh_backward", "a, out_grad", "return out_grad * (1 - math.tanh(a))")),
    dict(exercise="tanh_backward", bug="forgets out_grad", fails=["test_tanh_backward"], says="multiply by out_grad",
         source=_f("tanh_backward", "a, out_grad", "return 1 - math.tanh(a) ** 2")),
    # --- Exercise 6: topological_order
    dict(exercise="topological_order", bug="no visited set (shared nodes listed twice)", fails=["test_topological_order"],
         says="appears more than once",
         source=_f("topological_order", "root",
                   "order = []\ndef place(v):\n    for c in v._prev:\n        place(c)\n    order.append(v)\nplace(root)\nreturn order")),
    dict(exercise="topological_order", bug="pre-order (node before its inputs)", fails=["test_topological_order"],
         says="comes before one of its inputs",
         source=_f("topological_order", "root",
                   _TOPO_HEAD + "def place(v):\n    if v in visited:\n        return\n    visited.add(v)\n    order.append(v)\n"
                   "    for c in v._prev:\n        place(c)\nplace(root)\nreturn order")),
    dict(exercise="topological_order", bug="leaves out the output", fails=["test_topological_order"],
         says="output node itself is missing",
         source=_f("topological_order", "root",
                   _TOPO_HEAD + "def place(v):\n    if v in visited:\n        return\n    visited.add(v)\n"
                   "    for c in v._prev:\n        place(c)\n    order.append(v)\nfor c in root._prev:\n    place(c)\nreturn order")),
    dict(exercise="topological_order", bug="only one level deep (no recursion)", fails=["test_topological_order"],
         says="nodes are missing",
         source=_f("topological_order", "root", "return list(dict.fromkeys(root._prev)) + [root]")),
    # --- Exercise 7: backward_pass
    dict(exercise="backward_pass", bug="never zeroes the gradients (a second call doubles them)",
         fails=["test_backward_pass", "test_backward_twice"], says="must set every node's grad to 0",
         # until section 5 the notebook's accumulate overwrites, so a second pass cannot add up in the visible
         # test of backward_pass (its hidden part lends an adding accumulate); test_backward_twice sees it
         visible_fails=["test_backward_twice"],
         source=_f("backward_pass", "root",
                   "order = topological_order(root)\nroot.grad = 1.0\nfor node in reversed(order):\n    node._backward()")),
    dict(exercise="backward_pass", bug="output never seeded with 1", fails=["test_backward_pass"], says="seed",
         source=_f("backward_pass", "root",
                   "order = topological_order(root)\nfor node in order:\n    node.grad = 0.0\nfor node in reversed(order):\n    node._backward()")),
    dict(exercise="backward_pass", bug="walks the order forwards (inputs first)", fails=["test_backward_pass"], says="reversed",
         source=_f("backward_pass", "root",
                   "order = topological_order(root)\nfor node in order:\n    node.grad = 0.0\nroot.grad = 1.0\n"
                   "for node in order:\n    node._backward()")),
    dict(exercise="backward_pass", bug="zeroes after seeding (wipes the seed)", fails=["test_backward_pass"], says="seed",
         source=_f("backward_pass", "root",
                   "order = topological_order(root)\nroot.grad = 1.0\nfor node in order:\n    node.grad = 0.0\n"
                   "for node in reversed(order):\n    node._backward()")),
    # --- Exercise 8: accumulate
    dict(exercise="accumulate", bug="overwrites (=) instead of adding (+=)", fails=["test_accumulate"], says="overwrote",
         source=_f("accumulate", "node, g", "node.grad = g")),
    dict(exercise="accumulate", bug="subtracts (-=)", fails=["test_accumulate"], says="not subtract",
         source=_f("accumulate", "node, g", "node.grad -= g")),
    dict(exercise="accumulate", bug="does nothing", fails=["test_accumulate"], says="left the gradient unchanged",
         source=_f("accumulate", "node, g", "pass")),
    # --- Exercise 9: neuron_graph
    dict(exercise="neuron_graph", bug="bias left out of z", fails=["test_neuron_graph"], says="left out b",
         source=_f("neuron_graph", "x, w, b, y",
                   "w_node, b_node = Value(w, label='w'), Value(b, label='b')\nz = w_node * x\n"
                   "a = 1 / (1 + (-z).exp())\nreturn (a - y) ** 2, w_node, b_node")),
    dict(exercise="neuron_graph", bug="tanh instead of the sigmoid", fails=["test_neuron_graph"], says="you used tanh",
         source=_f("neuron_graph", "x, w, b, y",
                   "w_node, b_node = Value(w, label='w'), Value(b, label='b')\nz = w_node * x + b_node\n"
                   "a = z.tanh()\nreturn (a - y) ** 2, w_node, b_node")),
    dict(exercise="neuron_graph", bug="loss not squared", fails=["test_neuron_graph"], says="forgot to square",
         source=_f("neuron_graph", "x, w, b, y",
                   "w_node, b_node = Value(w, label='w'), Value(b, label='b')\nz = w_node * x + b_node\n"
                   "a = 1 / (1 + (-z).exp())\nreturn a - y, w_node, b_node")),
    dict(exercise="neuron_graph", bug="returns fresh nodes, not the ones L was built from", fails=["test_neuron_graph"],
         says="not part of L's graph",
         source=_f("neuron_graph", "x, w, b, y",
                   "z = Value(w) * x + Value(b)\na = 1 / (1 + (-z).exp())\nreturn (a - y) ** 2, Value(w), Value(b)")),
]

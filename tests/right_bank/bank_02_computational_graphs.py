"""Right answers to lesson 02's exercises, written in other forms than the solution's."""

LESSON = "02_computational_graphs"


def _f(name, args, body):
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


# an engine function is used by every later test: a right answer in another form must pass them all
_AFTER_TOPO = ["test_topological_order", "test_backward_pass", "test_accumulate", "test_backward_twice", "test_neuron_graph"]

CASES = [
    dict(exercise="add_backward", bug="a list, numpy scalars", passes=["test_add_backward"],
         source=_f("add_backward", "a, b, out_grad", "g = np.float64(out_grad)\nreturn [g, g]")),
    dict(exercise="add_backward", bug="0-d arrays", passes=["test_add_backward"],
         source=_f("add_backward", "a, b, out_grad", "return np.array(out_grad), np.array(1.0 * out_grad)")),
    dict(exercise="mul_backward", bug="local derivatives first, then the chain rule", passes=["test_mul_backward"],
         source=_f("mul_backward", "a, b, out_grad", "local_a, local_b = b, a\nreturn local_a * out_grad, local_b * out_grad")),
    dict(exercise="pow_backward", bug="n·aⁿ / a, and np.power", passes=["test_pow_backward"],
         source=_f("pow_backward", "a, n, out_grad", "return out_grad * n * np.power(float(a), n) / a")),
    dict(exercise="exp_backward", bug="np.exp, the output times out_grad", passes=["test_exp_backward"],
         source=_f("exp_backward", "a, out_grad", "out = np.exp(a)\nreturn out * out_grad")),
    dict(exercise="tanh_backward", bug="1 / cosh²", passes=["test_tanh_backward"],
         source=_f("tanh_backward", "a, out_grad", "return out_grad / np.cosh(a) ** 2")),
    dict(exercise="tanh_backward", bug="through tanh's exponentials", passes=["test_tanh_backward"],
         source=_f("tanh_backward", "a, out_grad", "t = (math.exp(2 * a) - 1) / (math.exp(2 * a) + 1)\n"
                   "return out_grad * (1 - t) * (1 + t)")),
    dict(exercise="topological_order", bug="recursive post-order with a visited set", passes=_AFTER_TOPO,
         source=_f("topological_order", "root",
                   "order, visited = [], set()\ndef build(v):\n    if v not in visited:\n        visited.add(v)\n"
                   "        for child in v._prev:\n            build(child)\n        order.append(v)\nbuild(root)\n"
                   "return order")),
    dict(exercise="topological_order", bug="Kahn's algorithm (another valid order), a tuple", passes=_AFTER_TOPO,
         source=_f("topological_order", "root",
                   "nodes, stack = {}, [root]\nwhile stack:\n    v = stack.pop()\n    if id(v) not in nodes:\n"
                   "        nodes[id(v)] = v\n        stack.extend(v._prev)\n"
                   "waiting = {i: len({id(c) for c in v._prev}) for i, v in nodes.items()}\n"
                   "users = {i: [] for i in nodes}\nfor i, v in nodes.items():\n    for c in {id(c) for c in v._prev}:\n"
                   "        users[c].append(i)\nready = [i for i, n in waiting.items() if n == 0]\norder = []\n"
                   "while ready:\n    i = ready.pop()\n    order.append(nodes[i])\n    for u in users[i]:\n"
                   "        waiting[u] -= 1\n        if waiting[u] == 0:\n            ready.append(u)\n"
                   "return tuple(order)")),
    dict(exercise="topological_order", bug="post-order with repeats, first occurrences kept", passes=_AFTER_TOPO,
         source=_f("topological_order", "root",
                   "out = []\ndef walk(v):\n    for c in v._prev:\n        walk(c)\n    out.append(v)\nwalk(root)\n"
                   "first = {}\nfor v in out:\n    first.setdefault(id(v), v)\nreturn list(first.values())")),
    dict(exercise="backward_pass", bug="reversed list, seed via the last node", passes=_AFTER_TOPO[1:],
         source=_f("backward_pass", "root",
                   "order = list(topological_order(root))\nfor node in order:\n    node.grad = 0\n"
                   "order[-1].grad = 1\nfor node in order[::-1]:\n    node._backward()")),
    dict(exercise="accumulate", bug="node.grad = node.grad + g", passes=_AFTER_TOPO[2:],
         source=_f("accumulate", "node, g", "node.grad = node.grad + g")),
    dict(exercise="neuron_graph", bug="(y − a)², x and y as Values, σ via tanh, a list", passes=["test_neuron_graph"],
         source=_f("neuron_graph", "x, w, b, y",
                   "w_node, b_node = Value(w), Value(b)\nz = Value(x) * w_node + b_node\n"
                   "a = 0.5 * ((0.5 * z).tanh() + 1)\nreturn [(Value(y) - a) ** 2, w_node, b_node]")),
    dict(exercise="neuron_graph", bug="σ as e^z / (1 + e^z), L as a product", passes=["test_neuron_graph"],
         source=_f("neuron_graph", "x, w, b, y",
                   "w_node = Value(w, label='w')\nb_node = Value(b, label='b')\ne = (w_node * x + b_node).exp()\n"
                   "a = e / (e + 1)\nd = a - y\nreturn d * d, w_node, b_node")),
]

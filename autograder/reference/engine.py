"""A scalar computational-graph engine (micrograd-sized).

Each ``Value`` keeps its number, its gradient, the nodes it was made from and a
``_backward`` closure that passes its gradient to those inputs: incoming
gradient times local derivative. Each operation's backward sits beside its
forward.
"""

import math


class Value:
    """A scalar node in a computational graph."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._backward = lambda: None

    def __repr__(self):
        return f"Value({self.label + '=' if self.label else ''}{self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _lift(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):
        assert isinstance(n, (int, float)), "only constant exponents"
        out = Value(self.data ** n, (self,), f"**{n}")

        def _backward():  # d(a^n)/da = n a^(n-1)
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():  # d(e^a)/da = e^a
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():  # d tanh(a)/da = 1 - tanh(a)^2
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data)) if self.data >= 0 else math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, (self,), "σ")

        def _backward():  # dσ/da = σ(1-σ)
            self.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._lift(other) + (-self)

    def __truediv__(self, other):
        return self * self._lift(other) ** -1

    def __rtruediv__(self, other):
        return self._lift(other) * self ** -1

    def backward(self):
        """Fill ``.grad`` of every node this one depends on, by reverse topological order.

        Gradients are reset first, so calling backward() twice gives the same
        gradients, not double; within one pass a node used twice accumulates
        both contributions (``+=``). (This course's choice: PyTorch's ``.grad``
        instead keeps adding across backward() calls until it is zeroed.)
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


def topological_order(root):
    """Nodes reachable from ``root``, each after all of its inputs (``root`` last).

    The depth-first post-order a recursive walk gives (each node's inputs placed
    in ``_prev`` order, then the node), built with an explicit stack: a recursive
    walk needs one Python frame per level and stops at the recursion limit
    (about 1,000), so a graph 1,500 nodes deep would raise RecursionError.
    """
    order, seen = [], set()
    stack = [(root, False)]  # (node, are its inputs placed already?)
    while stack:
        v, inputs_placed = stack.pop()
        if inputs_placed:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            # pushed in reverse so the first input is popped (placed) first, as the recursion does
            stack.extend((child, False) for child in reversed(v._prev))
    return order


# ---- one backward rule per operation, on plain numbers (lesson 02's exercises) ----
# Each takes the inputs' values and the gradient arriving at the output (out_grad)
# and returns the gradient for each input: incoming gradient × local derivative.

def add_backward(a, b, out_grad):
    """out = a + b → (dL/da, dL/db) = (out_grad · 1, out_grad · 1)."""
    return out_grad * 1.0, out_grad * 1.0


def mul_backward(a, b, out_grad):
    """out = a · b → (dL/da, dL/db) = (out_grad · b, out_grad · a)."""
    return out_grad * b, out_grad * a


def pow_backward(a, n, out_grad):
    """out = a ** n (n a constant) → dL/da = out_grad · n a^(n−1)."""
    return out_grad * n * a ** (n - 1)


def exp_backward(a, out_grad):
    """out = e^a → dL/da = out_grad · e^a."""
    return out_grad * math.exp(a)


def tanh_backward(a, out_grad):
    """out = tanh(a) → dL/da = out_grad · (1 − tanh(a)²)."""
    t = math.tanh(a)
    return out_grad * (1.0 - t * t)


def neuron_graph(x, w, b, y):
    """Lesson 01's neuron as a graph: returns (L, w node, b node), not yet differentiated.

    z = w x + b, a = σ(z) = 1 / (1 + e^(−z)), L = (a − y)².
    """
    w_node, b_node = Value(w, label="w"), Value(b, label="b")
    z = w_node * x + b_node
    a = 1 / (1 + (-z).exp())
    return (a - y) ** 2, w_node, b_node

"""Quiz key for 02_computational_graphs: the checkpoint at the end of the lesson.

Instructor side only. The numeric answer comes from the lesson's own explorer
expression f = tanh(x·y + x·x)·y, at a point the lesson never shows, computed
with the reference engine.
"""

from autograder.reference.engine import Value


def _dfdx(x, y):
    x, y = Value(x), Value(y)
    f = (x * y + x * x).tanh() * y
    f.backward()
    return x.grad


QUESTIONS = [
    dict(id="explorer_dfdx", kind="numeric", title="df/dx in the explorer's graph",
         prompt=r"Take the explorer's expression $f = \tanh(x\cdot y + x\cdot x)\cdot y$ at $x = 0.8$, "
                r"$y = -0.6$. What is $\partial f/\partial x$? Give at least 3 decimals. (Build it with your "
                r"<code>Value</code> in a new cell, or move the sliders.)",
         answer=_dfdx(0.8, -0.6), tol=1e-3,
         hint=r"build f from Value(0.8) and Value(−0.6), call f.backward(), read x.grad. x appears three times: "
              r"every path counts.",
         explain=r"Right. $x$ reaches $f$ along three paths (twice through $x\cdot x$, once through $x\cdot y$), "
                 r"and its gradient is their sum: $\partial f/\partial x = y\,(1 - \tanh^2 u)\,(y + 2x)$ with "
                 r"$u = xy + x^2$."),
    dict(id="mul_passes", kind="single", title="what a product passes back",
         prompt=r"A node $\text{out} = a\cdot b$ with $a = 2$, $b = -5$ receives $\texttt{out\_grad} = 3$. "
                r"Which gradient does it pass to $a$?",
         options=["−15", "6", "3", "−10"],
         answer="−15",
         explain={
             "−15": r"Right: out_grad times the local derivative $\partial(ab)/\partial a = b$: $3 \cdot (-5)$.",
             "6": r"That is out_grad times $a$, the gradient for $b$. For $a$ the local derivative is the "
                  r"<i>other</i> input, $b$.",
             "3": r"That is what an addition would pass on. A product scales by the other input.",
             "−10": r"That is $a\cdot b$, the forward value. The backward pass multiplies out_grad by $b$.",
         }),
    dict(id="why_accumulate", kind="single", title="why gradients are added",
         prompt=r"Why must a node <i>add</i> each incoming gradient contribution (<code>+=</code>) rather than "
                r"store it (<code>=</code>)?",
         options=["A node used by several operations affects the output along each path, and the chain rule "
                  "sums the paths",
                  "Adding is faster than assigning in Python",
                  "So that calling backward() twice doubles the gradient, as it should",
                  "Because the gradient of an addition node is 1"],
         answer="A node used by several operations affects the output along each path, and the chain rule "
                "sums the paths",
         explain={
             "A node used by several operations affects the output along each path, and the chain rule sums "
             "the paths": r"Right: in $x\cdot x + x$ the three paths give $x + x + 1 = 2x + 1$.",
             "Adding is faster than assigning in Python": r"Speed has nothing to do with it; correctness does.",
             "So that calling backward() twice doubles the gradient, as it should":
                 r"Not in this engine: its backward() sets every gradient to 0 first, so a second call gives "
                 r"the same gradients. (PyTorch chooses otherwise: its <code>.grad</code> keeps adding across "
                 r"calls until you zero it, to sum several batches. Neither is why a node adds its contributions "
                 r"within one pass.)",
             "Because the gradient of an addition node is 1":
                 r"True of addition nodes, but accumulation is needed for <i>any</i> node used twice, "
                 r"for example $x$ in $x\cdot x$.",
         }),
]

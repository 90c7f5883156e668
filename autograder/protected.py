"""What learner code may not change: the lists the static scan reads.

:mod:`autograder.integrity` flags learner code that rebinds any of these
(``monkeypatch``) or names the instructor side (``reference-import``). The
flags are for the instructor: test cells run in the judge, outside the
learner's kernel (:mod:`autograder.judge`), so a rebinding there cannot change
a verdict. ``tests/test_protected.py`` checks that every name here still
exists in the packages it names, so a rename cannot silently leave a gap.
"""

import builtins

#: The instructor side: learner code that imports or names it is a ``reference-import``; the kernel
#: restores the package's own namespace.
INSTRUCTOR_PACKAGE = "autograder"

#: Modules whose namespaces (and submodules') the kernel snapshots and restores, and whose attributes
#: the scan protects.
RESTORED_MODULES = ("builtins", "math", "numpy", "backprop", "autograder.reference")

#: The course's own packages: the kernel imports every module of these before learner code runs, and
#: also restores the code and defaults of their functions and the attributes of their classes.
COURSE_PACKAGES = ("backprop", "autograder.reference")

#: The machinery that runs and displays cells: rebinding anything in it is flagged by the scan;
#: the kernel protects the parts tests rely on (:data:`SHELL_ATTRS`, :data:`SYS_ATTRS`).
RUNTIME_MODULES = ("IPython", "ipykernel", "nbgrader", "nbclient")

#: The IPython shell's attributes that decide how a cell runs and how its errors are shown.
SHELL_ATTRS = ("showtraceback", "_showtraceback", "showsyntaxerror", "CustomTB", "custom_exceptions",
               "set_custom_exc", "InteractiveTB", "SyntaxTB", "run_cell", "run_cell_async", "run_code",
               "run_ast_nodes", "excepthook", "_get_exc_info")

#: The kernel's own entry points for a cell (replacing them is flagged).
KERNEL_ATTRS = ("do_execute", "execute_request")

#: ``sys`` attributes the kernel puts back before each test.
SYS_ATTRS = ("stdout", "stderr", "excepthook", "__excepthook__", "displayhook", "settrace", "setprofile", "exit")

#: ``sys`` containers that decide what an import returns (the kernel restores their contents).
SYS_CONTAINERS = ("modules", "meta_path", "path_hooks")

#: Attributes of functions and classes that change what calling or comparing them does.
INTERNALS = ("__code__", "__defaults__", "__kwdefaults__", "__globals__", "__closure__", "__dict__",
             "__builtins__", "__class__", "__bases__", "__call__", "__eq__", "__ne__", "__bool__", "__lt__",
             "__le__", "__gt__", "__ge__", "__abs__", "__float__", "__array__", "__array_ufunc__")

#: Per lesson (by number), backprop functions and classes that compute an exercise's answer although their
#: name differs from the exercise's (functions *named* like an exercise are found automatically, see
#: :func:`autograder.integrity.forbidden_for`). Using one in an answer is a ``reference-import``.
ANSWER_IN_PACKAGE = {
    "01": ("backprop.losses.squared_error", "backprop.losses.squared_error_prime",
           "backprop.widgets.neuron.NeuronModel"),
    "02": ("backprop.widgets.graph.GraphModel",
           # longest-path columns, sorted, are a topological order (the lesson's exercise)
           "backprop.graphplot.columns", "backprop.graphplot.layout"),
    "03": ("backprop.widgets.network.NetworkModel", "backprop.training.init_params",
           # fed np.log(y_hat), it is lesson 03's cross_entropy
           "backprop.losses.cross_entropy_logits",
           # name → (f, f'): its tanh and relu entries are the slopes lesson 03 asks for
           "backprop.activations.ACTIVATIONS"),
    "04": (),
    "05": ("backprop.gradcheck.check_gradients", "backprop.gradcheck.GradCheckReport"),
    "06": ("backprop.losses.softmax",),
}

BUILTIN_NAMES = frozenset(dir(builtins))


def restored_module(name):
    """True for a module whose namespace the kernel restores (``numpy.linalg``, ``backprop.checks``, …)."""
    return name == INSTRUCTOR_PACKAGE or any(name == m or name.startswith(m + ".") for m in RESTORED_MODULES)

"""Every name the static scan and the grading kernel protect still exists (a rename must not open a gap)."""

import importlib
import sys
import types

import pytest

from autograder import integrity, protected


def _resolve(dotted):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


@pytest.mark.parametrize("name", protected.RESTORED_MODULES + protected.COURSE_PACKAGES + protected.RUNTIME_MODULES
                         + (protected.INSTRUCTOR_PACKAGE,))
def test_every_protected_module_imports(name):
    assert isinstance(importlib.import_module(name), types.ModuleType)


@pytest.mark.parametrize("dotted", sorted({d for names in protected.ANSWER_IN_PACKAGE.values() for d in names}))
def test_every_answer_in_the_package_exists(dotted):
    obj = _resolve(dotted)
    # a function, a class, or a table of them (backprop.activations.ACTIVATIONS: name → (f, f'))
    table = isinstance(obj, dict) and obj and all(callable(f) for v in obj.values() for f in v)
    assert callable(obj) or table, f"{dotted} is no longer a function, a class or a table of them: update autograder/protected.py"


def test_answer_lists_name_real_lessons():
    from autograder.nbconfig import source_lessons
    numbers = {lesson.split("_")[0] for lesson in source_lessons()}
    assert set(protected.ANSWER_IN_PACKAGE) <= numbers


def test_shell_and_kernel_attributes_exist():
    from IPython.core.interactiveshell import InteractiveShell
    from ipykernel.ipkernel import IPythonKernel
    from ipykernel.zmqshell import ZMQInteractiveShell
    shell = ZMQInteractiveShell.instance()
    try:
        missing = [a for a in protected.SHELL_ATTRS if not hasattr(shell, a)]
    finally:
        InteractiveShell.clear_instance()
    assert not missing, f"IPython no longer has {missing}: update autograder/protected.py"
    assert all(hasattr(IPythonKernel, a) for a in protected.KERNEL_ATTRS)


def test_sys_attributes_exist():
    assert [a for a in protected.SYS_ATTRS + protected.SYS_CONTAINERS if not hasattr(sys, a)] == []


def test_internals_are_real_attributes_of_functions_or_classes():
    def f(a=1, *, b=2):
        return a

    class C:
        pass

    import numpy as np
    # a function's own attributes, a class's, and the protocol methods numbers and arrays answer to
    present = set(dir(f)) | set(dir(C)) | set(dir(type)) | set(dir(float)) | set(dir(np.ndarray))
    assert [a for a in protected.INTERNALS if a not in present] == []


def test_the_scan_reads_the_shared_lists():
    assert integrity.ANSWER_IN_PACKAGE is protected.ANSWER_IN_PACKAGE
    assert set(integrity.DISPLAY_ATTRS) == set(protected.SHELL_ATTRS) | set(protected.KERNEL_ATTRS)
    assert set(integrity.SYS_GUARDED) >= set(protected.SYS_ATTRS)
    for name in ("numpy.linalg", "backprop.checks", "autograder.reference.two_layer", "builtins", "autograder"):
        assert protected.restored_module(name) and integrity._Scanner({}, {}, set(), set(), [], None).guarded(name + ".x")
    assert not protected.restored_module("autograder.quizzical") and not protected.restored_module("numpyish")

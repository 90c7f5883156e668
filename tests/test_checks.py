"""Learner-facing checks: each kind of mistake gets a sentence that names it."""

import numpy as np
import pytest

from backprop.checks import Mistake, call, check_array, check_dict, check_scalar, check_shape, check_true, check_tuple, demo

W1 = np.arange(12.0).reshape(4, 3) / 7 - 0.5  # (h, d) = (4, 3)


def message(fn, *args, **kwargs):
    with pytest.raises(Mistake) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_right_answer_passes_and_is_returned_as_float64():
    out = check_array(W1.astype(np.float32).astype(np.float64), W1, "dW1", param="W1")
    assert out.dtype == np.float64


@pytest.mark.parametrize("got,words", [
    (None, "None: did you forget to `return`"),
    ([[1, 2, 3]], "Python list"),
    (3.0, "single number"),
    ("abc", "str"),
])
def test_wrong_types(got, words):
    assert words in message(check_array, got, W1, "dW1")


def test_transpose_is_named_with_both_shapes():
    msg = message(check_array, W1.T, W1, "dW1", param="W1")
    assert msg.startswith("`dW1` has shape (3, 4) but W1 has shape (4, 3): did you transpose?")


def test_bias_not_summed_over_batch():
    msg = message(check_array, np.ones((4, 5)), np.ones((4, 1)), "db1", param="b1", m=5)
    assert "summed" in msg and "axis=1, keepdims=True" in msg


def test_bias_summed_over_wrong_axis():
    msg = message(check_array, np.ones((1, 5)), np.ones((4, 1)), "db1", param="b1", m=5)
    assert "wrong axis" in msg and "axis=1" in msg


def test_dropped_axis():
    assert "lost its second axis" in message(check_array, np.ones(4), np.ones((4, 1)), "db1")


def test_nan_and_inf():
    bad = W1.copy()
    bad[1, 2] = np.nan
    msg = message(check_array, bad, W1, "dW1")
    assert "NaN" in msg and "[1, 2]" in msg and "overflow" in msg
    bad[1, 2] = np.inf
    assert "inf" in message(check_array, bad, W1, "dW1")


def test_sign_flip():
    assert "wrong sign" in message(check_array, -W1, W1, "dW1")


def test_missing_and_doubled_one_over_m():
    assert "m = 8 times too large" in message(check_array, W1 * 8, W1, "dW1", m=8)
    assert "divide by m twice" in message(check_array, W1 / 8, W1, "dW1", m=8)


@pytest.mark.parametrize("c, says", [(2, "twice what it should be"), (0.5, "a factor 2 is missing"),
                                     (-2, "of the wrong sign, and twice"), (-0.5, "of the wrong sign, and half")])
def test_a_factor_of_two_is_named(c, says):
    assert says in message(check_array, W1 * c, W1, "dW1")


def test_a_factor_the_test_names_is_named_both_ways():
    lr = 0.3
    assert "the learning rate η is there once too often" in message(
        check_array, W1 * lr, W1, "step", factors={"the learning rate η": lr})
    assert "the learning rate η is missing" in message(check_array, W1 / lr, W1, "step", factors={"the learning rate η": lr})


@pytest.mark.parametrize("c", [0.904, 1.37, -0.61, 3.0, 1e-3])
def test_any_other_multiple_is_not_called_a_factor(c):
    """Every wrong single number is a multiple of the right one: a 'missing factor' sentence for an arbitrary
    ratio (tanh for sigmoid, a sign error inside a step) points the learner the wrong way."""
    msg = message(check_array, W1 * c, W1, "dW1", factors={"the learning rate η": 0.5})
    assert "factor" not in msg and "times what it should be" not in msg and "wrong values" in msg
    assert "factor" not in message(check_scalar, 0.8 * c, 0.8, "the new w")


def test_named_hint_wins_over_generic_message():
    wrong = W1 + 1
    msg = message(check_array, wrong, W1, "dz1", hints={"you used a1 where z1 belongs": wrong})
    assert msg == "`dz1` is not right: you used a1 where z1 belongs"


def test_plain_wrong_values_report_the_largest_difference():
    got = W1.copy()
    got[3, 0] += 0.25
    got[0, 0] += 0.01
    msg = message(check_array, got, W1, "dW1")
    assert "largest difference is 0.25 at [3, 0]" in msg


def test_scalar_checks():
    check_scalar(np.float64(0.5), 0.5, "L")
    check_scalar(np.array([[0.5]]), 0.5, "L")
    assert "single number" in message(check_scalar, np.ones(3), 0.5, "L")
    assert "wrong sign" in message(check_scalar, -0.5, 0.5, "L")


def test_tuple_and_true():
    assert "should return 3 values (z, a, L), but it returned 2 values" in message(
        check_tuple, (1, 2), 3, "neuron_forward", ["z", "a", "L"])
    assert "returned None" in message(check_tuple, None, 2, "f")
    assert message(check_true, False, "say this") == "say this"


def test_call_turns_stubs_and_crashes_into_sentences():
    def stub():
        raise NotImplementedError()

    def crash():
        return np.ones((2, 3)) @ np.ones((2, 3))
    assert "not written yet" in message(call, stub)
    msg = message(call, crash)
    assert msg.startswith("Calling `crash` raised ValueError") and "Run `crash` by itself" in msg
    assert "should be a function" in message(call, 3, name="f")


def test_shape_only_check():
    assert check_shape(np.ones((3, 1)), (3, 1), "db1").shape == (3, 1)


def test_checks_ignore_rebound_numpy(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "abs", lambda x: x * 0)
    with pytest.raises(Mistake):
        check_array(W1 + 1, W1, "dW1")


def test_demo_says_an_unwritten_function_will_run_later(capsys):
    with demo("the loop"):
        raise NotImplementedError()
    assert "the loop will run once" in capsys.readouterr().out


LEARNER_CELL = """
def forward(x):
    return helper(x) + 1

def helper(x):
    return x["oops"]

def shape_of(x):
    return [x, x]           # a list where the demo wants an array
"""

DEMO_CELL = """
def course_helper(v):       # the demo's own code, defined in the demo cell: never blamed
    return v.shape
with demo("the loop"):
    {body}
"""


def _run_cells(monkeypatch, body):
    """Run a learner cell and a demo cell as IPython would: each compiled under its own cell file name."""
    import backprop.checks as checks
    monkeypatch.setattr(checks, "_cell_files", lambda: {"<cell-learner>", "<cell-demo>"})
    ns = {"demo": demo}
    exec(compile(LEARNER_CELL, "<cell-learner>", "exec"), ns)
    exec(compile(DEMO_CELL.format(body=body), "<cell-demo>", "exec"), ns)


@pytest.mark.parametrize("body, names, not_named", [
    # raised inside the learner's code: the function where it was raised
    ("forward(5)", "your function `helper` raised TypeError", "course_helper"),
    # raised in the demo's own code from what a learner function returned: the learner functions it calls
    ("course_helper(shape_of(3))", "It uses `shape_of`, written by you", "course_helper`,"),
])
def test_demo_names_the_learner_function_behind_a_crash_in_one_line(monkeypatch, capsys, body, names, not_named):
    _run_cells(monkeypatch, body)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("⏸ the loop stopped: ") and names in err, err
    assert not_named not in err and "Traceback" not in err


class _Liar(np.ndarray):
    """An array that says every comparison holds and every conversion gives the right answer."""

    def __array_ufunc__(self, *args, **kwargs):
        return np.zeros(1)

    def __array__(self, *args, **kwargs):
        return np.ones(self.shape)

    def astype(self, *args, **kwargs):
        return np.ones(self.shape)


class _Impostor:
    """Claims to be an ndarray (isinstance believes it) and converts to the right answer."""

    __class__ = property(lambda self: np.ndarray)
    shape, dtype, size = (2, 2), np.dtype(float), 4

    def __array__(self, *args, **kwargs):
        return np.ones((2, 2))


def test_an_array_subclass_is_judged_by_its_numbers_not_by_its_own_methods():
    wrong = np.zeros((2, 2)).view(_Liar)
    with pytest.raises(Mistake, match="wrong values"):
        check_array(wrong, np.ones((2, 2)), "dW1")
    right = np.ones((2, 2)).view(_Liar)
    out = check_array(right, np.ones((2, 2)), "dW1")
    assert type(out) is np.ndarray and out.dtype == np.float64


def test_an_object_that_only_claims_to_be_an_array_is_refused_by_type():
    with pytest.raises(Mistake, match="is a _Impostor; it should be a NumPy array"):
        check_array(_Impostor(), np.ones((2, 2)), "dW1")
    with pytest.raises(Mistake, match="should be a single number, but it is a _Impostor"):
        check_scalar(_Impostor(), 1.0, "loss")


@pytest.mark.parametrize("form", [lambda v: v, np.float64, np.float32, lambda v: np.array(v),
                                  lambda v: np.array([v]), lambda v: np.array([[v]])],
                         ids=["float", "np.float64", "np.float32", "0-d array", "(1,) array", "(1, 1) array"])
def test_a_single_number_passes_in_every_form_numpy_makes_it(form):
    assert float(check_scalar(form(0.25), 0.25, "loss")) == 0.25


# ---- check_dict: a dict of gradients, key by key ------------------------------------------------------------

GRADS = {"dW1": W1, "db1": np.arange(4.0).reshape(4, 1) - 1.5}


def test_check_dict_passes_a_right_dict_with_extra_keys_and_other_array_types():
    got = {"db1": GRADS["db1"].astype(np.float32), "dW1": np.asfortranarray(W1), "loss": 1.0}
    out = check_dict(got, GRADS, "grads")
    assert list(out) == ["dW1", "db1"] and out["db1"].dtype == np.float64


@pytest.mark.parametrize("got,words", [
    (None, "is None: did you forget to `return` the dict"),
    ([W1], "should be a dict with the keys 'dW1', 'db1', not a list"),
    ({"dW1": W1, "b1": GRADS["db1"]}, "has no key 'db1': it should have the keys 'dW1', 'db1' (it has 'b1' instead)"),
])
def test_check_dict_says_what_is_wrong_with_the_container(got, words):
    assert words in message(check_dict, got, GRADS, "grads")


def test_check_dict_names_a_mistake_only_when_every_key_fits_it():
    halved = {"dW1": W1 / 2, "db1": GRADS["db1"] / 2}
    hints = {"both gradients are halved": halved}
    assert "is not right: both gradients are halved" in message(check_dict, halved, GRADS, "grads", hints=hints)
    # dW1 halved by chance but db1 wrong in another way: the hint does not fit, so the key-by-key check speaks
    other = {"dW1": W1 / 2, "db1": GRADS["db1"] * 3}
    msg = message(check_dict, other, GRADS, "grads", hints=hints)
    assert "halved" not in msg and msg.startswith("`dW1`")


def test_check_dict_falls_back_to_each_keys_own_check_with_its_parameter():
    msg = message(check_dict, {"dW1": W1.T, "db1": GRADS["db1"]}, GRADS, "grads")
    assert msg.startswith("`dW1` has shape (3, 4) but W1 has shape (4, 3): did you transpose?")
    msg = message(check_dict, {"dW1": W1, "db1": np.ones((4, 5))}, GRADS, "grads", m=5)
    assert "summed" in msg
    own = {"db1 lost its sign": {"db1": -GRADS["db1"]}}
    assert "db1 lost its sign" in message(check_dict, {"dW1": W1, "db1": -GRADS["db1"]}, GRADS, "grads", hints=own)

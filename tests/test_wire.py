"""The one serialisation between a sandboxed kernel and the judge: plain data in, plain data out, or refused."""

import json
import math

import numpy as np
import pytest

from autograder.inside import wire


PLAIN = [None, True, False, 0, -7, 2 ** 200, 1.5, -0.0, "σ′(z) ✓", [], [1, [2, [3]]], (1, "a"), (),
         {"a": 1, 2: "b", (1, 2): [3.0]}, {1, 2, 3}, frozenset({"x"}), {"nested": {"deep": (1, {2})}}]


@pytest.mark.parametrize("value", PLAIN, ids=[repr(v)[:30] for v in PLAIN])
def test_plain_python_values_round_trip_with_their_types(value):
    back = wire.loads(wire.dumps(value))
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize("special", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_survive(special):
    back = wire.loads(wire.dumps([special]))[0]
    assert type(back) is float and (math.isnan(back) if special != special else back == special)


@pytest.mark.parametrize("array", [np.arange(6.0).reshape(2, 3), np.array(3.5), np.zeros((0, 4)),
                                   np.array([[1, 2]], dtype=np.int32), np.array([True, False]),
                                   np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.arange(10.0)[::3],
                                   np.array([1, 2], dtype=np.uint8), np.array([1.5], dtype=np.float32)])
def test_arrays_round_trip_exactly_as_base_ndarrays(array):
    back = wire.loads(wire.dumps(array))
    assert type(back) is np.ndarray and back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array)


def test_numpy_scalars_stay_numpy_scalars():
    for value in (np.float64(0.25), np.int64(-3), np.bool_(True), np.float32(1.5)):
        back = wire.loads(wire.dumps(value))
        assert type(back) is type(value) and back == value


def test_a_lying_array_subclass_arrives_as_its_own_data():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, bool)

        def __array_ufunc__(self, *a, **k):
            return np.zeros(3)

    liar = np.array([1.0, 2.0, 3.0]).view(Liar)
    back = wire.loads(wire.dumps(liar))
    assert type(back) is np.ndarray and back.tolist() == [1.0, 2.0, 3.0]
    assert not np.array_equal(back, [9.0, 9.0, 9.0])


def test_a_random_generator_travels_as_its_state_and_draws_the_same_numbers():
    rng = np.random.default_rng(7)
    rng.normal(size=3)
    back = wire.loads(wire.dumps(rng))
    assert type(back) is np.random.Generator
    assert np.array_equal(back.normal(size=5), rng.normal(size=5))


class Custom:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value, named", [(Custom(), "Custom"), (lambda: 1, "function"),
                                          (np.array([object()]), "object"), (iter([1]), "iterator"),
                                          ({"k": Custom()}, "Custom")])
def test_anything_else_is_refused_by_name_unless_a_handle_is_given(value, named):
    with pytest.raises(wire.NotPlain) as err:
        wire.dumps(value)
    assert named in err.value.what
    handles = []
    data = wire.to_plain(value, ref=lambda obj: handles.append(obj) or {"$h": len(handles)})
    assert handles and json.dumps(data)


@pytest.mark.parametrize("text, why", [
    ('{"$a": "|O", "shape": [1], "data": "AAAAAAAAAAA="}', "plain numbers"),
    ('{"$a": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}', "does not fit"),
    ('{"$a": "<f8", "shape": [-1], "data": ""}', "shape"),
    ('{"$a": [["x", "<f8"]], "shape": [1], "data": ""}', "malformed"),
    ('{"$pickle": "gASV"}', "unknown tag"),
    ('{"$f": "1e999"}', "malformed float"),
    ('{"$rng": "Evil", "state": null}', "random generator"),
    ('NaN', "JSON constant"),
    ("[" * 10000 + "]" * 10000, "deep"),
    ('{"$t": [' + ",".join(["1"] * 10) + "]}" + "x", "not JSON"),
    ('{"$d": [[[1], 2]]}', "unhashable"),
])
def test_malformed_or_hostile_messages_are_refused_with_a_reason(text, why):
    with pytest.raises(wire.BadMessage) as err:
        wire.loads(text)
    assert why in str(err.value)


def test_limits_bound_what_one_message_can_cost():
    deep = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.BadMessage, match="nested"):
        wire.dumps(deep)
    with pytest.raises(wire.BadMessage, match="integer"):
        wire.dumps(2 ** (wire.MAX_INT_BITS + 1))
    many = '{"$a": "<f8", "shape": [%d], "data": ""}' % (wire.MAX_ARRAY_BYTES // 8 + 1)
    with pytest.raises(wire.BadMessage, match="MB of arrays|values"):
        wire.loads(many)

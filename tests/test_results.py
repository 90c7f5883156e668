"""The grader's result records: one typed shape, kept as JSON between runs."""

import json

from autograder.results import GradingResult, TestResult


def _result():
    return GradingResult("Zoë", "01_chain_rule", ["late"], ["submitted 3 min after the due date"],
                         {"test_a": TestResult(2.0, 2.0, "passed", "✓ right"),
                          "test_b": TestResult(0.0, 1.0, "failed", "dW1 has shape (3, 4) but W1 has shape (4, 3)")},
                         {"a": "def a():\n    return 1"}, key="k", score=2.0, max_score=3.0, notebook=object(),
                         files={"x": b"1"})


def test_a_result_survives_its_json_and_the_transient_parts_stay_out():
    res = _result()
    data = json.loads(json.dumps(res.to_json()))
    assert "notebook" not in data and "files" not in data
    back = GradingResult.from_json(data)
    assert back.tests == res.tests and back.flags == res.flags and back.score == 2.0
    assert back.notebook is None and back.files is None
    assert back.passed_all(["test_a"]) and not back.passed_all(["test_a", "test_b"])


def test_a_damaged_or_foreign_file_is_not_a_result():
    assert GradingResult.from_json(None) is None
    assert GradingResult.from_json(["not", "a", "dict"]) is None
    assert GradingResult.from_json({"learner": "x", "lesson": "y", "tests": {"t": {"score": 1}}}) is None

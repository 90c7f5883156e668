"""What grading one notebook produced: the typed records every step of the pipeline passes on.

A worker makes a :class:`GradingResult` (:func:`autograder.grade.grade_notebook`);
the main process records it in the gradebook, adds what the gradebook decided
(score after any late penalty, the submission time), writes the feedback page
from it and keeps it as JSON under ``OUT/.state/results`` (:meth:`to_json`,
:meth:`from_json`), which is how a re-run knows what it need not grade again.
"""

from dataclasses import asdict, dataclass, field, fields

STATUSES = ("passed", "failed", "not-run")


@dataclass
class TestResult:
    """One test cell's outcome, in the learner's words."""

    __test__ = False     # not a pytest test class, whatever its name

    score: float
    max: float
    status: str          # one of STATUSES
    message: str         # the ✓ line, the judge's sentence, or why it did not run
    blocked_by: list = field(default_factory=list)   # failed, and uses these functions of earlier exercises
                                                     # whose own tests failed (feedback.blocked_by)

    @property
    def passed(self):
        return self.status == "passed"


@dataclass
class GradingResult:
    """One learner's notebook for one lesson, graded."""

    learner: str
    lesson: str
    flags: list = field(default_factory=list)       # autograder.grade.FLAGS, in that order
    details: list = field(default_factory=list)     # sentences for the instructor, one per finding
    tests: dict = field(default_factory=dict)       # test grade_id → TestResult
    answers: dict = field(default_factory=dict)     # answer grade_id → the learner's source
    key: str = ""                                   # hash of the inputs, the lesson and the limits
    seconds: float = 0.0
    kernel_seconds: float = 0.0
    stopped_at: int = None                          # index of the cell where grading stopped, if it did
    score: float = None                             # what the gradebook holds (after any late penalty)
    max_score: float = None
    timestamp: str = ""
    timestamp_from: str = ""
    late_penalty: float = 0.0
    seconds_late: float = 0.0
    notebook: object = None                         # the executed notebook, until the gradebook has it
    files: dict = None                              # --cluster: the autograded folder, shipped back
    cluster_error: str = ""                         # --cluster: the worker refused to grade (why)
    quiz_answers_missing: bool = False              # a lesson with a quiz, handed in without quiz_answers.json

    _TRANSIENT = ("notebook", "files", "cluster_error")

    def passed_all(self, test_ids):
        return all(t in self.tests and self.tests[t].passed for t in test_ids)

    def to_json(self):
        """A JSON-ready dict of everything but the transient fields (the notebook, shipped files)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in self._TRANSIENT}
        data["tests"] = {t: asdict(r) for t, r in self.tests.items()}
        return data

    @classmethod
    def from_json(cls, data):
        """The result a :meth:`to_json` dict describes, or None if it is not one (an older or damaged file)."""
        if not isinstance(data, dict):
            return None
        known = {f.name for f in fields(cls)} - set(cls._TRANSIENT)
        try:
            tests = {t: TestResult(**r) for t, r in data.get("tests", {}).items()}
            return cls(**{k: v for k, v in data.items() if k in known and k != "tests"}, tests=tests)
        except (TypeError, AttributeError):
            return None

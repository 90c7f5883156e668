"""NameFailedPrerequisites: a test that uses an earlier exercise whose own test failed says which.

A later test may call a function of an earlier exercise (lesson 03's backward tests call the learner's
``forward``); when that exercise's own test failed too, the later failure may be the earlier one's. After
``GetGrades`` (the scores) and before ``ClearHiddenTests`` (so hidden tests count as using what they call),
this adds to the failed test's message "This test also uses `forward`, whose own test did not pass: fix that
first…". Which functions a test uses is read from the notebook: the functions its solution cells define,
named in the test cell's code (:func:`autograder.feedback.blocked_by`).
"""

from nbgrader.preprocessors import NbGraderPreprocessor


def _outcome(cell):
    meta = cell.metadata.get("nbgrader") or {}
    score, points = meta.get("score"), meta.get("points")
    if score is None or points is None:
        errors = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        return "failed" if errors else "passed"
    return "passed" if float(score) >= float(points) else "failed"


class NameFailedPrerequisites(NbGraderPreprocessor):
    """Add to a failed test's error message the earlier exercises it uses whose own tests failed."""

    def preprocess(self, nb, resources):
        from nbgrader.utils import is_grade, is_solution

        from autograder.feedback import blocked_by, blocked_sentence
        tests = {c.metadata.nbgrader.grade_id: c for c in nb.cells
                 if c.cell_type == "code" and is_grade(c) and not is_solution(c) and "grade_id" in c.metadata.nbgrader}
        for gid, names in blocked_by(nb.cells, {g: _outcome(c) for g, c in tests.items()}).items():
            errors = [o for o in tests[gid].get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                errors[0]["evalue"] = f"{errors[0].get('evalue', '')} {blocked_sentence(names)}".strip()
        return nb, resources

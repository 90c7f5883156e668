"""nbgrader configuration for this course: solutions/ is the source, course/ the release.

Run nbgrader from the repository root, e.g.
    nbgrader generate_assignment 01_chain_rule --force --no-db
or regenerate every lesson at once with ``make course``.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader)

here = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.root = here
c.CourseDirectory.course_id = "backprop-by-hand"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Saved quiz answers (backprop.quiz writes quiz_answers.json beside each notebook; see autograder/quiz/README.md).
# Running a solution notebook leaves the *right* answers in solutions/<lesson>/quiz_answers.json, so:
# - generate_assignment must never copy that file into the release;
# - every other command must keep the learner's copy (CourseDirectory.ignore also filters submit, collect and
#   the submission files autograde copies), and autograde must not overwrite it with the instructor's copy.
import glob  # noqa: E402
import sys  # noqa: E402

_QUIZ = "quiz_answers.json"
if {"generate_assignment", "assign"} & set(sys.argv[1:2] + sys.argv[1:]):
    c.CourseDirectory.ignore = c.CourseDirectory.ignore + ["quiz_answers*.json"]
c.Autograde.exclude_overwriting = {
    os.path.basename(os.path.dirname(p)): [_QUIZ]
    for p in glob.glob(os.path.join(here, "solutions", "*", "*.ipynb"))
}

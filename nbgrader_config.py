"""nbgrader configuration for this course: solutions/ is the source, course/ the release.

Run nbgrader from the repository root, e.g.
    nbgrader generate_assignment 01_chain_rule --force --no-db
or regenerate every lesson at once with ``make course``. The settings themselves
are in ``autograder/nbconfig.py`` (shared with ``make course`` and the grader).
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
if here not in sys.path:
    sys.path.insert(0, here)

from autograder.nbconfig import course_config  # noqa: E402

c = get_config()  # noqa: F821 (provided by nbgrader)
c.merge(course_config(here, releasing=bool({"generate_assignment", "assign"} & set(sys.argv[1:]))))

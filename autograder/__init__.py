"""Instructor side of the course: releasing, grading, and the reference solutions.

Nothing here is imported by learner notebooks; hidden tests import
``autograder.reference`` when they run in the grader.
"""

import sys

# jsonschema (imported by nbformat, so by every grader process and worker) imports rfc3987_syntax when it is
# installed, and that module builds some 35 Earley parsers as it loads: 1.5 s per process, for the IRI formats
# no notebook schema uses (python-jsonschema/jsonschema#1428). Marked absent, jsonschema skips that one format
# checker. Only if jsonschema is not loaded yet, so a process that has it keeps what it has.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

"""nbgrader preprocessors of this course, one per file, each named after the one change it makes."""

from autograder.preprocessors.clear_tracebacks import ClearTracebacks

__all__ = ["ClearTracebacks"]

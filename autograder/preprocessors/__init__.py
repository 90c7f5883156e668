"""nbgrader preprocessors of this course, one per file, each named after the one change it makes."""

from autograder.preprocessors.clear_tracebacks import ClearTracebacks
from autograder.preprocessors.drop_quiz_seals import DropQuizSeals

__all__ = ["ClearTracebacks", "DropQuizSeals"]

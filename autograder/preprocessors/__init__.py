"""nbgrader preprocessors of this course, one per file, each named after the one change it makes."""

from autograder.preprocessors.clear_tracebacks import ClearTracebacks
from autograder.preprocessors.drop_quiz_seals import DropQuizSeals
from autograder.preprocessors.tag_raises_exception import TagRaisesException

__all__ = ["ClearTracebacks", "DropQuizSeals", "TagRaisesException"]

"""nbgrader preprocessors of this course, one per file, each named after the one change it makes."""

from autograder.preprocessors.clear_tracebacks import ClearTracebacks
from autograder.preprocessors.drop_quiz_seals import DropQuizSeals
from autograder.preprocessors.name_failed_prerequisites import NameFailedPrerequisites
from autograder.preprocessors.name_missing_quiz_answers import NameMissingQuizAnswers
from autograder.preprocessors.point_into_the_notebook import PointIntoTheNotebook
from autograder.preprocessors.render_code_in_errors import RenderCodeInErrors
from autograder.preprocessors.render_maths import RenderMaths
from autograder.preprocessors.tag_raises_exception import TagRaisesException

__all__ = ["ClearTracebacks", "DropQuizSeals", "NameFailedPrerequisites", "NameMissingQuizAnswers",
           "PointIntoTheNotebook", "RenderCodeInErrors", "RenderMaths", "TagRaisesException"]

"""NameMissingQuizAnswers: a notebook handed in without quiz_answers.json is told so, plainly.

The quiz widget saves answers to ``quiz_answers.json`` beside the notebook; a learner who never answered, or
handed in the notebook alone, fails every quiz question. When the graded notebook's folder has no such file,
this puts one note at the top of the page (:data:`autograder.feedback.NO_QUIZ_ANSWERS`) and has each failed
quiz question say so (:data:`~autograder.feedback.NO_QUIZ_ANSWERS_QUESTION`) instead of "You have not answered
question 1 yet" (the learner may have answered in the widget and not handed the file in). It runs before
``ClearTracebacks``, which builds the line shown. (Answers written by code while the notebook ran, in nbgrader's
own autograde, are in the folder: then nothing is missing.)
"""

from pathlib import Path

from nbformat.v4 import new_markdown_cell
from nbgrader.preprocessors import NbGraderPreprocessor


class NameMissingQuizAnswers(NbGraderPreprocessor):
    """Name a missing quiz_answers.json at the top of the page and in each failed quiz question."""

    def preprocess(self, nb, resources):
        from autograder.feedback import NO_QUIZ_ANSWERS, NO_QUIZ_ANSWERS_HOW, NO_QUIZ_ANSWERS_QUESTION
        from autograder.nbconfig import QUIZ_ANSWERS
        from autograder.quiz.notebook import GRADE
        folder = (resources.get("metadata") or {}).get("path")
        if not folder or (Path(folder) / QUIZ_ANSWERS).exists():
            return nb, resources
        failed = [c for c in nb.cells if c.cell_type == "code"
                  and str((c.metadata.get("nbgrader") or {}).get("grade_id", "")).startswith(GRADE)
                  and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        if not failed:
            return nb, resources
        for cell in failed:
            for output in cell.outputs:
                if output.get("output_type") == "error":
                    output["evalue"] = NO_QUIZ_ANSWERS_QUESTION
        note = new_markdown_cell(f"**{NO_QUIZ_ANSWERS}** {NO_QUIZ_ANSWERS_HOW}")
        note.metadata["tags"] = ["bp-quiz-answers-missing"]
        nb.cells.insert(0, note)
        return nb, resources

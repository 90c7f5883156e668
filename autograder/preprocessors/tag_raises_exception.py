"""TagRaisesException: the learner's exercise and test cells of a released notebook carry ``raises-exception``.

A learner's notebook has test cells (and some exercise cells) that fail until the exercise is written.
JupyterLab's Run All stops at the first failing cell unless that cell is tagged ``raises-exception``: the
execute request then goes out with ``stop_on_error: false``, so the kernel runs the cells queued behind it.
With the tag, one unfinished exercise still leaves every explorer and the quiz below it running. The tag is
not part of nbgrader's checksum (source, type, grade/solution/locked flags, grade_id, points), and grading
reads each cell's outputs, never its tags, so a failing test still loses its points. Solutions are left
untagged: their gate needs every cell to pass.
"""

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

TAG = "raises-exception"


class TagRaisesException(NbGraderPreprocessor):
    """Add the ``raises-exception`` tag to each code cell that is an exercise (solution) or a test (grade) cell."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and (is_grade(cell) or is_solution(cell)):
            tags = list(cell.metadata.get("tags", []))
            if TAG not in tags:
                cell.metadata["tags"] = tags + [TAG]
        return cell, resources

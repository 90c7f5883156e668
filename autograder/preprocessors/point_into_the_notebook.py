"""PointIntoTheNotebook: error messages that point "above" or at "a new cell" say they mean the notebook.

Sentences written for the learner's notebook ("Run `f` by itself in a new cell…", "Check the learning curve
above.", "pick an option above") point at cells and widgets a feedback page does not have. This rewrites
them in each error output, before ``ClearTracebacks`` builds the one line shown, so they send the learner to
their notebook. The rewording: :data:`autograder.feedback.PAGE_WORDING`.
"""

from nbgrader.preprocessors import NbGraderPreprocessor


class PointIntoTheNotebook(NbGraderPreprocessor):
    """Reword each error output's message where it points at the notebook's cells."""

    def preprocess_cell(self, cell, resources, index):
        from autograder.feedback import for_the_page
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["evalue"] = for_the_page(output.get("evalue", ""))
        return cell, resources

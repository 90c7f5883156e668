"""RenderMaths: the markdown's maths is MathML in the page, so it reads with no MathJax and no network.

nbconvert's HTML leaves ``$…$`` and ``$$…$$`` for MathJax, loaded from a CDN: a learner or a grading machine
offline sees raw LaTeX. In nbgrader's ``generate_feedback`` this replaces each formula of every markdown cell
by MathML (latex2mathml, pinned in requirements.txt), which markdown passes through as inline HTML and every
current browser draws; code spans and fenced code keep their dollars. A formula latex2mathml cannot render is
shown as code, without its dollars. The change itself: :func:`autograder.feedback.markdown_maths`.
"""

from nbgrader.preprocessors import NbGraderPreprocessor


class RenderMaths(NbGraderPreprocessor):
    """Replace each ``$…$`` / ``$$…$$`` of a markdown cell by MathML."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            from autograder.feedback import markdown_maths
            cell.source = markdown_maths(cell.source)
        return cell, resources

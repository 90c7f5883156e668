"""ClearTracebacks: every error output keeps only its one-line message.

A traceback from a test cell quotes the lines around the failing call, and in an
autograded notebook those lines include the hidden tests. nbgrader's
``generate_feedback`` renders outputs as they are, so this runs after
``ClearHiddenTests`` (which strips the sources) to keep hidden tests out of
the feedback pages entirely. The learner still reads what went wrong:
``Mistake: dW1 has shape (3, 4) but W1 has shape (4, 3): did you transpose?``.
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ClearTracebacks(NbGraderPreprocessor):
    """Replace each error output's traceback by ``ename: evalue``."""

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                output["traceback"] = [_ANSI.sub("", line)]
        return cell, resources

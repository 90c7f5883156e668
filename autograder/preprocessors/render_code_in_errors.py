"""RenderCodeInErrors: an error's message shows the names it quotes in backticks as code.

The course's ``Mistake`` sentences quote names in backticks (`` `dW1` has shape (3, 4)… ``); nbconvert renders
an error output as escaped text, backticks and all. This turns each error output (after
``ClearTracebacks``, so one line) into an HTML display of that line: escaped, each `name` a ``<code>``, in the
red box of an error. The notebook's own plain text stays in ``text/plain``. The change itself:
:func:`autograder.feedback.code_html`.
"""

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

STYLE = ("white-space:pre-wrap;background:#fdd;color:#1b1b1b;padding:.4em .6em;border-radius:4px;"
         "margin:0;font-family:inherit")


class RenderCodeInErrors(NbGraderPreprocessor):
    """Replace each error output by an HTML display of ``ename: evalue``, `names` as ``<code>``."""

    def preprocess_cell(self, cell, resources, index):
        from autograder.feedback import code_html, plain
        outputs = cell.get("outputs", [])
        for i, output in enumerate(outputs):
            if output.get("output_type") == "error":
                line = plain(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
                outputs[i] = new_output("display_data", data={
                    "text/plain": line,
                    "text/html": f"<pre class='bp-error' style='{STYLE}'>{code_html(line)}</pre>"})
        return cell, resources

"""DropQuizSeals: the quiz goes out with no seal at all (a release with ``make course SEALS=0``).

A sealed question carries salted hashes of its right answer so the widget can say ✓ or ✗ at once;
with only a few options per question, a determined learner can recover the answer from them by
trying every option. Released through this preprocessor, the question cells hold only the prompt,
the options, the question's number and title, and ``quiz.start`` no salt: the widget saves the
answer and says it is marked when graded. It runs in nbgrader's ``generate_assignment`` before
``ComputeChecksums`` and ``SaveCells``, so the checksums and the gradebook's copy of each locked
question cell are those of the cells learners get. The change itself: :func:`autograder.quiz.notebook.drop_seals`.
"""

from nbgrader.preprocessors import NbGraderPreprocessor


class DropQuizSeals(NbGraderPreprocessor):
    """Replace each quiz question's ``seal=`` by ``number=``/``title=``; drop ``quiz.start``'s salt."""

    def preprocess(self, nb, resources):
        from autograder.quiz.notebook import drop_seals
        drop_seals(nb)
        return nb, resources

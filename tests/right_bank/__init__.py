"""The bank of right answers in other forms, one module per lesson: each must get full marks.

Each module defines ``LESSON`` and ``CASES``: a list of dicts with
- ``exercise``: the grade_id of the answer cell the code replaces;
- ``bug``: what is different about this right answer, in a few words (the field is named as in the wrong bank);
- ``source``: the whole answer cell;
- ``passes``: grade_ids of the test cells that must give full marks with it (run whole, visible part alone and
  hidden part alone).
"""

from wrong_bank import cases_in


def all_cases():
    """[(lesson, case)] for every module in this package, in lesson order."""
    return cases_in(__name__, __path__)

"""The bank of known-wrong implementations, one module per lesson.

Each module defines ``LESSON`` and ``CASES``: a list of dicts with
- ``exercise``: the grade_id of the answer cell the wrong code replaces;
- ``bug``: what is wrong, in a few words;
- ``source``: the whole wrong answer cell;
- ``fails``: grade_ids of the test cells that must score 0 with it;
- ``says``: (optional) words the learner's message must contain, naming the bug;
- ``visible_fails``: (optional) the tests of ``fails`` whose visible part alone must catch it too (default: all
  of them); a test whose visible part cannot see the bug at that point of the lesson is left out, and says why.

Every lesson's visible tests carry the diagnoses a learner needs while working (issue 12), so ``says`` must
appear in the visible part's message too, not only in the hidden tests'.
"""

import importlib
import pkgutil


def cases_in(package, path):
    """[(lesson, case)] for every bank module of a package (its name and ``__path__``), in lesson order."""
    out = []
    for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
        mod = importlib.import_module(f"{package}.{info.name}")
        out += [(mod.LESSON, case) for case in mod.CASES]
    return out


def all_cases():
    """[(lesson, case)] for every module in this package, in lesson order."""
    return cases_in(__name__, __path__)


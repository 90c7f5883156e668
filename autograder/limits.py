"""The limits one graded notebook runs under: defined here once.

The command line (``python -m autograder grade --timeout/--memory/--output-limit``),
:class:`autograder.grade.Options`, the sandbox that runs the kernel and the
guarded kernel itself all take their defaults from :data:`DEFAULT`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-notebook limits.

    - ``timeout``: seconds per cell. The slowest cell of any lesson runs in a few seconds on 2 cores,
      so 30 s only ever stops a loop that does not end.
    - ``memory``: MB a notebook may allocate on top of the kernel's own start-up size. The lessons
      need tens of MB; 1 GiB stops a runaway allocation long before the machine swaps.
    - ``output_limit``: bytes of output per notebook (1 MiB, about 10 000 lines), printed text, error
      messages and displays alike. A lesson prints a few KB; more is a print loop, which would
      otherwise fill the feedback page.
    - ``notebook_timeout``: seconds for the whole notebook. The longest lesson runs in under 15 s on
      2 cores; 300 s stops a notebook of many cells that each stay just under ``timeout``. It also
      bounds the kernel's CPU time (plus 30 s).
    """

    timeout: float = 30
    memory: float = 1024
    output_limit: int = 1 << 20
    notebook_timeout: float = 300


DEFAULT = Limits()


@dataclass(frozen=True)
class Caps:
    """What the grader's main process reads of a submission before it gives up on it (each cap, when hit,
    is named: a flag on the notebook, or a line about the zip member in the report).

    - ``notebook_bytes``: a lesson notebook is well under 1 MB without outputs; 20 MB allows pasted images.
    - ``cells``: the lessons have fewer than 100 cells; 2 000 is a notebook no one wrote by hand.
    - ``json_depth``: a notebook's JSON is 6 levels deep (plus its widgets' state); 64 refuses a nesting
      bomb long before Python's parser or nbformat's validator would struggle with it.
    - ``zip_members``, ``zip_member_bytes``, ``zip_bytes``: a class of 500 learners × 8 lessons with a
      few files each stays far below 20 000 members, 100 MB each and 8 GB in all.
    - ``zip_ratio``: notebooks compress about 5:1; a member more than 200 times smaller in the zip than
      out of it (and over 1 MB out of it) is a zip bomb.
    """

    notebook_bytes: int = 20 << 20
    cells: int = 2000
    json_depth: int = 64
    zip_members: int = 20_000
    zip_member_bytes: int = 100 << 20
    zip_bytes: int = 8 << 30
    zip_ratio: float = 200


CAPS = Caps()

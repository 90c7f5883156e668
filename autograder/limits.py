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

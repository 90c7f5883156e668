"""Generate the learner notebooks (course/) from the instructor notebooks (solutions/).

This is nbgrader's own ``generate_assignment``, run in-process for every lesson
with the course's settings (``autograder.nbconfig``, which ``nbgrader_config.py`` also reads): solutions and
hidden tests are stripped, outputs cleared, cells locked and checksummed. ``seals=False``
(``--no-seals``, ``make course SEALS=0``) releases the quizzes without seals (``QUIZ_SEALS``).
"""

import logging
import os
import shutil
from pathlib import Path

from autograder.nbconfig import ROOT, SOURCE, course_config, source_lessons


def release(out=None, root=ROOT, quiet=True, only=None, seals=None):
    """Regenerate every lesson (or the lessons in ``only``) into ``out`` (default: course/).

    ``seals``: quiz seals in the release (default: ``autograder.nbconfig.QUIZ_SEALS``).
    Returns the lesson ids released.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    root = Path(root)
    out = Path(out) if out is not None else root / "course"
    out.mkdir(parents=True, exist_ok=True)
    ids = source_lessons(root)
    if only:
        unknown = set(only) - set(ids)
        if unknown:
            raise ValueError(f"no such lesson in {SOURCE}/: {sorted(unknown)}")
    else:
        # course/ holds generated lessons only: drop any lesson that left solutions/.
        for stale in out.iterdir():
            if stale.is_dir() and stale.name not in ids:
                shutil.rmtree(stale)
    cfg = course_config(root, release_dir=out, seals=seals)
    cfg.GenerateAssignment.no_database = True
    cfg.SaveCells.enabled = False
    cfg.BaseConverter.force = True
    log = logging.getLogger("nbgrader-release")
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    cwd = os.getcwd()
    try:
        os.chdir(root)  # nbgrader resolves some paths against the working directory
        for lesson in (only or ids):
            coursedir = CourseDirectory(config=cfg)
            coursedir.assignment_id = lesson
            converter = GenerateAssignment(coursedir=coursedir, config=cfg, log=log)
            converter.start()
    finally:
        os.chdir(cwd)
    return list(only or ids)

"""Generate the learner notebooks (course/) from the instructor notebooks (solutions/).

This is nbgrader's own ``generate_assignment``, run in-process for every lesson
with the repository's settings (see ``nbgrader_config.py``): solutions and
hidden tests are stripped, outputs cleared, cells locked and checksummed.
"""

import logging
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "solutions"


def lessons(root=ROOT):
    """Lesson ids (folder names in solutions/), in order: 01_…, 02_…"""
    return sorted(p.name for p in (Path(root) / SOURCE).iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").exists())


# Never released: editor leftovers, and quiz answers an instructor saved while running a solution.
IGNORE = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "quiz_answers*.json"]


def release(out=None, root=ROOT, quiet=True, only=None):
    """Regenerate every lesson (or the lessons in ``only``) into ``out`` (default: course/).

    Returns the lesson ids released.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    root = Path(root)
    out = Path(out) if out is not None else root / "course"
    out.mkdir(parents=True, exist_ok=True)
    ids = lessons(root)
    if only:
        unknown = set(only) - set(ids)
        if unknown:
            raise ValueError(f"no such lesson in {SOURCE}/: {sorted(unknown)}")
    else:
        # course/ holds generated lessons only: drop any lesson that left solutions/.
        for stale in out.iterdir():
            if stale.is_dir() and stale.name not in ids:
                shutil.rmtree(stale)
    cfg = Config()
    cfg.CourseDirectory.root = str(root)
    cfg.CourseDirectory.source_directory = SOURCE
    cfg.CourseDirectory.release_directory = str(out)
    cfg.CourseDirectory.ignore = IGNORE
    cfg.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    cfg.ClearSolutions.text_stub = "YOUR ANSWER HERE"
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

"""Step 4: scores live in nbgrader's gradebook.

The gradebook is nbgrader's own database (``nbgrader.api.Gradebook``):
SQLite in ``OUT/gradebook.db`` by default, or any SQLAlchemy URL given with
``--db`` (a PostgreSQL server shared with formgrader, say). Lessons are
entered with nbgrader's ``GenerateAssignment`` (its ``SaveCells`` records
every test cell, its points and the full source with hidden tests, from
solutions/), and scores with nbgrader's ``SaveAutoGrades`` on the executed
notebook, so a submission's score is exactly what nbgrader computes from its
test cells. Only this (main) process writes; workers read the lessons from
a private SQLite copy (``OUT/.state/source.db``).
"""

import logging
import os
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.nbconfig import COURSE_ID, course_config
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("autograder")


def _sqlite_file(db_url):
    prefix = "sqlite:///"
    return os.path.abspath(db_url[len(prefix):]) if db_url.startswith(prefix) else None


@contextmanager
def tuned(durable, scratch=()):
    """While inside: SQLite connections to these gradebook files get the pragmas their use needs.

    ``durable``: URLs of gradebooks that must keep every commit (write-ahead log, so readers never block
    the writer and a killed grader loses nothing committed). ``scratch``: URLs of private copies that
    can be rebuilt (no fsync per commit). nbgrader opens its own engines, so this listens for new
    connections, only for the duration of the ``with`` and only for the files named.
    """
    import sqlite3

    pragmas = {}
    for url in durable:
        if _sqlite_file(url):
            pragmas[_sqlite_file(url)] = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")
    for url in scratch:
        if _sqlite_file(url):
            pragmas[_sqlite_file(url)] = ("PRAGMA synchronous=OFF",)

    def connect(dbapi_connection, connection_record):
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cur = dbapi_connection.cursor()
        try:
            path = cur.execute("PRAGMA database_list").fetchone()[2] or ""
            for statement in pragmas.get(os.path.abspath(path) if path else "", ()):
                cur.execute(statement)
        finally:
            cur.close()

    event.listen(Engine, "connect", connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", connect)


def default_url(out):
    return f"sqlite:///{Path(out).resolve() / 'gradebook.db'}"


def enter_lessons(lessons, db_url, release_dir, root):
    """Record every lesson in the gradebook with nbgrader's GenerateAssignment (solutions/ → db)."""
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    cfg = course_config(root, release_dir=release_dir, db_url=db_url)
    cfg.BaseConverter.force = True
    quiet = logging.getLogger("nbgrader-autograder")
    quiet.setLevel(logging.CRITICAL)
    cwd = os.getcwd()
    try:
        os.chdir(root)
        for lesson in lessons:
            def generate():
                coursedir = CourseDirectory(config=cfg)
                coursedir.assignment_id = lesson
                GenerateAssignment(coursedir=coursedir, config=cfg, log=quiet).start()
            try:
                generate()
            except Exception:
                # nbgrader will not add or remove cells of a lesson that has submissions. The lesson
                # changed, so every one of its submissions is re-graded anyway: start it afresh.
                if not drop_lesson(db_url, lesson):
                    raise
                log.warning("lesson %s changed since it was last graded: its earlier submissions are "
                            "removed from the gradebook and graded again", lesson)
                generate()
    finally:
        os.chdir(cwd)


def drop_lesson(db_url, lesson):
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            gb.remove_assignment(lesson)
        except MissingEntry:
            return False
    return True


def has_lesson(db_url, lesson, tests):
    """True if the gradebook already holds this lesson with these test cells and points."""
    try:
        with Gradebook(db_url, COURSE_ID) as gb:
            nb = gb.find_notebook(lesson, lesson)
            have = {c.name: float(c.max_score) for c in nb.grade_cells}
    except MissingEntry:
        return False
    return have == {k: float(v) for k, v in tests.items()}


def save(db_url, learner, lesson, nb, flagged):
    """Store one executed notebook's scores with nbgrader's SaveAutoGrades; return its score."""
    from nbgrader.preprocessors import SaveAutoGrades

    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_student(learner)
        gb.update_or_create_submission(lesson, learner)
    resources = {"nbgrader": {"notebook": lesson, "assignment": lesson, "student": learner, "db_url": db_url}}
    SaveAutoGrades().preprocess(nb, resources)
    with Gradebook(db_url, COURSE_ID) as gb:
        sub = gb.find_submission_notebook(lesson, lesson, learner)
        sub.flagged = bool(flagged)
        gb.db.commit()
        return float(sub.score)


def save_zero(db_url, learner, lesson, flagged=True):
    """A submission that cannot be run (unreadable): every test scores 0, as nbgrader does for a missing notebook."""
    with Gradebook(db_url, COURSE_ID) as gb:
        gb.update_or_create_student(learner)
        gb.update_or_create_submission(lesson, learner)
        sub = gb.find_submission_notebook(lesson, lesson, learner)
        for grade in sub.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        sub.flagged = bool(flagged)
        gb.db.commit()
        return float(sub.score)


def forget(db_url, learner, lesson):
    """No notebook for this lesson any more: drop an earlier submission, as if never submitted."""
    with Gradebook(db_url, COURSE_ID) as gb:
        try:
            gb.find_submission(lesson, learner)
        except MissingEntry:
            return
        gb.remove_submission(lesson, learner)


def scores(db_url):
    """{(learner, lesson): score} for every submission in the gradebook."""
    out = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                out[(sub.student.id, assignment.name)] = float(sub.score)
    return out

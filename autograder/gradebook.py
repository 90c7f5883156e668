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
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.nbconfig import COURSE_ID, course_config
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("autograder")


def sqlite_file(db_url):
    prefix = "sqlite:///"
    return os.path.abspath(db_url[len(prefix):]) if db_url.startswith(prefix) else None


@contextmanager
def shared_engines():
    """While inside, every nbgrader ``Gradebook`` opened on one URL shares one SQLAlchemy engine.

    nbgrader opens a Gradebook per operation (``SaveAutoGrades``, ``AssignLatePenalties``, ``OverwriteCells``
    each open their own), and each opens a new engine, whose statement cache starts empty: every query was
    compiled afresh, more than half of the grader's main-process time per notebook. ``Gradebook.close()``
    still disposes the engine's connections; the engine and its cache stay for the next one.
    """
    import nbgrader.api as api

    real, engines = api.create_engine, {}

    def create_engine(url, **kwargs):
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = real(url, **kwargs)
        return engines[key]

    api.create_engine = create_engine
    try:
        yield
    finally:
        api.create_engine = real
        for engine in engines.values():
            engine.dispose()


@contextmanager
def tuned(durable, scratch=()):
    """While inside: SQLite connections to these gradebook files get the pragmas their use needs, and
    nbgrader's Gradebooks share one engine per URL (:func:`shared_engines`).

    ``durable``: URLs of gradebooks that must keep every commit (write-ahead log, so readers never block
    the writer and a killed grader loses nothing committed). ``scratch``: URLs of private copies that
    can be rebuilt (no fsync per commit). nbgrader opens its own engines, so this listens for new
    connections, only for the duration of the ``with`` and only for the files named.
    """
    import sqlite3

    pragmas = {}
    for url in durable:
        if sqlite_file(url):
            pragmas[sqlite_file(url)] = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")
    for url in scratch:
        if sqlite_file(url):
            pragmas[sqlite_file(url)] = ("PRAGMA synchronous=OFF",)

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
        with shared_engines():
            yield
    finally:
        event.remove(Engine, "connect", connect)


def default_url(out):
    return f"sqlite:///{Path(out).resolve() / 'gradebook.db'}"


NBGRADER_PLACEHOLDER = "default_course"


class CourseMismatch(Exception):
    """The gradebook belongs to another course: grading into it would start a second course."""


def check_course(db_url, course_id):
    """Refuse a gradebook that already holds courses, none of them ``course_id``."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        if "course" not in inspect(engine).get_table_names():
            return
        with engine.connect() as conn:
            have = sorted(row[0] for row in conn.execute(text("SELECT id FROM course")))
    finally:
        engine.dispose()
    # nbgrader's own preprocessors open the gradebook without a course id, which adds this placeholder
    have = [c for c in have if c != NBGRADER_PLACEHOLDER] or have
    if have and course_id not in have:
        raise CourseMismatch(
            f"the gradebook {db_url} belongs to course {', '.join(map(repr, have))}, not {course_id!r}: grading "
            f"into it would start a second course. Pass --course-id {have[0]} to grade into that course, or "
            f"give another --db.")


@dataclass(frozen=True)
class Recorded:
    """One submission as the gradebook has it."""

    score: float          # after any late penalty: what the LMS gets
    raw_score: float
    late_penalty: float
    timestamp: object     # datetime (UTC) or None
    seconds_late: float


def _recorded(sub):
    raw = float(sub.score)
    penalty = float(sub.late_submission_penalty or 0)
    return Recorded(score=max(0.0, raw - penalty), raw_score=raw, late_penalty=penalty, timestamp=sub.timestamp,
                    seconds_late=float(sub.total_seconds_late))


@dataclass
class Book:
    """The gradebook of one course: nbgrader's database at ``db_url`` under ``course_id``.

    ``late``: the nbgrader configuration that decides late penalties (``LateSubmissionPlugin``), read from the
    course's ``nbgrader_config.py``; nbgrader's own default (no penalty) when None.
    """

    db_url: str
    course_id: str = COURSE_ID
    late: object = None

    def open(self):
        return Gradebook(self.db_url, self.course_id)

    def enter_lessons(self, lessons, release_dir, root):
        """Record every lesson in the gradebook with nbgrader's GenerateAssignment (solutions/ → db)."""
        from nbgrader.converters import GenerateAssignment
        from nbgrader.coursedir import CourseDirectory

        cfg = course_config(root, release_dir=release_dir, db_url=self.db_url)
        cfg.CourseDirectory.course_id = self.course_id
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
                    if not self.drop_lesson(lesson):
                        raise
                    log.warning("lesson %s changed since it was last graded: its earlier submissions are "
                                "removed from the gradebook and graded again", lesson)
                    generate()
        finally:
            os.chdir(cwd)

    def drop_lesson(self, lesson):
        with self.open() as gb:
            try:
                gb.remove_assignment(lesson)
            except MissingEntry:
                return False
        return True

    def has_lesson(self, lesson, tests):
        """True if the gradebook already holds this lesson with these test cells and points."""
        try:
            with self.open() as gb:
                nb = gb.find_notebook(lesson, lesson)
                have = {c.name: float(c.max_score) for c in nb.grade_cells}
        except MissingEntry:
            return False
        return have == {k: float(v) for k, v in tests.items()}

    def _submission(self, gb, learner, lesson, timestamp):
        gb.update_or_create_student(learner)
        kw = {"timestamp": timestamp} if timestamp else {}
        gb.update_or_create_submission(lesson, learner, **kw)

    def _late_penalty(self, learner, lesson, nb):
        """nbgrader's AssignLatePenalties with the course's LateSubmissionPlugin setting."""
        from nbgrader.preprocessors import AssignLatePenalties

        resources = {"nbgrader": {"notebook": lesson, "assignment": lesson, "student": learner,
                                  "db_url": self.db_url}}
        pp = AssignLatePenalties(config=self.late) if self.late is not None else AssignLatePenalties()
        pp.log.setLevel(logging.ERROR)
        pp.preprocess(nb, resources)

    def save(self, learner, lesson, nb, flagged, timestamp=None):
        """Store one executed notebook's scores with nbgrader's SaveAutoGrades (then its late penalty)."""
        from nbgrader.preprocessors import SaveAutoGrades

        with self.open() as gb:
            self._submission(gb, learner, lesson, timestamp)
        resources = {"nbgrader": {"notebook": lesson, "assignment": lesson, "student": learner,
                                  "db_url": self.db_url}}
        SaveAutoGrades().preprocess(nb, resources)
        self._late_penalty(learner, lesson, nb)
        return self._flag(learner, lesson, flagged)

    def save_zero(self, learner, lesson, flagged=True, timestamp=None):
        """A submission that cannot be run (unreadable): every test scores 0, as nbgrader does for a missing
        notebook."""
        with self.open() as gb:
            self._submission(gb, learner, lesson, timestamp)
            sub = gb.find_submission_notebook(lesson, lesson, learner)
            for grade in sub.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()
        return self._flag(learner, lesson, flagged)

    def _flag(self, learner, lesson, flagged):
        """Mark the submission flagged or not; return what the gradebook now holds for it."""
        with self.open() as gb:
            nb = gb.find_submission_notebook(lesson, lesson, learner)
            nb.flagged = bool(flagged)
            gb.db.commit()
            return _recorded(gb.find_submission(lesson, learner))

    def forget(self, learner, lesson):
        """No notebook for this lesson any more: drop an earlier submission, as if never submitted."""
        with self.open() as gb:
            try:
                gb.find_submission(lesson, learner)
            except MissingEntry:
                return
            gb.remove_submission(lesson, learner)

    def records(self):
        """{(learner, lesson): Recorded} for every submission in the gradebook."""
        out = {}
        with self.open() as gb:
            for assignment in gb.assignments:
                for sub in assignment.submissions:
                    out[(sub.student.id, assignment.name)] = _recorded(sub)
        return out

    def scores(self):
        """{(learner, lesson): score after late penalty}."""
        return {k: r.score for k, r in self.records().items()}

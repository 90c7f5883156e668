"""Grading into an nbgrader course: timestamps, due dates and late penalties, one course id, formgrader's view,
and the LMS files (grades_wide.csv, canvas_import.csv). One small class, graded once through the command line."""

import csv
import json
import subprocess
import sys

import nbformat
import pytest

from autograder import quiz as aq
from autograder_class import L1, blank, right
from nbrun import ROOT

pytestmark = pytest.mark.notebooks
ON_TIME, LATE = "2026-11-29 10:00:00.000000 UTC", "2026-12-01 10:00:00.000000 UTC"
DUE = "2026-11-30 12:00:00"


def run_grader(*args):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", *map(str, args), "--no-progress",
                           "--timeout", "20"], cwd=ROOT, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("course")
    course = base / "ml101"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "ml-101"\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    from nbgrader.api import Gradebook

    from autograder.grade import _tools_on_path
    _tools_on_path()   # nbgrader's gradebook runs alembic, beside this Python
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "ml-101") as gb:   # the instructor set a due date
        gb.update_or_create_assignment(L1, duedate=DUE)
    for learner, nb, stamp in (("ada", right(L1), ON_TIME), ("ben", right(L1), LATE), ("=cmd()", blank(L1), None)):
        folder = course / "submitted" / learner / L1
        folder.mkdir(parents=True)
        nbformat.write(nb, str(folder / f"{L1}.ipynb"))
        aq.write_answers(folder, L1, aq.right_answers(L1))
        if stamp:
            (folder / "timestamp.txt").write_text(stamp)
    roster = base / "roster.csv"
    roster.write_text("learner,name,id,email\nada,Ada Lovelace,1001,ada@uni.example\n"
                      "ben,Ben Okafor,1002,ben@uni.example\ndora,Dora Silva,1004,dora@uni.example\n")
    out = course / "grading"
    proc = run_grader("--course", course, "--out", out, "--roster", roster)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {(r["learner"], r["lesson"]): r for r in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}
    return {"course": course, "out": out, "rows": rows, "roster": roster}


def test_on_time_full_marks_late_zero_with_the_courses_penalty(graded):
    ada, ben = graded["rows"][("ada", L1)], graded["rows"][("ben", L1)]
    assert float(ada["score"]) == float(ada["max_score"]) and "late" not in ada["flags"]
    assert float(ben["score"]) == 0 and ben["flags"] == "late"      # penalty_method = "zero"
    assert "after the due date: late penalty 13 points" in ben["details"]


def test_the_gradebook_records_each_submissions_time_and_stays_one_course(graded):
    from nbgrader.api import Course, Gradebook
    from nbgrader.utils import parse_utc

    from autograder.intake import format_timestamp
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}", "ml-101") as gb:
        # one course (nbgrader's own preprocessors add their "default_course" placeholder, as in plain nbgrader)
        assert {c.id for c in gb.db.query(Course).all()} - {"default_course"} == {"ml-101"}
        ada, ben = gb.find_submission(L1, "ada"), gb.find_submission(L1, "ben")
        assert ada.timestamp == parse_utc(ON_TIME) and ben.timestamp == parse_utc(LATE)
        assert ben.total_seconds_late == pytest.approx(22 * 3600) and ben.late_submission_penalty == ben.score > 0
        # no timestamp.txt: the notebook file's own time, recorded, and written where formgrader reads it
        cmd = gb.find_submission(L1, "=cmd()")
        folder = graded["course"] / "submitted" / "=cmd()" / L1
        assert cmd.timestamp == parse_utc(format_timestamp((folder / f"{L1}.ipynb").stat().st_mtime))
        assert parse_utc((folder / "timestamp.txt").read_text()) == cmd.timestamp


def test_formgrader_sees_every_submission_autograded(graded):
    """nbgrader's own API (what formgrader shows) over the course folder."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    cfg = Config()
    cfg.CourseDirectory.root = str(graded["course"])
    cfg.CourseDirectory.course_id = "ml-101"
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    assert api.get_autograded_students(L1) == {"ada", "ben", "=cmd()"}
    subs = {s["student"]: s for s in api.get_submissions(L1)}
    assert subs["ada"]["autograded"] and subs["ada"]["score"] == subs["ada"]["max_score"] == 13
    # and nbgrader's release_feedback finds the pages where it looks
    page = graded["course"] / "feedback" / "ada" / L1 / f"{L1}.html"
    assert page.exists() and (page.parent / "timestamp.txt").read_text() == ON_TIME
    assert f"Submitted {ON_TIME}" in page.read_text(encoding="utf-8")


def test_a_gradebook_of_another_course_is_refused(graded):
    proc = run_grader("--course", graded["course"], "--out", graded["out"], "--course-id", "backprop-by-hand")
    assert proc.returncode == 1
    assert "belongs to course 'ml-101', not 'backprop-by-hand'" in proc.stderr, proc.stderr
    from nbgrader.api import Course, Gradebook
    with Gradebook(f"sqlite:///{graded['course'] / 'gradebook.db'}", "ml-101") as gb:
        assert {c.id for c in gb.db.query(Course).all()} - {"default_course"} == {"ml-101"}


def test_grades_wide_has_a_row_per_learner_and_a_total(graded):
    rows = list(csv.reader(open(graded["out"] / "grades_wide.csv", encoding="utf-8")))
    from autograder.lessons import lesson_ids
    assert rows[0] == ["learner", *lesson_ids(), "total", "max_total"]
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"ada", "ben", "'=cmd()"}      # a name that would run as a formula is text
    assert body["ada"][1] == "13" and body["ada"][-2] == "13" and body["ben"][-2] == "0"
    assert float(body["ada"][-1]) == sum(float(r["max_score"]) for (lr, _), r in graded["rows"].items() if lr == "ada")


def test_canvas_import_uses_the_rosters_identities_and_the_report_names_who_is_missing(graded):
    rows = list(csv.reader(open(graded["out"] / "canvas_import.csv", encoding="utf-8")))
    assert rows[0][:6] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"Backprop {L1}"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "13"
    people = {r[0]: r for r in rows[2:]}
    assert set(people) == {"Ada Lovelace", "Ben Okafor"}
    assert people["Ada Lovelace"][1:4] == ["1001", "", "ada@uni.example"] and people["Ada Lovelace"][5] == "13"
    report = (graded["out"] / "report.html").read_text(encoding="utf-8")
    assert "=cmd(): submitted but not in the roster roster.csv" in report
    assert "dora (Dora Silva): in the roster but submitted nothing" in report
    assert "&#x27;=cmd()" not in json.dumps(rows)

"""A real JupyterHub, real Unix users, nbgrader's exchange end to end, graded by this course's grader.

On 127.0.0.1: JupyterHub (LocalProcessSpawner: each user's server runs as that Unix user) behind
configurable-http-proxy (npm, pinned in tests/hub/package-lock.json; `make hub-deps`). Users created here with
useradd and deleted at the end: an instructor and two learners. The walk, each step as the user who would do it:

    release   instructor: nbgrader release_assignment 01_chain_rule (a course directory laid out as this repository)
    fetch     each learner: nbgrader fetch_assignment; the learner's Assignments list (through the hub) shows it
    work      each learner saves a notebook and quiz_answers.json through their own server (the hub's contents
              API, what JupyterLab does on save): one right, one with a wrong exercise and a wrong quiz answer
    submit    each learner: nbgrader submit
    collect   instructor: nbgrader collect
    grade     instructor: python -m autograder grade --course COURSE (this grader, into the course's gradebook)
    formgrade instructor's formgrader, through the hub with the instructor's token: full marks and fewer marks
    feedback  instructor: nbgrader release_feedback; each learner: nbgrader fetch_feedback gets their own page
    isolation neither learner can list the exchange's feedback or inbound, read the other's home, the course
              directory or the gradebook, or reach the other's or the instructor's server through the hub

Runs only as root (useradd, and the spawner switches users). About 80 s on the 2-core machine (88 s of CPU), more
when other jobs share it. The hub's log is kept in artifacts/hub/jupyterhub.log.
"""

import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import is_grade, is_solution

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

import hubkit  # noqa: E402
from autograder_class import solution_sources, wrong  # noqa: E402

from autograder.lessons import grade_id, load_lesson  # noqa: E402
from autograder.nbconfig import COURSE_ID, QUIZ_ANSWERS  # noqa: E402
from autograder.quiz import right_answers  # noqa: E402

pytestmark = [pytest.mark.hub, pytest.mark.slow]   # slow: not in `make check`

LESSON = "01_chain_rule"
WRONG_EXERCISE, WRONG_BUG = "gradient_step", "steps up the gradient"
WRONG_QUIZ = ("why_backprop", "Backpropagation does not need a forward pass")
ARTIFACTS = ROOT / "artifacts" / "hub"

PROBE = r"""
import json, os, sys
out = {}
for kind, path in json.loads(sys.argv[1]):
    try:
        os.listdir(path) if kind == "list" else open(path, "rb").read(1)
        out[path] = "allowed"
    except PermissionError:
        out[path] = "denied"
    except FileNotFoundError:
        out[path] = "missing"
print(json.dumps(out))
"""


@pytest.fixture
def hub():
    if os.geteuid() != 0:
        pytest.skip("the JupyterHub test creates Unix users and spawns servers as them: run it as root")
    assert hubkit.CHP.exists(), f"{hubkit.CHP} is missing: run `make hub-deps` (npm ci in tests/hub/)"
    tag = os.urandom(2).hex()
    h = hubkit.Hub([f"bph{tag}-teach", f"bph{tag}-ada", f"bph{tag}-bo"])
    for tool in ("useradd", "userdel", "runuser", "node") + (("unshare", "nsenter") if h.reveal else ()):
        assert shutil.which(tool), f"{tool} is not installed"
    try:
        yield h
    finally:
        errors = h.close(keep_log=ARTIFACTS / "jupyterhub.log")
        assert not errors, errors


class Walk:
    """Step timings, printed at the end (and shown by pytest on failure)."""

    def __init__(self):
        self.t0 = self.t = time.monotonic()
        self.times = []

    def done(self, step):
        now = time.monotonic()
        self.times.append((step, round(now - self.t, 1)))
        self.t = now

    def report(self):
        return ", ".join(f"{s} {t}s" for s, t in self.times) + f"; total {time.monotonic() - self.t0:.0f}s"


def both(fn, names):
    """Run ``fn(name)`` for the learners at the same time (as a class does)."""
    with ThreadPoolExecutor(len(names)) as pool:
        return list(pool.map(fn, names))


def notebook_json(nb):
    return json.loads(nbformat.writes(nb))


def answered(fetched, wrong_answer=None):
    """The fetched notebook with the solution's code in every exercise's answer cell (one replaced by
    ``wrong_answer``). The quiz is answered with the widgets, so its answer-by-code cell keeps its stub and the
    answers come from quiz_answers.json."""
    nb = nbformat.reads(json.dumps(fetched), as_version=4)
    answers = {k: v for k, v in solution_sources(LESSON).items() if not k.startswith("quiz_answers")}
    if wrong_answer is not None:
        answers[WRONG_EXERCISE] = wrong_answer
    filled = 0
    for cell in nb.cells:
        if is_solution(cell) and not is_grade(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
            filled += 1
    assert filled == len(answers), (filled, sorted(answers))
    return nb


def quiz_file(answers):
    """quiz_answers.json as autograder.quiz.write_answers writes it."""
    from autograder.quiz import write_answers
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        return Path(write_answers(d, LESSON, answers)).read_text(encoding="utf-8")


def course_directory(h, instructor):
    """The instructor's course directory: this repository's lessons (solutions/ and course/) and settings."""
    course = h.home(instructor) / "course"
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "quiz_answers*.json", "feedback")
    for part in ("solutions", "course"):
        shutil.copytree(ROOT / part, course / part, ignore=skip)
    (course / "nbgrader_config.py").write_text(
        "# The course directory of the JupyterHub test: this repository's nbgrader settings, this folder's lessons.\n"
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from autograder.nbconfig import course_config\n"
        "c = get_config()\n"
        f"c.merge(course_config({str(course)!r}, releasing=False))\n", encoding="utf-8")
    # formgrader reads the user's config folder, not the course's: point it at the course directory
    jupyter = h.home(instructor) / ".jupyter"
    jupyter.mkdir()
    (jupyter / "nbgrader_config.py").write_text(
        f"load_subconfig({str(course / 'nbgrader_config.py')!r})\n", encoding="utf-8")
    h.chown(course, instructor)
    h.chown(jupyter, instructor)
    return course


def assignment_status(h, name):
    status, reply = h.as_user(name, "GET", f"/user/{name}/assignments?course_id={COURSE_ID}")
    assert status == 200 and reply.get("success"), (name, status, reply)
    return {a["assignment_id"]: a["status"] for a in reply["value"]}


def test_jupyterhub_exchange_walk(hub):
    h, walk = hub, Walk()
    instructor, right, wrong_learner = h.names
    learners = [right, wrong_learner]
    points = load_lesson(LESSON).tests
    full = float(sum(points.values()))
    expected = {right: full,
                wrong_learner: full - points[f"test_{WRONG_EXERCISE}"] - points[f"test_quiz_{WRONG_QUIZ[0]}"]}

    h.create_users()
    h.make_exchange()
    h.write_site_config("# Site-wide nbgrader settings (what /etc/jupyter/nbgrader_config.py holds on a hub).\n"
                        "c = get_config()\n"
                        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
                        f"c.Exchange.root = {str(h.exchange)!r}\n")
    course = course_directory(h, instructor)
    site = {"JUPYTER_CONFIG_PATH": str(h.etc)}
    walk.done("users")
    h.start(spawner_env=site)
    h.spawn(h.names)
    walk.done("hub and 3 servers")

    # ---- release
    h.run_as(instructor, ["nbgrader", "release_assignment", LESSON], cwd=course, env=site)
    outbound = h.exchange / COURSE_ID / "outbound" / LESSON
    assert (outbound / f"{LESSON}.ipynb").exists()
    assert not list(outbound.glob("quiz_answers*"))
    for name in learners:
        assert assignment_status(h, name) == {LESSON: "released"}
    walk.done("release")

    # ---- fetch
    both(lambda n: h.run_as(n, ["nbgrader", "fetch_assignment", LESSON], env=site), learners)
    for name in learners:
        got = h.home(name) / LESSON / f"{LESSON}.ipynb"
        assert got.exists() and got.stat().st_uid == h.users[name].pw_uid
        assert assignment_status(h, name) == {LESSON: "fetched"}
    walk.done("fetch")

    # ---- work, saved through each learner's own server
    quiz = {right: right_answers(LESSON), wrong_learner: {**right_answers(LESSON), WRONG_QUIZ[0]: WRONG_QUIZ[1]}}
    bad = {right: None, wrong_learner: wrong(LESSON, WRONG_EXERCISE, WRONG_BUG)}
    for name in learners:
        base = f"/user/{name}/api/contents/{LESSON}"
        status, fetched = h.as_user(name, "GET", f"{base}/{LESSON}.ipynb?content=1")
        assert status == 200, (status, fetched)
        nb = answered(fetched["content"], bad[name])
        status, reply = h.as_user(name, "PUT", f"{base}/{LESSON}.ipynb",
                                  {"type": "notebook", "format": "json", "content": notebook_json(nb)})
        assert status in (200, 201), (status, reply)
        status, reply = h.as_user(name, "PUT", f"{base}/{QUIZ_ANSWERS}",
                                  {"type": "file", "format": "text", "content": quiz_file(quiz[name])})
        assert status in (200, 201), (status, reply)
        saved = h.home(name) / LESSON / QUIZ_ANSWERS
        assert saved.stat().st_uid == h.users[name].pw_uid
    walk.done("work")

    # ---- submit
    both(lambda n: h.run_as(n, ["nbgrader", "submit", LESSON], env=site), learners)
    for name in learners:
        assert assignment_status(h, name) == {LESSON: "submitted"}
    walk.done("submit")

    # ---- collect
    h.run_as(instructor, ["nbgrader", "collect", LESSON], cwd=course, env=site)
    for name in learners:
        sub = course / "submitted" / name / LESSON
        assert {p.name for p in sub.iterdir()} >= {f"{LESSON}.ipynb", QUIZ_ANSWERS, "timestamp.txt"}, sub
    walk.done("collect")

    # ---- grade
    grade(h, instructor, course, site)
    walk.done("grade")

    # ---- formgrader, through the hub, as the instructor
    fg = f"/user/{instructor}/formgrader"
    status, subs = h.as_user(instructor, "GET", f"{fg}/api/submissions/{LESSON}")
    assert status == 200, (status, subs)
    shown = {s["student"]: (s["score"], s["max_score"], s["autograded"]) for s in subs}
    assert shown == {n: (expected[n], full, True) for n in learners}, shown
    assert expected[wrong_learner] < full
    status, page = h.as_user(instructor, "GET", f"{fg}/manage_submissions/{LESSON}")
    assert status == 200 and LESSON in page
    for name in learners:                       # a learner's token opens no formgrader
        assert h.as_user(name, "GET", f"{fg}/api/submissions/{LESSON}")[0] == 403
    walk.done("formgrader")

    # ---- feedback
    h.run_as(instructor, ["nbgrader", "release_feedback", LESSON], cwd=course, env=site)
    released = h.exchange / COURSE_ID / "feedback"
    assert len(list(released.glob("*.html"))) == 2
    both(lambda n: h.run_as(n, ["nbgrader", "fetch_feedback", LESSON], env=site), learners)
    fetched = {}
    for name in learners:
        pages = sorted((h.home(name) / LESSON / "feedback").glob(f"*/{LESSON}.html"))
        assert len(pages) == 1, pages
        fetched[name] = pages[0]
        mine = (course / "feedback" / name / LESSON / f"{LESSON}.html").read_bytes()
        assert pages[0].read_bytes() == mine
        assert pages[0].stat().st_uid == h.users[name].pw_uid
    assert fetched[right].read_bytes() != fetched[wrong_learner].read_bytes()
    for name in learners:                       # the grader's page, with this learner's score
        page = fetched[name].read_text(encoding="utf-8")
        assert f"Score: <b>{expected[name]:g}</b> out of {full:g}" in page, name
        assert ("✗ not yet" in page) == (name == wrong_learner), name
    walk.done("feedback")

    # ---- isolation: each learner, as themselves, on disk and through the hub
    for name, other in ((right, wrong_learner), (wrong_learner, right)):
        tries = [("list", str(released)), ("list", str(h.exchange / COURSE_ID / "inbound")),
                 ("read", str(fetched[other])), ("list", str(h.home(other))), ("list", str(course)),
                 ("read", str(course / "gradebook.db")),
                 ("read", str(course / "feedback" / other / LESSON / f"{LESSON}.html"))]
        r = h.run_as(name, ["python", "-c", PROBE, json.dumps(tries)])
        seen = json.loads(r.stdout)
        assert set(seen.values()) == {"denied"}, (name, seen)
        assert h.as_user(name, "GET", f"/user/{other}/api/contents/{LESSON}/feedback")[0] == 403
        assert h.as_user(name, "GET", f"/user/{instructor}/api/contents/course")[0] == 403
    walk.done("isolation")
    print("hub walk:", walk.report())
    print("commands:", "; ".join(f"{u} {c} {t}s" for u, c, t in h.timings))


def grade(h, instructor, course, site):
    """This course's grader, run by the instructor on the course directory: its submitted/ (with nbgrader's
    timestamps) into its gradebook.db, autograded/ and feedback/ in nbgrader's layout."""
    h.run_as(instructor, ["python", "-m", "autograder", "grade", "--course", course,
                          "--out", h.home(instructor) / "grading", "--no-progress"], cwd=ROOT, env=site)

"""``python -m autograder grade``: the whole pipeline, in parallel, resumable.

intake (folder/zip → OUT/submitted) → for each learner × lesson, in a pool of
``--jobs`` worker processes: integrity (tamper check + static scan) → nbgrader's
sanitising preprocessors (``OverwriteCells`` puts the original tests back) →
sandbox (guarded kernel, limits) → feedback page. The main process alone
writes the gradebook (nbgrader's ``SaveAutoGrades``), then a small result file
per notebook, in that order, so a grader killed at any moment is resumed by
running it again: finished notebooks are skipped (their inputs, the lesson
and the options are hashed into the result), the rest are graded. At the end:
``grades.csv`` from the gradebook and ``report.html``.
"""

import csv
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from autograder.limits import DEFAULT
from autograder.results import GradingResult, TestResult

VERSION = "1"  # bump when a change to the grader changes grades: every cached result is re-graded
FLAGS = ["missing", "unreadable", "too-large", "timeout", "notebook-timeout", "memory", "kernel-died", "output-limit", "tampered", "monkeypatch",
         "reference-import", "late"]
ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("autograder")


class GraderError(Exception):
    """The grader cannot run (exit status 1)."""


@dataclass
class Options:
    timeout: float = DEFAULT.timeout
    memory: float = DEFAULT.memory
    output_limit: int = DEFAULT.output_limit
    notebook_timeout: float = DEFAULT.notebook_timeout
    jobs: int = 0
    db: str = None
    force: bool = False
    only: list = None          # re-grade only these learners (others come from earlier results)
    progress: bool = True
    cluster: str = None        # a Dask scheduler address: grade the notebooks on that cluster (autograder/cluster.py)
    course: str = None         # an nbgrader course root to grade into (its gradebook, autograded/, feedback/)
    course_id: str = None      # the gradebook's course (default: the course's nbgrader_config.py, else ours)
    roster: str = None         # CSV learner → LMS identity, for OUT/canvas_import.csv


@dataclass
class Summary:
    learners: list = field(default_factory=list)
    lessons: list = field(default_factory=list)
    graded: int = 0
    cached: int = 0
    graded_now: list = field(default_factory=list)   # [(learner, lesson)] graded in this run
    notes: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    seconds: float = 0.0
    db_url: str = ""


def ordered(flags):
    return [f for f in FLAGS if f in set(flags)] + sorted(set(flags) - set(FLAGS))


def _safe(name):
    return name.replace("/", "_").replace("\\", "_").replace("\0", "_")


def result_path(out, learner, lesson):
    return Path(out) / ".state" / "results" / _safe(learner) / f"{lesson}.json"


def folder_hash(folder):
    h = hashlib.sha256()
    if folder is None:
        h.update(b"missing")
        return h.hexdigest()
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(b"\0")
            with open(p, "rb") as f:          # in chunks: a large file never sits in memory whole
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            h.update(b"\0")
    return h.hexdigest()


def task_key(sub, lesson, opts):
    h = hashlib.sha256()
    for part in (VERSION, lesson.fingerprint, folder_hash(sub.folder), sub.unreadable, sub.too_large,
                 f"{opts.timeout}/{opts.memory}/{opts.output_limit}/{opts.notebook_timeout}"):
        h.update(str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def _tools_on_path():
    """nbgrader's gradebook runs the ``alembic`` command: find it beside this Python (a venv not activated)."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


# ------------------------------------------------------------------ worker side

_LESSONS = {}
_TRUSTED = {}


def _lesson(root, lesson_id):
    key = (str(root), lesson_id)
    if key not in _LESSONS:
        from autograder.lessons import load_lesson
        _LESSONS[key] = load_lesson(lesson_id, root)
    return _LESSONS[key]


def _trusted(lesson):
    """The judge's own names for a lesson (its imports and pure setup cells), never an answer's name."""
    if lesson.fingerprint not in _TRUSTED:
        from autograder import judge
        names = judge.trusted_namespace(lesson.locked_sources(), cwd=lesson.source.parent)
        _TRUSTED[lesson.fingerprint] = {k: v for k, v in names.items() if k not in lesson.answer_names}
    return _TRUSTED[lesson.fingerprint]


def _clean_release_copy(nb, lesson):
    """The released notebook with the learner's answer cells put in (when their metadata is beyond repair)."""
    import nbformat
    from autograder.lessons import grade_id
    answers = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    clean = nbformat.from_dict(lesson.release_nb)
    for c in clean.cells:
        if grade_id(c) in lesson.answers and grade_id(c) in answers:
            c.source = answers[grade_id(c)]
    return clean


def grade_notebook(task):
    """Worker: grade one submitted notebook. Returns a :class:`GradingResult` (with the executed notebook)."""
    import nbformat

    from autograder import sandbox
    from autograder.nbconfig import release_ignore

    t0 = time.perf_counter()
    root = Path(task["root"])
    lesson = _lesson(root, task["lesson"])
    src_folder = Path(task["folder"])
    work = Path(task["work"])
    nb = nbformat.read(str(src_folder / f"{lesson.id}.ipynb"), as_version=4)
    # nbgrader's layout: autograded/LEARNER/LESSON, the learner's files plus the lesson's own data files
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(src_folder, work)
    import fnmatch
    source_dir = lesson.source.parent
    for p in source_dir.rglob("*"):
        rel = p.relative_to(source_dir)
        if p.is_file() and p.suffix != ".ipynb" and not any(
                fnmatch.fnmatch(part, pat) for part in rel.parts for pat in release_ignore()):
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, work / rel)
    # the kernel boots in its sandbox while the notebook is checked and sanitised
    kernel = sandbox.start(work, task["memory"], task["notebook_timeout"])
    try:
        return _grade_with(task, lesson, nb, work, kernel, t0)
    finally:
        sandbox.stop(kernel)


def _grade_with(task, lesson, nb, work, kernel, t0):
    import nbformat
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                        OverwriteKernelspec)
    from nbgrader.utils import determine_grade, is_grade, is_solution

    from autograder import feedback, integrity, sandbox
    from autograder.lessons import grade_id
    from autograder.nbconfig import QUIZ_ANSWERS
    from autograder.quiz.notebook import ANSWERS, GRADE

    learner = task["learner"]
    findings = integrity.check(nb, lesson)
    zeroed = integrity.zeroed_tests(nb, lesson, findings.reference_cells)
    answers = {grade_id(c): c.source for c in nb.cells if grade_id(c) in lesson.answers and c.cell_type == "code"}
    # no quiz_answers.json handed in, and no answers-by-code cell that would write one while the notebook runs
    no_quiz_answers = any(t.startswith(GRADE) for t in lesson.tests) and not (work / QUIZ_ANSWERS).exists() \
        and not any(feedback.saves_quiz_answers(src) for a, src in answers.items() if a.startswith(ANSWERS))

    # nbgrader's sanitising step: original tests, points and kernelspec put back
    logger = logging.getLogger("nbgrader-sanitize")
    logger.setLevel(logging.CRITICAL)
    resources = {"nbgrader": {"notebook": lesson.id, "assignment": lesson.id, "student": learner,
                              "db_url": task["source_db"]}}
    try:
        work_nb = nbformat.from_dict(nb)
        for pp in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True),
                   CheckCellMetadata()):
            pp.log = logger
            work_nb, resources = pp.preprocess(work_nb, resources)
    except Exception:
        if "tampered" not in findings.flags:
            findings.add("tampered", "the notebook's grading metadata is corrupted")
        work_nb = _clean_release_copy(nb, lesson)
        for pp in (OverwriteKernelspec(), OverwriteCells(add_missing_cells=True), CheckCellMetadata()):
            pp.log = logger
            work_nb, resources = pp.preprocess(work_nb, resources)

    test_marks = [i for i, c in enumerate(work_nb.cells)
                  if c.cell_type == "code" and is_grade(c) and not is_solution(c)]
    executed, run_flags, stopped_at, seconds = sandbox.run(
        work_nb, kernel, tests=test_marks, trusted=_trusted(lesson), timeout=task["timeout"],
        output_limit=task["output_limit"], notebook_timeout=task["notebook_timeout"])

    limits = {"timeout": task["timeout"], "memory": task["memory"]}
    not_run = "Not run: grading stopped at an earlier cell."
    if stopped_at is not None:
        gid = grade_id(executed.cells[stopped_at])
        where = (f"your answer for {lesson.titles.get(gid, gid)}" if gid in lesson.answers
                 else f"the test for {lesson.titles.get(lesson.exercise_of.get(gid), gid)}" if gid in lesson.tests
                 else f"cell {stopped_at + 1}")
        why = {"timeout": f"it ran longer than {task['timeout']:g} s", "memory": "it used more memory than allowed",
               "notebook-timeout": f"the whole notebook ran longer than {task['notebook_timeout']:g} s",
               "kernel-died": "Python stopped there", "output-limit": "it printed far too much"}
        reason = next((why[f] for f in run_flags if f in why), "")
        not_run = f"Not run: grading stopped earlier, at {where}" + (f" ({reason})." if reason else ".")
    tests = {}
    for i, c in enumerate(executed.cells):
        gid = grade_id(c)
        if not (gid and is_grade(c) and not is_solution(c)) or gid not in lesson.tests:
            continue
        errs = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if stopped_at is not None and i > stopped_at:
            c.outputs = [sandbox.error_output("NotRun", not_run)]
            errs = c.outputs
        elif gid in zeroed and not errs:
            c.outputs.append(sandbox.error_output(
                "ReferenceSolution", "No points: the code this test checks uses the course's reference solution "
                                     "instead of computing the answer."))
            errs = [c.outputs[-1]]
        score, max_score = determine_grade(c)
        if errs and errs[0].get("ename") == "NotRun":
            status, message = "not-run", errs[0]["evalue"]
        elif score is not None and score >= max_score:
            status = "passed"
            ticks = [line for o in c.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"
                     for line in feedback.plain(o.get("text", "")).splitlines() if line.startswith("✓")]
            message = " ".join(ticks) or "Passed."
        else:
            status = "failed"
            if errs:
                message = feedback.explain_error(errs[0].get("ename"), errs[0].get("evalue"), limits)
            else:
                message = "The test printed a warning or an error message, which counts as a fail."
        tests[gid] = TestResult(float(score or 0), float(max_score), status, message)
    for gid in lesson.tests:
        tests.setdefault(gid, TestResult(0.0, lesson.tests[gid], "not-run",
                                         "Not run: this test was not found in the notebook."))
    for gid, names in feedback.blocked_by(lesson.source_nb.cells, {t: r.status for t, r in tests.items()},
                                          answers).items():
        tests[gid].blocked_by = names

    flags = ordered(run_flags + findings.flags)
    nbformat.write(executed, str(work / f"{lesson.id}.ipynb"))
    return GradingResult(learner, lesson.id, flags, findings.details, tests, answers, task["key"],
                         seconds=time.perf_counter() - t0, kernel_seconds=seconds, stopped_at=stopped_at,
                         notebook=executed, quiz_answers_missing=no_quiz_answers)


# ------------------------------------------------------------------ main side

def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _load_json(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _simple_result(sub, lesson, flag, key, message):
    tests = {t: TestResult(0.0, p, "not-run", message) for t, p in lesson.tests.items()}
    return GradingResult(sub.learner, lesson.id, [flag], [message], tests, key=key)


def course_settings(course_root):
    """The nbgrader configuration of a course folder (its nbgrader_config.py), or an empty one."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    path = Path(course_root) / "nbgrader_config.py"
    if not path.exists():
        return Config()
    try:
        return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    except Exception as exc:
        raise GraderError(f"could not read {path}: {exc}") from exc


def grade(submissions, out, opts=None, root=ROOT):
    """Grade every learner × lesson; return a :class:`Summary`. Raises GraderError/IntakeError if it cannot run."""
    from autograder import gradebook
    from autograder.nbconfig import COURSE_ID

    from autograder import bubblewrap

    opts = opts or Options()
    try:
        bubblewrap.check()       # no sandbox, no grading: learner code never runs unconfined
    except bubblewrap.SandboxUnavailable as exc:
        raise GraderError(str(exc)) from None
    out = Path(out).resolve()
    root = Path(root).resolve()
    course = Path(opts.course).resolve() if opts.course else None
    settings = course_settings(course or root)
    course_id = opts.course_id or settings.get("CourseDirectory", {}).get("course_id") or COURSE_ID
    if course is not None:
        db_url = opts.db or gradebook.default_url(course)
    else:
        db_url = opts.db or gradebook.default_url(out)
    source_db = f"sqlite:///{out / '.state' / 'source.db'}"   # the workers' private copy of the lessons
    try:
        gradebook.check_course(db_url, course_id)
    except gradebook.CourseMismatch as exc:
        raise GraderError(str(exc)) from None
    except Exception:
        pass   # an unreachable gradebook is reported where the lessons are recorded
    book = gradebook.Book(db_url, course_id, late=settings)
    source = gradebook.Book(source_db, course_id)
    with gradebook.tuned(durable=[db_url], scratch=[source_db]):
        return _grade(submissions, out, opts, root, book, source, course)


def _grade(submissions, out, opts, root, book, source, course):
    from autograder import feedback, gradebook, report
    from autograder.intake import intake
    from autograder.lessons import load_all

    t_start = time.perf_counter()
    _tools_on_path()
    lessons = load_all(root)
    if not lessons:
        raise GraderError(f"no lessons found: {root}/course and {root}/solutions hold no lesson in common")
    out.mkdir(parents=True, exist_ok=True)
    state = out / ".state"
    state.mkdir(exist_ok=True)
    learners, subs, notes = intake(submissions, out, list(lessons))
    stale = [l.id for l in lessons.values() if not source.has_lesson(l.id, l.tests)
             or _load_json(state / f"lesson-{l.id}.json") != {"fingerprint": l.fingerprint}]
    try:
        if stale:
            source.enter_lessons(stale, state / "release", root)
        target = gradebook.sqlite_file(book.db_url)
        copied = False
        if target is not None and not os.path.exists(target):
            # a new SQLite gradebook starts as a copy of the lessons just recorded (not entered a second time)
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(state / "source.db", target)
            copied = True
        todo = [l for l in lessons if (l in stale and not copied) or not book.has_lesson(l, lessons[l].tests)]
        if todo:
            book.enter_lessons(todo, state / "release", root)
    except Exception as exc:
        raise GraderError(f"could not record the lessons in the gradebook {book.db_url}: {exc}") from exc
    for l in stale:
        _write_json(state / f"lesson-{l}.json", {"fingerprint": lessons[l].fingerprint})
    in_db = book.scores()
    limits = {"timeout": opts.timeout, "memory": opts.memory}

    summary = Summary(learners=learners, lessons=list(lessons), notes=notes, db_url=book.db_url)
    results, tasks = {}, []
    for (learner, lid), sub in sorted(subs.items()):
        lesson = lessons[lid]
        key = task_key(sub, lesson, opts)
        cached = GradingResult.from_json(_load_json(result_path(out, learner, lid)))
        forced = opts.force or (opts.only is not None and learner in opts.only)
        have_db = (learner, lid) in in_db or sub.missing
        fb = out / "feedback" / learner / f"{lid}.html"
        if cached is not None and cached.key == key and have_db and fb.exists() and not forced:
            results[(learner, lid)] = cached
            summary.cached += 1
            continue
        if sub.missing or sub.unreadable or sub.too_large:
            flag = "missing" if sub.missing else "too-large" if sub.too_large else "unreadable"
            msg = (f"No notebook for {lid} was submitted." if sub.missing
                   else f"The notebook was not graded: {sub.too_large}." if sub.too_large
                   else f"The notebook could not be read: {sub.unreadable}.")
            res = _simple_result(sub, lesson, flag, key, msg)
            if sub.missing:
                book.forget(learner, lid)
                res.score = 0.0
            else:
                _recorded(res, book.save_zero(learner, lid, timestamp=sub.timestamp), sub)
            res.max_score = lesson.max_score
            feedback.write(fb, feedback.render(learner, lesson, res, limits))
            _write_json(result_path(out, learner, lid), res.to_json())
            if course is not None and not sub.missing:
                _into_course(course, out, res, sub)
            results[(learner, lid)] = res
            summary.graded += 1
            summary.graded_now.append((learner, lid))
            continue
        tasks.append({"learner": learner, "lesson": lid, "folder": str(sub.folder), "root": str(root),
                      "work": str(out / "autograded" / learner / lid), "source_db": source.db_url, "key": key,
                      "timeout": opts.timeout, "memory": opts.memory, "output_limit": opts.output_limit,
                      "notebook_timeout": opts.notebook_timeout, "timestamp": sub.timestamp, "timestamp_from": sub.timestamp_from,
                      "course": str(course) if course is not None else None})

    jobs = opts.jobs or os.cpu_count() or 1
    if tasks:
        _run_pool(tasks, jobs, opts, out, book, lessons, results, limits, summary)

    summary.rows = write_csv(out, learners, lessons, results, book)
    from autograder import lms
    lms.write_wide(out, learners, lessons, summary.rows)
    if opts.roster:
        summary.notes.extend(lms.write_canvas(out, opts.roster, learners, lessons, summary.rows))
    try:
        report.write_report(out, summary, lessons, results)
    except Exception as exc:  # the report is a convenience; grades are already safe
        log.warning("could not write report.html: %s", exc)
    summary.seconds = time.perf_counter() - t_start
    _write_json(state / "last_run.json", {"graded": sorted(summary.graded_now), "cached": summary.cached,
                                          "seconds": round(summary.seconds, 2)})
    return summary


def _recorded(res, rec, sub_or_task):
    """Put what the gradebook recorded (score after any late penalty, the submission time) into a result."""
    res.score = rec.score
    ts = sub_or_task["timestamp"] if isinstance(sub_or_task, dict) else sub_or_task.timestamp
    frm = sub_or_task["timestamp_from"] if isinstance(sub_or_task, dict) else sub_or_task.timestamp_from
    res.timestamp, res.timestamp_from = ts, frm
    res.late_penalty, res.seconds_late = rec.late_penalty, rec.seconds_late
    if rec.seconds_late > 0:
        res.flags = ordered(res.flags + ["late"])
        res.details = res.details + [
            f"submitted {_duration(rec.seconds_late)} after the due date"
            + (f": late penalty {rec.late_penalty:g} points" if rec.late_penalty else " (no late penalty set)")]


def _duration(seconds):
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"]
    return " ".join(parts if days or hours else [f"{minutes} min"])


def _into_course(course, out, res, sub_or_task):
    """Grading into an nbgrader course: the executed notebook in autograded/ and the feedback page in feedback/,
    in nbgrader's layout, with the submission's timestamp (formgrader and release_feedback read them there)."""
    learner, lid = res.learner, res.lesson
    folder = Path(sub_or_task["folder"] if isinstance(sub_or_task, dict) else sub_or_task.folder)
    done = Path(out) / "autograded" / learner / lid
    dest = Path(course) / "autograded" / learner / lid
    if dest.exists():
        shutil.rmtree(dest)
    if done.exists():
        shutil.copytree(done, dest)
    else:
        shutil.copytree(folder, dest)
    fb_dir = Path(course) / "feedback" / learner / lid
    fb_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(out) / "feedback" / learner / f"{lid}.html", fb_dir / f"{lid}.html")
    original = Path(course) / "submitted" / learner / lid
    if original.is_dir() and not (original / "timestamp.txt").exists() and (folder / "timestamp.txt").exists():
        # formgrader compares the gradebook's time with submitted/…/timestamp.txt: the file's time, recorded
        shutil.copyfile(folder / "timestamp.txt", original / "timestamp.txt")
    for name in ("timestamp.txt", "submission_secret.txt"):   # nbgrader's release_feedback reads both
        if (folder / name).exists():
            shutil.copyfile(folder / name, fb_dir / name)
            shutil.copyfile(folder / name, dest / name)


def _store(res, out, book, lessons, limits, task=None):
    from autograder import feedback
    lesson = lessons[res.lesson]
    nb, res.notebook = res.notebook, None
    rec = book.save(res.learner, lesson.id, nb, flagged=bool(res.flags), timestamp=(task or {}).get("timestamp"))
    _recorded(res, rec, task or {"timestamp": "", "timestamp_from": ""})
    res.max_score = lesson.max_score
    feedback.write(Path(out) / "feedback" / res.learner / f"{lesson.id}.html",
                   feedback.render(res.learner, lesson, res, limits, res.answers))
    _write_json(result_path(out, res.learner, lesson.id), res.to_json())
    if task and task.get("course"):
        _into_course(task["course"], out, res, task)


def _run_pool(tasks, jobs, opts, out, book, lessons, results, limits, summary):
    from tqdm import tqdm

    bar = tqdm(total=len(tasks), unit="notebook", desc="grading", disable=not opts.progress, file=sys.stderr,
               ncols=min(shutil.get_terminal_size((100, 20)).columns, 120))

    by_key = {(t["learner"], t["lesson"]): t for t in tasks}

    def done(res):
        _store(res, out, book, lessons, limits, by_key.get((res.learner, res.lesson)))
        results[(res.learner, res.lesson)] = res
        summary.graded += 1
        summary.graded_now.append((res.learner, res.lesson))
        bar.set_postfix_str(f"{res.learner[:20]} {res.lesson[:14]}", refresh=False)
        bar.update(1)

    todo = list(tasks)
    if opts.cluster:   # the notebooks are graded on a Dask cluster; results come back here, to done()
        from autograder import cluster
        cluster.run(todo, opts.cluster, done)
        todo = []
    elif jobs > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures.process import BrokenProcessPool
        for _attempt in range(3):   # a worker process that dies (not a kernel: the worker) costs a new pool
            finished = set()
            try:
                with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=mp.get_context("spawn"),
                                         initializer=_quiet_worker) as pool:
                    futures = {pool.submit(_safe_grade, t): i for i, t in enumerate(todo)}
                    for fut in as_completed(futures):
                        done(fut.result())
                        finished.add(futures[fut])
                todo = []
                break
            except BrokenProcessPool:
                log.warning("a grading process died; starting new ones for the %d notebooks left",
                            len(todo) - len(finished))
                todo = [t for i, t in enumerate(todo) if i not in finished]
    for t in todo:   # one job, or what the pool could not finish
        done(_safe_grade(t))
    bar.close()


def _quiet_worker():
    import warnings
    warnings.filterwarnings("ignore")  # nbformat's remarks on learners' notebooks (duplicate ids, …)


def _safe_grade(task):
    """A bug in grading one notebook must not stop the batch: record it as a failed run."""
    try:
        return grade_notebook(task)
    except Exception as exc:  # noqa: BLE001
        import nbformat
        from autograder.lessons import load_lesson
        lesson = load_lesson(task["lesson"], task["root"])
        nb = nbformat.from_dict(lesson.release_nb)
        for c in nb.cells:
            if c.cell_type == "code":
                c.outputs = [nbformat.from_dict({"output_type": "error", "ename": "GraderError", "evalue": str(exc),
                                                 "traceback": []})]
        import traceback
        log.error("grading %s / %s failed:\n%s", task["learner"], task["lesson"], traceback.format_exc())
        msg = f"The grader could not run this notebook ({type(exc).__name__}: {exc})."
        tests = {t: TestResult(0.0, p, "not-run", msg) for t, p in lesson.tests.items()}
        return GradingResult(task["learner"], task["lesson"], ["kernel-died"], [msg], tests, key=task["key"],
                             stopped_at=0, notebook=nb)


def fmt(x):
    return f"{float(x):g}"


def write_csv(out, learners, lessons, results, book):
    scores = book.scores()
    maxes = {l.id: l.max_score for l in lessons.values()}
    rows = []
    for learner in sorted(learners, key=lambda s: (s.casefold(), s)):
        for lid in lessons:
            res = results.get((learner, lid)) or GradingResult(learner, lid)
            flags = ordered(res.flags)
            score = 0.0 if "missing" in flags else scores.get((learner, lid), 0.0)
            rows.append({"learner": learner, "lesson": lid, "score": fmt(score), "max_score": fmt(maxes[lid]),
                         "flags": ";".join(flags),
                         "tests_passed": sum(1 for t in res.tests.values() if t.passed),
                         "tests_total": len(lessons[lid].tests),
                         "details": " | ".join(res.details) if set(flags) - {"missing"} else ""})
    path = Path(out) / "grades.csv"
    tmp = path.with_name("grades.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=["learner", "lesson", "score", "max_score", "flags", "tests_passed",
                                          "tests_total", "details"])
        w.writeheader()
        from autograder.lms import safe   # a learner named "=HYPERLINK(…)" is text in a spreadsheet
        w.writerows([dict(r, learner=safe(r["learner"]), details=safe(r["details"])) for r in rows])
    os.replace(tmp, path)
    return rows

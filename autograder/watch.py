"""``python -m autograder watch INBOX --out OUT``: grade each submission as it lands and release its feedback.

    python -m autograder watch INBOX --out OUT [--once] [--settle S] [--cluster ADDRESS] [--course DIR]
                               [limits, --db, --course-id, --roster as for grade]

INBOX is watched (polled every ``--poll`` seconds). It may hold, mixed:

- learner folders in the grader's SUBMISSIONS layout: ``LEARNER/LESSON.ipynb``
  (the learner folder's loose files travel with it) or
  ``LEARNER/LESSON/LESSON.ipynb``; a renamed copy (``LESSON (1).ipynb``) counts
  as the lesson, as in batch grading. An INBOX that is itself one learner's
  folder (it holds ``LESSON.ipynb`` or ``LESSON/LESSON.ipynb``) is a class of
  one named after the folder;
- nbgrader's exchange inbound folder (``exchange/COURSE/inbound``): one
  folder per submission, ``{student_id}+{assignment_id}+{timestamp}+{random}``
  (the ``+{random}`` part is optional), written by ``nbgrader submit``; as
  ``nbgrader collect`` does, the newest submission of each learner and
  lesson is the one graded.

A submission (a learner's lesson: its notebook and the files that travel
with it) has *landed* when none of its files has changed (size, times, inode)
for ``--settle`` seconds and every notebook and JSON file in it parses; an
exchange submission also needs nbgrader's ``timestamp.txt``, which
``nbgrader submit`` writes after the notebooks. A file that still does not
parse after ``--grace`` seconds without change is graded as it is
(``unreadable``). Landed submissions are copied into ``OUT/.watch/inbox/``
(one folder per learner and lesson, nbgrader's layout, file times and
``timestamp.txt`` kept) and that folder is graded by :func:`autograder.grade.grade`,
the batch grader itself: same intake, cache, sandbox, gradebook, feedback
pages and ``grades.csv``; only what changed is graded. Feedback is then in
``OUT/feedback/LEARNER/LESSON.html``; for an exchange submission it is also
released into the exchange (``exchange/COURSE/feedback/{hash}.html``, what
``nbgrader release_feedback`` writes), so the learner gets it with
``nbgrader fetch_feedback``.

The grading runs in this process, which keeps the lessons, the judge's names and
nbgrader's modules loaded between submissions (each notebook still gets a new
sandboxed kernel); ``--cluster`` sends the grading to a Dask cluster
instead. ``report.html`` (its charts take seconds) is rewritten once the inbox
has been quiet for ``QUIET`` seconds, and on exit. SIGINT or SIGTERM stops it
after the batch being graded (a second signal stops at once; a re-start
resumes, as batch grading does). ``--once`` grades what is in INBOX and exits.
A submission removed from INBOX keeps its grade. While it watches,
``OUT/.watch/watching`` holds its process id.
"""

import contextlib
import json
import logging
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SETTLE = 1.0     # seconds a submission's files must stay unchanged to count as landed
POLL = 0.25      # seconds between two looks at INBOX
GRACE = 30.0     # seconds a notebook that does not parse (being written) is waited for before it is graded as it is
QUIET = 10.0     # report.html is rewritten once no submission has landed for this long
STAMP, SECRET = "timestamp.txt", "submission_secret.txt"   # what nbgrader submit writes beside the notebooks
log = logging.getLogger("autograder.watch")


@dataclass
class Found:
    """One learner's lesson as it is in INBOX right now."""
    learner: str
    lesson: str
    files: dict                  # name in OUT/.watch/inbox/LEARNER/LESSON/ → path in INBOX
    origin: Path                 # the INBOX folder it came from
    notebook_id: str = ""        # the notebook's own name (nbgrader's feedback hash uses it)
    stamp: object = None         # nbgrader's submission time (exchange only)

    @property
    def exchange(self):
        return self.stamp is not None


@dataclass
class Pending:
    sig: tuple
    since: float
    first: float = field(default_factory=time.time)


# ------------------------------------------------------------------ what is in INBOX

def _junk(p):
    from autograder.intake import JUNK
    return p.name in JUNK or p.name.startswith(".") or p.name.startswith("~$")


def _nfc(name):
    from autograder.intake import nfc
    return nfc(name).strip()


def _files_under(folder):
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(_junk(Path(part)) for part in rel.parts):
            out[rel.as_posix()] = p
    return out


def _with_notebook(files, lesson):
    """``files`` with the lesson's notebook named LESSON.ipynb (the exact name, else a renamed copy such as
    'LESSON (1).ipynb'; other copies dropped, as the batch intake does), or None if there is no notebook."""
    copies = sorted(rel for rel in files if "/" not in rel and rel.endswith(".ipynb") and rel.startswith(lesson))
    if not copies:
        return None, ""
    pick = f"{lesson}.ipynb" if f"{lesson}.ipynb" in copies else copies[0]
    kept = {rel: p for rel, p in files.items() if rel not in copies}
    kept[f"{lesson}.ipynb"] = files[pick]
    return kept, pick[:-len(".ipynb")]


def _holds_lessons(folder, lessons):
    return any((folder / f"{l}.ipynb").is_file() or (folder / l / f"{l}.ipynb").is_file() for l in lessons)


def _exchange_name(name, lessons):
    """(student, assignment, time) if ``name`` is an nbgrader inbound submission folder of one of ``lessons``."""
    from nbgrader.utils import parse_utc
    parts = name.rsplit("+", 3)
    if len(parts) < 3 or parts[1] not in lessons or not parts[0]:
        return None
    try:
        return parts[0], parts[1], parse_utc(parts[2])
    except (ValueError, OverflowError, TypeError):
        return None


def scan(inbox, lessons, out=None):
    """{(learner, lesson): Found} for everything in ``inbox`` now (landed or not)."""
    inbox = Path(inbox)
    found = {}
    try:
        entries = [p for p in sorted(inbox.iterdir(), key=lambda p: p.name) if not _junk(p)]
    except OSError:
        return found
    if out is not None:
        entries = [p for p in entries if p.resolve() != Path(out).resolve()]
    if _holds_lessons(inbox, lessons) and not any(p.is_dir() and p.name not in lessons and _holds_lessons(p, lessons)
                                                  for p in entries):
        learner_dirs = [(inbox.name, inbox)]     # INBOX is one learner's own folder: a class of one
    else:
        learner_dirs = []
        for p in entries:
            if not p.is_dir():
                continue
            ex = _exchange_name(p.name, lessons)
            if ex is None:
                learner_dirs.append((p.name, p))
                continue
            student, lesson, stamp = ex
            files, nb_id = _with_notebook(_files_under(p), lesson)
            key = (_nfc(student), lesson)
            if files is not None and (key not in found or stamp > found[key].stamp):
                found[key] = Found(key[0], lesson, files, p, nb_id, stamp)
    for name, folder in learner_dirs:
        learner = _nfc(name)
        try:
            top = [p for p in folder.iterdir() if not _junk(p)]
        except OSError:
            continue
        loose = {p.name: p for p in top if p.is_file() and p.suffix != ".ipynb"}
        for lesson in lessons:
            files = None
            if (folder / lesson).is_dir():
                files, nb_id = _with_notebook(_files_under(folder / lesson), lesson)
            if files is None:
                files, nb_id = _with_notebook({p.name: p for p in top if p.is_file() and p.suffix == ".ipynb"},
                                              lesson)
                if files is not None:    # the notebook, and the learner folder's loose files with it
                    files = {f"{lesson}.ipynb": files[f"{lesson}.ipynb"], **loose}
            if files is not None and (learner, lesson) not in found:
                found[(learner, lesson)] = Found(learner, lesson, files, folder, nb_id)
    return found


def signature(f):
    """What changes when any of the submission's files is written, replaced, added or removed; None if unreadable."""
    sig = []
    for rel, p in sorted(f.files.items()):
        try:
            st = p.stat()
        except OSError:
            return None
        sig.append((rel, str(p), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns))
    return tuple(sig)


def complete(f):
    """Every notebook and JSON file parses, and an exchange submission has its timestamp.txt."""
    if f.exchange and STAMP not in f.files:
        return False
    for rel, p in f.files.items():
        if rel.endswith((".ipynb", ".json")):
            try:
                json.loads(p.read_bytes().decode("utf-8"))
            except (OSError, ValueError):
                return False
    return True


# ------------------------------------------------------------------ the watcher

class Watcher:
    def __init__(self, inbox, out, opts, root=None, settle=SETTLE, poll=POLL, grace=GRACE, quiet=QUIET):
        from autograder.grade import ROOT
        self.inbox, self.out = Path(inbox).resolve(), Path(out).resolve()
        self.opts, self.root = opts, Path(root or ROOT).resolve()
        self.settle, self.poll, self.grace, self.quiet = settle, poll, grace, quiet
        self.home = self.out / ".watch"
        self.mirror = self.home / "inbox"          # the SUBMISSIONS folder handed to grade()
        self.state_file = self.home / "landed.json"
        self.pending = {}                          # key → Pending (seen, not landed yet)
        self.landed = {}                           # key → signature of what was last copied into the mirror
        self.stopping = False
        self.report = None                         # grade()'s deferred report.html
        self.last_landed = 0.0
        self.graded = []                           # [(learner, lesson, score, max, seconds from first sight)]

    # -- state
    def _load(self):
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            self.landed = {tuple(k.split("\0", 1)): tuple(tuple(x) for x in v) for k, v in data.items()}
        except (OSError, ValueError):
            self.landed = {}

    def _save(self):
        from autograder.grade import _write_json
        _write_json(self.state_file, {"\0".join(k): v for k, v in sorted(self.landed.items())})

    # -- looking
    def look(self, lessons, now=None):
        """Keys of the submissions that have landed since the last look (and differ from what was graded)."""
        now = time.monotonic() if now is None else now
        ready = []
        found = scan(self.inbox, lessons, self.out)
        for key, f in found.items():
            sig = signature(f)
            if sig is None:
                continue
            if self.landed.get(key) == sig:
                self.pending.pop(key, None)
                continue
            p = self.pending.get(key)
            if p is None or p.sig != sig:
                p = self.pending[key] = Pending(sig, now, p.first if p else time.time())
            # unchanged for --settle s: by the files' change times (ctime: no writer can set it back), or, if
            # the clocks disagree (a network filesystem), by how long this process has seen them unchanged
            waited = max(now - p.since, time.time() - max(x[-1] for x in sig) / 1e9)
            if waited >= self.settle and (complete(f) or waited >= self.grace):
                ready.append((key, f, p))
        for key in list(self.pending):
            if key not in found:
                del self.pending[key]
        return ready

    def _copy_in(self, key, f, sig):
        """Copy a landed submission into the mirror; False if it changed while being copied."""
        dest = self.mirror / key[0] / key[1]
        tmp = self.mirror / f".landing-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        try:
            for rel, p in f.files.items():
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(p, tmp / rel)
            if f.exchange and STAMP not in f.files:    # graded after --grace without one: the folder name's time
                (tmp / STAMP).write_text(f.stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), encoding="utf-8")
        except OSError as exc:
            log.warning("could not copy %s / %s yet (%s)", key[0], key[1], exc)
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        if signature(f) != sig:
            shutil.rmtree(tmp, ignore_errors=True)
            return False
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
        return True

    # -- grading
    @contextlib.contextmanager
    def _report_later(self):
        """grade() rewrites report.html after each batch; while watching that waits for a quiet inbox instead,
        so the next submission's feedback does not queue behind the charts."""
        from autograder import report
        real = report.write_report

        def later(*args, **kwargs):
            self.report = (real, args, kwargs)
        report.write_report = later
        try:
            yield
        finally:
            report.write_report = real

    def write_report(self):
        if self.report:
            real, args, kwargs = self.report
            self.report = None
            try:
                real(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 (as in grade(): the report is a convenience)
                log.warning("could not write report.html: %s", exc)

    def grade_mirror(self):
        from autograder.grade import grade
        with self._report_later():
            return grade(self.mirror, self.out, self.opts, root=self.root)

    def warm(self, lessons):
        """Load the lessons and start one sandboxed kernel (the OS caches what it reads) before the first
        submission arrives."""
        if self.opts.cluster:
            return
        try:
            import nbgrader.preprocessors  # noqa: F401
            from autograder import feedback, integrity, sandbox  # noqa: F401
            from autograder.grade import _lesson
            for lid in lessons:
                _lesson(self.root, lid)
            folder = self.home / "warm"
            folder.mkdir(parents=True, exist_ok=True)
            sandbox.stop(sandbox.start(folder, self.opts.memory, self.opts.notebook_timeout))
        except Exception as exc:  # noqa: BLE001 (warming is an optimisation; grading will start what it needs)
            log.warning("could not warm the grading kernel: %s", exc)

    def release_exchange(self, f):
        """Put the feedback page where ``nbgrader fetch_feedback`` finds it (as ``nbgrader release_feedback``)."""
        from nbgrader.utils import notebook_hash
        page = self.out / "feedback" / f.learner / f"{f.lesson}.html"
        secret = f.files.get(SECRET)
        if not page.exists() or secret is None or self.inbox.name != "inbound":
            return None
        try:
            checksum = notebook_hash(secret=secret.read_text(), notebook_id=f.notebook_id or f.lesson)
            dest_dir = self.inbox.parent / "feedback"
            dest_dir.mkdir(mode=0o755, exist_ok=True)
            tmp = dest_dir / f"{checksum}-tmp.html"
            shutil.copyfile(page, tmp)
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest_dir / f"{checksum}.html")
            return dest_dir / f"{checksum}.html"
        except OSError as exc:
            log.warning("could not release %s's feedback on %s to the exchange: %s", f.learner, f.lesson, exc)
            return None

    def step(self, lessons):
        """One look at INBOX; grade what landed. Returns the number of submissions graded."""
        ready = self.look(lessons)
        batch = []
        for key, f, p in ready:
            if self._copy_in(key, f, p.sig):
                batch.append((key, f, p))
            else:
                self.pending.pop(key, None)   # it changed: it must settle again
        if not batch:
            return 0
        from autograder.grade import GraderError
        from autograder.intake import IntakeError
        try:
            summary = self.grade_mirror()
        except (GraderError, IntakeError):
            raise
        except Exception:  # noqa: BLE001 (keep watching: these submissions are graded again on the next look)
            log.exception("grading failed; trying again")
            for key, _f, _p in batch:
                self.pending.pop(key, None)
            return 0
        scores = {(r["learner"], r["lesson"]): r for r in summary.rows}
        for key, f, p in batch:
            self.landed[key] = p.sig
            self.pending.pop(key, None)
            row = scores.get(key, {})
            where = self.release_exchange(f) if f.exchange else None
            took = time.time() - p.first
            self.graded.append((key[0], key[1], row.get("score"), row.get("max_score"), took))
            log.info("graded %s / %s: %s/%s%s, %.1f s after it appeared%s", key[0], key[1], row.get("score"),
                     row.get("max_score"), f" [{row['flags']}]" if row.get("flags") else "", took,
                     f"; feedback released to {where}" if where else "")
        self._save()
        self.last_landed = time.monotonic()
        return len(batch)

    def _on_signal(self, signum, frame):
        if self.stopping:    # a second signal: stop now (a re-start resumes)
            raise KeyboardInterrupt
        self.stopping = True
        log.info("stopping after the current batch (%s)", signal.Signals(signum).name)

    def run(self, once=False):
        from autograder.lessons import lesson_ids
        lessons = lesson_ids(self.root)
        if not self.mirror.exists() and (self.out / "submitted").is_dir():
            # OUT was graded in batch before: its learners stay in grades.csv (nothing is graded again)
            shutil.copytree(self.out / "submitted", self.mirror, copy_function=shutil.copy2)
        self.mirror.mkdir(parents=True, exist_ok=True)
        self._load()
        old = {signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.warm(lessons)
            self.grade_mirror()              # lessons into the gradebook; what landed before a re-start
            self.last_landed = time.monotonic()
            (self.home / "watching").write_text(f"{os.getpid()}\n")   # for scripts: it is looking now
            log.info("watching %s (grades: %s)", self.inbox, self.out / "grades.csv")
            while not self.stopping:
                n = self.step(lessons)
                if once and not n and not self.pending:
                    break
                if not n and self.report and time.monotonic() - self.last_landed >= self.quiet:
                    self.write_report()
                if not n:
                    time.sleep(self.poll)
        finally:
            for signum, handler in old.items():
                signal.signal(signum, handler)
            (self.home / "watching").unlink(missing_ok=True)
            self.write_report()
        return 0


# ------------------------------------------------------------------ command line

def add_arguments(p):
    from autograder.limits import DEFAULT

    def positive(text):
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"not a number: {text!r}") from None
        if value <= 0:
            raise ValueError(f"must be positive: {text!r}")
        return value
    positive.__name__ = "positive number"
    p.add_argument("inbox", help="folder to watch: learner folders (LEARNER/LESSON.ipynb or "
                                 "LEARNER/LESSON/LESSON.ipynb) or nbgrader's exchange inbound folder")
    p.add_argument("--out", required=True, help="output folder, as for grade (grades.csv, feedback/, gradebook.db)")
    p.add_argument("--once", action="store_true", help="grade what is in INBOX now, then exit")
    p.add_argument("--settle", type=positive, default=SETTLE,
                   help=f"seconds a submission must stay unchanged to count as landed (default: {SETTLE:g})")
    p.add_argument("--grace", type=positive, default=GRACE,
                   help=f"seconds to wait for a notebook that does not parse before grading it as it is "
                        f"(default: {GRACE:g})")
    p.add_argument("--poll", type=positive, default=POLL, help=f"seconds between looks at INBOX (default: {POLL:g})")
    p.add_argument("--timeout", type=positive, default=DEFAULT.timeout,
                   help=f"seconds per cell (default: {DEFAULT.timeout:g})")
    p.add_argument("--memory", type=positive, default=DEFAULT.memory,
                   help=f"MB a notebook may allocate on top of a fresh kernel (default: {DEFAULT.memory:g})")
    p.add_argument("--output-limit", type=positive, default=DEFAULT.output_limit // 1024,
                   help=f"KB of printed text per notebook (default: {DEFAULT.output_limit // 1024})")
    p.add_argument("--db", default=None, help="gradebook database URL (default: sqlite:///OUT/gradebook.db)")
    p.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="grade on this Dask scheduler instead of in this process")
    p.add_argument("--course", default=None, metavar="DIR",
                   help="an nbgrader course folder to grade into, as for grade (its gradebook, autograded/, feedback/)")
    p.add_argument("--course-id", default=None, help="the gradebook's course id, as for grade")
    p.add_argument("--roster", default=None, metavar="FILE",
                   help="CSV learner,name,id,email: also keep OUT/canvas_import.csv up to date, as for grade")


def main(args):
    from autograder.grade import GraderError, Options
    from autograder.intake import IntakeError
    import warnings
    warnings.filterwarnings("ignore")  # nbformat's notes on learners' notebooks
    if not Path(args.inbox).is_dir():
        print(f"error: no such folder: {args.inbox}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    opts = Options(timeout=args.timeout, memory=args.memory, output_limit=int(args.output_limit * 1024), jobs=1,
                   db=args.db, progress=False, cluster=args.cluster, course=args.course, course_id=args.course_id,
                   roster=args.roster)
    w = Watcher(args.inbox, args.out, opts, settle=args.settle, poll=args.poll, grace=args.grace)
    try:
        w.run(once=args.once)
    except (GraderError, IntakeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    print(f"graded {len(w.graded)} submissions; grades: {w.out / 'grades.csv'}", file=sys.stderr)
    return 0

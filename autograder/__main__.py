"""Command line: ``python -m autograder release``, ``python -m autograder grade ...``, ``... edition DIR``.

    python -m autograder grade SUBMISSIONS --out OUT [--jobs N] [--timeout SECONDS] [--memory MB]

Exit status: 0 when the batch finished (whatever it found in the submissions),
1 when the grader could not run (no lessons, gradebook unreachable), 2 for bad
arguments or a missing SUBMISSIONS folder/zip.
"""

import argparse
import sys

from autograder.limits import DEFAULT


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value
    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="regenerate course/ from solutions/ with nbgrader")
    rel.add_argument("--out", default=None, help="release folder (default: course/)")
    rel.add_argument("lessons", nargs="*", help="only these lessons (default: all)")
    rel.add_argument("--seals", choices=["0", "1"], default=None,
                     help="1: quizzes carry seals (✓/✗ at once); 0: no seals, answers marked only when graded "
                          "(default: QUIZ_SEALS in autograder/nbconfig.py)")
    rel.add_argument("--no-seals", dest="seals", action="store_const", const="0", help="the same as --seals 0")
    gr = sub.add_parser("grade", help="grade a class's submissions (folder or .zip)",
                        description="Grade every learner's notebooks against the lessons in course/ and solutions/.")
    gr.add_argument("submissions", nargs="?", default=None,
                    help="folder or .zip: LEARNER/LESSON.ipynb or LEARNER/LESSON/LESSON.ipynb "
                         "(default with --course: COURSE/submitted)")
    gr.add_argument("--out", required=True, help="output folder: grades.csv, feedback/, report.html, gradebook.db")
    gr.add_argument("--jobs", type=_positive(int), default=None, help="notebooks graded at once (default: CPU cores)")
    gr.add_argument("--timeout", type=_positive(float), default=DEFAULT.timeout,
                    help=f"seconds per cell (default: {DEFAULT.timeout:g})")
    gr.add_argument("--memory", type=_positive(float), default=DEFAULT.memory,
                    help=f"MB a notebook may allocate on top of a fresh kernel (default: {DEFAULT.memory:g})")
    gr.add_argument("--output-limit", type=_positive(int), default=DEFAULT.output_limit // 1024,
                    help=f"KB of output per notebook, error messages included (default: {DEFAULT.output_limit // 1024})")
    gr.add_argument("--notebook-timeout", type=_positive(float), default=DEFAULT.notebook_timeout,
                    help=f"seconds for a whole notebook (default: {DEFAULT.notebook_timeout:g})")
    gr.add_argument("--db", default=None, help="gradebook database URL (default: sqlite:///OUT/gradebook.db)")
    gr.add_argument("--learner", action="append", default=None, metavar="NAME",
                    help="re-grade only this learner (repeatable); others keep their earlier results")
    gr.add_argument("--force", action="store_true", help="re-grade everything, ignoring earlier results")
    gr.add_argument("--course", default=None, metavar="DIR",
                    help="an nbgrader course folder to grade into: its submitted/, its gradebook.db (unless --db), "
                         "and autograded/ and feedback/ in nbgrader's layout for formgrader and release_feedback")
    gr.add_argument("--course-id", default=None,
                    help="the gradebook's course id (default: the course's nbgrader_config.py, else backprop-by-hand)")
    gr.add_argument("--roster", default=None, metavar="FILE",
                    help="CSV learner,name,id,email: also write OUT/canvas_import.csv (Canvas's gradebook import)")
    gr.add_argument("--no-progress", action="store_true", help="no progress bar")
    # grading on a Dask cluster, and on submit (autograder/cluster.py, autograder/watch.py)
    gr.add_argument("--cluster", default=None, metavar="ADDRESS",
                    help="grade the notebooks on this Dask scheduler (tcp://HOST:8786); this process writes the gradebook")
    ed = sub.add_parser("edition", help="write the learner edition (course/, backprop, binder/, README) into DIR",
                        description="Write what learners get into DIR: no solutions, reference, quiz key or "
                                    "hidden test (autograder/edition.py).")
    ed.add_argument("dir", help="a new or empty folder, or an earlier edition (replaced, .git/ kept)")
    ed.add_argument("--repo", default=None, metavar="OWNER/NAME",
                    help="the edition's own GitHub repository, for its Binder link (default: a placeholder)")
    from autograder import watch
    watch.add_arguments(sub.add_parser("watch", help="grade each submission as it lands in a folder, release feedback",
                                       description="Grade each submission in INBOX as it lands and release its "
                                                   "feedback, with the same sandbox and gradebook as grade."))
    args = parser.parse_args(argv)
    if args.command == "watch":
        return watch.main(args)
    if args.command == "edition":
        from autograder import edition
        return edition.main(args)
    if args.command == "release":
        from autograder.nbconfig import QUIZ_SEALS
        from autograder.release import release
        seals = QUIZ_SEALS if args.seals is None else args.seals == "1"
        ids = release(out=args.out, only=args.lessons or None, seals=seals)
        print(f"released {len(ids)} lessons: {', '.join(ids)} (quizzes {'with' if seals else 'without'} seals)")
        if seals != QUIZ_SEALS:
            print(f"note: QUIZ_SEALS in autograder/nbconfig.py is {QUIZ_SEALS}: set it to {seals} for a course run "
                  "this way, so nbgrader's own commands and the grader's gradebook hold the same cells "
                  "(and CI's check that course/ is fresh agrees)")
        return 0
    if args.command == "grade":
        import warnings
        from pathlib import Path
        warnings.filterwarnings("ignore")  # nbformat's notes on learners' notebooks go into the report instead
        if args.submissions is None:
            if not args.course:
                parser.error("give SUBMISSIONS, or --course DIR to grade DIR/submitted")
            args.submissions = str(Path(args.course) / "submitted")
        if args.course and not Path(args.course).is_dir():
            parser.error(f"no such course folder: {args.course}")
        if args.roster:
            from autograder.lms import read_roster
            try:
                read_roster(args.roster)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                parser.error(f"cannot use the roster {args.roster}: {exc}")
        if not Path(args.submissions).exists():
            parser.error(f"no such folder or .zip file: {args.submissions}")
        if Path(args.submissions).is_file():
            import zipfile
            if not zipfile.is_zipfile(args.submissions):
                print(f"error: {args.submissions} is not a readable .zip file", file=sys.stderr)
                return 2
        from autograder.grade import GraderError, Options, grade
        from autograder.intake import IntakeError
        opts = Options(timeout=args.timeout, memory=args.memory, output_limit=args.output_limit * 1024,
                       notebook_timeout=args.notebook_timeout, jobs=args.jobs or 0, db=args.db, force=args.force, only=args.learner,
                       progress=not args.no_progress and sys.stderr.isatty(), course=args.course,
                       course_id=args.course_id, roster=args.roster, cluster=args.cluster)
        try:
            s = grade(args.submissions, args.out, opts)
        except IntakeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except GraderError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        flagged = sum(1 for r in s.rows if set(r["flags"].split(";")) - {"", "missing", "late"})
        print(f"graded {s.graded} notebooks ({s.cached} unchanged, kept) for {len(s.learners)} learners × "
              f"{len(s.lessons)} lessons in {s.seconds:.1f} s; {flagged} flagged.")
        print(f"grades: {Path(args.out) / 'grades.csv'}   report: {Path(args.out) / 'report.html'}   "
              f"gradebook: {s.db_url}")
        for note in s.notes:
            print(f"note: {note}")
        return 0
    parser.error(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())

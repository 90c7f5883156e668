"""python -m autograder.quiz update|check|cells LESSON [NOTEBOOK] | answers LESSON FOLDER

update   rewrite the lesson's quiz cells in solutions/LESSON/LESSON.ipynb (or NOTEBOOK) from its key:
         question cells (prompt, options, seal), grade cells, and an answer line for a new question;
         every other cell is kept as written
check    validate the key, and fail (exit 1) if the solution notebook's quiz cells are not in step with it
cells    print the quiz cells the key generates (to read them; `update` is what writes them)
answers  write quiz_answers.json with the right answers into FOLDER (to try the grading)
"""

import argparse
import sys

from autograder import quiz
from autograder.quiz import notebook


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.quiz", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["update", "check", "cells", "answers"])
    p.add_argument("lesson")
    p.add_argument("path", nargs="?", help="update/check: the notebook (default: the lesson's solution notebook); "
                                           "answers: the folder")
    args = p.parse_args(argv)
    if args.command == "update":
        changes = notebook.update(args.lesson, args.path)
        where = args.path or notebook.notebook_path(args.lesson)
        print(f"{where}: " + ("; ".join(changes) if changes else "already in step with the key"))
        if changes:
            print("next: `make course` regenerates the learner notebooks, then `make check`")
    elif args.command == "check":
        qs = quiz.load_key(args.lesson)
        print(f"{args.lesson}: {len(qs)} questions OK: " + ", ".join(f"{q['n']}. {q['id']} ({q['kind']})" for q in qs))
        stale = notebook.update(args.lesson, args.path, write=False)
        if stale:
            print(f"the notebook's quiz cells are not in step with the key ({'; '.join(stale)}): "
                  f"run `python -m autograder.quiz update {args.lesson}`", file=sys.stderr)
            return 1
    elif args.command == "cells":
        for cell in notebook.cells(args.lesson):
            meta = cell.metadata["nbgrader"]
            kind = "test" if meta["grade"] else "solution" if meta["solution"] else "locked"
            points = f", {meta['points']:g} point{'s' if meta['points'] != 1 else ''}" if "points" in meta else ""
            print(f"# ---- {meta['grade_id']} ({kind}{points})")
            print(cell.source)
    else:
        if not args.path:
            p.error("answers needs a FOLDER")
        print(quiz.write_answers(args.path, args.lesson, quiz.right_answers(args.lesson)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

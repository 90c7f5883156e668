"""python -m autograder.quiz cells LESSON | answers LESSON FOLDER [--wrong] | check LESSON

cells    print the lesson's quiz as .nbsrc blocks (questions with seals, answers cell, grade cells)
update   rewrite the question and grade blocks of an .nbsrc file (FOLDER = the .nbsrc path) from the key
answers  write quiz_answers.json with the right answers into FOLDER (to try the grading)
check    load and validate the lesson's key
"""

import argparse
import sys

from autograder import quiz


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.quiz", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["cells", "update", "answers", "check"])
    p.add_argument("lesson")
    p.add_argument("folder", nargs="?")
    args = p.parse_args(argv)
    if args.command == "cells":
        sys.stdout.write(quiz.cells(args.lesson))
    elif args.command == "update":
        if not args.folder:
            p.error("update needs the .nbsrc file")
        from pathlib import Path
        path = Path(args.folder)
        new = quiz.update_source(args.lesson, path.read_text(encoding="utf-8"))
        path.write_text(new, encoding="utf-8")
        print(f"updated the quiz blocks of {path}")
    elif args.command == "answers":
        if not args.folder:
            p.error("answers needs a FOLDER")
        print(quiz.write_answers(args.folder, args.lesson, quiz.right_answers(args.lesson)))
    else:
        qs = quiz.load_key(args.lesson)
        print(f"{args.lesson}: {len(qs)} questions OK: " + ", ".join(f"{q['n']}. {q['id']} ({q['kind']})" for q in qs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: ``python -m autograder release`` and ``python -m autograder grade ...``."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="regenerate course/ from solutions/ with nbgrader")
    rel.add_argument("--out", default=None, help="release folder (default: course/)")
    rel.add_argument("lessons", nargs="*", help="only these lessons (default: all)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "release":
        from autograder.release import release
        ids = release(out=args.out, only=args.lessons or None)
        print(f"released {len(ids)} lessons: {', '.join(ids)}")
        return 0
    parser.error(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())

"""The repository stands on its own: no path of a developer's machine, and the linter's project rules bite."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Absolute paths that only exist on somebody's machine: home folders, this workplace's checkouts, a pyenv.
# Built from parts, so this file names no such path itself.
_ROOTS = ["work", "root", "home", "Users", "opt" + "/pypi"]
_SEP = "/"
MACHINE_PATH = re.compile("(?<![\\w.])(" + "|".join(re.escape(_SEP + r + ("" if r.startswith("opt") else _SEP)) + ("\\w" if r in ("home", "Users") else "")
                                                     for r in _ROOTS) + r"|[A-Z]:\\Users\\|\.pyenv" + _SEP + ")")


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return [ROOT / p for p in out if (ROOT / p).is_file()]


def test_no_tracked_file_names_a_path_of_a_developers_machine():
    hits = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue   # binary data (the digits .npz)
        for n, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not hits, "paths of a developer's machine:\n" + "\n".join(hits)


def test_the_machine_path_pattern_finds_what_it_should():
    bad_paths = [f"run {_SEP}work{_SEP}authoring{_SEP}x.nbsrc", f"see {_SEP}root{_SEP}.cache",
                 f"{_SEP}home{_SEP}alice{_SEP}course", f"~{_SEP}.pyenv{_SEP}versions"]
    for bad in bad_paths:
        assert MACHINE_PATH.search(bad), bad
    for fine in ("course/01_chain_rule", f"solutions{_SEP}work{_SEP}x", "OUT/feedback/alice", f"https://example.org{_SEP}home{_SEP}"):
        assert not MACHINE_PATH.search(fine), fine


def _ruff():
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is not installed: it is pinned in requirements-dev.txt (run `make setup`)")
    return exe


@pytest.mark.parametrize("path,code,rule", [
    ("backprop/new_module.py", "import autograder.quiz\nautograder.quiz.grade\n", "TID251"),   # learner → instructor
    ("backprop/new_module.py", "from autograder.reference import two_layer\ntwo_layer\n", "TID251"),
    ("autograder/new_step.py", "import pickle\npickle.loads(b'')\n", "TID251"),             # plain data only
    ("autograder/new_step.py", "import os\n", "F401"),                                       # unused import
    ("tests/test_new.py", "def test():\n    assert undefined_name\n", "F821"),               # undefined name
])
def test_the_linter_enforces_the_projects_rules(path, code, rule):
    r = subprocess.run([_ruff(), "check", "--no-cache", "--output-format", "concise", "--stdin-filename", path, "-"],
                       cwd=ROOT, input=code, capture_output=True, text=True)
    assert r.returncode == 1 and rule in r.stdout, r.stdout + r.stderr


def test_the_tree_is_lint_clean():
    r = subprocess.run([_ruff(), "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr

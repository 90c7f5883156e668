import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")

ARTIFACTS = ROOT / "artifacts"

# `make test` runs the suite in two pytest-xdist workers (--dist loadgroup). Tests that share an expensive
# module- or session-scoped fixture (one JupyterLab and Chromium, a class graded once) stay in one worker, so
# the fixture is built once; every other test is handed to whichever worker is free.
SHARED_FIXTURE_MODULES = {"test_autograder_class.py", "test_autograder_resume.py", "test_plain_nbgrader.py",
                          "test_grade_into_course.py"}


def pytest_collection_modifyitems(config, items):
    import pytest
    for item in items:
        path = item.path
        if "browser" in path.parts:
            item.add_marker(pytest.mark.xdist_group("browser"))
        elif path.name in SHARED_FIXTURE_MODULES:
            item.add_marker(pytest.mark.xdist_group(path.stem))

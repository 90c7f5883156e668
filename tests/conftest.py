import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")

ARTIFACTS = ROOT / "artifacts"

# `make test` runs the suite in two pytest-xdist workers (--dist loadgroup). Tests that share an expensive
# module- or session-scoped fixture (a class graded once, Binder's fresh venv) stay in one worker, so
# the fixture is built once; every other test is handed to whichever worker is free.
# (Each worker starts its own JupyterLab and Chromium for the browser tests: seconds, so those spread out.)
SHARED_FIXTURE_MODULES = {"test_autograder_class.py", "test_autograder_resume.py", "test_plain_nbgrader.py",
                          "test_grade_into_course.py", "test_binder.py"}


def pytest_collection_modifyitems(config, items):
    import pytest
    for item in items:
        path = item.path
        if path.name in SHARED_FIXTURE_MODULES:
            item.add_marker(pytest.mark.xdist_group(path.stem))

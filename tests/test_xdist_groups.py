"""`make test`'s two workers keep each module that shares an expensive fixture on one worker.

Without it each worker builds the fixture (a class graded, Binder's venv) again: minutes of the time budget.
Runs a small suite through the real conftest hook with `-n 2 --dist loadgroup`, as `make test` does.
"""
import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _course_conftest():
    # by path: "conftest" may name tests/browser/conftest.py in this process
    spec = importlib.util.spec_from_file_location("course_conftest", HERE / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONFTEST = f"""
import importlib.util
spec = importlib.util.spec_from_file_location("course_conftest", {str(HERE / "conftest.py")!r})
course = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course)
pytest_collection_modifyitems = course.pytest_collection_modifyitems
"""

TESTS = """
import time, pytest
@pytest.mark.parametrize("i", range(8))
def test_one(i):
    time.sleep(0.05)
"""


def test_a_shared_fixture_module_runs_on_one_worker(tmp_path):
    grouped = sorted(_course_conftest().SHARED_FIXTURE_MODULES)[0]
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / grouped).write_text(TESTS)
    (tmp_path / "test_free.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p",
                          "no:cacheprovider", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    workers = {}
    for line in run.stdout.splitlines():
        if "PASSED" in line and line.startswith("[gw"):
            workers.setdefault(line.split("::")[0].split()[-1], Counter())[line[1:4]] += 1
    assert sum(sum(c.values()) for c in workers.values()) == 16, run.stdout[-2000:]
    assert len(workers[grouped]) == 1, (
        f"{grouped}'s tests ran on {dict(workers[grouped])}: the xdist_group mark did not take, so each worker "
        "would build its fixture again (is pytest newer than requirements-dev.txt's pin?)")

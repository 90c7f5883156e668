"""Session fixtures for the browser tests: one JupyterLab server and one Chromium for the whole run.

The server serves a temporary copy of course/ and solutions/ (running a notebook
in JupyterLab writes outputs, checkpoints and quiz answers beside it, and the
repository must stay clean); kernels get the repository root on PYTHONPATH so
hidden tests can import ``autograder.reference``. Chromium is Debian's, installed
by ``make system``; Playwright's own browser download is never used.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lab import ROOT, LabServer, copy_lessons  # noqa: E402

CHROMIUM = os.environ.get("BP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "artifacts" / "browser"
VIEWPORT = {"width": 1280, "height": 900}


def launch_chromium(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests use Debian's chromium; install it with `make system`")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = launch_chromium(playwright_instance)
    yield b
    b.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab from this environment, serving a copy of the lessons (and the test fixtures)."""
    tmp = tmp_path_factory.mktemp("lab")
    root = copy_lessons(tmp / "repo")
    server = LabServer(sys.executable, root, tmp / "home", kernel_pythonpath=[ROOT]).start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture
def lab_page(lab, page):
    """A page for one notebook; the server's kernels are stopped afterwards (two cores, many lessons)."""
    yield page
    lab.shutdown_kernels()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS

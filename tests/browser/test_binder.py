"""The Binder configuration, tested the way mybinder.org would use it.

* The README's launch links must open a notebook that exists (parsed from ``urlpath``).
* binder/ must install exactly the pins of requirements.txt, including what widgets
  need on the Python side (ipywidgets, anywidget) and the JupyterLab side
  (jupyterlab_widgets, widgetsnbextension).
* A fresh virtual environment is built from binder/ as repo2docker builds one
  (``pip install -r binder/requirements.txt`` from the repository root, then
  ``binder/postBuild``), on a copy of the repository (postBuild's ``pip install -e .``
  writes into the source tree); JupyterLab is started from that environment, the
  README's launch link is opened, and lesson 01 is run and its widgets checked.
  pip's cache is used, so only the first build on a machine downloads anything.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from lab import ROOT, LabServer
from labcheck import NotebookSession, check_notebook, nbgrader_cells, report, assert_run_all_continues

# What widgets need, on both sides; binder must pin each exactly as requirements.txt does.
WIDGET_PINS = ["ipywidgets", "jupyterlab_widgets", "widgetsnbextension", "anywidget", "jupyterlab", "ipykernel"]
LAB_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "anywidget"]
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/[^\s)\"'>]+")


def pins(path, seen=None):
    """{normalised name: version} for every ``name==version`` in a requirements file, following ``-r``."""
    path = Path(path).resolve()
    seen = seen if seen is not None else set()
    if path in seen:
        return {}
    seen.add(path)
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            out.update(pins(path.parent / line.split(None, 1)[1], seen))
        elif "==" in line:
            name, version = line.split("==", 1)
            out[re.sub(r"[-_.]+", "-", name.strip().lower())] = version.strip()
    return out


def binder_link_targets(text):
    """[(link, path inside the repository)] for every mybinder.org launch link in ``text``."""
    out = []
    for link in BINDER_LINK.findall(text):
        q = parse_qs(urlparse(link).query)
        if "labpath" in q:
            target = q["labpath"][0]
        elif "filepath" in q:
            target = q["filepath"][0]
        elif "urlpath" in q:
            target = re.sub(r"^/?(lab/tree|lab/workspaces/[^/]+/tree|tree|notebooks|doc/tree)/", "",
                            unquote(q["urlpath"][0]))
        else:
            target = ""  # opens the file browser at the root
        out.append((link, target.split("?")[0]))
    return out


def missing_link_targets(text, root=ROOT):
    """The launch links whose notebook is not in the repository (tracked by git)."""
    tracked = set(subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split())
    bad = []
    for link, target in binder_link_targets(text):
        if target and target not in tracked and not any(t.startswith(target.rstrip("/") + "/") for t in tracked):
            bad.append((link, target))
    return bad


def test_readme_launch_links_open_notebooks_that_exist():
    text = (ROOT / "README.md").read_text()
    links = binder_link_targets(text)
    assert links, "the README has no Binder launch link"
    assert any(t.endswith(".ipynb") for _, t in links), f"no README launch link opens a notebook: {links}"
    bad = missing_link_targets(text)
    assert not bad, "README Binder links point at notebooks that are not in the repository:\n" + \
        "\n".join(f"{t}  ({link})" for link, t in bad)


def test_link_check_catches_a_link_to_a_missing_notebook():
    text = ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/o/r/main"
            "?urlpath=lab/tree/course/01_chain_rule/01_chain_rul.ipynb)\n"
            "[ok](https://mybinder.org/v2/gh/o/r/main?urlpath=lab%2Ftree%2Fcourse%2F01_chain_rule%2F01_chain_rule.ipynb)")
    bad = missing_link_targets(text)
    assert [t for _, t in bad] == ["course/01_chain_rule/01_chain_rul.ipynb"]


def test_binder_pins_exactly_what_requirements_pin():
    want = pins(ROOT / "requirements.txt")
    got = pins(ROOT / "binder" / "requirements.txt")
    for name in WIDGET_PINS:
        key = re.sub(r"[-_.]+", "-", name)
        assert key in want, f"requirements.txt does not pin {name}"
        assert got.get(key) == want[key], f"binder/ pins {name}=={got.get(key)}, requirements.txt {want[key]}"
    assert got == want, f"binder/ and requirements.txt pin different versions: {set(got.items()) ^ set(want.items())}"
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), f"binder/runtime.txt should read python-3.X, not {runtime!r}"
    need = re.search(r'requires-python\s*=\s*">=\s*3\.(\d+)"', (ROOT / "pyproject.toml").read_text())
    assert need and int(runtime.split(".")[1]) >= int(need.group(1)), \
        f"binder/runtime.txt ({runtime}) is older than pyproject's requires-python"
    post = ROOT / "binder" / "postBuild"
    assert post.read_text().startswith("#!"), "binder/postBuild needs a shebang line (repo2docker executes it)"


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout


@pytest.fixture(scope="session")
def binder_env(tmp_path_factory):
    """A repository copy (tracked files only) and a fresh venv built from its binder/ as repo2docker does."""
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "repo"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True).stdout.split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if src.is_file():
            (repo / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / f)
    runtime = (repo / "binder" / "runtime.txt").read_text().strip().split("-", 1)[1]
    python = shutil.which(f"python{runtime}") or sys.executable
    env_dir = tmp / "env"
    t0 = time.perf_counter()
    _run([python, "-m", "venv", str(env_dir)])
    bin_ = env_dir / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(bin_), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(env_dir)
    # repo2docker: pip install -r binder/requirements.txt in the repository root (here with pip's cache)
    _run([str(bin_ / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
          "binder/requirements.txt"], cwd=repo, env=env)
    # repo2docker: make postBuild executable and run it from the repository root
    post = repo / "binder" / "postBuild"
    post.chmod(0o755)
    _run(["./binder/postBuild"], cwd=repo, env=env)
    seconds = time.perf_counter() - t0
    print(f"\nbinder environment built in {seconds:.0f} s")
    return {"repo": repo, "python": bin_ / "python", "env": env, "home": tmp / "home", "seconds": seconds}


@pytest.mark.browser
@pytest.mark.slow
def test_binder_environment_has_the_pinned_widget_stack(binder_env):
    listed = json.loads(_run([str(binder_env["python"]), "-m", "pip", "list", "--format=json"], env=binder_env["env"]))
    have = {re.sub(r"[-_.]+", "-", p["name"].lower()): p["version"] for p in listed}
    want = pins(ROOT / "requirements.txt")
    for name in WIDGET_PINS:
        key = re.sub(r"[-_.]+", "-", name)
        assert have.get(key) == want[key], f"the Binder environment has {name} {have.get(key)}, pinned {want[key]}"
    exts = _run([str(binder_env["python"]), "-m", "jupyter", "labextension", "list"], env=binder_env["env"]) + \
        subprocess.run([str(binder_env["python"]), "-m", "jupyter", "labextension", "list"], capture_output=True,
                       text=True, env=binder_env["env"]).stderr
    ours = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True, text=True)
    ours = ours.stdout + ours.stderr
    for ext in LAB_EXTENSIONS:
        line = re.search(rf"{re.escape(ext)} (v\S+) \S*enabled\S* \S*OK", exts)
        mine = re.search(rf"{re.escape(ext)} (v\S+)", ours)
        assert line, f"JupyterLab in the Binder environment lacks the widget extension {ext}:\n{exts}"
        assert mine and line.group(1) == mine.group(1), \
            f"{ext}: Binder has {line.group(1)}, the development environment {mine and mine.group(1)}"


@pytest.mark.browser
@pytest.mark.slow
def test_binder_environment_holds_no_instructor_package(binder_env):
    """Learners' kernels (cwd: a lesson folder) can import backprop but not the answers in autograder/."""
    lesson = binder_env["repo"] / "course" / "01_chain_rule"
    code = "import backprop\ntry:\n    import autograder\nexcept ImportError:\n    print('NO-ANSWERS')\n"
    out = _run([str(binder_env["python"]), "-c", code], cwd=lesson, env=binder_env["env"])
    assert "NO-ANSWERS" in out, "a learner's kernel on Binder can import the instructor package"
    listed = json.loads(_run([str(binder_env["python"]), "-m", "pip", "list", "--format=json"], env=binder_env["env"]))
    assert "backprop-by-hand-instructor" not in {p["name"].lower() for p in listed}


@pytest.mark.browser
@pytest.mark.slow
def test_binder_launch_link_opens_lesson_01_with_working_widgets(binder_env, browser, artifacts):
    text = (ROOT / "README.md").read_text()
    target = next(t for _, t in binder_link_targets(text) if t.endswith(".ipynb"))
    repo = binder_env["repo"]
    path = repo / target
    assert path.exists(), f"the README launch link opens {target}, which the repository does not have"
    # no PYTHONPATH: on Binder the course package comes from postBuild's install, nothing else
    server = LabServer(binder_env["python"], repo, binder_env["home"]).start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    learner = target.startswith("course/")
    allowed = nbgrader_cells(path) if learner else []
    if allowed:
        assert_run_all_continues(path, allowed)
    session = NotebookSession(page, server, path, label=f"Binder: {target}")
    shot = None
    try:
        # open exactly what the link opens: /lab/tree/<path> in a fresh workspace
        problems, moves = check_notebook(session, allowed_errors=allowed, allow_todo=learner,
                                         url=server.lab_url(target))
    finally:
        shot = session.screenshot(artifacts / "binder-lesson01.png")
        context.close()
        server.stop()
    assert not problems, "in the Binder environment:\n" + report(problems, shot, session.widget_console_errors())
    assert moves, "lesson 01 shows no slider in the Binder environment"

"""The learner edition (`make learner-edition DIR=...`, autograder/edition.py) holds what learners get, no answer.

The search rule (``autograder.edition.secrets``): every line between ``### BEGIN SOLUTION`` / ``### END SOLUTION``
and ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in solutions/*/*.ipynb, stripped, counts as a secret
unless it is shorter than 16 characters or a float64 conversion of an argument (``z = np.asarray(z,
dtype=np.float64)``: too common to mean anything), or it occurs in the lessons' public text (markdown, code
outside those regions), which learners read anyway. Every quiz giveaway from autograder/quiz/keys/ (explanations,
numeric answers, list answers, answers by code) counts too, and in an edition released without seals the salt
and ``seal=``. Every file of the edition is searched for every secret (a notebook also as its joined cell sources).
The only hits allowed are in the learner package, inside a function that computes an exercise's answer as one
of the lessons' tools (``backprop.losses.softmax``, ``backprop.gradcheck.relative_error``; the grader scores an
answer that calls one 0): the test lists them.

The extensions: Jupyter itself (jupyter_server's ServerApp, jupyterlab_server's page config) reads the edition's
jupyter-config/ and must find nbgrader's formgrader, course list and create-assignment off, its assignment list
and Validate on; without that folder, in the same environment, all of them are on (the control).
"""

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest

from autograder import edition
from autograder import quiz as aq
from nbrun import ROOT

LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edition") / "learners"
    return edition.build(folder, repo="example-org/backprop-learners")


@pytest.fixture(scope="module")
def hidden():
    return edition.secrets()


def test_the_edition_holds_the_course_the_package_and_its_own_binder(built):
    out = built.folder
    top = sorted(p.name for p in out.iterdir())
    assert top == sorted([".gitignore", edition.MARKER, "README.md", "backprop", "binder", "course", "jupyter-config",
                          "pyproject.toml", "requirements.txt"])
    # course/: byte for byte the release the grader checks submissions against
    for lesson in LESSONS:
        name = f"{lesson}/{lesson}.ipynb"
        assert (out / "course" / name).read_bytes() == (ROOT / "course" / name).read_bytes(), name
    assert (out / "backprop" / "quiz" / "order.js").exists() and (out / "backprop" / "data").is_dir()
    for bad in ("solutions", "autograder", "tests", "instructor", "benchmarks", "nbgrader_config.py"):
        assert not list(out.rglob(bad)), f"the edition holds {bad}"
    assert not list(out.rglob("quiz_answers*.json")) and not list(out.rglob("__pycache__"))
    assert not [p for p in out.rglob("*.py") if "keys" in p.parts]
    # the package it installs is backprop alone
    project = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    root_project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["packages"] == root_project["tool"]["setuptools"]["packages"]
    assert all(p.split(".")[0] == "backprop" for p in project["tool"]["setuptools"]["packages"])
    assert "pytest" not in project["tool"] and "ruff" not in project["tool"]


def _pins(text):
    return {re.split("==", line)[0].lower(): line for line in text.splitlines() if "==" in line}


def test_requirements_are_the_learners_pins_only(built):
    mine = _pins((built.folder / "requirements.txt").read_text(encoding="utf-8"))
    course = _pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    assert mine and all(course.get(name) == line for name, line in mine.items()), "a pin differs from the course's"
    assert not {"psutil", "dask", "distributed"} & set(mine), "the grader's packages are not the learner's"
    # what the notebooks and the package import, and nbgrader for Validate and the assignment list
    assert {"numpy", "matplotlib", "ipywidgets", "anywidget", "jupyterlab", "ipykernel", "nbgrader", "tqdm"} <= set(mine)
    assert "-e ." in (built.folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    binder = built.folder / "binder"
    assert (binder / "requirements.txt").read_text(encoding="utf-8").strip().endswith("-r ../requirements.txt")
    assert os.access(binder / "postBuild", os.X_OK) and os.access(binder / "start", os.X_OK)
    assert 'exec "$@"' in (binder / "start").read_text(encoding="utf-8")


def test_the_readme_launches_the_editions_own_binder(built):
    readme = (built.folder / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)]+", readme)
    assert links == ["https://mybinder.org/v2/gh/example-org/backprop-learners/HEAD"
                     "?urlpath=lab/tree/course/01_chain_rule/01_chain_rule.ipynb"]
    target = links[0].split("urlpath=lab/tree/", 1)[1]
    assert (built.folder / target).exists()
    assert "backprop-by-hand/backprop-by-hand" not in readme  # not the instructors' repository
    assert "{{" not in readme and all(f"`{lesson}`" in readme for lesson in LESSONS)


def test_a_placeholder_repository_is_said_to_be_one(tmp_path):
    ed = edition.build(tmp_path / "e")
    readme = (ed.folder / "README.md").read_text(encoding="utf-8")
    assert edition.PLACEHOLDER_REPO in readme and "is a placeholder" in readme
    # rebuilding an edition in place keeps .git/ (the edition's own repository) and replaces the rest
    (ed.folder / ".git").mkdir()
    (ed.folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ed.folder / "stale.txt").write_text("from an older edition")
    edition.build(ed.folder, repo="example-org/backprop-learners")
    assert (ed.folder / ".git" / "HEAD").exists() and not (ed.folder / "stale.txt").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("someone's folder")
    with pytest.raises(edition.EditionError, match="not empty"):
        edition.build(tmp_path / "other")


def test_the_secrets_cover_every_lesson(hidden):
    """The search is not vacuous: each lesson gives solution and hidden-test lines, each key its giveaways."""
    for lesson in LESSONS:
        kinds = {s.what for s in hidden if s.where == lesson}
        assert kinds == {"solution", "hidden test"}, (lesson, kinds)
    keys = {s.where for s in hidden if s.what == "quiz key"}
    assert keys == {f"autograder/quiz/keys/{lesson}.py" for lesson in LESSONS}
    texts = {s.text for s in hidden}
    assert all(len(s.text) >= edition.MIN_SECRET for s in hidden if s.what in ("solution", "hidden test"))
    assert any("autograder.reference" in t for t in texts)
    for q in aq.load_key("07_try_it"):
        for text in q["explain"].values() if isinstance(q.get("explain"), dict) else []:
            assert text in texts


def test_no_solution_hidden_test_or_key_anywhere_in_the_edition(built, hidden):
    hits = edition.find_secrets(built.folder, found_in=hidden)
    leaks = [(h.file, h.secret.what, h.secret.where, h.secret.text[:70]) for h in edition.leaks(hits)]
    assert not leaks, f"the learner edition gives away: {leaks}"
    # the only hits: lines of package functions that compute an exercise's answer as a lesson's tool
    shipped = {h.shipped for h in hits if h.shipped}
    assert shipped <= edition.answers_in_package()
    assert all(h.file.startswith("backprop/") and h.file.endswith(".py") for h in hits if h.shipped)
    assert built.shipped == sorted(shipped)


@pytest.mark.parametrize("what", ["solution", "hidden test", "quiz key", "marker"])
def test_a_planted_secret_is_found(built, hidden, what, tmp_path):
    """The search can fail: one secret of each kind planted in a copy of the edition is caught."""
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(built.folder, copy)
    secret = next(s for s in hidden if s.what == what)
    nb_path = copy / "course" / "01_chain_rule" / "01_chain_rule.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] = ["x = 1\n", "    " + secret.text + "\n"]  # indented, inside a notebook's JSON
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    found = edition.leaks(edition.find_secrets(copy, found_in=hidden))
    assert ("course/01_chain_rule/01_chain_rule.ipynb", secret) in [(h.file, h.secret) for h in found]
    # and in the package, outside the functions shipped on purpose
    (copy / "backprop" / "notes.py").write_text(f'"""{secret.text}"""\n', encoding="utf-8")
    assert "backprop/notes.py" in [h.file for h in edition.leaks(edition.find_secrets(copy, found_in=hidden))]


def test_the_build_refuses_an_edition_with_a_secret(tmp_path):
    """A solution line that sneaks into what is copied stops the build (so it is never handed out)."""
    line = next(s for s in edition.secrets() if s.what == "solution").text
    import shutil
    fake = tmp_path / "root"
    fake.mkdir()
    for name in ("solutions", "binder"):
        (fake / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "course", fake / "course", ignore=shutil.ignore_patterns("quiz_answers*.json"))
    shutil.copytree(ROOT / "backprop", fake / "backprop", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "requirements.txt", "README.md"):
        shutil.copy(ROOT / name, fake / name)
    (fake / "backprop" / "helpers.py").write_text(f"def helper(x):\n    {line}\n", encoding="utf-8")
    with pytest.raises(edition.EditionError, match="secret"):
        edition.build(tmp_path / "out", root=fake)


CHECK = """
import json, logging
from jupyter_core.paths import jupyter_path
from jupyter_server.serverapp import ServerApp
from jupyterlab_server.config import get_page_config
app = ServerApp()
app.load_config_file()
app.find_server_extensions()  # what the server enables: traitlets config and the jupyter_server_config.d files
page = get_page_config(jupyter_path("labextensions"), logger=logging.getLogger("check"))
print(json.dumps({"server": {k: bool(v) for k, v in app.jpserver_extensions.items() if k.startswith("nbgrader")},
                  "lab_disabled": sorted(page.get("disabledExtensions", []))}))
"""


def _jupyter_sees(tmp_path, config_path=None):
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "user-config"))  # no one's own ~/.jupyter
    env.pop("JUPYTER_CONFIG_PATH", None)
    if config_path is not None:
        env["JUPYTER_CONFIG_PATH"] = str(config_path)
    r = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_nbgrader_instructor_tools_are_off_for_learners_validate_and_assignments_on(built, tmp_path):
    seen = _jupyter_sees(tmp_path, built.folder / "jupyter-config")
    assert seen["server"] == {"nbgrader.server_extensions.formgrader": False,
                              "nbgrader.server_extensions.course_list": False,
                              "nbgrader.server_extensions.assignment_list": True,
                              "nbgrader.server_extensions.validate_assignment": True}
    assert seen["lab_disabled"] == ["@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment",
                                    "@jupyter/nbgrader:formgrader"]
    # the control: the same environment without the edition's configuration shows the instructor's tools
    plain = _jupyter_sees(tmp_path)
    assert plain["server"].get("nbgrader.server_extensions.formgrader") is True and plain["lab_disabled"] == []
    # Binder reaches the same folder: binder/start puts it on JUPYTER_CONFIG_PATH
    start = (built.folder / "binder" / "start").read_text(encoding="utf-8")
    assert "jupyter-config" in start and "JUPYTER_CONFIG_PATH" in start

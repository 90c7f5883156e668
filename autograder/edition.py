"""The learner edition: what learners get, and nothing else.

    make learner-edition DIR=../backprop-learners [REPO=owner/name]
    python -m autograder edition DIR [--repo OWNER/NAME]

writes into DIR:

- ``course/``: the released notebooks, exactly as in this repository (so the grader, which checks
  submissions against ``course/``, accepts them; their quiz mode is the release's, ``QUIZ_SEALS``);
- ``backprop/``: the learner package, and a ``pyproject.toml`` that installs it alone;
- ``requirements.txt``: the course's pins without the grader's (:data:`INSTRUCTOR_ONLY`), nbgrader
  kept for its Validate button and assignment list;
- ``binder/``: repo2docker's files for the edition (the pins, the package, ``start`` pointing Jupyter
  at ``jupyter-config/``);
- ``jupyter-config/``: Jupyter's own configuration, read through ``JUPYTER_CONFIG_PATH``: nbgrader's
  instructor parts off (:data:`SERVER_EXTENSIONS`, :data:`LAB_PLUGINS`), Validate and the assignment list on;
- ``README.md`` for learners (from ``edition/README.md``), with the edition's own Binder link.

Nothing from ``solutions/``, ``autograder/`` (reference solutions, quiz keys, grading) or the tests. The
build ends by searching every file it wrote for every secret (:func:`secrets`: solution and hidden-test
lines, quiz giveaways, and seals in an edition released without them); it fails, leaving the folder for
inspection, if it finds one. DIR must be new, empty, or an earlier edition (it holds :data:`MARKER`):
then every file but ``.git/`` is replaced, so DIR can be a clone of the edition's own repository.
"""

import fnmatch
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.nbconfig import IGNORE, NOT_RELEASED, RELEASE, ROOT, SOURCE, source_lessons

TEMPLATE = ROOT / "edition"
MARKER = ".learner-edition"
#: The README's Binder link when no repository is given: a placeholder, to be replaced by the edition's own.
PLACEHOLDER_REPO = "YOUR-ORG/backprop-by-hand-learners"
#: Pins in requirements.txt that only the grader needs (memory limits, grading on a Dask cluster).
INSTRUCTOR_ONLY = ("psutil", "dask", "distributed", "latex2mathml")
#: Never copied into the edition, wherever they are.
SKIPPED = tuple(IGNORE) + tuple(NOT_RELEASED) + ("*.egg-info", "ruff.toml", ".pytest_cache")

#: nbgrader's server extensions in the learner environment: the formgrader and the course list (which
#: lists the courses one teaches) are the instructor's; Validate and the assignment list are the learner's.
SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}
#: nbgrader's JupyterLab plugins switched off for learners (the same as `jupyter labextension disable …`);
#: @jupyter/nbgrader:assignment-list, :validate-assignment and :menu stay on.
LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list")

#: Lines of solutions and hidden tests shorter than this (stripped) are too common to be a secret
#: (``return out``, ``errors = {}``, ``continue``).
MIN_SECRET = 16
#: ... and so is the course's float64 conversion of an argument, which every function starts with
#: (STYLE.md: float64 for every check): ``z = np.asarray(z, dtype=np.float64)``.
_BOILERPLATE = re.compile(r"(\w+) = np\.asarray\(\1, dtype=np\.float64\)")
_REGION = re.compile(r"^[ \t]*### BEGIN (SOLUTION|HIDDEN TESTS)[ \t]*\n(.*?)^[ \t]*### END \1[ \t]*$", re.M | re.S)
#: Text that marks instructor material wherever it appears.
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS",
           "autograder.reference")


class EditionError(Exception):
    """The edition could not be written, or what was written holds a secret."""


# ---------------------------------------------------------------- secrets ---

@dataclass(frozen=True)
class Secret:
    text: str
    what: str   # "solution", "hidden test", "quiz key", "quiz seal", "marker"
    where: str  # "03_two_layer_network", "autograder/quiz/keys/07_try_it.py", …


def _public_text(root):
    """Everything the lessons show learners anyway: markdown and code outside the solution and hidden regions."""
    parts = []
    for lesson in source_lessons(root):
        nb = json.loads((Path(root) / SOURCE / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            parts.append(_REGION.sub("", src) if cell["cell_type"] == "code" else src)
    return "\n".join(parts)


def secrets(root=ROOT, seals=True):
    """Every string that must never reach a learner, as :class:`Secret` records.

    - **solution and hidden-test lines**: each line between ``### BEGIN SOLUTION`` / ``### END SOLUTION``
      or ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in ``solutions/*/*.ipynb``, stripped, unless
      it is shorter than :data:`MIN_SECRET` characters or a float64 conversion of an argument (too common
      to mean anything), or occurs anywhere in the lessons' public text (markdown, code outside those
      regions: learners read it there anyway);
    - **quiz giveaways** from ``autograder/quiz/keys/`` (:func:`autograder.quiz.giveaways`: explanations,
      numeric answers, list answers, answers by code);
    - **seals**, when the edition is released without them (``seals=False``): the salt and ``seal=``;
    - **markers**: nbgrader's region markers and ``autograder.reference`` (:data:`MARKERS`).
    """
    from autograder import quiz

    root = Path(root)
    public = _public_text(root)
    out, seen = [], set()

    def add(text, what, where):
        if text not in seen:
            seen.add(text)
            out.append(Secret(text, what, where))

    for lesson in source_lessons(root):
        nb = json.loads((root / SOURCE / lesson / f"{lesson}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            for m in _REGION.finditer("".join(cell["source"])):
                what = "solution" if m.group(1) == "SOLUTION" else "hidden test"
                for line in m.group(2).splitlines():
                    line = line.strip()
                    if len(line) >= MIN_SECRET and not _BOILERPLATE.fullmatch(line) and line not in public:
                        add(line, what, lesson)
    for key in sorted(quiz.KEYS.glob("[0-9]*.py")):
        for text in quiz.giveaways(key.stem):
            add(text, "quiz key", f"autograder/quiz/keys/{key.name}")
    if not seals:
        add(quiz.SALT, "quiz seal", "autograder/quiz/__init__.py (SALT)")
        add("seal=", "quiz seal", "autograder/quiz/notebook.py (question cells)")
    for marker in MARKERS:
        add(marker, "marker", "nbgrader")
    return out


def _readable(path):
    """A file's text as a learner could read it: the bytes as UTF-8, and a notebook's cell sources joined."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".ipynb":
        try:
            text += "\n" + "\n".join("".join(c.get("source", "")) for c in json.loads(text).get("cells", []))
        except (ValueError, AttributeError):
            pass
    return text


@dataclass(frozen=True)
class Hit:
    file: str             # relative to the searched folder
    secret: Secret
    shipped: str = ""     # "backprop.losses.softmax": a package function the course ships on purpose (see below)


def answers_in_package(root=ROOT):
    """Dotted names of learner-package functions that compute an exercise's answer and ship anyway.

    The package's tools that later lessons and visible tests use (``backprop.losses.softmax``,
    ``backprop.gradcheck.relative_error``, …): those in ``autograder.protected.ANSWER_IN_PACKAGE`` and those
    named like a function an exercise asks for. The grader scores an answer that calls one 0
    (``reference-import``), so their lines are no secret to find in ``backprop/``.
    """
    import ast

    from autograder.lessons import load_lesson
    from autograder.protected import ANSWER_IN_PACKAGE

    exercises = set()
    for lesson in source_lessons(root):
        exercises |= set(load_lesson(lesson, root).answer_names)
    named = {d for ds in ANSWER_IN_PACKAGE.values() for d in ds}
    for path in sorted((Path(root) / "backprop").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in exercises:
                named.add(f"{module}.{node.name}")
    return named


def _definitions(path, folder):
    """[(first line, last line, dotted name)] of a package file's top-level functions and classes."""
    import ast
    module = ".".join(path.relative_to(folder).with_suffix("").parts)
    try:
        body = ast.parse(path.read_text(encoding="utf-8")).body
    except SyntaxError:
        return []
    return [(n.lineno, n.end_lineno, f"{module}.{n.name}") for n in body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def find_secrets(folder, found_in=None, seals=True, root=ROOT):
    """[:class:`Hit`] for every secret in any file under ``folder`` (``.git/`` skipped).

    A hit inside one of :func:`answers_in_package` in ``backprop/*.py`` is marked ``shipped``; every other
    hit is a leak.
    """
    folder = Path(folder)
    hidden = found_in if found_in is not None else secrets(root, seals)
    shipped = answers_in_package(root)
    hits = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or ".git" in rel.parts:
            continue
        text = _readable(path)
        found = [s for s in hidden if s.text in text]
        if not found:
            continue
        defs = _definitions(path, folder) if rel.parts[0] == "backprop" and path.suffix == ".py" else []
        lines = text.splitlines()
        for s in found:
            owner = ""
            if defs and s.what in ("solution", "hidden test"):
                at = [i + 1 for i, line in enumerate(lines) if s.text in line]
                owners = {name for i in at for lo, hi, name in defs if lo <= i <= hi}
                owner = ", ".join(sorted(owners)) if owners and owners <= shipped and len(at) == len(
                    [i for i in at if any(lo <= i <= hi for lo, hi, _ in defs)]) else ""
            hits.append(Hit(rel.as_posix(), s, owner))
    return hits


def leaks(hits):
    """The hits that are not shipped on purpose."""
    return [h for h in hits if not h.shipped]


# ------------------------------------------------------------------ build ---

@dataclass
class Edition:
    folder: Path
    repo: str
    seals: bool
    files: list = field(default_factory=list)
    shipped: list = field(default_factory=list)  # package functions holding an exercise's answer (answers_in_package)

    @property
    def binder_url(self):
        return binder_url(self.repo)


def binder_url(repo, lesson="01_chain_rule"):
    return (f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/{RELEASE}/{lesson}/{lesson}.ipynb")


def _skip(name):
    return any(fnmatch.fnmatch(name, pat) for pat in SKIPPED)


def _copytree(src, dst):
    shutil.copytree(src, dst, ignore=lambda d, names: [n for n in names if _skip(n)])


def _prepare(folder):
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise EditionError(f"{folder} is a file, not a folder")
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise EditionError(f"{folder} is not empty and holds no earlier learner edition ({MARKER}): "
                               "give a new or empty folder")
        for child in folder.iterdir():
            if child.name == ".git":
                continue
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _toml_value(v):
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


def learner_pyproject(root=ROOT):
    """The root pyproject.toml's build and package sections only: it installs ``backprop`` and nothing else."""
    data = tomllib.loads((Path(root) / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = data["tool"]["setuptools"]
    tables = [("build-system", data["build-system"]), ("project", data["project"]),
              ("tool.setuptools", {k: v for k, v in setuptools.items() if not isinstance(v, dict)}),
              ("tool.setuptools.package-data", setuptools.get("package-data", {}))]
    lines = ["# The learner package alone (backprop/): what the notebooks import. Written by the course's",
             "# `make learner-edition`; the course's instructors change it there, not here."]
    for name, table in tables:
        lines += ["", f"[{name}]"] + [f"{json.dumps(k) if not re.fullmatch(r'[A-Za-z0-9_-]+', k) else k} = "
                                      f"{_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def learner_requirements(root=ROOT):
    """requirements.txt's pins without :data:`INSTRUCTOR_ONLY`, then the package itself (``-e .``)."""
    keep = []
    for line in (Path(root) / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name = re.split(r"[=<>!~\[ ;]", line, maxsplit=1)[0].lower()
        if line.startswith("-e ") or name in INSTRUCTOR_ONLY:
            continue
        keep.append(line)
    return ("# What the course's notebooks need, pinned (nbgrader for its Validate button and assignment list).\n"
            + "\n".join(keep) + "\n# the course's helper package (backprop/)\n-e .\n")


def jupyter_config():
    """{relative path: JSON text} of the edition's Jupyter configuration (a folder on ``JUPYTER_CONFIG_PATH``)."""
    server = {"ServerApp": {"jpserver_extensions": dict(SERVER_EXTENSIONS)}}
    page = {"disabledExtensions": {name: True for name in LAB_PLUGINS}}
    return {"jupyter-config/jupyter_server_config.json": json.dumps(server, indent=2) + "\n",
            "jupyter-config/labconfig/page_config.json": json.dumps(page, indent=2) + "\n"}


def lesson_table(root=ROOT):
    """The README's table of lessons (its lines under "## The lessons")."""
    text = (Path(root) / "README.md").read_text(encoding="utf-8")
    section = text.split("## The lessons", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def _commit(root):
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                           timeout=30)
        return r.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def released_with_seals(course):
    """True if any released notebook in ``course`` carries a quiz seal (the release's quiz mode)."""
    return any("seal=" in p.read_text(encoding="utf-8") for p in Path(course).glob("*/*.ipynb"))


def build(folder, repo=None, root=ROOT):
    """Write the learner edition into ``folder`` (see the module docstring); returns an :class:`Edition`.

    Raises :class:`EditionError` if ``folder`` cannot be used or the written edition holds a secret.
    """
    root = Path(root)
    course = root / RELEASE
    lessons = source_lessons(root)
    missing = [lesson for lesson in lessons if not (course / lesson / f"{lesson}.ipynb").exists()]
    if missing:
        raise EditionError(f"{RELEASE}/ lacks {missing}: run `make course` first")
    repo = repo or PLACEHOLDER_REPO
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*", repo):
        raise EditionError(f"--repo must be OWNER/NAME on GitHub, not {repo!r}")
    seals = released_with_seals(course)
    out = _prepare(folder)
    edition = Edition(out, repo, seals)

    for lesson in lessons:
        _copytree(course / lesson, out / RELEASE / lesson)
    _copytree(root / "backprop", out / "backprop")
    files = {"pyproject.toml": learner_pyproject(root), "requirements.txt": learner_requirements(root)}
    files.update(jupyter_config())
    # overrides.json: the widget manager saves widget state, so a reopened lesson shows its explorers
    for name in ("requirements.txt", "runtime.txt", "postBuild", "overrides.json"):
        files[f"binder/{name}"] = (root / "binder" / name).read_text(encoding="utf-8")
    template = TEMPLATE
    placeholder = repo == PLACEHOLDER_REPO
    readme = (template / "README.md").read_text(encoding="utf-8")
    for token, value in {
        "{{BINDER_URL}}": binder_url(repo),
        "{{REPO}}": repo,
        "{{PLACEHOLDER_NOTE}}": (f"\n> **For the instructor:** `{PLACEHOLDER_REPO}` in the link above is a placeholder. "
                                 "Push this folder to the edition's own repository and rebuild with "
                                 "`make learner-edition DIR=... REPO=owner/name` so the link builds it.\n"
                                 if placeholder else ""),
        "{{LESSONS}}": lesson_table(root),
        "{{QUIZ_MODE}}": ("Each quiz question tells you at once whether your answer is right (✓ or ✗)."
                          if seals else "Quiz questions save your answer and say so; they are marked when your "
                                        "work is graded, so no ✓ or ✗ appears while you work."),
    }.items():
        readme = readme.replace(token, value)
    if "{{" in readme:
        raise EditionError(f"edition/README.md has a placeholder this builder does not fill: {readme.split('{{')[1][:30]}")
    files["README.md"] = readme
    for name in ("binder/start", ".gitignore"):
        files[name] = (template / name).read_text(encoding="utf-8")
    files[MARKER] = (f"A learner edition of Backprop, by hand, written by `make learner-edition` from the course "
                     f"repository at commit {_commit(root)}; quiz seals: {'yes' if seals else 'no'}.\n"
                     "Rebuilding it replaces every file here except .git/.\n")
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name in ("binder/postBuild", "binder/start"):
        (out / name).chmod(0o755)
    edition.files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                           if p.is_file() and ".git" not in p.relative_to(out).parts)

    forbidden = [f for f in edition.files if f.split("/")[0] in (SOURCE, "autograder", "tests", "instructor")
                 or fnmatch.fnmatch(f.rsplit("/", 1)[-1], "quiz_answers*.json")]
    if forbidden:
        raise EditionError(f"the edition holds instructor files: {forbidden[:5]}")
    hits = find_secrets(out, seals=seals, root=root)
    edition.shipped = sorted({h.shipped for h in hits if h.shipped})
    bad = leaks(hits)
    if bad:
        listed = "; ".join(f"{h.file}: {h.secret.what} from {h.secret.where}: {h.secret.text[:60]!r}" for h in bad[:10])
        raise EditionError(f"the edition in {out} holds {len(bad)} secret(s), so it must not be handed out: {listed}")
    return edition


def main(args):
    try:
        ed = build(args.dir, repo=args.repo)
    except EditionError as exc:
        import sys
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"learner edition in {ed.folder}: {len(ed.files)} files (course/, backprop/, binder/, jupyter-config/, "
          f"README.md); quizzes {'with' if ed.seals else 'without'} seals; searched for every solution line, "
          "hidden-test line and quiz key: none there.")
    if ed.shipped:
        print(f"note: the learner package computes these exercises' answers itself, as the lessons' tools (an answer "
              f"that calls one scores 0, reference-import): {', '.join(ed.shipped)}")
    print(f"Binder link: {ed.binder_url}" + ("  (placeholder: rebuild with REPO=owner/name)"
                                             if ed.repo == PLACEHOLDER_REPO else ""))
    return 0

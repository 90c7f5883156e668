"""Widget state saved in notebooks: on for learners, never committed.

The course's JupyterLab (and Notebook 7, which reads the same settings) saves the widget models' state in a
notebook's metadata when it is saved, so a reopened notebook shows its explorers' last pictures instead of
"Error displaying widget: model not found" (issue 15). The setting is ``binder/overrides.json``, a default of
the environment's JupyterLab (``<sys.prefix>/share/jupyter/lab/settings/overrides.d/``, where
jupyterlab_server merges packaged defaults; a learner's own settings still win), installed by ``make setup``
and by Binder's ``postBuild``. The browser test (``tests/browser/test_reopened_notebook.py``) checks what a
learner then sees.

The other side: a solution notebook saved in that JupyterLab carries the state too (150-odd models, the
explorers' ESM, a few hundred KB per lesson), and Clear Outputs does not remove it; no notebook in git may.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "binder" / "overrides.json"
PLUGIN = "@jupyter-widgets/jupyterlab-manager:plugin"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
# Where the environment's JupyterLab and Notebook 7 read packaged defaults (jupyterlab_server's overrides.d)
INSTALLED = Path("share", "jupyter", "lab", "settings", "overrides.d", "backprop-by-hand.json")


def installed_overrides(prefix=sys.prefix):
    return Path(prefix) / INSTALLED


def carries_widget_state(nb):
    """True if a notebook (a dict) holds saved widget state in its metadata (any, even an empty one)."""
    return "widgets" in (nb.get("metadata") or {})


def test_the_tracked_overrides_turn_saved_widget_state_on():
    overrides = json.loads(OVERRIDES.read_text())
    assert overrides == {PLUGIN: {"saveState": True}}, overrides
    # the plugin id and key are the widget manager's own (JupyterLab ignores a misspelt one without a word)
    schema_dir = Path(sys.prefix, "share", "jupyter", "labextensions", "@jupyter-widgets", "jupyterlab-manager",
                      "schemas", "@jupyter-widgets", "jupyterlab-manager")
    schema = json.loads((schema_dir / "plugin.json").read_text())
    assert "saveState" in schema["properties"] and schema["properties"]["saveState"]["default"] is False, \
        "the widget manager's saveState setting moved or changed its default"


def test_make_setup_installs_the_overrides_into_the_environment(tmp_path):
    venv = tmp_path / "venv"
    target = venv / INSTALLED
    # the rule `make setup` runs, alone (no venv is built here)
    r = subprocess.run(["make", "-s", f"VENV={venv}", str(target)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert target.read_text() == OVERRIDES.read_text()
    plan = subprocess.run(["make", "-n", f"VENV={venv}", "setup"], cwd=ROOT, capture_output=True, text=True).stdout
    assert str(target) not in plan, "make setup would install the overrides again although they are current"
    dry = subprocess.run(["make", "-n", "-B", f"VENV={venv}", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert str(target) in dry.stdout, "make setup does not install binder/overrides.json"


def test_binder_postbuild_installs_the_overrides_into_the_environment(tmp_path):
    """postBuild as repo2docker runs it (from the repository root), with ``python`` a fresh environment's."""
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    repo = tmp_path / "repo"
    (repo / "binder").mkdir(parents=True)
    for name in ("postBuild", "overrides.json"):
        shutil.copy2(ROOT / "binder" / name, repo / "binder" / name)
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    # `python -m pip install -e .` is Binder's business (tests/browser/test_binder.py builds it for real)
    (bin_ / "python").write_text(f'#!/bin/sh\n[ "$1 $2" = "-m pip" ] && exit 0\nexec "{env_dir}/bin/python" "$@"\n')
    (bin_ / "python").chmod(0o755)
    env = dict(os.environ, PATH=os.pathsep.join([str(bin_), os.environ.get("PATH", "")]))
    r = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert installed_overrides(env_dir).read_text() == OVERRIDES.read_text()


def test_no_notebook_in_git_carries_saved_widget_state():
    files = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert files
    dirty = [f for f in files if carries_widget_state(json.loads((ROOT / f).read_text(encoding="utf-8")))]
    assert not dirty, ("notebooks committed with saved widget state (metadata.widgets); clear it as STYLE.md "
                       f"says (jupyter nbconvert ... ClearMetadataPreprocessor): {dirty}")


def _clearing_command():
    """The command STYLE.md gives for clearing outputs and widget state, as a list of words."""
    text = " ".join((ROOT / "STYLE.md").read_text(encoding="utf-8").split())
    found = re.search(r"`(jupyter nbconvert [^`]*ClearMetadataPreprocessor[^`]*)`", text)
    assert found, "STYLE.md no longer says how to clear saved widget state"
    return found.group(1).split()


def test_the_clearing_command_in_style_removes_the_state_and_keeps_the_lesson(tmp_path):
    src = ROOT / "solutions" / "01_chain_rule" / "01_chain_rule.ipynb"
    nb = json.loads(src.read_text(encoding="utf-8"))
    saved = json.loads(json.dumps(nb))
    saved["metadata"]["widgets"] = {STATE_MIME: {"version_major": 2, "version_minor": 0, "state": {
        "a1b2": {"model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.9.*",
                 "state": {"_esm": "export default {}"}}}}}
    code = next(c for c in saved["cells"] if c["cell_type"] == "code")
    code["execution_count"] = 1
    code["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {
        "text/plain": "Explorer()", "application/vnd.jupyter.widget-view+json":
        {"version_major": 2, "version_minor": 0, "model_id": "a1b2"}}}]
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(saved, indent=1), encoding="utf-8")
    assert carries_widget_state(saved)

    words = _clearing_command()
    assert words[-1] == "NOTEBOOK"
    cmd = [str(Path(sys.executable).parent / "jupyter")] + words[1:-1] + [str(path)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    cleared = json.loads(path.read_text(encoding="utf-8"))
    assert not carries_widget_state(cleared)
    assert cleared["metadata"] == nb["metadata"], "the clearing command lost the notebook's own metadata"
    strip = [{k: v for k, v in c.items() if k not in ("outputs", "execution_count")} for c in nb["cells"]]
    assert [{k: v for k, v in c.items() if k not in ("outputs", "execution_count")} for c in cleared["cells"]] == strip
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in cleared["cells"] if c["cell_type"] == "code")

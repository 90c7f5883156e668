"""A learner reopens a lesson they ran and saved (issue 15): the explorers show their last picture.

The course's JupyterLab saves widget state in the notebook (``binder/overrides.json``, installed by
``make setup`` into the environment's ``share/jupyter/lab/settings/overrides.d/``; see
``tests/test_widget_state.py``). Here a learner opens lesson 01 (JupyterLab, then Notebook 7), runs it,
moves the first explorer's slider, saves, closes the notebook and the browser; the kernel is shut down; the
notebook is opened again in a new browser. The page must draw the explorer from the saved state (the same
picture, readout and slider value as before saving), show no widget error anywhere ("model not found"), and
when the learner presses a key on the slider, say within a few seconds that no kernel answers and the cell
must be run again (``backprop/widgets/plot.js``).

This module starts its own JupyterLab (the session's server may have started before the settings were
installed; a server reads them when it starts). Evidence goes to artifacts/browser/: screenshots
``reopened-<ui>-*.png`` and ``reopened-<ui>.json`` (notebook size with and without the saved state, seconds
from opening the reopened notebook to the picture drawn).
"""

import json
import shutil
import subprocess
import sys
import time

import pytest

from lab import ROOT, LabServer
from labcheck import CELLS, JS_FNV, TIMEOUT_WIDGET_MS, WIDGET_ERROR_TEXTS, WIDGET_MIME, NotebookSession, Notebook7Session
from test_widget_state import OVERRIDES, PLUGIN, STATE_MIME, installed_overrides

LESSON = "01_chain_rule"
NO_KERNEL = "No kernel answers this explorer"
# plot.js says so 4 s after a touch goes unanswered; a busy 2-core machine gets some slack
NOTE_TIMEOUT_MS = 20_000

JS_PICTURE = """(ex) => {
    const svg = ex.querySelector('.bp-plot svg.bp-svg');
    const slider = ex.querySelector('.bp-slider');
    // the drawing without its per-page clip ids (each page numbers its views afresh)
    const drawing = svg ? svg.innerHTML.replace(/bp-plot-[0-9]+-[a-z0-9]+/g, 'ID') : '';
    return {marks: svg ? svg.querySelectorAll('path, rect, text, circle, line, polyline').length : 0,
            width: svg ? svg.getBoundingClientRect().width : 0,
            svg: (JS_FNV_PLACEHOLDER)(drawing),
            readout: ((ex.querySelector('.bp-readout') || {}).innerText || '').trim(),
            value: slider ? ((slider.querySelector('.widget-readout') || {}).innerText || '').trim() : '',
            note: ex.innerText.includes('NO_KERNEL_PLACEHOLDER')};
}""".replace("JS_FNV_PLACEHOLDER", JS_FNV).replace("NO_KERNEL_PLACEHOLDER", NO_KERNEL)


@pytest.fixture(scope="module")
def saving_lab(tmp_path_factory):
    """A JupyterLab from this environment with the course's settings installed, as `make setup` installs them."""
    target = installed_overrides(sys.prefix)
    if not target.exists() or target.read_text() != OVERRIDES.read_text():
        if sys.prefix == sys.base_prefix:
            pytest.fail(f"{target} is missing and this is not a virtual environment: run `make setup`")
        # exactly make setup's rule (a venv set up before binder/overrides.json existed lacks the file)
        subprocess.run(["make", "-s", f"VENV={sys.prefix}", str(target)], cwd=ROOT, check=True)
    tmp = tmp_path_factory.mktemp("reopen")
    (tmp / "repo").mkdir()
    server = LabServer(sys.executable, tmp / "repo", tmp / "home", kernel_pythonpath=[ROOT]).start()
    try:
        schema = server.api("GET", f"/lab/api/settings/{PLUGIN}")["schema"]
        assert schema["properties"]["saveState"]["default"] is True, \
            f"the server does not take {target} as its default: widget state would not be saved"
        yield server
    finally:
        server.stop()


def save_with_state(session):
    """Ctrl+S, then wait until the file on disk is the new one and holds the widget state; returns it."""
    path = session.path
    before = path.stat().st_mtime_ns
    session.page.click(f"{CELLS} .jp-InputPrompt >> nth=0", position={"x": 2, "y": 2})
    session.page.keyboard.press("Escape")
    session.page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.stat().st_mtime_ns != before:
            try:
                nb = json.loads(path.read_text())
            except json.JSONDecodeError:  # caught mid-write
                nb = None
            if nb is not None:
                return nb
        session.page.wait_for_timeout(100)  # polling the file, not guessing a duration
    raise AssertionError(f"{session.label}: Ctrl+S did not write the notebook within 60 s")


def widget_errors(session):
    return [f"cell {c['index']}: {o['text'][:200]!r}" for c in session.cell_state() for o in c["outputs"]
            if any(bad.lower() in o["text"].lower() for bad in WIDGET_ERROR_TEXTS)]


def wait_drawn(page, ex):
    page.wait_for_function("(ex) => { const s = ex.querySelector('.bp-plot svg.bp-svg');"
                           " return s && s.getBoundingClientRect().width > 0"
                           " && s.querySelectorAll('path, rect, text').length > 3"
                           " && ((ex.querySelector('.bp-readout') || {}).innerText || '').trim().length > 0; }",
                           arg=ex.element_handle(), timeout=TIMEOUT_WIDGET_MS, polling=100)


@pytest.mark.browser
@pytest.mark.parametrize("ui", ["lab", "notebook7"])
def test_a_reopened_lesson_shows_its_explorers_last_picture(saving_lab, browser, artifacts, ui):
    lab = saving_lab
    folder = lab.root_dir / ui / LESSON
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "solutions" / LESSON, folder,
                    ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    path = folder / f"{LESSON}.ipynb"
    Session = NotebookSession if ui == "lab" else Notebook7Session
    facts = {"ui": ui, "lesson": LESSON}

    # 1. the learner runs the lesson, moves the first explorer's slider, saves, closes the notebook and the browser
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    session = Session(page, lab, path, label=f"{ui}: {LESSON}")
    try:
        session.open()
        session.run_all()
        ex = page.locator(".bp-explorer").first
        ex.scroll_into_view_if_needed()
        wait_drawn(page, ex)
        first = ex.evaluate(JS_PICTURE)
        if ui == "lab":
            move = session.move_slider(ex.locator(".bp-slider").first, presses=2)
            assert move.before != move.after and "readout" in move.changed, move
        else:  # Notebook 7 keeps the arrow keys for itself: the learner presses the + button (base.py says so)
            for _ in range(2):
                before = ex.evaluate(JS_PICTURE)
                plus = ex.locator(".bp-slider-row").first.locator("button.bp-step", has_text="+")
                plus.focus()
                page.keyboard.press("Enter")
                page.wait_for_function(
                    "([ex, before]) => { const now = (%s)(ex);"
                    " return now.value !== before.value && now.readout !== before.readout; }" % JS_PICTURE,
                    arg=[ex.element_handle(), before], timeout=TIMEOUT_WIDGET_MS, polling=50)
        session.wait_kernel_idle()
        shown = ex.evaluate(JS_PICTURE)
        assert shown["value"] != first["value"] and shown["readout"] != first["readout"], (first, shown)
        saved = session.save() if ui == "lab" else save_with_state(session)
        session.screenshot(artifacts / f"reopened-{ui}-1-before-closing.png")
        if ui == "lab":
            session.menu("File", "Close Tab")  # saved: JupyterLab closes it without asking
            page.wait_for_function("(cells) => !document.querySelector(cells)", arg=CELLS, timeout=TIMEOUT_WIDGET_MS)
    finally:
        context.close()
    lab.shutdown_kernels()
    assert not lab.api("GET", "/api/kernels"), "a kernel is still running"

    state = (saved["metadata"].get("widgets") or {}).get(STATE_MIME, {}).get("state", {})
    views = [o["data"][WIDGET_MIME]["model_id"] for c in saved["cells"] for o in c.get("outputs", [])
             if WIDGET_MIME in o.get("data", {})]
    assert views and state, f"{ui}: saving wrote no widget state into the notebook's metadata"
    assert not [v for v in views if v not in state], f"{ui}: widget outputs whose model the saved state lacks"
    plots = [m for m in state.values() if m.get("model_module") == "anywidget"]
    assert plots and all(m["state"].get("_esm") for m in plots), f"{ui}: the plots' ESM is not in the saved state"
    bare = dict(saved, metadata={k: v for k, v in saved["metadata"].items() if k != "widgets"})
    facts.update(models_saved=len(state), file_bytes=path.stat().st_size,
                 bytes_without_state=len(json.dumps(bare, indent=1, ensure_ascii=False).encode()) + 1)

    # 2. later, a new browser: the notebook opens with a new kernel, and the explorers draw from the saved state
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    session = Session(page, lab, path, label=f"{ui}: {LESSON} reopened")
    try:
        t0 = time.perf_counter()
        session.open()
        ex = page.locator(".bp-explorer").first
        ex.scroll_into_view_if_needed()
        wait_drawn(page, ex)
        facts["seconds_to_picture"] = round(time.perf_counter() - t0, 2)
        again = ex.evaluate(JS_PICTURE)
        session.screenshot(artifacts / f"reopened-{ui}-2-reopened.png")
        assert again["marks"] > 3 and again["width"] > 0, f"{ui}: the reopened explorer draws nothing: {again}"
        for key in ("readout", "value", "svg"):
            assert again[key] == shown[key], f"{ui}: the reopened explorer's {key} is {again[key]!r}, " \
                                             f"it was {shown[key]!r} when saved"
        assert not again["note"]
        problems = session.check_widgets(saved)  # every widget output renders, none shows an error
        assert not problems, "\n".join(map(str, problems))
        assert not widget_errors(session), widget_errors(session)

        # 3. the learner moves the slider (JupyterLab: a key; Notebook 7: a click on +): the explorer says no
        # kernel answers it and what to do
        if ui == "lab":
            ex.locator(".bp-slider").first.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
        else:
            ex.locator(".bp-slider-row").first.locator("button.bp-step", has_text="+").click()
        page.wait_for_function(f"(ex) => ex.innerText.includes({json.dumps(NO_KERNEL)})", arg=ex.element_handle(),
                               timeout=NOTE_TIMEOUT_MS, polling=100)
        note = ex.inner_text()
        assert "Run All Cells" in note, note
        assert not widget_errors(session), widget_errors(session)
        session.screenshot(artifacts / f"reopened-{ui}-3-no-kernel-note.png")
    finally:
        context.close()
        lab.shutdown_kernels()
        (artifacts / f"reopened-{ui}.json").write_text(json.dumps(facts, indent=1) + "\n")
    print(f"\n{ui}: {facts}")

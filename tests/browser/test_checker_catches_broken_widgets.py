"""The browser checker must fail on broken widgets: run it on a deliberately broken notebook.

fixtures/broken_widgets.ipynb has, besides a healthy explorer (cell 2), a slider
whose callback raises (3), an explorer whose redraw fails once a slider moves (4),
a widget whose model version the front end does not have (5), a failing plain cell
(6) and a cell that therefore never runs (7). Each must be reported, with its cell.
"""

import shutil
from pathlib import Path

import pytest

from labcheck import NotebookSession, check_notebook, report

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "broken_widgets.ipynb"

# cell → words the report about that cell must contain (any one of them)
EXPECTED = {
    3: ["moved from", "neither the plot nor the readout changed"],
    4: ["Could not redraw"],
    5: ["Click to show javascript error", "Error displaying widget", "model not found", "Failed to load model class",
        "is not registered", "renders 0 widget view"],
    6: ["NameError"],
    7: ["did not run"],
}


@pytest.mark.browser
def test_checker_reports_every_broken_widget(lab, lab_page, artifacts):
    dest = lab.root_dir / "fixtures" / FIXTURE.name
    dest.parent.mkdir(exist_ok=True)
    shutil.copy(FIXTURE, dest)
    session = NotebookSession(lab_page, lab, dest)
    try:
        # a broken slider never redraws, so each of its key presses waits out the timeout: keep it short here
        # (the healthy slider in the same notebook redraws well within it)
        problems, moves = check_notebook(session, press_timeout_ms=8_000)
    finally:
        session.screenshot(artifacts / "fixture-broken_widgets.png", scroll_to=".bp-slider-raises")
    text = report(problems)
    by_cell = {}
    for p in problems:
        by_cell.setdefault(p.cell, []).append(p.what)
    for cell, words in EXPECTED.items():
        said = " | ".join(by_cell.get(cell, []))
        assert any(w in said for w in words), f"the checker missed the broken cell {cell}; it reported:\n{text}"
    assert 2 not in by_cell, f"the checker blamed the healthy explorer (cell 2):\n{text}"
    healthy = [m for m in moves if m.slider == "w"]
    assert healthy and healthy[0].output_changed, f"the healthy slider should redraw: {moves}"

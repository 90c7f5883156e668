"""Drive one notebook in JupyterLab the way a learner would, and report what went wrong.

``NotebookSession`` opens a notebook in a page, runs it from the Run menu,
waits on JupyterLab's own state (the kernel's execution indicator and the
cells' prompts), saves it, and then checks what the page shows:

* cell errors (read from the saved notebook, so each names its cell and
  exception), allowed only in the cells the caller says may fail;
* every widget output renders: the page shows a widget view for every
  widget the kernel sent, with a non-empty area and none of ipywidgets'
  error texts ("Error displaying widget", "model not found", ...);
* every slider moves with the keyboard (focus its handle, ArrowRight/Left)
  and the output it drives (the plot: what its SVG draws, or the PNG's bytes in
  the png view; the readout text) changes.

Checks return a list of ``Problem`` (they do not raise), so a test can assert
there are none, and the self-test can assert a broken notebook has some.
"""

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# What ipywidgets / JupyterLab show when a widget cannot be displayed.
WIDGET_ERROR_TEXTS = ("Error displaying widget", "model not found", "Error rendering", "Failed to load model class",
                      "Could not create a view", "Could not create model", "is not registered",
                      "Click to show javascript error")  # the last: ipywidgets' error view (e.g. a version mismatch)
# What the course's Explorer says when its own callback fails (backprop/widgets/base.py).
EXPLORER_BROKEN = "Could not redraw"
EXPLORER_TODO = "not written yet"

CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"
INDICATOR = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"

TIMEOUT_OPEN_MS = 120_000
TIMEOUT_RUN_MS = 300_000     # run-all of one lesson on a busy 2-core machine (the gates' budget is 90 s)
TIMEOUT_WIDGET_MS = 30_000   # one redraw after one key press


@dataclass
class Problem:
    notebook: str
    cell: object  # index in the notebook (int) or None for the whole notebook
    what: str

    def __str__(self):
        where = f"cell {self.cell}" if self.cell is not None else "notebook"
        return f"{self.notebook}, {where}: {self.what}"


@dataclass
class SliderMove:
    cell: int
    slider: str
    before: str
    after: str
    output_changed: bool
    changed: list = field(default_factory=list)
    waiting: bool = False  # the explorer says it waits for the learner's code (learner notebooks only)


def _js_cells():
    return f"Array.from(document.querySelectorAll('{CELLS}'))"


# The page's view of every cell: kind, prompt, and its outputs (mime type, a piece of text, widget facts).
JS_CELL_STATE = """() => %s.map((c, i) => ({
    index: i,
    code: c.classList.contains('jp-CodeCell'),
    prompt: ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim(),
    outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output'))
        .filter(o => o.closest('.jp-OutputArea') === c.querySelector('.jp-Cell-outputArea'))  // not inside an Output widget
        .map(o => {
            const r = o.getBoundingClientRect();
            const mime = o.getAttribute('data-mime-type');
            // ipywidgets' renderer is a panel without a data-mime-type; on failure it writes its error text
            // straight into the output node and gives that node the class jupyter-widgets
            const widget = mime === '%s' || (!mime && (o.classList.contains('jupyter-widgets')
                                                      || !!o.querySelector('.jupyter-widgets')));
            return {mime: widget ? '%s' : mime, text: (o.innerText || o.textContent || '').slice(0, 600),
                    width: r.width, height: r.height, widget,
                    views: o.querySelectorAll('.jupyter-widgets').length};
        }),
}))""" % (_js_cells(), WIDGET_MIME, WIDGET_MIME)

# FNV-1a of a string: the signature of a drawn SVG plot (the browser-drawn view of backprop/widgets/plot.js)
JS_FNV = """(str) => { let h = 2166136261 >>> 0;
    for (let i = 0; i < str.length; i++) { h ^= str.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return str.length + ':' + h.toString(16); }"""

# Every bp slider: which cell, which trait, its shown value and the signature of what it drives.
JS_SIGNATURE = """(el) => {
    const root = el.closest('.bp-explorer') || el.closest('.jp-OutputArea');
    const svg = root.querySelector('.bp-plot svg.bp-svg');
    const img = svg ? null : root.querySelector('img.bp-plot, .bp-plot img, img');
    const readout = root.querySelector('.bp-readout');
    const text = readout ? readout.innerText : Array.from(root.querySelectorAll('.jp-OutputArea-output'))
        .filter(o => !o.contains(el)).map(o => o.innerText).join('\\n');
    return {src: svg ? 'svg:' + (JS_FNV_PLACEHOLDER)(svg.innerHTML) : img ? img.getAttribute('src') || '' : '', text: text || '',
            value: ((el.querySelector('.widget-readout') || {}).innerText || '').trim()
                   || (el.querySelector('.noUi-handle') || {getAttribute: () => ''}).getAttribute('aria-valuetext') || '',
            now: (el.querySelector('.noUi-handle') || {getAttribute: () => null}).getAttribute('aria-valuenow'),
            max: (el.querySelector('.noUi-handle') || {getAttribute: () => null}).getAttribute('aria-valuemax')};
}""".replace("JS_FNV_PLACEHOLDER", JS_FNV)

JS_IMAGE_BYTES_HASH = """async (el) => {
    const root = el.closest('.bp-explorer') || el.closest('.jp-OutputArea');
    const svg = root.querySelector('.bp-plot svg.bp-svg');
    if (svg) return 'svg:' + (JS_FNV_PLACEHOLDER)(svg.innerHTML);  // a drawn plot: what it draws
    const img = root.querySelector('img.bp-plot, .bp-plot img, img');
    if (!img || !img.getAttribute('src')) return '';
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 10000);  // a blob URL answers at once; never hang the test on it
    let buf;
    try { buf = new Uint8Array(await (await fetch(img.src, {signal: ctl.signal})).arrayBuffer()); }
    catch (e) { return 'unreadable:' + img.getAttribute('src').slice(0, 60); }
    let h = 2166136261 >>> 0;                       // FNV-1a over the PNG bytes
    for (let i = 0; i < buf.length; i++) { h ^= buf[i]; h = Math.imul(h, 16777619) >>> 0; }
    return buf.length + ':' + h.toString(16);
}""".replace("JS_FNV_PLACEHOLDER", JS_FNV)


def assert_run_all_continues(path, cell_indices):
    """The release tags these cells ``raises-exception`` (autograder.preprocessors.TagRaisesException).

    JupyterLab stops a run at the first failing cell unless the cell carries this tag; an unanswered learner
    notebook fails in its exercise and test cells by design, and every cell after them must still run: the
    browser tests open the notebooks as released, so Run All reaching the last cell shows the tags work.
    """
    nb = json.loads(Path(path).read_text())
    untagged = [i for i in cell_indices if "raises-exception" not in nb["cells"][i].get("metadata", {}).get("tags", [])]
    assert not untagged, f"{path.name}: exercise or test cells {untagged} lack the raises-exception tag"


def nbgrader_cells(path):
    """Indices of nbgrader solution or autograded test cells in a notebook file."""
    nb = json.loads(Path(path).read_text())
    out = []
    for i, c in enumerate(nb["cells"]):
        m = c.get("metadata", {}).get("nbgrader", {})
        if c["cell_type"] == "code" and (m.get("solution") or m.get("grade")):
            out.append(i)
    return out


class NotebookSession:
    """One notebook open in one page. ``path``: the notebook file on disk (inside the server's root)."""

    def __init__(self, page, server, path, label=None):
        self.page = page
        self.server = server
        self.path = Path(path)
        self.rel = self.path.relative_to(server.root_dir).as_posix()
        self.label = label or self.rel
        self.console = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type in ("error",) else None)
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    # ---- driving -----------------------------------------------------------------------------------------
    def open(self, url=None):
        self.page.goto(url or self.server.lab_url(self.rel))
        self.page.wait_for_selector(CELLS, timeout=TIMEOUT_OPEN_MS)
        self.wait_kernel_idle()
        return self

    def wait_kernel_idle(self, timeout=TIMEOUT_OPEN_MS):
        """The notebook's kernel is started, connected and idle, as the page shows it.

        The toolbar's execution indicator reads "idle" before a kernel exists, so this also
        waits for the status bar's kernel item ("Python 3 (ipykernel) | Idle").
        """
        self.page.wait_for_function(
            """(ind) => {
                const k = document.querySelector(ind);
                const bar = Array.from(document.querySelectorAll('.jp-StatusBar-Widget, .jp-StatusBar-Item'))
                    .map(e => e.textContent).join(' ');
                return k && k.getAttribute('data-status') === 'idle' && /\|\s*Idle/.test(bar);
            }""", arg=INDICATOR, timeout=timeout, polling=100)

    def menu(self, top, item):
        """Click a menu bar entry, then the item with exactly this label."""
        self.page.click(f".lm-MenuBar-item:has(.lm-MenuBar-itemLabel:text-is('{top}'))")
        self.page.click(f".lm-Menu:visible .lm-Menu-item:has(.lm-Menu-itemLabel:text-is('{item}'))")

    def run_all(self, timeout=TIMEOUT_RUN_MS):
        """Run ▸ Run All Cells; wait until no cell is queued or running and the kernel is idle."""
        self.menu("Run", "Run All Cells")
        self.wait_run_finished(timeout)

    def wait_run_finished(self, timeout=TIMEOUT_RUN_MS):
        # Run All marks every code cell queued ([*]) at once; the run is over when no prompt shows [*],
        # at least the first code cell has a count (the run has started) and the kernel reports idle.
        self.page.wait_for_function(
            """([cells, ind]) => {
                const p = Array.from(document.querySelectorAll(cells + '.jp-CodeCell .jp-InputArea-prompt'))
                    .map(e => e.textContent.trim());
                const k = document.querySelector(ind);
                return p.length > 0 && /\\[\\d+\\]/.test(p[0]) && !p.some(t => t.includes('*'))
                    && k && k.getAttribute('data-status') === 'idle';
            }""", arg=[CELLS, INDICATOR], timeout=timeout, polling=200)

    def restart_and_clear(self):
        """Kernel ▸ Restart Kernel and Clear Outputs of All Cells…, confirmed in its dialog."""
        self.menu("Kernel", "Restart Kernel and Clear Outputs of All Cells…")
        self.page.click(".jp-Dialog .jp-mod-accept")
        self.page.wait_for_function(
            """(cells) => Array.from(document.querySelectorAll(cells + '.jp-CodeCell .jp-InputArea-prompt'))
                .every(e => !/\\d|\\*/.test(e.textContent))""", arg=CELLS, timeout=TIMEOUT_OPEN_MS)
        self.wait_kernel_idle()

    def save(self):
        """Ctrl+S, then wait until JupyterLab no longer marks the tab as having unsaved changes."""
        self.page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPrompt >> nth=0", position={"x": 2, "y": 2})
        self.page.keyboard.press("Escape")
        before = self.path.stat().st_mtime_ns
        self.page.keyboard.press("Control+s")
        self.page.wait_for_selector("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)",
                                    timeout=60_000)
        # the tab is clean once the server has answered; the file must also be the new one
        for _ in range(600):
            if self.path.stat().st_mtime_ns != before:
                break
            self.page.wait_for_timeout(100)  # polling the file, not guessing a duration
        else:
            raise AssertionError(f"{self.label}: Ctrl+S did not write the notebook within 60 s")
        return json.loads(self.path.read_text())

    def screenshot(self, path, scroll_to=".bp-explorer"):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        loc = self.page.locator(scroll_to)
        try:
            if scroll_to and loc.count():
                loc.first.scroll_into_view_if_needed(timeout=5_000)
        except Exception:  # a screenshot is evidence; never let it hide the real failure
            pass
        self.page.screenshot(path=str(path))
        return path

    # ---- checking ----------------------------------------------------------------------------------------
    def cell_state(self):
        return self.page.evaluate(JS_CELL_STATE)

    def check_cells(self, saved, allowed_errors=()):
        """Errors and unrun cells in the saved notebook, and page ↔ file agreement."""
        problems = []
        cells = saved["cells"]
        page = self.cell_state()
        deadline = time.monotonic() + 20
        while len(page) != len(cells) and time.monotonic() < deadline:
            # on a busy machine JupyterLab attaches a long notebook's cells a few at a time: wait for the rest
            time.sleep(0.25)
            page = self.cell_state()
        if len(page) != len(cells):
            problems.append(Problem(self.label, None, f"the page shows {len(page)} cells, the file has {len(cells)}"))
        first_error = None
        for i, c in enumerate(cells):
            if c["cell_type"] != "code":
                continue
            errs = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if errs and first_error is None:
                first_error = i
            src = "".join(c.get("source") or "")
            if errs and i not in allowed_errors:
                e = errs[0]
                problems.append(Problem(self.label, i, f"raised {e.get('ename')}: {e.get('evalue')} "
                                        f"(the cell starts {src.strip()[:80]!r})"))
            if c.get("execution_count") is None and src.strip():
                why = f" (the run stopped after the error in cell {first_error})" if first_error is not None else ""
                problems.append(Problem(self.label, i, f"did not run{why}"))
        return problems

    def check_widgets(self, saved, allow_todo=False):
        """Every widget output in the file is a rendered, non-empty, error-free widget view in the page."""
        problems = []
        page = self.cell_state()
        for i, c in enumerate(saved["cells"]):
            want = sum(1 for o in c.get("outputs", []) if WIDGET_MIME in o.get("data", {}))
            if not want:
                continue
            cell = self.page.locator(CELLS).nth(i)
            cell.scroll_into_view_if_needed()
            # a widget view renders asynchronously: wait for this cell's widget outputs to have a size
            try:
                self.page.wait_for_function(
                    """([cells, i, n]) => {
                        const c = document.querySelectorAll(cells)[i];
                        const outs = Array.from(c.querySelectorAll('.jp-OutputArea-output'))
                            .filter(o => !o.getAttribute('data-mime-type') || o.getAttribute('data-mime-type') === '%s');
                        return outs.length >= n && outs.every(o => o.getBoundingClientRect().height > 0
                            && (o.querySelector('.jupyter-widgets') || /error/i.test(o.textContent)));
                    }""" % WIDGET_MIME, arg=[CELLS, i, want], timeout=TIMEOUT_WIDGET_MS, polling=100)
            except Exception:
                pass  # described below from what the page shows
            got = [o for o in self.cell_state()[i]["outputs"]] if i < len(page) else []
            views = [o for o in got if o["widget"]]
            if len(views) < want:
                shown = "; ".join(f"{o['mime']}: {o['text'][:120]!r}" for o in got) or "no output at all"
                problems.append(Problem(self.label, i, f"created {want} widget(s) but the page renders {len(views)} "
                                        f"widget view(s); it shows: {shown}"))
            for o in views:
                if o["height"] <= 0 or o["width"] <= 0 or not o["views"]:
                    problems.append(Problem(self.label, i, f"widget area is empty ({o['width']:.0f}×{o['height']:.0f} px, "
                                            f"text {o['text'][:120]!r})"))
            for o in got:
                for bad in WIDGET_ERROR_TEXTS:
                    if bad.lower() in o["text"].lower():
                        problems.append(Problem(self.label, i, f"shows {bad!r}: {o['text'][:300]!r}"))
                        break
                if EXPLORER_BROKEN in o["text"] or (EXPLORER_TODO in o["text"] and not allow_todo):
                    problems.append(Problem(self.label, i, f"the explorer reports a failure: {o['text'][:300]!r}"))
        # the course's explorers: a plot image that decoded, a readout with text, and sliders
        for j in range(self.page.locator(".bp-explorer").count()):
            ex = self.page.locator(".bp-explorer").nth(j)
            ex.scroll_into_view_if_needed()
            i = self._cell_of(ex)
            facts = ex.evaluate("""(ex) => {
                const img = ex.querySelector('img.bp-plot, .bp-plot img');
                const svg = ex.querySelector('.bp-plot svg.bp-svg');
                const r = svg ? svg.getBoundingClientRect() : null;
                return {sliders: ex.querySelectorAll('.bp-slider').length,
                        img: !!img, imgOk: !!img && img.complete && img.naturalWidth > 0,
                        svg: !!ex.querySelector('.bp-plot'),
                        svgOk: !!r && r.width > 0 && r.height > 0 && svg.querySelectorAll('path, rect, text').length > 3,
                        readout: ((ex.querySelector('.bp-readout') || {}).innerText || '').trim()};
            }""")
            if allow_todo and EXPLORER_TODO in facts["readout"]:
                pass  # a learner notebook: this explorer waits for the learner's function, and says so
            elif facts["svg"] and not facts["svgOk"]:
                try:  # the browser-drawn plot: its view (readout and drawing) may still be loading
                    self.page.wait_for_function(
                        "([ex, todo]) => { const s = ex.querySelector('.bp-plot svg.bp-svg');"
                        " const r = ((ex.querySelector('.bp-readout') || {}).innerText || '');"
                        " return (todo && r.includes('%s'))"
                        " || (s && s.getBoundingClientRect().width > 0 && s.querySelectorAll('path, rect, text').length > 3); }"
                        % EXPLORER_TODO, arg=[ex.element_handle(), bool(allow_todo)], timeout=TIMEOUT_WIDGET_MS,
                        polling=100)
                except Exception:
                    problems.append(Problem(self.label, i, f"explorer {j}: its plot draws nothing"))
            elif facts["img"] and not facts["imgOk"]:
                try:  # the PNG may still be decoding
                    self.page.wait_for_function(
                        "(img) => img.complete && img.naturalWidth > 0",
                        arg=ex.locator("img.bp-plot, .bp-plot img").first.element_handle(),
                        timeout=TIMEOUT_WIDGET_MS, polling=100)
                except Exception:
                    src = ex.locator("img.bp-plot, .bp-plot img").first.get_attribute("src") or ""
                    problems.append(Problem(self.label, i, f"explorer {j}: its plot image does not show "
                                            f"({'no image data' if not src else 'the image does not decode'})"))
            if not facts["readout"]:
                try:  # the readout's HTML may still be arriving from the kernel: wait on it, not a sleep
                    self.page.wait_for_function(
                        "(ex) => ((ex.querySelector('.bp-readout') || {}).innerText || '').trim().length > 0",
                        arg=ex.element_handle(), timeout=TIMEOUT_WIDGET_MS, polling=100)
                except Exception:
                    problems.append(Problem(self.label, i, f"explorer {j}: its readout is empty"))
            if not facts["sliders"]:
                problems.append(Problem(self.label, i, f"explorer {j}: has no slider"))
        return problems

    def _cell_of(self, locator):
        return locator.evaluate("(el, cells) => Array.from(document.querySelectorAll(cells))"
                                ".findIndex(c => c.contains(el))", CELLS)

    def sliders(self):
        return self.page.locator(".bp-slider")

    def slider_name(self, slider):
        return slider.evaluate("(el) => (Array.from(el.classList).find(c => c.startsWith('bp-slider-')) || "
                               "'bp-slider-?').slice(10)")

    def move_slider(self, slider, presses=3, timeout=TIMEOUT_WIDGET_MS):
        """Focus the slider's handle, press an arrow key ``presses`` times, one redraw at a time.

        Returns a SliderMove; the caller decides whether no change is a failure.
        """
        slider.scroll_into_view_if_needed()
        start = slider.evaluate(JS_SIGNATURE)
        start_bytes = slider.evaluate(JS_IMAGE_BYTES_HASH)
        handle = slider.locator(".noUi-handle").first
        handle.focus(timeout=TIMEOUT_WIDGET_MS)
        key = "ArrowRight"
        prev = start
        for _ in range(presses):
            # turn round at either end of the range (a two-option slider is at its end after one step)
            now, lo, hi = (handle.get_attribute(a) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
            if None not in (now, lo, hi):
                if float(now) >= float(hi) - 1e-9:
                    key = "ArrowLeft"
                elif float(now) <= float(lo) + 1e-9:
                    key = "ArrowRight"
            self.page.keyboard.press(key)
            # the handle moves at once in the page; then the kernel redraws and the plot or readout changes
            try:
                self.page.wait_for_function(
                    """([el, prev, ind]) => {
                        const s = (%s)(el);
                        const k = document.querySelector(ind);
                        return s.value !== prev.value
                            && (s.src !== prev.src || s.text !== prev.text || s.text.includes('%s'))
                            && k && k.getAttribute('data-status') === 'idle';
                    }""" % (JS_SIGNATURE, EXPLORER_TODO), arg=[slider.element_handle(), prev, INDICATOR],
                    timeout=timeout, polling=50)
            except Exception:
                break
            prev = slider.evaluate(JS_SIGNATURE)
        end = slider.evaluate(JS_SIGNATURE)
        end_bytes = slider.evaluate(JS_IMAGE_BYTES_HASH)
        changed = []
        if end_bytes != start_bytes:
            changed.append("plot")
        if end["text"] != start["text"]:
            changed.append("readout")
        return SliderMove(cell=self._cell_of(slider), slider=self.slider_name(slider), before=start["value"],
                          after=end["value"], output_changed=bool(changed), changed=changed,
                          waiting=EXPLORER_TODO in start["text"] and EXPLORER_TODO in end["text"])

    def check_sliders(self, presses=3, allow_todo=False, timeout=TIMEOUT_WIDGET_MS):
        problems, moves = [], []
        n = self.sliders().count()
        for k in range(n):
            sl = self.sliders().nth(k)
            try:
                m = self.move_slider(sl, presses=presses, timeout=timeout)
            except Exception as exc:  # say which slider and what the page did, instead of a bare timeout
                first = str(exc).strip().splitlines()[0][:300]
                try:
                    where, name = self._cell_of(sl), self.slider_name(sl)
                except Exception:
                    where, name = None, f"number {k + 1}"
                problems.append(Problem(self.label, where, f"slider {name!r} could not be moved with the "
                                        f"keyboard: {first}"))
                continue
            moves.append(m)
            if m.before == m.after:
                problems.append(Problem(self.label, m.cell, f"slider {m.slider!r} did not move with the arrow keys "
                                        f"(it shows {m.before!r})"))
            elif not m.output_changed and not (allow_todo and m.waiting):
                problems.append(Problem(self.label, m.cell, f"slider {m.slider!r} moved from {m.before} to {m.after} "
                                        "but neither the plot nor the readout changed"))
        return problems, moves

    def widget_console_errors(self):
        return [m for m in self.console if re.search(r"widget|model|anywidget|jupyter-widgets", m, re.I)]


def digest(data):
    return hashlib.sha1(data).hexdigest()[:12]


def check_texts(session):
    """After the sliders moved: no output shows a widget error or a failed explorer redraw."""
    problems = []
    for c in session.cell_state():
        for o in c["outputs"]:
            for bad in WIDGET_ERROR_TEXTS + (EXPLORER_BROKEN,):
                if bad.lower() in o["text"].lower():
                    problems.append(Problem(session.label, c["index"], f"after moving the sliders it shows {bad!r}: "
                                            f"{o['text'][:300]!r}"))
                    break
    return problems


class Notebook7Session(NotebookSession):
    """The same notebook in Notebook 7 (/notebooks/…): no status bar, so idle is read from the toolbar."""

    def open(self, url=None):
        self.page.goto(url or f"{self.server.url}/notebooks/{self.rel}?token={self.server.token}")
        self.page.wait_for_selector(CELLS, timeout=120_000)
        self.wait_kernel_idle()
        return self

    def wait_kernel_idle(self, timeout=120_000):
        self.page.wait_for_function(
            """(ind) => { const k = document.querySelector(ind);
                const name = document.querySelector('.jp-KernelName');
                return k && k.getAttribute('data-status') === 'idle' && name && /Python/.test(name.textContent); }""",
            arg=INDICATOR, timeout=timeout, polling=100)


def check_notebook(session, allowed_errors=(), allow_todo=False, presses=3, url=None,
                   press_timeout_ms=TIMEOUT_WIDGET_MS):
    """Open (``url``: how; default /lab/tree/<path>), Run All, save, then check cells, widgets and sliders.

    Returns (problems, slider moves).
    """
    session.open(url)
    session.run_all()
    saved = session.save()
    problems = session.check_cells(saved, allowed_errors)
    problems += session.check_widgets(saved, allow_todo=allow_todo)
    slider_problems, moves = session.check_sliders(presses=presses, allow_todo=allow_todo, timeout=press_timeout_ms)
    problems += slider_problems
    if moves:
        problems += [p for p in check_texts(session) if str(p) not in {str(q) for q in problems}]
    return problems, moves


def report(problems, screenshot=None, console=()):
    lines = [str(p) for p in problems]
    if console:
        lines.append("browser console (widget related): " + " | ".join(m[:200] for m in console[:5]))
    if screenshot:
        lines.append(f"screenshot: {screenshot}")
    return "\n".join(lines)


# ---- quiz: ordering questions (backprop/quiz/order.js) ----------------------------------------------------------

def order_items(page, qid):
    return page.eval_on_selector_all(f".bp-quiz-q-{qid} .bp-order-item", "els => els.map(e => e.dataset.item)")


def drag_into_order(page, qid, target, timeout=TIMEOUT_WIDGET_MS):
    """Put the items of ordering question ``qid`` into ``target`` order with real mouse drags.

    Selection sort: the item that belongs at position i is dragged onto the item now at i
    (the widget inserts a dropped item at the target's position). Each drag is HTML5 drag
    and drop driven by the mouse (Playwright's drag_and_drop: press, move, release).
    Returns the number of drags; raises AssertionError if a drag does not move the item.
    """
    drags = 0
    items = f".bp-quiz-q-{qid} .bp-order-item"
    for i, want in enumerate(target):
        cur = order_items(page, qid)
        j = cur.index(want)
        if j == i:
            continue
        page.locator(items).nth(j).scroll_into_view_if_needed()
        page.drag_and_drop(f"{items} >> nth={j}", f"{items} >> nth={i}")
        drags += 1
        try:
            page.wait_for_function("([sel, i, want]) => { const e = document.querySelectorAll(sel)[i];"
                                   " return e && e.dataset.item === want; }", arg=[items, i, want],
                                   timeout=timeout, polling=50)
        except Exception:
            raise AssertionError(f"question {qid}: dragging {want!r} from position {j + 1} onto position {i + 1} "
                                 f"with the mouse did not move it; the order is {order_items(page, qid)}")
    return drags


def check_question(page, qid, timeout=TIMEOUT_WIDGET_MS):
    """Press the question's Check button; wait for the verdict (✓/✗) and for the kernel to go idle."""
    before = page.locator(f".bp-quiz-q-{qid} .bp-quiz-result").first.inner_text()
    page.click(f".bp-quiz-q-{qid} .bp-quiz-check")
    page.wait_for_function(
        """([qid, before, ind]) => {
            const r = document.querySelector('.bp-quiz-q-' + qid + ' .bp-quiz-result');
            const items = document.querySelectorAll('.bp-quiz-q-' + qid + ' .bp-order-item');
            const marked = Array.from(items).every(e => e.classList.contains('bp-right')
                                                        || e.classList.contains('bp-wrong'));
            const k = document.querySelector(ind);
            return r && /^\\s*[✓✗]/.test(r.innerText) && marked && k && k.getAttribute('data-status') === 'idle';
        }""", arg=[qid, before, INDICATOR], timeout=timeout, polling=50)
    return question_state(page, qid)


def question_state(page, qid):
    return page.evaluate("""(qid) => {
        const root = document.querySelector('.bp-quiz-q-' + qid);
        const items = Array.from(root.querySelectorAll('.bp-order-item'));
        return {items: items.map(e => e.dataset.item),
                marks: items.map(e => e.classList.contains('bp-right') ? 'right'
                                    : e.classList.contains('bp-wrong') ? 'wrong' : ''),
                result: ((root.querySelector('.bp-quiz-result') || {}).innerText || '').trim(),
                draggable: items.every(e => e.getAttribute('draggable') === 'true')};
    }""", qid)

"""What a learner sees in the page (issue 16): quiz marks that read at a glance, quiz cells without their
seals, and explorers whose controls line up and move with the keyboard or the − / + buttons, in JupyterLab
and in Notebook 7.

Everything is read from the rendered page (text, classes, boxes on screen), not from the kernel's models.
Screenshots go to artifacts/browser/ (learner-*.png).
"""

import json
import re
import shutil

import time

import pytest

from lab import ROOT, lesson_notebooks
from labcheck import (CELLS, INDICATOR, TIMEOUT_WIDGET_MS, NotebookSession, Notebook7Session, nbgrader_cells,
                      assert_run_all_continues)

COURSE = lesson_notebooks("course")
def _first_lesson_of_each_explorer():
    """The solution notebooks that show an explorer no earlier lesson shows (lesson 08 reuses lesson 06's)."""
    seen, out = set(), []
    for rel in lesson_notebooks("solutions"):
        kinds = set(re.findall(r"\b([a-z_]+_explorer)\(", (ROOT / rel).read_text())) - {"def"}
        if kinds - seen:
            out.append(rel)
        seen |= kinds
    return out


EXPLORER_LESSONS = _first_lesson_of_each_explorer()
SEAL = re.compile(r"seal=|eyJ[A-Za-z0-9+/=]{12,}")  # the argument, or a base64 JSON token as seals are


def _open_copy(lab, page, rel, sub):
    """A fresh copy of the lesson folder (no saved quiz answers), opened and run like a learner would."""
    kind, lesson = rel.split("/")[:2]
    folder = lab.root_dir / sub / kind / lesson
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / kind / lesson, folder,
                    ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    path = folder / f"{lesson}.ipynb"
    if kind == "course":
        assert_run_all_continues(path, nbgrader_cells(path))
    session = NotebookSession(page, lab, path, label=rel)
    session.open()
    session.run_all()
    return session


def _wait_idle(page, timeout=TIMEOUT_WIDGET_MS):
    page.wait_for_function("(ind) => { const k = document.querySelector(ind);"
                           " return k && k.getAttribute('data-status') === 'idle'; }",
                           arg=INDICATOR, timeout=timeout, polling=50)


def _settle(page, j, js_output, quiet_s=1.5, timeout_s=TIMEOUT_WIDGET_MS / 1000):
    """Wait until explorer ``j``'s readout and picture have not changed for ``quiet_s`` seconds."""
    read = "(j) => (%s)(document.querySelectorAll('.bp-explorer')[j])" % js_output
    last, since, start = page.evaluate(read, j), time.monotonic(), time.monotonic()
    while time.monotonic() - since < quiet_s and time.monotonic() - start < timeout_s:
        page.wait_for_timeout(250)
        now = page.evaluate(read, j)
        if now != last:
            last, since = now, time.monotonic()


# ---- item 2: quiz question cells show the question, not the seal ------------------------------------------------

JS_QUIZ_CELL = """(c) => {
        const input = c.querySelector('.jp-Cell-inputWrapper');
        const quiz = c.querySelector('.bp-quiz');
        const r = quiz.getBoundingClientRect();
        const editor = c.querySelector('.jp-InputArea-editor');
        return {input: input ? input.innerText : '', placeholder: !!c.querySelector('.jp-InputPlaceholder'),
                editorShown: !!editor && editor.getBoundingClientRect().height > 0,
                question: (quiz.querySelector('.widget-htmlmath, .widget-html') || {innerText: ''}).innerText,
                width: r.width, height: r.height,
                nowrapLines: Array.from(quiz.querySelectorAll('.bp-nowrap')).map(s => s.getClientRects().length)};
    }"""


@pytest.mark.browser
@pytest.mark.parametrize("rel", COURSE)
def test_quiz_cells_show_the_question_and_not_its_seal(rel, lab, lab_page, artifacts):
    page = lab_page
    session = _open_copy(lab, page, rel, "learner-view")
    try:
        # widget views arrive after the kernel is idle, on a busy machine late: wait for every question's view
        want = sum(1 for c in json.loads((lab.root_dir / "learner-view" / rel).read_text(encoding="utf-8"))["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").startswith("quiz_q_"))
        try:
            page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length >= n",
                                   arg=[f"{CELLS}:has(.bp-quiz)", want], timeout=TIMEOUT_WIDGET_MS)
        except Exception:
            pass   # reported just below with what the page does show
        # off-screen cells are not painted (content-visibility): read each quiz cell once it is in view
        n = page.locator(f"{CELLS}:has(.bp-quiz)").count()
        assert n == want, f"{rel}: {n} of its {want} quiz questions rendered"
        cells = []
        for k in range(1, n + 1):
            cell = page.locator(f"{CELLS}:has(.bp-quiz)").nth(k - 1)
            cell.scroll_into_view_if_needed()
            page.wait_for_function("(c) => c.querySelector('.bp-quiz').getBoundingClientRect().height > 40",
                                   arg=cell.element_handle(), timeout=TIMEOUT_WIDGET_MS)
            c = cell.evaluate(JS_QUIZ_CELL)
            cells.append(c)
            where = f"{rel}, quiz cell {k}"
            assert not SEAL.search(c["input"]), f"{where}: the learner sees the seal: {c['input'][:200]!r}"
            assert c["placeholder"] and not c["editorShown"], f"{where}: its source is shown, not collapsed"
            assert c["question"].startswith(f"Question {k}.") and c["width"] > 200 and c["height"] > 40, \
                f"{where}: the question widget does not render ({c})"
            # a formula and the full stop after it stay on one line (lesson 01's "w = −1" / ". What is")
            assert all(lines == 1 for lines in c["nowrapLines"]), f"{where}: a formula is split from its punctuation"
        if rel.startswith("course/01_"):  # "… but now $w = -1$. What is …": the formula keeps its full stop
            assert cells[0]["nowrapLines"], f"{rel}: question 1's formulas are not kept with their punctuation"
        text = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").inner_text()
        assert not SEAL.search(text), f"{rel}: a seal is visible somewhere on the page"
    finally:
        session.screenshot(artifacts / f"learner-quiz-cells-{rel.split('/')[1]}.png", scroll_to=".bp-quiz")


# ---- item 1: quiz marks -----------------------------------------------------------------------------------------

JS_NOTES = """(qid) => Array.from(document.querySelectorAll('.bp-quiz-q-' + qid + ' .bp-quiz-note')).map(n => ({
    text: n.innerText.trim(), line: (n.querySelector('.bp-quiz-line') || {innerText: ''}).innerText.trim(),
    mark: n.classList.contains('bp-right') ? 'right' : n.classList.contains('bp-wrong') ? 'wrong' : '',
    why: (n.querySelector('.bp-quiz-why') || {innerText: ''}).innerText.trim(),
    markColour: getComputedStyle(n.querySelector('.bp-quiz-mark')).color}))"""


def _check_and_wait(page, qid):
    before = page.evaluate("(qid) => document.querySelectorAll('.bp-quiz-q-' + qid + ' .bp-quiz-note').length "
                           "+ '|' + document.querySelector('.bp-quiz-q-' + qid + ' .bp-quiz-result').innerText", qid)
    page.click(f".bp-quiz-q-{qid} .bp-quiz-check")
    page.wait_for_function(
        """([qid, before, ind]) => {
            const r = document.querySelector('.bp-quiz-q-' + qid + ' .bp-quiz-result').innerText;
            const now = document.querySelectorAll('.bp-quiz-q-' + qid + ' .bp-quiz-note').length + '|' + r;
            const k = document.querySelector(ind);
            return /^\\s*[✓✗]/.test(r) && now !== before && k && k.getAttribute('data-status') === 'idle';
        }""", arg=[qid, before, INDICATOR], timeout=TIMEOUT_WIDGET_MS, polling=50)
    page.wait_for_timeout(300)  # the notes are new widget views: let them attach (then read them, not time)
    page.wait_for_function("(qid) => Array.from(document.querySelectorAll('.bp-quiz-q-' + qid + ' .bp-quiz-note'))"
                           ".every(n => n.innerText.trim().length > 0)", arg=qid, timeout=TIMEOUT_WIDGET_MS)
    return page.evaluate(JS_NOTES, qid)


@pytest.mark.browser
def test_quiz_feedback_marks_each_option_by_the_learners_tick(lab, lab_page, artifacts):
    """Lesson 07's multiple-choice and single-choice questions, answered wrong, then right, with the mouse."""
    from autograder.quiz import question
    page = lab_page
    session = _open_copy(lab, page, "course/07_try_it/07_try_it.ipynb", "learner-marks")
    shot = artifacts / "learner-quiz-feedback.png"
    try:
        q = question("07_try_it", "grads_like_W1")
        root = page.locator(".bp-quiz-q-grads_like_W1").first
        root.scroll_into_view_if_needed()
        labels = root.locator(".bp-quiz-option")
        shown = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
        assert sorted(shown) == sorted(q["options"])
        # one wrong tick (an option that does not apply), the right ones left unticked but one
        wrong_tick = next(o for o in shown if o not in q["answer"])
        ticks = {q["answer"][0], wrong_tick}
        for i, o in enumerate(shown):
            if o in ticks:
                labels.nth(i).locator("input[type=checkbox]").check()
        notes = _check_and_wait(page, "grads_like_W1")
        assert len(notes) == len(shown), notes
        for o, n in zip(shown, notes):
            ticked = o in ticks
            right = ticked == (o in q["answer"])
            assert n["line"].startswith(("☑ " if ticked else "☐ ") + o + " — "), n
            # the ✓/✗ always comes with the word for the tick, and the option's status follows
            want = (f"{'✓ right' if right else '✗ wrong'} to {'tick it' if ticked else 'leave it unticked'}: "
                    f"it {'applies' if o in q['answer'] else 'does not apply'}.")
            assert n["line"].endswith(want) and n["mark"] == ("right" if right else "wrong"), (o, n)
            # one wrong try explains only the options whose tick was wrong
            assert bool(n["why"]) == (not right), (o, n)
            assert n["markColour"] in ("rgb(0, 158, 115)", "rgb(213, 94, 0)")  # Okabe–Ito green / vermillion
            assert not ("✓" in n["line"] and re.match(r"(No|Wrong)\b", n["why"])), n
        root.screenshot(path=str(shot))
        # now the right answer: every option marked ✓ right and explained
        for i, o in enumerate(shown):
            box = labels.nth(i).locator("input[type=checkbox]")
            box.check() if o in q["answer"] else box.uncheck()
        notes = _check_and_wait(page, "grads_like_W1")
        assert [n["mark"] for n in notes] == ["right"] * len(shown) and all(n["why"] for n in notes), notes
        root.screenshot(path=str(artifacts / "learner-quiz-feedback-right.png"))

        # single choice: a wrong pick shows that pick only, with ◉ and ✗ wrong; the others stay unexplained
        s = question("07_try_it", "dz2")
        single = page.locator(".bp-quiz-q-dz2").first
        single.scroll_into_view_if_needed()
        wrong = next(o for o in s["options"] if o != s["answer"])
        single.locator(".bp-quiz-option label", has_text=wrong).first.click()
        page.wait_for_function("() => document.querySelectorAll('.bp-quiz-q-dz2 .bp-quiz-note').length === 1"
                               " && document.querySelector('.bp-quiz-q-dz2 .bp-quiz-note').innerText.trim()",
                               timeout=TIMEOUT_WIDGET_MS)
        (n,) = page.evaluate(JS_NOTES, "dz2")
        assert n["line"] == f"◉ {wrong} — ✗ wrong: your pick is not the answer." and n["why"], n
    finally:
        session.screenshot(artifacts / "learner-quiz-07.png", scroll_to=".bp-quiz-q-grads_like_W1")


# ---- item 4: explorers ------------------------------------------------------------------------------------------

JS_EXPLORER = """(ex) => {
    const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; };
    const textBox = (cell) => { const rg = document.createRange(); rg.selectNodeContents(cell);
                                const r = rg.getBoundingClientRect(); return {left: r.left, right: r.right}; };
    const rows = Array.from(ex.querySelectorAll('.bp-slider-row')).map(row => {
        const s = row.querySelector('.bp-slider');
        return {trait: (Array.from(s.classList).find(c => c.startsWith('bp-slider-') && c !== 'bp-slider-row') || '').slice(10),
                track: box(s.querySelector('.slider-container, .noUi-target')),
                title: [s, ...s.querySelectorAll('[title]')].map(e => e.getAttribute('title') || '').join(' '),
                buttons: Array.from(row.querySelectorAll('button.bp-step')).map(b => ({
                    text: b.innerText.trim(), title: b.getAttribute('title') || '',
                    visible: b.getBoundingClientRect().width > 0}))};
    });
    const tables = Array.from(ex.querySelectorAll('.bp-table')).map(t => Array.from(t.rows).map(r =>
        Array.from(r.cells).map(c => textBox(c))));
    const img = ex.querySelector('img.bp-plot, .bp-plot img');
    const svg = ex.querySelector('.bp-plot svg.bp-svg');
    return {rows, tables, help: (ex.querySelector('.bp-slider-help') || {innerText: ''}).innerText,
            img: img ? {shown: img.clientWidth, natural: img.naturalWidth}
                 : svg ? {shown: Math.round(svg.getBoundingClientRect().width), natural: +svg.getAttribute('width')} : null,
            sliders: ex.querySelectorAll('.bp-slider').length};
}"""

JS_VALUE = """(s) => { const h = s.querySelector('.noUi-handle');
    return {now: h.getAttribute('aria-valuenow'), text: (s.querySelector('.widget-readout') || {innerText: ''}).innerText.trim()}; }"""

JS_OUTPUT = """(ex) => (ex.querySelector('.bp-readout') || {innerText: ''}).innerText
    + '|' + ((ex.querySelector('img.bp-plot, .bp-plot img') || {src: ''}).src || '').slice(-40)
    + '|' + ((ex.querySelector('.bp-figure') || {dataset: {}}).dataset.frames || '')"""


@pytest.mark.browser
@pytest.mark.parametrize("rel", EXPLORER_LESSONS)
def test_explorer_controls_line_up_say_their_keys_and_step(rel, lab, lab_page, artifacts):
    page = lab_page
    session = _open_copy(lab, page, rel, "learner-explorers")
    try:
        explorers = page.locator(".bp-explorer")
        # widget views attach after the kernel is idle, on a busy machine seconds later: wait for the first,
        # then until no more arrive for a while (the loop below reads every one)
        try:
            page.wait_for_selector(".bp-explorer", state="attached", timeout=TIMEOUT_WIDGET_MS)
        except Exception:
            pass  # reported just below
        assert explorers.count(), f"{rel}: no explorer rendered"
        n, since = explorers.count(), time.monotonic()
        while time.monotonic() - since < 2:
            page.wait_for_timeout(250)
            if explorers.count() != n:
                n, since = explorers.count(), time.monotonic()
        for j in range(explorers.count()):
            ex = explorers.nth(j)
            ex.scroll_into_view_if_needed()
            # widget views attach one by one: wait until the help line and the readout have text
            try:
                page.wait_for_function(
                    "(ex) => ['.bp-slider-help', '.bp-readout'].every(c => ((ex.querySelector(c) || {}).innerText || '')"
                    ".trim().length > 0)", arg=ex.element_handle(), timeout=TIMEOUT_WIDGET_MS, polling=100)
            except Exception:
                pass  # the assertions below say what is missing
            f = ex.evaluate(JS_EXPLORER)
            where = f"{rel}, explorer {j}"
            assert f["rows"] and len(f["rows"]) == f["sliders"], f"{where}: a slider is not in a row with buttons"
            lefts = {round(r["track"]["left"]) for r in f["rows"]}
            widths = {round(r["track"]["width"]) for r in f["rows"]}
            assert max(lefts) - min(lefts) <= 1 and max(widths) - min(widths) <= 1, \
                f"{where}: slider tracks do not line up: {[(r['trait'], r['track']) for r in f['rows']]}"
            assert "←" in f["help"] and "→" in f["help"] and "Notebook 7" in f["help"], f"{where}: {f['help']!r}"
            for r in f["rows"]:
                assert "←" in r["title"] and "→" in r["title"], f"{where}: slider {r['trait']} names no keys"
                assert [b["text"] for b in r["buttons"]] == ["−", "+"] and all(b["visible"] for b in r["buttons"]), \
                    f"{where}: slider {r['trait']} has buttons {r['buttons']}"
                assert all(b["title"] for b in r["buttons"])
            for t, table in enumerate(f["tables"]):
                for col in range(len(table[0])):
                    edge = "left" if col == 0 else "right"
                    xs = [round(row[col][edge]) for row in table if col < len(row)]
                    assert max(xs) - min(xs) <= 1, f"{where}, table {t}: column {col} is ragged ({edge} edges {xs})"
            if f["img"] and f["img"]["natural"]:
                assert f["img"]["shown"] == f["img"]["natural"], f"{where}: the plot is scaled: {f['img']}"
            # the first arrow key moves every slider (none starts at its end), and − / + step it
            sliders = ex.locator(".bp-slider")
            for k in range(sliders.count()):
                s = sliders.nth(k)
                s.scroll_into_view_if_needed()
                before = s.evaluate(JS_VALUE)
                s.locator(".noUi-handle").first.focus()
                page.keyboard.press("ArrowRight")
                try:
                    page.wait_for_function("([s, v]) => (%s)(s).text !== v" % JS_VALUE,
                                           arg=[s.element_handle(), before["text"]], timeout=TIMEOUT_WIDGET_MS)
                except Exception:
                    pytest.fail(f"{where}: the first ArrowRight on slider {f['rows'][k]['trait']} did not move it "
                                f"(it shows {s.evaluate(JS_VALUE)}, was {before})")
                _wait_idle(page)
            if "bp-slider-eps" in (ex.locator(".bp-slider").first.get_attribute("class") or ""):
                # lesson 05: the readout writes ε exactly as the slider shows it (5.6e-6, not 6e-6 / 5.6e-06)
                shown = ex.locator(".bp-slider").first.evaluate(JS_VALUE)["text"]
                assert f"ε = {shown}:" in ex.locator(".bp-readout").inner_text(), (shown, ex.locator(".bp-readout").inner_text())
            s = sliders.first
            row = ex.locator(".bp-slider-row").first
            for sign in ("−", "+"):
                _wait_idle(page)  # the last step's answers are all in: "before" is what the page settled on
                # and the picture has caught up with them (on a loaded machine an answer can land after idle:
                # a stale "before" would be mistaken for the step's redraw, or equal it when the step goes back)
                _settle(page, j, JS_OUTPUT)
                before, out = s.evaluate(JS_VALUE), ex.evaluate(JS_OUTPUT)
                row.locator("button.bp-step", has_text=sign).click()
                # the explorer is found afresh at each poll (JupyterLab may re-attach a cell's views), and
                # kernel idleness is waited for apart: it flickers while the answers to a step arrive
                try:
                    page.wait_for_function(
                        "([j, v, o]) => { const ex = document.querySelectorAll('.bp-explorer')[j];"
                        " const s = ex && ex.querySelector('.bp-slider');"
                        " return !!s && (%s)(s).text !== v && (%s)(ex) !== o; }" % (JS_VALUE, JS_OUTPUT),
                        arg=[j, before["text"], out], timeout=TIMEOUT_WIDGET_MS, polling=100)
                except Exception:
                    pytest.fail(f"{where}: the {sign} button did not step slider {f['rows'][0]['trait']} and redraw "
                                f"(it shows {s.evaluate(JS_VALUE)}, was {before}; output {ex.evaluate(JS_OUTPUT)!r}, "
                                f"was {out!r})")
                _wait_idle(page)
    finally:
        session.screenshot(artifacts / f"learner-explorer-{rel.split('/')[1]}.png")


# ---- item 4: Notebook 7 -----------------------------------------------------------------------------------------

@pytest.mark.browser
def test_minus_plus_buttons_move_a_slider_in_notebook_7(lab, lab_page, artifacts):
    rel = "solutions/01_chain_rule/01_chain_rule.ipynb"
    lesson = rel.split("/")[1]
    folder = lab.root_dir / "learner-nb7" / lesson
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(ROOT / "solutions" / lesson, folder, ignore=shutil.ignore_patterns("quiz_answers*.json"))
    page = lab_page
    session = Notebook7Session(page, lab, folder / f"{lesson}.ipynb", label=f"Notebook 7: {rel}")
    try:
        session.open()
        session.run_all()
        ex = page.locator(".bp-explorer").first
        ex.scroll_into_view_if_needed()
        page.wait_for_function("(ex) => ex.querySelector('.bp-readout').innerText.includes('z = w·x + b')",
                               arg=ex.element_handle(), timeout=TIMEOUT_WIDGET_MS)
        w = ex.locator(".bp-slider-w").first
        readout = ex.locator(".bp-readout").first
        assert w.evaluate(JS_VALUE)["text"] == "0.80"
        row = ex.locator(".bp-slider-row").first
        for sign, want, z in (("+", "0.85", "+0.7750"), ("+", "0.90", "+0.8500"), ("−", "0.85", "+0.7750")):
            btn = row.locator("button.bp-step", has_text=sign)
            btn.focus()
            page.keyboard.press("Enter")  # the keyboard reaches a button in Notebook 7
            page.wait_for_function("([s, v]) => (s.querySelector('.widget-readout') || {}).innerText.trim() === v",
                                   arg=[w.element_handle(), want], timeout=TIMEOUT_WIDGET_MS)
            page.wait_for_function("([r, z]) => r.innerText.includes('z = w·x + b = ' + z)",
                                   arg=[readout.element_handle(), z], timeout=TIMEOUT_WIDGET_MS)
        assert "Notebook 7" in ex.locator(".bp-slider-help").inner_text()
        # Notebook 7 collapses the quiz question cells too: the question shows, its seal does not
        cell = page.locator(f"{CELLS}:has(.bp-quiz)").first
        cell.scroll_into_view_if_needed()
        # off-screen cells are painted only once in view (content-visibility): wait for the question's text
        page.wait_for_function("(c) => ((c.querySelector('.bp-quiz .widget-htmlmath, .bp-quiz .widget-html')"
                               " || {innerText: ''}).innerText || '').startsWith('Question 1.')",
                               arg=cell.element_handle(), timeout=TIMEOUT_WIDGET_MS)
        c = cell.evaluate(JS_QUIZ_CELL)
        assert not SEAL.search(c["input"]) and c["placeholder"] and c["question"].startswith("Question 1."), c
    finally:
        session.screenshot(artifacts / "learner-notebook7-explorer-01.png")

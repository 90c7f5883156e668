"""How responsive the course's widgets are in a real browser, and what a Run All costs there.

For each lesson's instructor notebook (solutions/, discovered at run time), in
JupyterLab in headless Chromium:

* run-all time: from the click on Run ▸ Run All Cells to every cell done and the
  kernel idle, side by side with the same notebook run headless by nbclient
  (what the notebook gates do), as a ratio;
* slider latency: the main slider (the first slider of the lesson's first
  explorer) is moved ``--moves`` times with the arrow keys; each move is timed in
  the page, from the keydown event to the redrawn output (the new plot image
  decoded and the readout text replaced, whichever comes last). Median and 90th
  percentile; the course's target is a median of at most 150 ms on the project's
  2-core machine.

Usage:  PYTHONPATH=. .venv/bin/python benchmarks/bench_widgets.py [--moves 40] [--lessons 01_chain_rule ...]
Writes artifacts/browser/bench_widgets.json and prints a Markdown table.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests"))

from lab import LabServer, copy_lessons, lesson_notebooks  # noqa: E402
from labcheck import INDICATOR, NotebookSession  # noqa: E402

TARGET_MEDIAN_MS = 150
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]

# Timestamps taken in the page: the keydown on the handle, the plot's load event, the readout's mutation.
JS_INSTRUMENT = """(ex) => {
    const img = ex.querySelector('img.bp-plot, .bp-plot img');
    const readout = ex.querySelector('.bp-readout');
    const t = window.__bp = {key: 0, img: 0, text: 0, imgs: 0, texts: 0};
    ex.addEventListener('keydown', (e) => { t.key = e.timeStamp; t.img = 0; t.text = 0; }, true);
    if (img) img.addEventListener('load', () => { if (t.key) { t.img = performance.now(); t.imgs++; } });
    if (readout) new MutationObserver(() => { if (t.key) { t.text = performance.now(); t.texts++; } })
        .observe(readout, {subtree: true, childList: true, characterData: true});
    return {img: !!img, readout: !!readout};
}"""


def percentile(xs, q):
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def time_slider(page, explorer, moves):
    has = explorer.evaluate(JS_INSTRUMENT)
    slider = explorer.locator(".bp-slider").first
    name = slider.evaluate("(el) => (Array.from(el.classList).find(c => c.startsWith('bp-slider-')) || '?').slice(10)")
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    key = "ArrowRight"
    out = []
    for _ in range(moves):
        now, lo, hi = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        if now >= hi - 1e-12:
            key = "ArrowLeft"
        elif now <= lo + 1e-12:
            key = "ArrowRight"
        page.keyboard.press(key)
        # done when the kernel is idle again and the new image has loaded (and the readout, if it has one,
        # has been replaced); the times themselves come from the page's own clock
        try:
            page.wait_for_function(
                """([ind, img, txt]) => {
                    const t = window.__bp, k = document.querySelector(ind);
                    return t.key && (!img || t.img > t.key) && (!txt || t.text > t.key)
                        && k && k.getAttribute('data-status') === 'idle';
                }""", arg=[INDICATOR, has["img"], has["readout"]], timeout=20_000, polling=20)
        except Exception:
            pass  # e.g. a move that leaves the readout text as it was: time what did change
        t = page.evaluate("() => window.__bp")
        done = max(t["img"], t["text"])
        if done > t["key"]:
            out.append(done - t["key"])
        else:
            print(f"  a move of {name} changed nothing within 20 s", flush=True)
    return name, out


def nbclient_seconds(path):
    """Run a notebook headless with nbclient, in its folder (a temporary copy: it saves quiz answers there)."""
    from nbrun import execute, load
    _, seconds = execute(load(path), path.parent, timeout=600)
    return seconds


def _copy(rel, dest):
    """Copy a lesson's folder (without saved answers) to ``dest``; returns True."""
    import shutil
    src = (ROOT / rel).parent
    shutil.copytree(src, dest / Path(rel).parent, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("quiz_answers*.json", ".ipynb_checkpoints"))
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=40, help="key presses per slider (at least 30)")
    ap.add_argument("--lessons", nargs="*", help="lesson ids (default: every lesson in solutions/)")
    ap.add_argument("--no-nbclient", action="store_true", help="skip the headless side-by-side run")
    args = ap.parse_args(argv)
    if args.moves < 30:
        ap.error("--moves must be at least 30")
    rels = [r for r in lesson_notebooks("solutions") if not args.lessons or r.split("/")[1] in args.lessons]
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bp-bench-"))
    server = LabServer(sys.executable, copy_lessons(tmp / "repo", kinds=("solutions",)), tmp / "home",
                       kernel_pythonpath=[ROOT]).start()
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            for rel in rels:
                lesson = rel.split("/")[1]
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.set_default_timeout(120_000)
                s = NotebookSession(page, server, server.root_dir / rel).open()
                t0 = time.perf_counter()
                s.menu("Run", "Run All Cells")
                s.wait_run_finished()
                run_all = time.perf_counter() - t0
                row = {"lesson": lesson, "run_all_s": round(run_all, 2)}
                explorers = page.locator(".bp-explorer")
                if explorers.count():
                    name, ms = time_slider(page, explorers.first, args.moves)
                    row.update(slider=name, moves=len(ms), median_ms=round(statistics.median(ms), 1),
                               p90_ms=round(percentile(ms, 0.9), 1), max_ms=round(max(ms), 1))
                context.close()
                server.shutdown_kernels()
                if not args.no_nbclient:
                    nb = nbclient_seconds(tmp / "nbclient" / rel) if _copy(rel, tmp / "nbclient") else None
                    row.update(nbclient_s=round(nb, 2), ratio=round(run_all / nb, 2))
                results.append(row)
                print(json.dumps(row), flush=True)
            browser.close()
    finally:
        server.stop()
    out = ROOT / "artifacts" / "browser" / "bench_widgets.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"target_median_ms": TARGET_MEDIAN_MS, "results": results}, indent=1))
    print("\n| lesson | main slider | moves | median ms | p90 ms | run all in browser (s) | nbclient (s) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['lesson']} | {r.get('slider', '—')} | {r.get('moves', '—')} | {r.get('median_ms', '—')} | "
              f"{r.get('p90_ms', '—')} | {r['run_all_s']} | {r.get('nbclient_s', '—')} | {r.get('ratio', '—')} |")
    slow = [r["lesson"] for r in results if r.get("median_ms", 0) > TARGET_MEDIAN_MS]
    print(f"\ntarget: median ≤ {TARGET_MEDIAN_MS} ms; over target: {', '.join(slow) or 'none'}")
    return results


if __name__ == "__main__":
    main()

"""Step 6: ``OUT/report.html``, the class at a glance.

One self-contained page (figures inlined as PNG): a histogram of the class's
scores per lesson, each exercise's success rate (what to re-teach), the
flagged submissions with what was found, the submissions handed in without
their quiz answers, and any files the intake ignored.
Figures use ``backprop.plots`` (Okabe–Ito palette, labelled axes). As on the
learners' pages, exercise titles show their maths (MathML) and names in
backticks show as code; ``grades.csv`` keeps the plain sentences.
"""

import base64
import html
from pathlib import Path


def _img(png, alt):
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def histogram(rows, lessons):
    """Score distribution (percent of each lesson's points), one bar colour per lesson, stacked."""
    from backprop.plots import COLORS, label, new_figure, to_png
    fig = new_figure(7.0, 3.4)
    ax = fig.add_subplot()
    bins = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001]
    data, names = [], []
    for i, lid in enumerate(lessons):
        pct = [100.0 * float(r["score"]) / float(r["max_score"]) for r in rows
               if r["lesson"] == lid and float(r["max_score"]) > 0 and "missing" not in r["flags"].split(";")]
        data.append(pct)
        names.append(lid)
    if any(data):
        ax.hist(data, bins=bins, stacked=True, color=[COLORS[i % len(COLORS)] for i in range(len(data))],
                label=names, edgecolor="white")
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlim(0, 100)
    label(ax, "score (% of the lesson's points)", "number of submissions", "How the class scored")
    return to_png(fig)


def success_rates(lessons, results):
    """[(lesson, exercise title, passed, attempted)] over submitted (non-missing) notebooks."""
    out = []
    for lid, lesson in lessons.items():
        for ex, title, test_ids in lesson.exercises:
            passed = attempted = 0
            for (learner, l), res in results.items():
                if l != lid or "missing" in res.flags:
                    continue
                attempted += 1
                if res.passed_all(test_ids):
                    passed += 1
            out.append((lid, title, passed, attempted))
    return out


def rates_chart(rates):
    from backprop.plots import COLORS, label, new_figure, to_png
    n = max(len(rates), 1)
    fig = new_figure(7.0, 0.8 + 0.32 * n)
    ax = fig.add_subplot()
    lessons = list(dict.fromkeys(r[0] for r in rates))
    ys = list(range(len(rates)))[::-1]
    vals = [100.0 * p / a if a else 0.0 for _, _, p, a in rates]
    cols = [COLORS[lessons.index(r[0]) % len(COLORS)] for r in rates]
    ax.barh(ys, vals, color=cols)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{r[0][:2]} · {r[1][:48]}" for r in rates], fontsize=8)
    for y, v, (_, _, p, a) in zip(ys, vals, rates):
        ax.text(min(v + 1, 92), y, f"{p}/{a}", va="center", fontsize=7)
    ax.set_xlim(0, 100)
    label(ax, "learners who passed every test of the exercise (%)", "exercise", "What to re-teach: success rate per exercise")
    return to_png(fig)


def missing_quiz_answers(lessons, results):
    """[(learner, lesson, quiz questions not passed)] for notebooks handed in without quiz_answers.json."""
    from autograder.feedback import missing_quiz_answers as missing
    from autograder.quiz.notebook import GRADE
    out = []
    for (learner, lid), res in sorted(results.items(), key=lambda kv: kv[0]):
        if lid in lessons and missing(res):
            out.append((learner, lid, sum(1 for t, r in res.tests.items() if t.startswith(GRADE) and not r.passed)))
    return out


def write_report(out, summary, lessons, results):
    from autograder.feedback import NO_QUIZ_ANSWERS, code_html, headings, title_html
    e = html.escape
    rows = summary.rows
    rates = success_rates(lessons, results)
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Class report</title><style>"
             "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
             "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
             "text-align:left;font-size:.9rem}img{max-width:100%}</style></head><body>",
             "<h1>Class report</h1>",
             f"<p>{len(summary.learners)} learners × {len(lessons)} lessons. Gradebook: <code>{e(summary.db_url)}</code>."
             " Scores per learner are in <code>grades.csv</code>; each learner's feedback in <code>feedback/</code>.</p>",
             "<h2>Scores</h2>", _img(histogram(rows, list(lessons)), "Histogram of scores per lesson"),
             "<h2>Success rate per exercise</h2>", _img(rates_chart(rates), "Bar chart of success rate per exercise"),
             "<table><tr><th>lesson</th><th>exercise</th><th>passed</th><th>of</th></tr>"]
    heads = {lid: headings(lesson) for lid, lesson in lessons.items()}
    for lid, title, p, a in rates:
        parts.append(f"<tr><td>{e(lid)}</td><td>{title_html(title, heads.get(lid, {}))}</td><td>{p}</td>"
                     f"<td>{a}</td></tr>")
    parts.append("</table><h2>Flagged submissions</h2>")
    flagged = [r for r in rows if r["flags"]]
    if flagged:
        parts.append("<table><tr><th>learner</th><th>lesson</th><th>score</th><th>flags</th><th>what was found</th></tr>")
        for r in flagged:
            parts.append(f"<tr><td>{e(r['learner'])}</td><td>{e(r['lesson'])}</td><td>{r['score']} / {r['max_score']}"
                         f"</td><td>{e(r['flags'])}</td><td>{code_html(r['details'])}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    no_quiz = missing_quiz_answers(lessons, results)
    if no_quiz:
        parts.append("<h2>Quiz answers not handed in</h2><table class='quiz-missing'><tr><th>learner</th>"
                     "<th>lesson</th><th>quiz questions at 0</th><th>what was found</th></tr>")
        for learner, lid, n in no_quiz:
            parts.append(f"<tr><td>{e(learner)}</td><td>{e(lid)}</td><td>{n}</td><td>{e(NO_QUIZ_ANSWERS)}</td></tr>")
        parts.append("</table>")
    if summary.notes:
        parts.append("<h2>Files ignored or renamed</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in summary.notes) + "</ul>")
    parts.append("</body></html>")
    path = Path(out) / "report.html"
    tmp = path.with_name("report.html.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)

"""Step 6: files for a learning-management system, from the rows of ``grades.csv``.

- ``OUT/grades_wide.csv``: one row per learner, a column per lesson, then the total and the maximum.
- ``OUT/canvas_import.csv`` (with ``--roster FILE``): Canvas's gradebook import layout, the learner's LMS
  identity from the roster (``learner,name,id,email``; optional ``sis_user_id``, ``section``).

Every cell a learner or a roster wrote is made safe for spreadsheets: text that would run as a formula
(``=``, ``+``, ``-``, ``@``, a tab or a carriage return first) is written with a leading apostrophe.
"""

import csv
import os
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def safe(text):
    """``text`` as a spreadsheet shows it, never as a formula it would run."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _write(path, header, rows):
    tmp = Path(path).with_name(Path(path).name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


def _by_learner(rows):
    out = {}
    for r in rows:
        out.setdefault(r["learner"], {})[r["lesson"]] = float(r["score"])
    return out


def write_wide(out, learners, lessons, rows):
    """OUT/grades_wide.csv: learner, one column per lesson, total, max_total."""
    scores = _by_learner(rows)
    maxes = [lessons[lid].max_score for lid in lessons]
    body = []
    for learner in sorted(learners, key=lambda s: (s.casefold(), s)):
        got = [scores.get(learner, {}).get(lid, 0.0) for lid in lessons]
        body.append([safe(learner)] + [f"{g:g}" for g in got] + [f"{sum(got):g}", f"{sum(maxes):g}"])
    path = Path(out) / "grades_wide.csv"
    _write(path, ["learner", *lessons, "total", "max_total"], body)
    return path


def read_roster(path):
    """{learner: {name, id, email, sis_user_id, section}} from a CSV with at least learner,name,id,email."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        need = {"learner", "name", "id", "email"}
        missing = need - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"the roster {path} has no column {', '.join(sorted(missing))} "
                             f"(it needs learner,name,id,email)")
        return {row["learner"].strip(): {k: (v or "").strip() for k, v in row.items() if k} for row in reader
                if (row.get("learner") or "").strip()}


def write_canvas(out, roster_path, learners, lessons, rows):
    """OUT/canvas_import.csv in Canvas's layout; returns notes for the report (who is missing where)."""
    roster = read_roster(roster_path)
    scores = _by_learner(rows)
    header = CANVAS_IDENTITY + [f"Backprop {lid}" for lid in lessons]
    body = [["    Points Possible", "", "", "", ""] + [f"{lessons[lid].max_score:g}" for lid in lessons]]
    for learner in sorted(set(learners) & set(roster), key=lambda s: (roster[s]["name"].casefold(), s)):
        who = roster[learner]
        body.append([safe(who["name"]), safe(who["id"]), safe(who.get("sis_user_id", "")), safe(who["email"]),
                     safe(who.get("section", ""))]
                    + [f"{scores.get(learner, {}).get(lid, 0.0):g}" for lid in lessons])
    _write(Path(out) / "canvas_import.csv", header, body)
    notes = [f"{learner}: submitted but not in the roster {Path(roster_path).name}, so not in canvas_import.csv"
             for learner in sorted(set(learners) - set(roster))]
    notes += [f"{learner} ({roster[learner]['name']}): in the roster but submitted nothing"
              for learner in sorted(set(roster) - set(learners))]
    return notes

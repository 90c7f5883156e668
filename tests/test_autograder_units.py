"""The grader's steps that need no kernel: intake, the tamper check, the static scan, the command line."""

import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder_class import L1, blank, right, solution_sources
from autograder.integrity import check, forbidden_for
from autograder.intake import IntakeError, intake
from autograder.lessons import load_lesson

ROOT = Path(__file__).resolve().parent.parent


def lesson_ids():
    from autograder.lessons import lesson_ids as ids
    return ids(ROOT)


# ------------------------------------------------------------------ intake

def _nb_bytes(nb=None):
    return nbformat.writes(nb or blank(L1)).encode()


def test_zip_with_a_wrapper_folder_mac_names_and_both_layouts(tmp_path):
    z = tmp_path / "download.zip"
    nfd = unicodedata.normalize("NFD", "Zoë D'Arcy")
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(f"export/{nfd}/{L1}/{L1}.ipynb", _nb_bytes())
        zf.writestr(f"export/{nfd}/{L1}/quiz_answers.json", "{}")
        zf.writestr(f"export/Ana María/{L1}.ipynb", _nb_bytes())
        zf.writestr("export/Ana María/notes.txt", "hi")
        zf.writestr("export/__MACOSX/._junk", "x")
        zf.writestr("export/Bad Zip/../../escape.ipynb", "x")
    learners, subs, notes = intake(z, tmp_path / "out", [L1])
    assert learners == ["Ana María", "Zoë D'Arcy"]
    zoe = subs[("Zoë D'Arcy", L1)]
    assert zoe.notebook.exists() and (zoe.folder / "quiz_answers.json").exists()
    ana = subs[("Ana María", L1)]
    assert (ana.folder / "notes.txt").exists()        # flat layout: the learner's loose files travel too
    assert ana.folder == tmp_path / "out" / "submitted" / "Ana María" / L1   # nbgrader's submitted layout
    assert not (tmp_path / "escape.ipynb").exists() and any("skipped" in n for n in notes)


def test_unreadable_missing_renamed_and_unknown_files(tmp_path):
    s = tmp_path / "subs"
    (s / "Bad").mkdir(parents=True)
    (s / "Bad" / f"{L1}.ipynb").write_text("not json")
    (s / "Empty").mkdir()
    (s / "Empty" / f"{L1}.ipynb").write_text("")
    (s / "Nobody").mkdir()
    (s / "Copy").mkdir()
    (s / "Copy" / f"{L1} (1).ipynb").write_bytes(_nb_bytes())
    (s / "Copy" / "homework.ipynb").write_bytes(_nb_bytes())
    (s / "stray.txt").write_text("x")
    learners, subs, notes = intake(s, tmp_path / "out", [L1])
    assert "valid notebook JSON" in subs[("Bad", L1)].unreadable
    assert "empty" in subs[("Empty", L1)].unreadable
    assert subs[("Nobody", L1)].missing
    assert subs[("Copy", L1)].notebook.exists() and not subs[("Copy", L1)].unreadable
    assert any("homework.ipynb" in n for n in notes) and any("stray.txt" in n for n in notes)
    assert f"Copy: graded '{L1} (1).ipynb' as {L1}.ipynb" in notes   # the report lists the renamed copy


@pytest.mark.parametrize("layout", ["nested", "flat"])
def test_a_class_of_one_in_either_layout(tmp_path, layout):
    """SUBMISSIONS holding one learner's folder, and SUBMISSIONS that *is* that folder, both grade that learner."""
    alice = tmp_path / "late" / "alice"
    path = alice / L1 / f"{L1}.ipynb" if layout == "nested" else alice / f"{L1}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(_nb_bytes())
    for given in (tmp_path / "late", alice):
        learners, subs, notes = intake(given, tmp_path / f"out-{given.name}", [L1, "02_computational_graphs"])
        assert learners == ["alice"], (given, notes)
        assert subs[("alice", L1)].notebook.exists() and subs[("alice", "02_computational_graphs")].missing
        assert not any("no learner folders" in n for n in notes)
    assert any("graded as learner 'alice'" in n for n in notes)   # said in the report


def test_a_zip_holding_one_learners_lessons_is_named_after_the_zip(tmp_path):
    z = tmp_path / "alice.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(f"{L1}/{L1}.ipynb", _nb_bytes())
    learners, subs, notes = intake(z, tmp_path / "out", [L1])
    assert learners == ["alice"] and subs[("alice", L1)].notebook.exists()


def test_every_submission_gets_a_time_from_timestamp_txt_or_the_file(tmp_path):
    import os
    from nbgrader.utils import parse_utc

    from autograder.intake import format_timestamp
    s = tmp_path / "subs"
    (s / "ada" / L1).mkdir(parents=True)
    (s / "ada" / L1 / f"{L1}.ipynb").write_bytes(_nb_bytes())
    (s / "ada" / L1 / "timestamp.txt").write_text("2026-11-29 10:00:00.000000 UTC")
    (s / "bo").mkdir()
    (s / "bo" / f"{L1}.ipynb").write_bytes(_nb_bytes())
    os.utime(s / "bo" / f"{L1}.ipynb", (1_700_000_000, 1_700_000_000))
    (s / "cy" / L1).mkdir(parents=True)
    (s / "cy" / L1 / f"{L1}.ipynb").write_bytes(_nb_bytes())
    (s / "cy" / L1 / "timestamp.txt").write_text("not a time")
    _, subs, _ = intake(s, tmp_path / "out", [L1])
    ada, bo, cy = subs[("ada", L1)], subs[("bo", L1)], subs[("cy", L1)]
    assert (ada.timestamp, ada.timestamp_from) == ("2026-11-29 10:00:00.000000 UTC", "timestamp.txt")
    assert (bo.timestamp, bo.timestamp_from) == (format_timestamp(1_700_000_000), "file time")
    assert parse_utc(bo.timestamp).isoformat() == "2023-11-14T22:13:20"
    assert cy.timestamp_from == "file time"   # an unreadable timestamp.txt is not trusted
    for sub in (ada, bo, cy):   # where nbgrader's formgrader reads it
        assert (sub.folder / "timestamp.txt").read_text() == sub.timestamp


def test_zip_members_keep_their_recorded_time_so_reruns_hash_the_same(tmp_path):
    z = tmp_path / "c.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo(f"ada/{L1}.ipynb", date_time=(2026, 11, 28, 9, 30, 0))
        zf.writestr(info, _nb_bytes())
    first = intake(z, tmp_path / "out1", [L1])[1][("ada", L1)]
    second = intake(z, tmp_path / "out2", [L1])[1][("ada", L1)]
    assert first.timestamp == second.timestamp == "2026-11-28 09:30:00.000000 UTC"


def test_formula_like_names_are_text_in_spreadsheets():
    from autograder.lms import safe
    assert [safe(x) for x in ("=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\tx", "Ana", "")] == \
        ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Ana", ""]
    assert safe("\t=1") == "'\t=1"


def test_an_output_folder_inside_the_submissions_is_not_a_learner(tmp_path):
    s = tmp_path / "subs"
    (s / "Ann").mkdir(parents=True)
    (s / "Ann" / f"{L1}.ipynb").write_bytes(_nb_bytes())
    learners, subs, notes = intake(s, s / "graded", [L1])
    learners, subs, notes = intake(s, s / "graded", [L1])   # the second run sees graded/ inside subs/
    assert learners == ["Ann"]


def test_not_a_zip_is_an_intake_error(tmp_path):
    bad = tmp_path / "class.zip"
    bad.write_text("nope")
    with pytest.raises(IntakeError):
        intake(bad, tmp_path / "out", [L1])


@pytest.mark.parametrize("args", [
    ["grade", "/no/such/folder", "--out", "OUT"],
    ["grade", ".", "--out", "OUT", "--jobs", "0"],
    ["grade", ".", "--out", "OUT", "--timeout", "soon"],
    ["grade", "."],
])
def test_bad_arguments_exit_with_status_2(args, tmp_path):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    proc = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2, proc.stderr


def test_a_corrupt_zip_exits_with_status_2(tmp_path):
    bad = tmp_path / "class.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(bad), "--out", str(tmp_path / "o")],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2 and "zip" in proc.stderr


# ------------------------------------------------------------------ integrity

@pytest.mark.parametrize("lesson", lesson_ids())
def test_the_release_and_the_right_answers_raise_no_flag(lesson):
    les = load_lesson(lesson)
    for nb in (blank(lesson), right(lesson)):
        f = check(nb, les)
        assert f.flags == [], f.details


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def test_tampering_is_detected_by_checksum_and_metadata():
    les = load_lesson(L1)
    nb = right(L1)
    _cell(nb, "setup").source += "\nnp.allclose = lambda *a, **k: True"
    assert "locked cell 'setup' was edited" in check(nb, les).details
    nb = right(L1)
    _cell(nb, "test_nudge_slope").metadata.nbgrader["grade"] = False
    assert any("'grade' changed" in d for d in check(nb, les).details)
    nb = right(L1)
    extra = nbformat.v4.new_code_cell("pass")
    extra.metadata["nbgrader"] = {"grade": True, "grade_id": "bonus", "points": 100, "locked": True,
                                  "solution": False, "schema_version": 3}
    nb.cells.append(extra)
    assert check(nb, les).flags == ["tampered"]


SCAN = [
    ("np.allclose = lambda *a, **k: True", "monkeypatch"),
    ("import numpy\nnumpy.testing.assert_allclose = print", "monkeypatch"),
    ("setattr(np, 'allclose', lambda *a, **k: True)", "monkeypatch"),
    ("import builtins\nbuiltins.isinstance = lambda *a: True", "monkeypatch"),
    ("__builtins__['abs'] = lambda v: 0", "monkeypatch"),
    ("import backprop.checks as bc\nbc.check_array = lambda *a, **k: None", "monkeypatch"),
    ("from backprop import checks\nchecks._close = lambda *a, **k: True", "monkeypatch"),
    ("check_scalar = lambda *a, **k: None", "monkeypatch"),
    ("def call(fn, *a, **k):\n    return None", "monkeypatch"),
    ("get_ipython().set_custom_exc((Exception,), lambda *a: None)", "monkeypatch"),
    ("import sys\nsys.excepthook = print", "monkeypatch"),
    ("import sys\nsys.modules['numpy'] = None", "monkeypatch"),
    ("import sys\nsys.modules.pop('backprop.checks')", "monkeypatch"),
    ("check_tuple.__code__ = (lambda *a: a).__code__", "monkeypatch"),
    ("def f():\n    global check_true\n    check_true = print", "monkeypatch"),
    ("import importlib, backprop.checks\nimportlib.reload(backprop.checks)", "monkeypatch"),
    ("type(get_ipython().kernel).do_execute = lambda *a, **k: None", "monkeypatch"),
    ("setattr(check_scalar, '__code__', print.__code__)", "monkeypatch"),
    ("import autograder.reference.neuron as r", "reference-import"),
    ("from autograder import reference", "reference-import"),
    ("m = __import__('autograder.reference.neuron')", "reference-import"),
    ("import importlib\nm = importlib.import_module('autograder.reference')", "reference-import"),
    ("def neuron_forward(x, w, b, y):\n    return ref.neuron_forward(x, w, b, y)", "reference-import"),
    ("from backprop.losses import squared_error\nL = squared_error(0.5, 1.0)", "reference-import"),
    ("import backprop.widgets.neuron as n\nm = n.NeuronModel()", "reference-import"),
]

HARMLESS = [
    "import numpy as np",                                   # the same binding as the setup cell
    "from backprop.activations import sigmoid",
    "x = np.array([1.0, 2.0])\nx.shape = (2, 1)",            # attributes of the learner's own objects
    "total = 0\nfor v in [1, 2]:\n    total += abs(v)",
    "sum = 0",                                             # shadows a builtin the tests do not use
    "def helper(abs_value):\n    return abs_value",
    "print(np.allclose(1.0, 1.0))",                          # using numpy is fine; rebinding it is not
    "%timeit sum([1, 2])",
    "def show(x):\n    print(x)",                         # the setup imported a `show`, but no test uses it
]


@pytest.mark.parametrize("code,flag", SCAN, ids=[c[0].splitlines()[-1][:40] for c in SCAN])
def test_static_scan_flags_cheats(code, flag):
    les = load_lesson(L1)
    nb = right(L1, gradient_step=solution_sources(L1)["gradient_step"] + "\n" + code)
    f = check(nb, les)
    assert flag in f.flags, f.details
    assert all(d.startswith("gradient_step:") for d in f.details)


@pytest.mark.parametrize("code", HARMLESS, ids=[c.splitlines()[0][:40] for c in HARMLESS])
def test_static_scan_leaves_honest_code_alone(code):
    les = load_lesson(L1)
    nb = right(L1, gradient_step=solution_sources(L1)["gradient_step"] + "\n" + code)
    assert check(nb, les).flags == []


def test_package_functions_that_are_answers_are_forbidden_unless_handed_out():
    ids = lesson_ids()
    if "03_two_layer_network" in ids:
        assert "backprop.losses.softmax" in forbidden_for(load_lesson("03_two_layer_network"))
    if "04_batches_and_training" in ids:   # lesson 04's setup hands softmax out
        assert "backprop.losses.softmax" not in forbidden_for(load_lesson("04_batches_and_training"))
    assert "backprop.losses.squared_error" in forbidden_for(load_lesson(L1))
    if "02_computational_graphs" in ids:   # a sorted longest-path layout is a topological order
        assert "backprop.graphplot.columns" in forbidden_for(load_lesson("02_computational_graphs"))
        assert "backprop.graphplot.draw_graph" not in forbidden_for(load_lesson("02_computational_graphs"))


# ------------------------------------------------------------------ the gradebook's engines

@pytest.mark.slow   # nbgrader stamps a new gradebook by running alembic: 4 s
def test_gradebooks_share_one_engine_per_url_while_grading_and_only_then(tmp_path, monkeypatch):
    """nbgrader opens a Gradebook (so an engine, with an empty statement cache) per operation: while grading,
    those on one URL share an engine, so a query is compiled once; outside, nbgrader is as it was."""
    from nbgrader.api import Gradebook

    from autograder import gradebook

    import os
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])  # nbgrader runs alembic
    import shutil
    url, other = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    Gradebook(url).close()                                      # a new database: nbgrader stamps it with alembic
    shutil.copyfile(tmp_path / "a.db", tmp_path / "b.db")       # once
    with gradebook.tuned(durable=[url]):
        with Gradebook(url) as first:
            first.add_student("ada")
            engine = first.engine
        with Gradebook(url) as second:
            assert second.engine is engine                    # the same engine, after the first was closed
            assert [s.id for s in second.students] == ["ada"]  # and it still reaches the database
        with Gradebook(other) as third:
            assert third.engine is not engine
    with Gradebook(url) as outside, Gradebook(url) as outside_too:
        assert outside.engine is not engine and outside.engine is not outside_too.engine

"""``python -m autograder grade --cluster``: the same grades from a real two-worker Dask cluster on loopback."""

import subprocess
import sys

import nbformat
import pytest

from autograder_class import L1, blank, broken_by, expected_score, right, wrong
from dask_cluster import _env, local_cluster


def small_class(folder):
    """Four learners × lesson 01: right, wrong, blank (nbgrader's layout) and a renamed flat copy."""
    notebooks = {"Ana": right(L1), "Bob": right(L1, gradient_step=wrong(L1, "gradient_step")), "Cy": blank(L1)}
    for learner, nb in notebooks.items():
        (folder / learner / L1).mkdir(parents=True)
        nbformat.write(nb, str(folder / learner / L1 / f"{L1}.ipynb"))
    (folder / "Zoë D'Arcy").mkdir()
    nbformat.write(right(L1, neuron_forward=wrong(L1, "neuron_forward")), str(folder / "Zoë D'Arcy" / f"{L1} (1).ipynb"))
    return {"Ana": expected_score(L1, set()), "Bob": expected_score(L1, broken_by(L1, "gradient_step")),
            "Cy": 0.0, "Zoë D'Arcy": expected_score(L1, broken_by(L1, "neuron_forward"))}


def grade_cmd(subs, out, *extra):
    return [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--no-progress", *extra]


@pytest.mark.notebooks
def test_cluster_grades_csv_identical_to_local(tmp_path):
    import csv

    from distributed import Client
    subs = tmp_path / "class"
    expected = small_class(subs)
    local, remote = tmp_path / "local", tmp_path / "cluster"
    with local_cluster(workers=2) as address:
        # the local run in its own process, while the workers warm up
        here = subprocess.Popen(grade_cmd(subs, local, "--jobs", "1"), env=_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        there = subprocess.run(grade_cmd(subs, remote, "--cluster", address), env=_env(), capture_output=True,
                               text=True, timeout=300)
        assert here.wait(timeout=300) == 0, here.stdout.read()
        assert there.returncode == 0, there.stdout + there.stderr
        with Client(address, timeout=30) as client:   # the notebooks really ran on the workers
            ran = client.run_on_scheduler(
                lambda dask_scheduler: dict(dask_scheduler.task_prefixes["grade_remote"].state_counts))
    assert ran["memory"] == len(expected) and not ran.get("erred"), ran

    assert (remote / "grades.csv").read_bytes() == (local / "grades.csv").read_bytes()
    with open(remote / "grades.csv", newline="", encoding="utf-8") as f:
        got = {r["learner"]: float(r["score"]) for r in csv.DictReader(f) if r["lesson"] == L1}
    assert got == expected
    for learner in expected:   # what the main process wrote from the workers' results
        assert (remote / "feedback" / learner / f"{L1}.html").read_bytes() == \
            (local / "feedback" / learner / f"{L1}.html").read_bytes()
        executed = nbformat.read(str(remote / "autograded" / learner / L1 / f"{L1}.ipynb"), as_version=4)
        assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")


def test_worker_refuses_a_different_environment():
    from autograder.cluster import grade_remote
    task = {"learner": "Ana", "lesson": L1, "key": "k"}
    res = grade_remote(task, {}, b"", {"hash": "not this one", "versions": {"numpy": "0.0"}})
    assert "different environment" in res.cluster_error and "numpy" in res.cluster_error


def test_unreachable_scheduler_is_an_error():
    from autograder.cluster import ClusterError, connect
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        connect("tcp://127.0.0.1:9", timeout=2)

"""Lesson 04's training explorer: the model trains with the given step and responds to its traits."""

import json

import numpy as np
import pytest

from autograder.reference import training as ref
from backprop.widgets.figure import marks_of
from backprop.widgets.training import BASELINE, TrainingModel, training_explorer


def test_loss_falls_with_a_sensible_setting():
    model = TrainingModel(ref.train_step, forward=ref.forward_batch)
    run = model.run()
    curve = run["epoch_loss"]
    assert curve.shape == (model.epochs + 1,)
    assert abs(curve[0] - np.log(3)) < 0.3  # a fresh network is close to guessing among 3 classes
    assert curve[-1] < 0.3 * curve[0]
    assert run["steps"] == model.epochs * int(np.ceil(150 / model.batch_size))
    assert 0.0 <= run["accuracy"] <= 1.0


def test_learning_rate_trait_changes_the_curve():
    model = TrainingModel(ref.train_step)
    slow = model.run()["epoch_loss"].copy()
    model.lr = 0.03
    tiny = model.run()["epoch_loss"]
    assert tiny[0] == slow[0], "same start, only the settings differ"
    assert tiny[-1] > slow[-1] + 0.3, "a 100x smaller learning rate must learn visibly less"
    model.lr = 30.0
    assert model.run()["epoch_loss"][-1] > slow[0], "a far too large learning rate ends above where it started"


def test_batch_size_and_width_change_the_run():
    model = TrainingModel(ref.train_step)
    a = model.run()
    model.batch_size = 64
    b = model.run()
    assert b["steps"] < a["steps"]
    model.hidden = 2
    c = model.run()
    assert not np.allclose(c["epoch_loss"], b["epoch_loss"])


def test_runs_are_cached_by_setting():
    calls = []

    def counting_step(x, y, params, lr):
        calls.append(1)
        return ref.train_step(x, y, params, lr)

    model = TrainingModel(counting_step, epochs=3)
    model.run()
    n = len(calls)
    model.lr = 0.5
    model.lr = 1.0
    model.run()
    assert len(calls) == 2 * n or len(calls) == n  # moving back to a setting is free
    model.run()
    assert len(calls) <= 2 * n


def test_explorer_links_sliders_and_redraws():
    ex = training_explorer(ref.train_step, forward=ref.forward_batch, epochs=5)
    names = {s._bp_trait for s in ex.sliders}
    assert names == {"lr", "hidden", "batch_size"}
    for s in ex.sliders:
        assert f"bp-slider-{s._bp_trait}" in s._dom_classes
    before = json.dumps(ex.plot.spec)
    lr_slider = next(s for s in ex.sliders if s._bp_trait == "lr")
    lr_slider.value = 0.05
    assert ex.model.lr == 0.05
    assert json.dumps(ex.plot.spec) != before and "final loss" in ex.text.value


def test_explorer_says_so_when_the_step_is_not_written():
    def stub(x, y, params, lr):
        raise NotImplementedError()

    ex = training_explorer(stub, epochs=2)
    assert "not written yet" in ex.text.value


def test_the_plot_sends_both_loss_curves_and_a_diverged_run_stays_plain_json():
    ex = training_explorer(ref.train_step, forward=ref.forward_batch, epochs=4)
    base, mine = marks_of(ex.plot.spec, "line")
    assert mine["y"] == pytest.approx(ex.model.run()["epoch_loss"], rel=1e-5)
    assert base["dash"] and base["y"] == pytest.approx(ex.model.run(**BASELINE)["epoch_loss"], rel=1e-5)
    next(s for s in ex.sliders if s._bp_trait == "lr").value = 30.0
    curve = ex.model.run()["epoch_loss"]
    mine = marks_of(ex.plot.spec, "line")[1]
    assert mine["y"] == [None if not np.isfinite(v) else pytest.approx(v, rel=1e-5) for v in curve]
    json.dumps(ex.plot.spec, allow_nan=False)

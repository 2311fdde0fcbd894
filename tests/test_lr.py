"""Tests for descentkit.lr (learning-rate finder and schedules) and optim.run_to_tolerance (chapter 4)."""

import numpy as np
import pytest

from descentkit import lr as lrmod
from descentkit.optim import gradient_descent, run_to_tolerance


def df(x):
    return 2 * x - 4


def f(x):
    return x**2 - 4 * x + 5


# --- run_to_tolerance --------------------------------------------------------------------

@pytest.mark.parametrize("lr, steps", [(0.1, 70), (0.25, 23), (0.5, 1), (0.7, 17)])
def test_run_to_tolerance_counts_steps_to_a_known_minimum(lr, steps):
    # |x_t - 2| = 5 |1 - 2 lr|^t < 1e-6, counted by hand from the closed form
    expected = int(np.floor(np.log(1e-6 / 5) / np.log(abs(1 - 2 * lr)))) + 1 if lr != 0.5 else 1
    assert expected == steps
    run = run_to_tolerance(df, 7.0, lr, minimum=2.0, tol=1e-6)
    assert run.status == "converged" and run.num_steps == steps
    assert abs(run.final - 2) < 1e-6 <= abs(run.params[-2] - 2)


def test_run_to_tolerance_agrees_with_gradient_descent_step_for_step():
    a = run_to_tolerance(df, 7.0, 0.3, minimum=2.0, tol=1e-6, f=f)
    b = gradient_descent(df, 7.0, 0.3, a.num_steps, f=f)
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=0)
    np.testing.assert_allclose(a.losses, b.losses)


def test_run_to_tolerance_other_stopping_rules():
    by_loss = run_to_tolerance(df, 7.0, 0.1, f=f, f_min=1.0, tol=1e-6)
    assert by_loss.converged and by_loss.losses[-1] - 1 < 1e-6 <= by_loss.losses[-2] - 1
    by_grad = run_to_tolerance(df, 7.0, 0.1, tol=1e-6)
    assert by_grad.converged and abs(df(by_grad.final)) < 1e-6 <= abs(df(by_grad.params[-2]))
    already = run_to_tolerance(df, 2.0, 0.1, minimum=2.0)
    assert already.converged and already.num_steps == 0


def test_run_to_tolerance_reports_divergence_and_never_converging():
    wild = run_to_tolerance(df, 7.0, 1.1, minimum=2.0, f=f)
    assert wild.diverged and np.all(np.isfinite(wild.params)) and np.all(np.isfinite(wild.losses))
    bounce = run_to_tolerance(df, 7.0, 1.0, minimum=2.0, max_steps=50)
    assert bounce.status == "completed" and bounce.num_steps == 50
    assert set(bounce.params.tolist()) == {7.0, -3.0}


def test_run_to_tolerance_in_two_dimensions_and_with_a_schedule():
    grad = lambda v: np.array([2 * v[0], 6 * v[1]])
    run = run_to_tolerance(grad, [3.0, 2.0], 0.1, minimum=[0.0, 0.0], tol=1e-8)
    assert run.converged and run.params.shape == (run.num_steps + 1, 2)
    schedule = lrmod.StepDecay(0.2, factor=0.5, every=5)
    sched = run_to_tolerance(df, 7.0, schedule, minimum=2.0, max_steps=12)
    np.testing.assert_allclose(sched.extra["lrs"], [schedule(t) for t in range(12)])
    x = 7.0
    for t in range(12):
        x = x - schedule(t) * df(x)
    assert sched.final == pytest.approx(x, rel=1e-15)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(grad=1.0, x0=7.0, lr=0.1), "grad"),
        (dict(grad=df, x0=np.nan, lr=0.1), "x0"),
        (dict(grad=df, x0=7.0, lr=-0.1), "lr"),
        (dict(grad=df, x0=7.0, lr=lambda t: 0.0), "lr\\(0\\)"),
        (dict(grad=df, x0=7.0, lr=0.1, tol=0), "tol"),
        (dict(grad=df, x0=7.0, lr=0.1, max_steps=0), "max_steps"),
        (dict(grad=df, x0=[7.0, 1.0], lr=0.1, minimum=2.0), "minimum"),
        (dict(grad=df, x0=7.0, lr=0.1, f_min=1.0), "f_min"),
    ],
)
def test_run_to_tolerance_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        run_to_tolerance(**kwargs)


# --- learning-rate finder ----------------------------------------------------------------

def test_exponential_rates_grow_by_a_constant_factor():
    rates = lrmod.exponential_rates(1e-3, 10.0, 5)
    np.testing.assert_allclose(rates, [1e-3, 1e-2, 1e-1, 1.0, 10.0])


def test_lr_finder_follows_the_update_rule_and_stops_when_the_loss_explodes():
    result = lrmod.lr_finder(df, f, 7.0, lr_min=1e-3, lr_max=100.0, num_steps=60)
    rates = lrmod.exponential_rates(1e-3, 100.0, 60)
    x, losses = 7.0, []
    for rate in rates[: result.lrs.size]:
        x = x - rate * df(x)
        losses.append(f(x))
    np.testing.assert_allclose(result.losses, losses)
    assert result.initial_loss == f(7.0)
    assert result.stopped_early and result.lrs.size < 60
    assert result.losses[-1] > 4 * result.losses.min()


def test_suggest_lr_rules():
    res = lrmod.LRFinderResult(lrs=np.array([0.01, 0.1, 1.0, 10.0]),
                               losses=np.array([1.0, 0.9, 0.1, 0.5]), initial_loss=1.0,
                               stopped_early=False)
    assert lrmod.suggest_lr(res, "min/10") == pytest.approx(0.1)
    assert lrmod.suggest_lr(res, "steepest") in (0.1, 1.0)
    finder = lrmod.lr_finder(df, f, 7.0, lr_min=1e-3, lr_max=100.0, num_steps=80)
    pick = lrmod.suggest_lr(finder, "min/10")
    assert 0 < pick < 1.0  # below 2 / f'' = 1 for this parabola


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lrmod.exponential_rates(0.0, 1.0, 10), "lr_min"),
        (lambda: lrmod.exponential_rates(1.0, 0.5, 10), "lr_max"),
        (lambda: lrmod.exponential_rates(1e-3, 1.0, 1), "num_steps"),
        (lambda: lrmod.lr_finder(df, "f", 7.0), "f"),
        (lambda: lrmod.lr_finder(df, f, 7.0, stop_factor=1.0), "stop_factor"),
        (lambda: lrmod.suggest_lr("result"), "result"),
        (lambda: lrmod.suggest_lr(lrmod.lr_finder(df, f, 7.0), rule="max"), "rule"),
        (lambda: lrmod.StepDecay(0.1, factor=1.5), "factor"),
        (lambda: lrmod.StepDecay(0.1, every=0), "every"),
        (lambda: lrmod.StepDecay(-0.1), "lr0"),
        (lambda: lrmod.ExponentialDecay(0.1, gamma=0.0), "gamma"),
        (lambda: lrmod.ExponentialDecay(0.1)(-1), "step"),
    ],
)
def test_lr_module_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_schedules():
    step = lrmod.StepDecay(0.4, factor=0.5, every=10)
    assert [step(t) for t in (0, 9, 10, 19, 20)] == [0.4, 0.4, 0.2, 0.2, 0.1]
    expo = lrmod.ExponentialDecay(0.4, gamma=0.9)
    np.testing.assert_allclose([expo(t) for t in range(4)], 0.4 * 0.9 ** np.arange(4))
    assert "StepDecay" in repr(step) and "gamma=0.9" in repr(expo)

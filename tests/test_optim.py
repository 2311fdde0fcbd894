"""Tests of descentkit.optim: the one loop, its stopping rules, divergence, the wrappers."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from descentkit import rules
from descentkit.optim import (
    DivergenceError,
    LossBlowUp,
    Tolerance,
    Trajectory,
    descend,
    gradient_descent,
    momentum_descent,
    run_to_tolerance,
    steps_to_tolerance,
)
from descentkit.schedules import StepDecay


def f(x):
    return x**2 - 4 * x + 5


def df(x):
    return 2 * x - 4


# --- the loop -----------------------------------------------------------------------------


def test_the_three_line_loop_of_chapter_1_is_what_descend_runs():
    xs = [7.0]
    for _ in range(40):
        xs.append(xs[-1] - 0.1 * df(xs[-1]))
    np.testing.assert_array_equal(descend(df, 7.0, 0.1, num_steps=40).params, xs)


@given(st.floats(0.001, 0.999), st.floats(-100, 100))
def test_distance_to_minimum_shrinks_by_one_minus_two_lr(lr, x0):
    run = gradient_descent(df, x0, lr, num_steps=10)
    expected = 2 + (x0 - 2) * (1 - 2 * lr) ** np.arange(11)
    np.testing.assert_allclose(run.params, expected, rtol=1e-9, atol=1e-9)


def test_records_function_values_rates_and_reports_completion():
    run = gradient_descent(df, 7.0, 0.1, 40, f=f)
    assert run.status == "completed" and not run.diverged and not run.converged
    assert run.num_steps == 40 and run.params.shape == (41,) and run.losses.shape == (41,)
    np.testing.assert_allclose(run.losses, f(run.params))
    np.testing.assert_array_equal(run.lrs, np.full(40, 0.1))
    assert np.all(np.diff(run.losses) < 0)  # f decreases at every step for a stable rate
    assert isinstance(run.final, float) and run.lr == 0.1
    assert run.epochs is None and run.grad_evals is None


def test_plain_descent_matches_torch_optim_sgd_step_for_step():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    run = gradient_descent(lambda v: A @ v - 1.0, np.array([0.5, -1.5]), lr=0.1, num_steps=25)
    p = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    for t in range(25):
        opt.zero_grad()
        (0.5 * p @ torch.tensor(A) @ p - p.sum()).backward()
        opt.step()
        np.testing.assert_allclose(run.params[t + 1], p.detach().numpy(), rtol=1e-12)


def test_scalars_and_vectors_work_the_same_for_every_rule():
    for rule in (rules.GradientStep(), rules.HeavyBall(0.5), rules.Nesterov(0.5), rules.Adam()):
        scalar = descend(df, 7.0, 0.05, num_steps=30, rule=rule)
        vector = descend(lambda v: 2 * v - 4, [7.0], 0.05, num_steps=30, rule=rule)
        assert scalar.params.shape == (31,) and vector.params.shape == (31, 1)
        np.testing.assert_array_equal(scalar.params, vector.params[:, 0])
        assert isinstance(scalar.final, float)


def test_parallel_runs_as_one_vector():
    starts = np.array([-3.0, 0.5, 9.0])
    run = momentum_descent(lambda x: 2 * x - 4, starts, 0.1, 60, momentum=0.5)
    for i, x0 in enumerate(starts):
        one = momentum_descent(df, x0, 0.1, 60, momentum=0.5)
        np.testing.assert_allclose(run.params[:, i], one.params, rtol=1e-15)


def test_vector_parameters_keep_their_shape_and_repr():
    run = gradient_descent(lambda v: 2 * v, [1.0, -2.0, 3.0], 0.25, 5)
    assert run.params.shape == (6, 3)
    np.testing.assert_allclose(run.final, np.array([1.0, -2.0, 3.0]) * 0.5**5)
    assert isinstance(run, Trajectory) and "status='completed'" in repr(run)


def test_a_schedule_sets_the_rate_of_every_step():
    schedule = StepDecay(0.2, factor=0.5, every=5)
    run = descend(df, 7.0, schedule, num_steps=12)
    np.testing.assert_allclose(run.lrs, [schedule(t) for t in range(12)])
    x = 7.0
    for t in range(12):
        x = x - schedule(t) * df(x)
    assert run.final == pytest.approx(x, rel=1e-15)


# --- divergence, written once -------------------------------------------------------------


@pytest.mark.parametrize("rule", [rules.GradientStep(), rules.HeavyBall(0.9)])
@pytest.mark.parametrize("lr", [1.1, 5.0, 1e6])
def test_divergence_is_reported_without_warnings_or_nan(lr, rule):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(lambda x: x**3, 7.0, lr, num_steps=10_000, f=lambda x: x**4 / 4, rule=rule)
    assert run.diverged and "diverged" in run.message and run.converged_at is None
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))
    assert run.num_steps < 10_000


def test_divergence_can_raise():
    with pytest.raises(DivergenceError, match="learning rate 1.1"):
        gradient_descent(df, 7.0, 1.1, 1000, on_divergence="raise")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("rule", [rules.GradientStep(), rules.HeavyBall(0.9)])
def test_a_non_finite_gradient_stops_the_run_before_the_bad_point(bad, rule):
    calls = []

    def grad(x):
        calls.append(1)
        return np.array([1.0, 1.0]) if len(calls) == 1 else np.array([bad, 0.0])

    run = descend(grad, [0.0, 0.0], 0.1, num_steps=5, rule=rule)
    assert run.diverged and run.num_steps == 1
    np.testing.assert_allclose(run.final, [-0.1, -0.1])


def test_lr_one_bounces_forever_without_diverging():
    run = gradient_descent(df, 7.0, 1.0, 101)
    assert run.status == "completed"
    assert set(run.params.tolist()) == {7.0, -3.0}


# --- converged means "stays within tolerance" -----------------------------------------------


def test_steps_to_tolerance_counts_where_the_run_stays():
    assert steps_to_tolerance([5.0, 0.5, 2.0, 0.4, 0.1], 1.0) == 3
    assert steps_to_tolerance([0.5, 0.4], 1.0) == 0
    assert steps_to_tolerance([5.0, 0.5, 2.0], 1.0) is None
    assert steps_to_tolerance([5.0, 1.0], 1.0) is None  # "below", not "at"


def test_momentum_is_not_converged_at_its_first_dip():
    """Heavy ball on an ill-conditioned quadratic dips below the tolerance and swings out
    again: the step count is where it stays, later than the first dip."""
    H = np.diag([0.1, 10.0])
    run = momentum_descent(
        lambda v: H @ v,
        [1.0, 1.0],
        0.1,
        400,
        momentum=0.9,
        stop=Tolerance(1e-3, minimum=[0.0, 0.0]),
    )
    dist = np.linalg.norm(run.params, axis=1)
    first_dip = int(np.argmax(dist < 1e-3))
    assert run.converged and run.converged_at > first_dip
    assert np.all(dist[run.converged_at :] < 1e-3) and dist[run.converged_at - 1] >= 1e-3
    assert run.steps_within(1e-3, minimum=[0.0, 0.0]) == run.converged_at


@pytest.mark.parametrize("lr, steps", [(0.1, 70), (0.25, 23), (0.5, 1), (0.7, 17)])
def test_run_to_tolerance_counts_steps_to_a_known_minimum(lr, steps):
    # |x_t - 2| = 5 |1 - 2 lr|^t < 1e-6, counted by hand from the closed form
    expected = int(np.floor(np.log(1e-6 / 5) / np.log(abs(1 - 2 * lr)))) + 1 if lr != 0.5 else 1
    assert expected == steps
    run = run_to_tolerance(df, 7.0, lr, minimum=2.0, tol=1e-6, max_steps=200)
    assert run.status == "converged" and run.converged_at == steps
    assert abs(run.params[steps] - 2) < 1e-6 <= abs(run.params[steps - 1] - 2)
    # early stopping after `patience` points within tol gives the same count
    early = run_to_tolerance(df, 7.0, lr, minimum=2.0, tol=1e-6, max_steps=200, patience=3)
    assert early.converged_at == steps and early.num_steps == steps + 2


def test_run_to_tolerance_other_errors():
    by_loss = run_to_tolerance(df, 7.0, 0.1, f=f, f_min=1.0, tol=1e-6, max_steps=300)
    t = by_loss.converged_at
    assert by_loss.converged and by_loss.losses[t] - 1 < 1e-6 <= by_loss.losses[t - 1] - 1
    by_grad = run_to_tolerance(df, 7.0, 0.1, tol=1e-6, max_steps=300)
    t = by_grad.converged_at
    assert abs(df(by_grad.params[t])) < 1e-6 <= abs(df(by_grad.params[t - 1]))
    already = run_to_tolerance(df, 2.0, 0.1, minimum=2.0, max_steps=5)
    assert already.converged and already.converged_at == 0


def test_run_to_tolerance_reports_divergence_and_never_converging():
    wild = run_to_tolerance(df, 7.0, 1.1, minimum=2.0, f=f)
    assert wild.diverged and wild.converged_at is None
    bounce = run_to_tolerance(df, 7.0, 1.0, minimum=2.0, max_steps=50)
    assert bounce.status == "completed" and bounce.num_steps == 50
    assert bounce.converged_at is None and "not within tol" in bounce.message


def test_gradient_descent_tol_stops_at_a_small_gradient():
    run = gradient_descent(df, 7.0, 0.1, 1000, tol=1e-8)
    assert run.converged and run.num_steps < 1000 and run.num_steps == run.converged_at
    assert abs(df(run.final)) < 1e-8


def test_loss_blow_up_records_the_bad_point_then_stops():
    run = descend(df, 7.0, lambda t: 0.1 * 2.0**t, num_steps=50, f=f, stop=LossBlowUp(4.0))
    assert run.status == "stopped"
    assert run.losses[-1] > 4 * run.losses[:-1].min()
    assert np.all(run.losses[1:-1] <= 4 * np.minimum.accumulate(run.losses[:-2]))


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, argument",
    [
        (dict(grad=3.0), TypeError, "grad"),
        (dict(x0=float("nan")), ValueError, "x0"),
        (dict(x0="seven"), TypeError, "x0"),
        (dict(x0=[1.0, float("inf")]), ValueError, "x0"),
        (dict(lr=0), ValueError, "lr"),
        (dict(lr=-0.1), ValueError, "lr"),
        (dict(lr="0.1"), TypeError, "lr"),
        (dict(lr=float("inf")), ValueError, "lr"),
        (dict(lr=lambda t: 0.0), ValueError, "lr\\(0\\)"),
        (dict(num_steps=0), ValueError, "num_steps"),
        (dict(num_steps=2.5), TypeError, "num_steps"),
        (dict(num_steps=None), ValueError, "num_steps"),
        (dict(f="f"), TypeError, "f"),
        (dict(rule="adam"), TypeError, "rule"),
        (dict(stop=1e-6), TypeError, "stop"),
        (dict(stop=Tolerance(1e-6, f_min=1.0)), ValueError, "needs f"),
        (dict(stop=Tolerance(1e-6, minimum=[1.0, 2.0])), ValueError, "minimum"),
        (dict(on_divergence="ignore"), ValueError, "on_divergence"),
        (dict(divergence_threshold=0), ValueError, "divergence_threshold"),
    ],
)
def test_bad_input_names_the_argument(kwargs, exc, argument):
    call = dict(grad=df, x0=7.0, lr=0.1, num_steps=10) | kwargs
    with pytest.raises(exc, match=argument):
        descend(**call)


@pytest.mark.parametrize(
    "make, exc, name",
    [
        (lambda: Tolerance(0), ValueError, "tol"),
        (lambda: Tolerance(1e-6, patience=0), ValueError, "patience"),
        (lambda: Tolerance(1e-6, minimum="x"), TypeError, "minimum"),
        (lambda: LossBlowUp(1.0), ValueError, "factor"),
        (lambda: steps_to_tolerance([1.0, np.nan], 0.1), ValueError, "errors"),
    ],
)
def test_bad_stopping_rules_raise(make, exc, name):
    with pytest.raises(exc, match=name):
        make()


def test_gradient_of_wrong_shape_is_reported():
    with pytest.raises(ValueError, match="grad must return an array of shape"):
        gradient_descent(lambda v: np.ones(3), [1.0, 2.0], 0.1, 3)


def test_a_gradient_norm_tolerance_needs_full_batches():
    with pytest.raises(ValueError, match="full-batch"):
        descend(lambda x, idx: x, [1.0], 0.1, batches=[[np.array([0])]], stop=Tolerance(1e-3))


# --- paths that used to give a wrong answer silently ----------------------------------------


def test_a_nan_gradient_is_reported_as_such_not_as_a_large_rate():
    run = descend(lambda x: np.nan * x, 1.0, 0.1, num_steps=5)
    assert run.diverged and "NaN or inf" in run.message and "learning rate plays no" in run.message


def test_the_finder_rule_works_for_losses_that_turn_negative():
    # f(x) = (x - 2)^2 - 10 is negative near its minimum; the loss falls from 15 to -10
    run = descend(
        df, 7.0, lambda t: 0.01 * 1.1**t, num_steps=100, f=lambda x: f(x) - 11, stop=LossBlowUp(4.0)
    )
    assert run.losses.min() < 0 and run.num_steps > 10  # it did not stop at the first dip
    best = np.minimum.accumulate(run.losses)
    assert run.status == "stopped" and run.losses[-1] - best[-2] > 3 * abs(best[-2])


def test_gradient_descent_takes_no_other_rule():
    with pytest.raises(TypeError, match="no rule"):
        gradient_descent(df, 7.0, 0.1, 5, rule=rules.HeavyBall(0.9))


@pytest.mark.parametrize("lr", [True, "0.1", None, [0.1]])
def test_a_rate_that_is_not_a_number_is_refused(lr):
    with pytest.raises((TypeError, ValueError), match="lr"):
        descend(df, 7.0, lr, num_steps=3)


def test_run_until_shrunk_uses_a_tolerance_relative_to_the_start():
    from descentkit.optim import run_until_shrunk

    # |x_t - 2| = 5 * 0.5^t falls below 5e-6 (a millionth of 5) first at t = 20
    run = run_until_shrunk(df, 7.0, 0.25, minimum=2.0)
    same = run_to_tolerance(df, 7.0, 0.25, minimum=2.0, tol=5e-6, max_steps=5_000)
    assert run.converged_at == same.converged_at == 20
    theta0, star = np.array([1.0, 2.0]), np.array([4.0, -2.0])
    run2 = run_until_shrunk(lambda t: 2 * (t - star), theta0, 0.25, minimum=star, shrink=1e3)
    assert run2.converged_at == int(np.ceil(np.log(1e3) / np.log(2)))
    with pytest.raises(ValueError, match="shrink"):
        run_until_shrunk(df, 7.0, 0.25, minimum=2.0, shrink=0)
    with pytest.raises(ValueError, match="minimum already"):
        run_until_shrunk(df, 2.0, 0.25, minimum=2.0)
    with pytest.raises(ValueError, match="minimum must have the shape"):
        run_until_shrunk(df, 7.0, 0.25, minimum=[2.0, 1.0])
    with pytest.raises(TypeError, match="minimum"):
        run_until_shrunk(df, 7.0, 0.25, minimum="two")

"""Gradient descent: the update rule, the recorded trajectory, divergence, bad input."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from descentkit.optim import DivergenceError, Trajectory, gradient_descent


def f(x):
    return x**2 - 4 * x + 5


def df(x):
    return 2 * x - 4


@given(st.floats(0.001, 0.999), st.floats(-100, 100))
def test_distance_to_minimum_shrinks_by_one_minus_two_lr(lr, x0):
    run = gradient_descent(df, x0, lr, num_steps=10)
    expected = 2 + (x0 - 2) * (1 - 2 * lr) ** np.arange(11)
    np.testing.assert_allclose(run.params, expected, rtol=1e-9, atol=1e-9)


def test_records_function_values_and_reports_completion():
    run = gradient_descent(df, 7.0, 0.1, 40, f=f)
    assert run.status == "completed" and not run.diverged and not run.converged
    assert run.num_steps == 40 and run.params.shape == (41,) and run.losses.shape == (41,)
    np.testing.assert_allclose(run.losses, f(run.params))
    assert np.all(np.diff(run.losses) < 0)  # f decreases at every step for a stable rate
    assert isinstance(run.final, float)


def test_matches_torch_optim_sgd_step_for_step():
    theta0 = np.array([0.5, -1.5])
    A = np.array([[3.0, 1.0], [1.0, 2.0]])

    def grad(v):
        return A @ v - np.array([1.0, 1.0])

    run = gradient_descent(grad, theta0, lr=0.1, num_steps=25)
    p = torch.tensor(theta0, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    At = torch.tensor(A)
    for t in range(25):
        opt.zero_grad()
        (0.5 * p @ At @ p - p.sum()).backward()
        opt.step()
        np.testing.assert_allclose(run.params[t + 1], p.detach().numpy(), rtol=1e-12)


def test_tolerance_stops_early_with_converged_status():
    run = gradient_descent(df, 7.0, 0.1, 1000, tol=1e-8)
    assert run.converged and run.num_steps < 1000
    assert abs(df(run.final)) < 1e-8


@pytest.mark.parametrize("lr", [1.1, 5.0, 1e6])
def test_divergence_is_reported_without_warnings_or_nan(lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = gradient_descent(df, 7.0, lr, 10_000, f=f)
    assert run.diverged and "diverged" in run.message
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))
    assert run.num_steps < 10_000


def test_divergence_can_raise():
    with pytest.raises(DivergenceError, match="learning rate 1.1"):
        gradient_descent(df, 7.0, 1.1, 1000, on_divergence="raise")


def test_lr_one_bounces_forever_without_diverging():
    run = gradient_descent(df, 7.0, 1.0, 101)
    assert run.status == "completed"
    assert set(run.params.tolist()) == {7.0, -3.0}


def test_vector_parameters_keep_their_shape():
    run = gradient_descent(lambda v: 2 * v, [1.0, -2.0, 3.0], 0.25, 5)
    assert run.params.shape == (6, 3)
    np.testing.assert_allclose(run.final, np.array([1.0, -2.0, 3.0]) * 0.5**5)
    assert isinstance(run, Trajectory) and "status='completed'" in repr(run)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        (dict(grad=3.0), "grad"),
        (dict(x0=float("nan")), "x0"),
        (dict(x0=[1.0, float("inf")]), "x0"),
        (dict(lr=0), "lr"),
        (dict(lr=-0.1), "lr"),
        (dict(lr=float("inf")), "lr"),
        (dict(num_steps=0), "num_steps"),
        (dict(num_steps=2.5), "num_steps"),
        (dict(f="f"), "f"),
        (dict(tol=-1.0), "tol"),
        (dict(on_divergence="ignore"), "on_divergence"),
    ],
)
def test_bad_input_names_the_argument(kwargs, argument):
    call = dict(grad=df, x0=7.0, lr=0.1, num_steps=10) | kwargs
    with pytest.raises(ValueError, match=argument):
        gradient_descent(**call)


def test_gradient_of_wrong_shape_is_reported():
    with pytest.raises(ValueError, match="grad must return an array of shape"):
        gradient_descent(lambda v: np.ones(3), [1.0, 2.0], 0.1, 3)

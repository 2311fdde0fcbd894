"""Numerical derivatives: exactness where theory says so, error orders, bad input."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from descentkit.calculus import (
    central_difference,
    difference_errors,
    forward_difference,
    numerical_gradient,
    secant_slope,
)


def f(x):
    return x**2 - 4 * x + 5


def test_secant_slope_of_parabola_is_2a_minus_4_plus_h():
    for a, h in [(3.0, 1.0), (-2.0, 0.5), (0.0, 0.125)]:
        assert secant_slope(f, a, a + h) == pytest.approx(2 * a - 4 + h, abs=1e-12)


@given(st.floats(-50, 50))
def test_central_difference_exact_for_quadratics(x):
    # Central differences have no truncation error for a parabola: only round-off remains.
    assert central_difference(f, x, h=1e-3) == pytest.approx(2 * x - 4, abs=1e-6)


def test_forward_difference_error_is_h_for_parabola():
    for h in [1e-1, 1e-2, 1e-3]:
        assert forward_difference(f, 3.0, h) - 2.0 == pytest.approx(h, rel=1e-6)


def test_error_orders_on_exp():
    hs = np.array([1e-2, 1e-3])
    fwd, cen = difference_errors(np.exp, np.exp, 1.0, hs)
    # A tenfold smaller h: tenfold smaller forward error, hundredfold smaller central error.
    assert fwd[0] / fwd[1] == pytest.approx(10, rel=0.02)
    assert cen[0] / cen[1] == pytest.approx(100, rel=0.02)


@settings(deadline=None, max_examples=30)
@given(st.lists(st.floats(-3, 3), min_size=3, max_size=3))
def test_numerical_gradient_matches_torch_autograd(values):
    def fn(v):
        return math.sin(v[0]) * v[1] ** 2 + math.exp(0.3 * v[2]) * v[0]

    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    (torch.sin(x[0]) * x[1] ** 2 + torch.exp(0.3 * x[2]) * x[0]).backward()
    np.testing.assert_allclose(numerical_gradient(fn, np.array(values)), x.grad.numpy(), atol=1e-6)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: central_difference("not a function", 1.0), "f"),
        (lambda: forward_difference(f, float("nan")), "x"),
        (lambda: central_difference(f, 1.0, h=0), "h"),
        (lambda: central_difference(f, 1.0, h=-1e-3), "h"),
        (lambda: secant_slope(f, 1.0, 1.0), "a and b"),
        (lambda: numerical_gradient(lambda v: v.sum(), np.ones((2, 2))), "x"),
        (lambda: numerical_gradient(lambda v: v.sum(), [1.0, np.inf]), "x"),
        (lambda: difference_errors(f, f, 1.0, [1e-3, 0.0]), "hs"),
        (lambda: difference_errors(f, 3, 1.0, [1e-3]), "df"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises((TypeError, ValueError), match=argument):
        call()


def test_loglog_slope():
    from descentkit.calculus import loglog_slope

    x = np.array([1.0, 10.0, 100.0])
    assert loglog_slope(x, 5 * x**0.5) == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope(x, -x)

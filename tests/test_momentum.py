"""Tests of descentkit.momentum: EWMA weights, optimal rates on quadratics, small tools."""

import numpy as np
import pytest

from descentkit.momentum import (
    double_well,
    double_well_derivative,
    effective_memory,
    ewma_weights,
    gd_optimal,
    heavy_ball_optimal,
    loglog_slope,
    steps_to_reach,
)
from descentkit.stochastic import momentum_descent


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.99])
def test_weights_sum_to_effective_memory(beta):
    w = ewma_weights(beta, 20_000)
    assert w[0] == 1.0
    np.testing.assert_allclose(w.sum(), effective_memory(beta), rtol=1e-12)


def test_velocity_of_constant_gradient_tends_to_g_over_one_minus_beta():
    run = momentum_descent(lambda x: np.array([3.0]), [0.0], 0.1, 300, momentum=0.9)
    np.testing.assert_allclose(run.extra["velocity"], 3.0 / (1 - 0.9), rtol=1e-12)


def heavy_ball_radius(lr, beta, lam):
    """Spectral radius of the heavy-ball iteration on the 1-D quadratic with curvature lam."""
    m = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
    return np.max(np.abs(np.linalg.eigvals(m)))


@pytest.mark.parametrize("mu, L", [(1.0, 10.0), (0.5, 64.0), (2.0, 2000.0)])
def test_gd_optimal_factor_is_the_worst_contraction(mu, L):
    lr, factor = gd_optimal(mu, L)
    lams = np.linspace(mu, L, 1001)
    np.testing.assert_allclose(np.max(np.abs(1 - lr * lams)), factor, rtol=1e-12)
    for other in (0.9 * lr, 1.1 * lr):  # nearby rates are worse
        assert np.max(np.abs(1 - other * lams)) > factor


@pytest.mark.parametrize("mu, L", [(1.0, 10.0), (0.5, 64.0), (2.0, 2000.0)])
def test_heavy_ball_optimal_factor_is_the_worst_spectral_radius(mu, L):
    lr, beta, factor = heavy_ball_optimal(mu, L)
    lams = np.linspace(mu, L, 401)
    worst = max(heavy_ball_radius(lr, beta, lam) for lam in lams)
    np.testing.assert_allclose(worst, factor, rtol=1e-5)  # double roots: eigvals lose accuracy
    for dlr, dbeta in [(1.05, 1.0), (0.95, 1.0), (1.0, 0.97), (1.0, 1.02)]:
        other = max(heavy_ball_radius(lr * dlr, min(beta * dbeta, 0.999), lam) for lam in lams)
        assert other > factor


def test_bad_curvatures_raise():
    with pytest.raises(ValueError, match="mu"):
        gd_optimal(3.0, 1.0)
    with pytest.raises(ValueError, match="mu"):
        heavy_ball_optimal(0.0, 1.0)
    with pytest.raises(ValueError, match="momentum"):
        ewma_weights(1.0, 5)


def test_steps_to_reach_and_slope():
    params = np.array([[4.0, 0.0], [2.0, 0.0], [1.0, 0.0], [0.5, 0.0]])
    assert steps_to_reach(params, [0.0, 0.0], 1.0) == 2
    assert steps_to_reach(params, [0.0, 0.0], 0.1) == -1
    assert steps_to_reach(np.array([3.0, 2.0, 1.0]), 0.0, 2.0) == 1
    x = np.array([1.0, 10.0, 100.0])
    assert loglog_slope(x, 5 * x**0.5) == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope(x, -x)


def test_double_well_derivative_and_minima():
    xs = np.linspace(-2.5, 2.5, 11)
    h = 1e-6
    np.testing.assert_allclose(double_well_derivative(xs), (double_well(xs + h) - double_well(xs - h)) / (2 * h),
                               rtol=1e-6, atol=1e-6)
    roots = np.sort(np.roots([4.0, 0.0, -8.0, 1.0]).real)
    left, bump, right = roots
    assert left < -1.4 and 0 < bump < 0.2 and 1.3 < right < 1.4
    assert double_well(left) < double_well(right) < double_well(bump)

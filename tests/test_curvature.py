"""Tests for descentkit.curvature (chapters 4, 5 and 7) and descentkit.models."""

import numpy as np
import pytest

from descentkit import curvature as cv
from descentkit import models
from descentkit.functions import double_well, double_well_derivative
from descentkit.losses import mse, mse_gradient, mse_hessian


def test_eigen_of_diagonal_and_rotated_matrix():
    values, vectors = cv.hessian_eigen([[8.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(values, [2.0, 8.0])
    np.testing.assert_allclose(np.abs(vectors), [[0.0, 1.0], [1.0, 0.0]], atol=1e-15)
    angle = 0.3
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    H = R @ np.diag([1.0, 5.0]) @ R.T
    values, vectors = cv.hessian_eigen(H)
    np.testing.assert_allclose(values, [1.0, 5.0])
    np.testing.assert_allclose(H @ vectors, vectors * values, atol=1e-12)
    # sign convention: largest-magnitude entry of each eigenvector is positive
    assert np.all(vectors[np.argmax(np.abs(vectors), axis=0), [0, 1]] > 0)


def test_curvature_summary_of_a_known_matrix():
    c = cv.curvature([[3.0, 1.0], [1.0, 3.0]])  # eigenvalues 2 and 4
    assert (c.lam_min, c.lam_max) == pytest.approx((2.0, 4.0))
    assert c.condition_number == pytest.approx(2.0)
    assert c.max_stable_lr == pytest.approx(0.5)
    assert c.best_fixed_lr == pytest.approx(1 / 3)


def test_scalar_hessian_is_a_1x1_matrix():
    assert cv.max_stable_lr(2.0) == pytest.approx(1.0)
    assert cv.condition_number(2.0) == 1.0


def test_mse_hessian_matches_finite_differences_of_the_gradient():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 3, 30), rng.normal(size=30)
    h = 1e-5
    theta = np.array([0.3, -0.7])
    cols = [
        (mse_gradient(*(theta + h * e), x, y) - mse_gradient(*(theta - h * e), x, y)) / (2 * h)
        for e in np.eye(2)
    ]
    np.testing.assert_allclose(np.column_stack(cols), mse_hessian(x), rtol=1e-6)


def test_stable_rate_bound_is_sharp_for_gradient_descent():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 1, 50)
    y = 1 + 2 * x + 0.1 * rng.normal(size=50)
    H = mse_hessian(x)
    bound = cv.max_stable_lr(H)
    star = models.least_squares_line(x, y)
    for factor, should_converge in [(0.98, True), (1.02, False)]:
        theta = np.array([0.0, 0.0])
        for _ in range(3000):
            theta = theta - factor * bound * mse_gradient(*theta, x, y)
        assert (np.linalg.norm(theta - star) < 1e-6) == should_converge


def test_least_squares_line_is_the_minimum_and_matches_polyfit():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=40), rng.normal(size=40)
    b, w = models.least_squares_line(x, y)
    w_ref, b_ref = np.polyfit(x, y, 1)
    np.testing.assert_allclose([b, w], [b_ref, w_ref], rtol=1e-10)
    np.testing.assert_allclose(mse_gradient(b, w, x, y), [0, 0], atol=1e-12)
    assert mse(b, w, x, y) < mse(b + 1e-3, w, x, y)


def test_contraction_factor_and_classification():
    assert cv.contraction_factor(0.1, 2.0) == pytest.approx(0.8)
    np.testing.assert_allclose(cv.contraction_factor(0.5, [1.0, 4.0]), [0.5, -1.0])
    assert cv.classify_lr(0.1, 2.0) == "converges from one side"
    assert cv.classify_lr(0.5, 2.0) == "converges in one step"
    assert cv.classify_lr(0.7, 2.0) == "overshoots, converges"
    assert cv.classify_lr(1.0, 2.0) == "oscillates forever"
    assert cv.classify_lr(1.1, 2.0) == "diverges"


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.3, 0.45, 0.7, 0.9])
def test_predicted_steps_matches_a_direct_count(lr):
    x, t = 7.0, 0
    while abs(x - 2) >= 1e-6:
        x = x - lr * (2 * x - 4)
        t += 1
    assert cv.predicted_steps(lr, 2.0, 5.0, 1e-6) == t


def test_predicted_steps_edge_cases():
    assert cv.predicted_steps(0.5, 2.0, 5.0, 1e-6) == 1
    assert cv.predicted_steps(1.0, 2.0, 5.0, 1e-6) is None
    assert cv.predicted_steps(1.1, 2.0, 5.0, 1e-6) is None
    assert cv.predicted_steps(0.1, 2.0, 1e-7, 1e-6) == 0


def test_unscale_params_gives_the_same_predictions():
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 10, 20)
    mean, scale = x.mean(), x.std()
    b_s, w_s = 1.7, -0.4
    b, w = models.unscale_params(b_s, w_s, mean, scale)
    np.testing.assert_allclose(b + w * x, b_s + w_s * (x - mean) / scale, rtol=1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: cv.hessian_eigen([[1.0, 2.0, 3.0]]), "H"),
        (lambda: cv.hessian_eigen([[1.0, 2.0], [0.0, 1.0]]), "H"),
        (lambda: cv.hessian_eigen([[np.nan, 0.0], [0.0, 1.0]]), "H"),
        (lambda: cv.condition_number([[1.0, 0.0], [0.0, -1.0]]), "H"),
        (lambda: cv.max_stable_lr([[-1.0, 0.0], [0.0, -2.0]]), "H"),
        (lambda: cv.best_fixed_lr([[0.0, 0.0], [0.0, 1.0]]), "H"),
        (lambda: cv.contraction_factor(0.0, 1.0), "lr"),
        (lambda: cv.classify_lr(0.1, -2.0), "curvature_value"),
        (lambda: cv.predicted_steps(0.1, 2.0, 5.0, 0.0), "tol"),
        (lambda: cv.predicted_steps(0.1, 2.0, np.inf, 1e-6), "initial_error"),
        (lambda: models.least_squares_line([1.0, 1.0], [0.0, 2.0]), "x"),
        (lambda: models.least_squares_line([1.0, 2.0], [0.0]), "x and y"),
        (lambda: models.unscale_params(1.0, 2.0, 0.0, 0.0), "scale"),
        (lambda: models.unscale_params(1.0, "a", 0.0, 1.0), "w_scaled"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def heavy_ball_radius(lr, beta, lam):
    """Spectral radius of the heavy-ball iteration on the 1-D quadratic with curvature lam."""
    m = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
    return np.max(np.abs(np.linalg.eigvals(m)))


@pytest.mark.parametrize("mu, L", [(1.0, 10.0), (0.5, 64.0), (2.0, 2000.0)])
def test_gd_optimal_factor_is_the_worst_contraction(mu, L):
    lr, factor = cv.gd_optimal(mu, L)
    lams = np.linspace(mu, L, 1001)
    np.testing.assert_allclose(np.max(np.abs(1 - lr * lams)), factor, rtol=1e-12)
    for other in (0.9 * lr, 1.1 * lr):  # nearby rates are worse
        assert np.max(np.abs(1 - other * lams)) > factor


@pytest.mark.parametrize("mu, L", [(1.0, 10.0), (0.5, 64.0), (2.0, 2000.0)])
def test_heavy_ball_optimal_factor_is_the_worst_spectral_radius(mu, L):
    lr, beta, factor = cv.heavy_ball_optimal(mu, L)
    lams = np.linspace(mu, L, 401)
    worst = max(heavy_ball_radius(lr, beta, lam) for lam in lams)
    np.testing.assert_allclose(worst, factor, rtol=1e-5)  # double roots: eigvals lose accuracy
    for dlr, dbeta in [(1.05, 1.0), (0.95, 1.0), (1.0, 0.97), (1.0, 1.02)]:
        other = max(heavy_ball_radius(lr * dlr, min(beta * dbeta, 0.999), lam) for lam in lams)
        assert other > factor


def test_bad_curvatures_raise():
    with pytest.raises(ValueError, match="mu"):
        cv.gd_optimal(3.0, 1.0)
    with pytest.raises(ValueError, match="mu"):
        cv.heavy_ball_optimal(0.0, 1.0)
    assert cv.best_fixed_lr(np.diag([1.0, 3.0])) == cv.gd_optimal(1.0, 3.0)[0]


def test_double_well_derivative_and_minima():
    xs = np.linspace(-2.5, 2.5, 11)
    h = 1e-6
    np.testing.assert_allclose(
        double_well_derivative(xs),
        (double_well(xs + h) - double_well(xs - h)) / (2 * h),
        rtol=1e-6,
        atol=1e-6,
    )
    roots = np.sort(np.roots([4.0, 0.0, -8.0, 1.0]).real)
    left, bump, right = roots
    assert left < -1.4 and 0 < bump < 0.2 and 1.3 < right < 1.4
    assert double_well(left) < double_well(right) < double_well(bump)


def test_no_rate_is_stable_for_an_indefinite_hessian():
    with pytest.raises(ValueError, match="no rate is stable"):
        cv.max_stable_lr([[2.0, 0.0], [0.0, -1.0]])
    assert cv.max_stable_lr([[2.0, 0.0], [0.0, 0.0]]) == pytest.approx(1.0)  # semi-definite


def test_least_squares_is_the_minimum_of_the_linear_mse_and_matches_the_line():
    from descentkit.losses import mse_gradient_linear_of
    from descentkit.models import least_squares

    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 2))
    y = 1 + X @ [2.0, -0.5] + 0.1 * rng.normal(size=30)
    star = least_squares(X, y)
    np.testing.assert_allclose(mse_gradient_linear_of(X, y)(star), 0, atol=1e-12)
    x = X[:, 0]
    np.testing.assert_allclose(least_squares(x[:, None], y), models.least_squares_line(x, y),
                               rtol=1e-12)
    with pytest.raises(ValueError, match="X must have linearly independent"):
        least_squares(np.column_stack([x, 2 * x]), y)
    with pytest.raises(ValueError, match="y must have one entry"):
        least_squares(X, y[:-1])
    with pytest.raises(ValueError, match="X"):
        least_squares(x, y)  # one feature must still be a column

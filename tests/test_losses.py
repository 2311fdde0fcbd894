"""Tests for descentkit.losses and descentkit.models: the reference book's printed numbers,
and gradients checked against finite differences and torch autograd."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from descentkit.calculus import numerical_gradient
from descentkit.data import make_linear_data, reference_initial_params
from descentkit.losses import (
    mse,
    mse_gradient,
    mse_gradient_linear_of,
    mse_gradient_of,
    mse_hessian,
    mse_hessian_linear,
    rmse,
)
from descentkit.models import predict


@pytest.fixture(scope="module")
def reference():
    data = make_linear_data()
    b, w = reference_initial_params()
    return data, b, w


def test_first_loss_gradient_and_step_match_the_reference_book(reference):
    """The numbers printed in the reference walk-through (article 004)."""
    data, b, w = reference
    assert mse(b, w, data.x_train, data.y_train) == pytest.approx(2.7421577700550976, rel=1e-12)
    grad = mse_gradient(b, w, data.x_train, data.y_train)
    np.testing.assert_allclose(grad, [-3.044811379650508, -1.8337537171510832], rtol=1e-12)
    b1, w1 = np.array([b, w]) - 0.1 * grad
    np.testing.assert_allclose([b1, w1], [0.80119529, 0.04511107], atol=5e-9)


def test_predict_mse_rmse_small_example():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 7.0])
    np.testing.assert_allclose(predict(1, 2, x), [1, 3, 5])
    assert mse(1, 2, x, y) == pytest.approx((0 + 1 + 4) / 3)
    assert rmse(1, 2, x, y) == pytest.approx(np.sqrt(5 / 3))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=15),
    st.floats(-3, 3),
    st.floats(-3, 3),
)
def test_gradient_matches_finite_differences_and_autograd(points, b, w):
    x, y = np.array(points).T
    grad = mse_gradient(b, w, x, y)
    numeric = numerical_gradient(lambda th: mse(th[0], th[1], x, y), np.array([b, w]), h=1e-5)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-6)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    loss = ((bt + wt * torch.from_numpy(x) - torch.from_numpy(y)) ** 2).mean()
    loss.backward()
    np.testing.assert_allclose(grad, [bt.grad.item(), wt.grad.item()], rtol=1e-12, atol=1e-12)


def test_hessian_matches_finite_differences_of_the_gradient(reference):
    data, b, w = reference
    x, y = data.x_train, data.y_train
    rows = [
        numerical_gradient(lambda th, k=k: mse_gradient(th[0], th[1], x, y)[k], np.array([b, w]))
        for k in range(2)
    ]
    np.testing.assert_allclose(mse_hessian(x), np.array(rows), rtol=1e-6)


def test_several_features_one_feature_is_the_line(reference):
    """With one feature, the linear-model Hessian and gradient are those of the line."""
    data, b, w = reference
    x, y = data.x_train, data.y_train
    np.testing.assert_allclose(mse_hessian_linear(x[:, None]), mse_hessian(x), rtol=1e-12)
    np.testing.assert_allclose(
        mse_gradient_linear_of(x[:, None], y)([b, w]), mse_gradient_of(x, y)([b, w]), rtol=1e-12
    )


def test_several_features_against_autograd_and_finite_differences():
    rng = np.random.default_rng(3)
    X, y, theta = rng.normal(size=(30, 3)), rng.normal(size=30), rng.normal(size=4)
    theta_t = torch.tensor(theta, requires_grad=True)
    A_t = torch.cat([torch.ones(30, 1, dtype=torch.float64), torch.from_numpy(X)], dim=1)
    loss = ((A_t @ theta_t - torch.from_numpy(y)) ** 2).mean()
    loss.backward()
    grad = mse_gradient_linear_of(X, y)
    np.testing.assert_allclose(grad(theta), theta_t.grad.numpy(), rtol=1e-12)
    rows = [numerical_gradient(lambda th, k=k: grad(th)[k], theta) for k in range(4)]
    np.testing.assert_allclose(mse_hessian_linear(X), np.array(rows), rtol=1e-6, atol=1e-9)


def test_several_features_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="X"):
        mse_hessian_linear([1.0, 2.0])
    with pytest.raises(ValueError, match="rows"):
        mse_gradient_linear_of([[1.0], [2.0]], [1.0])
    with pytest.raises(ValueError, match="theta"):
        mse_gradient_linear_of([[1.0], [2.0]], [1.0, 2.0])([0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "x, y, name",
    [
        ([1.0, 2.0], [1.0], "x and y"),
        ([], [], "x"),
        ([1.0, np.nan], [1.0, 2.0], "x"),
        ([1.0, 2.0], [np.inf, 2.0], "y"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "x"),
    ],
)
@pytest.mark.parametrize("func", [mse, rmse, mse_gradient])
def test_bad_data_raises_naming_the_argument(func, x, y, name):
    with pytest.raises((TypeError, ValueError), match=name):
        func(0.0, 1.0, x, y)


def test_bad_parameters():
    with pytest.raises(ValueError, match="b"):
        predict(np.nan, 1.0, [1.0])
    with pytest.raises(ValueError, match="w"):
        mse(0.0, [1.0, 2.0], [1.0], [1.0])
    with pytest.raises(ValueError, match="x"):
        predict(0.0, 1.0, [])


def test_mse_gradient_is_bitwise_the_mean_formula():
    # the fast sum / n form must give exactly np.mean's numbers (chapter 8's glued
    # step counts depend on it), on full data and on mini-batches
    rng = np.random.default_rng(1)
    for n in (1, 2, 7, 8, 9, 80, 1000):
        x, y = rng.normal(size=n) * 10, rng.normal(size=n)
        b, w = rng.normal(size=2)
        e = b + w * x - y
        expected = np.array([2 * np.mean(e), 2 * np.mean(x * e)])
        assert np.array_equal(mse_gradient(b, w, x, y), expected)
        idx = rng.integers(0, n, size=min(n, 8))
        e_b = b + w * x[idx] - y[idx]
        expected_b = np.array([2 * np.mean(e_b), 2 * np.mean(x[idx] * e_b)])
        assert np.array_equal(mse_gradient_of(x, y)([b, w], idx), expected_b)

"""Tests for chapter 9's logistic regression: the sigmoid, the cross-entropy, its gradient
(against finite differences and torch autograd) and Hessian (against finite differences of
the gradient and torch), the bound H(theta) <= H(0), and scikit-learn's optimum."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from descentkit.calculus import numerical_gradient
from descentkit.losses import (
    cross_entropy,
    cross_entropy_gradient,
    cross_entropy_gradient_of,
    cross_entropy_hessian,
    cross_entropy_of,
)
from descentkit.models import logistic_predict, logistic_proba, sigmoid
from descentkit.optim import descend


def problem(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.2][:d]
    y = (X @ np.arange(1.0, d + 1) + rng.normal(size=n) > 0).astype(float)
    theta = rng.normal(size=d + 1)
    return theta, X, y


def torch_loss(theta, X, y, l2):
    th = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    z = th[0] + torch.from_numpy(X) @ th[1:]
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.from_numpy(y))
    return th, loss + 0.5 * l2 * (th[1:] @ th[1:])


def test_sigmoid_is_stable_and_symmetric():
    z = np.array([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    p = sigmoid(z)
    assert np.all(np.isfinite(p)) and p[0] == 0.0 and p[-1] == 1.0 and p[3] == 0.5
    np.testing.assert_allclose(p + sigmoid(-z), 1.0, rtol=1e-15)
    np.testing.assert_allclose(p[1:-1], 1 / (1 + np.exp(-z[1:-1])), rtol=1e-14)
    assert sigmoid(0.0) == 0.5 and isinstance(sigmoid(0.0), float)


def test_cross_entropy_is_the_negative_log_probability_of_the_labels():
    theta, X, y = problem()
    p = logistic_proba(theta, X)
    direct = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert cross_entropy(theta, X, y) == pytest.approx(direct, rel=1e-12)
    _, loss = torch_loss(theta, X, y, 0.3)
    assert cross_entropy(theta, X, y, l2=0.3) == pytest.approx(loss.item(), rel=1e-12)
    # at theta = 0 every probability is 1/2: the loss is log 2 whatever the labels
    assert cross_entropy(np.zeros(4), X, y) == pytest.approx(np.log(2), rel=1e-15)


def test_cross_entropy_stays_finite_for_confident_wrong_predictions():
    X, y = np.array([[1.0], [-1.0]]), np.array([0.0, 1.0])
    loss = cross_entropy([0.0, 800.0], X, y)  # log(1 + e^800) would overflow if computed naively
    assert loss == pytest.approx(800.0, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.0, 2.0))
def test_gradient_matches_finite_differences_and_autograd(seed, l2):
    theta, X, y = problem(seed)
    grad = cross_entropy_gradient(theta, X, y, l2)
    numeric = numerical_gradient(lambda th: cross_entropy(th, X, y, l2), theta, h=1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    th, loss = torch_loss(theta, X, y, l2)
    loss.backward()
    np.testing.assert_allclose(grad, th.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_hessian_matches_finite_differences_and_torch():
    theta, X, y = problem(3)
    H = cross_entropy_hessian(theta, X, y, l2=0.5)
    rows = [
        numerical_gradient(lambda th, k=k: cross_entropy_gradient(th, X, y, 0.5)[k], theta)
        for k in range(theta.size)
    ]
    np.testing.assert_allclose(H, np.array(rows), rtol=1e-6, atol=1e-9)

    def f(t):
        z = t[0] + torch.from_numpy(X) @ t[1:]
        return (
            torch.nn.functional.binary_cross_entropy_with_logits(z, torch.from_numpy(y))
            + 0.25 * t[1:] @ t[1:]
        )

    Ht = torch.autograd.functional.hessian(f, torch.from_numpy(theta))
    np.testing.assert_allclose(H, Ht.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("seed", range(5))
def test_hessian_is_psd_and_at_most_its_value_at_zero(seed):
    theta, X, y = problem(seed, n=60, d=3)
    H, H0 = cross_entropy_hessian(theta, X, y, 0.1), cross_entropy_hessian(np.zeros(4), X, y, 0.1)
    assert np.linalg.eigvalsh(H)[0] > 0  # convex (strictly, with l2 > 0)
    assert np.linalg.eigvalsh(H0 - H)[0] > -1e-12  # H(theta) <= H(0)
    X1 = np.column_stack([np.ones(len(X)), X])
    np.testing.assert_allclose(
        H0, X1.T @ X1 / (4 * len(X)) + 0.1 * np.diag([0, 1, 1, 1]), rtol=1e-13, atol=1e-15
    )


def test_minibatch_gradient_is_the_gradient_on_the_batch_and_closures_match():
    theta, X, y = problem(1)
    grad, loss = cross_entropy_gradient_of(X, y, l2=0.2), cross_entropy_of(X, y, l2=0.2)
    idx = np.array([3, 7, 11])
    np.testing.assert_allclose(grad(theta, idx), cross_entropy_gradient(theta, X[idx], y[idx], 0.2))
    np.testing.assert_allclose(grad(theta), cross_entropy_gradient(theta, X, y, 0.2))
    assert loss(theta) == cross_entropy(theta, X, y, 0.2)
    # the mean of the batch gradients over a partition is the full gradient
    parts = np.array_split(np.arange(len(y)), 4)
    sizes = np.array([len(p) for p in parts])
    mean = sum(s * grad(theta, p) for s, p in zip(sizes, parts, strict=True)) / sizes.sum()
    np.testing.assert_allclose(mean, grad(theta), rtol=1e-12)


def test_gradient_descent_reaches_scikit_learns_optimum():
    from sklearn.linear_model import LogisticRegression

    _, X, y = problem(2, n=80, d=3)
    C = 0.5
    l2 = 1 / (C * len(y))
    clf = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    theta_sk = np.concatenate([clf.intercept_, clf.coef_[0]])
    lr = 2 / np.linalg.eigvalsh(cross_entropy_hessian(np.zeros(4), X, y, l2))[-1]
    run = descend(cross_entropy_gradient_of(X, y, l2), np.zeros(4), 0.99 * lr, num_steps=4000)
    np.testing.assert_allclose(run.final, theta_sk, atol=1e-6)
    np.testing.assert_array_equal(logistic_predict(run.final, X), clf.predict(X))
    np.testing.assert_allclose(logistic_proba(run.final, X), clf.predict_proba(X)[:, 1], atol=1e-6)


def test_validation_names_the_argument():
    theta, X, y = problem()
    with pytest.raises(ValueError, match="theta"):
        cross_entropy(theta[:-1], X, y)
    with pytest.raises(ValueError, match="labels 0 and 1"):
        cross_entropy(theta, X, 2 * y + 1)
    with pytest.raises(ValueError, match="same number of examples"):
        cross_entropy_gradient(theta, X, y[:-1])
    with pytest.raises(ValueError, match="l2"):
        cross_entropy_hessian(theta, X, y, l2=-1.0)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        cross_entropy_of(X[:, 0], y)
    with pytest.raises(TypeError, match="l2"):
        cross_entropy_gradient_of(X, y, l2="strong")
    with pytest.raises(TypeError, match="X"):
        logistic_proba(theta, "features")
    with pytest.raises(ValueError, match="z"):
        sigmoid([np.nan])
    with pytest.raises(ValueError, match="theta"):
        logistic_predict(theta, X[:, :2])

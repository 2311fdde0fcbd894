"""Tests for descentkit.checks_logistic: each right answer passes, the student notebook's
placeholder is reported as not answered yet (with its hint), each named mistake is
recognised with its explanation, bad input is a TypeError or ValueError naming the
argument, and no failure message shows the reference answer."""

import re

import numpy as np
import pytest

from check_tools import not_answered, unwritten
from descentkit.checks import CheckFailed, todo
from descentkit.checks_logistic import (
    check_cross_entropy_gradient,
    check_l2_for_C,
    check_safe_learning_rate,
    check_swap_units,
)
from descentkit.models import mlp_layers


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradient(theta, X, y):
    r = sigmoid(theta[0] + X @ theta[1:]) - y
    return np.concatenate([[r.mean()], X.T @ r / len(y)])


def numbers_in(message):
    return [float(m) for m in re.findall(r"-?\d+\.\d+(?:e-?\d+)?|\d+e-?\d+", message)]


def assert_hidden(message, reference):
    """No number in the message is the reference (to 3 significant digits)."""
    for number in numbers_in(message):
        assert not np.isclose(number, reference, rtol=5e-3), (message, reference)


# ------------------------------------------------------------------------ the gradient


def test_right_gradient_passes(capsys):
    assert check_cross_entropy_gradient(gradient)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, words",
    [
        (lambda t, X, y: -gradient(t, X, y), "wrong sign"),
        (lambda t, X, y: len(y) * gradient(t, X, y), "forgot the mean"),
        (
            lambda t, X, y: np.concatenate(
                [[np.mean(t[0] + X @ t[1:] - y)], X.T @ (t[0] + X @ t[1:] - y) / len(y)]
            ),
            "score z",
        ),
        (lambda t, X, y: 2 * gradient(t, X, y), "factor 2"),
        (
            lambda t, X, y: (
                lambda p: np.concatenate(
                    [[np.mean((p - y) * p * (1 - p))], X.T @ ((p - y) * p * (1 - p)) / len(y)]
                )
            )(sigmoid(t[0] + X @ t[1:])),
            "SQUARED error",
        ),
        (lambda t, X, y: gradient(t, X, y)[1:], "intercept b is missing"),
        (lambda t, X, y: np.roll(gradient(t, X, y), -1), "intercept's entry last"),
        (lambda t, X, y: None, "return"),
        (lambda t, X, y: (gradient(t, X, y)[0], gradient(t, X, y)[1:]), "np.r_[...]"),
        (lambda t, X, y: gradient(t, X, y) + np.r_[0.1, np.zeros(t.size - 1)], "dL/db is wrong"),
        (lambda t, X, y: gradient(t, X, y) + np.r_[0.0, t[1:] / 426], "0.00235 x w (the weights)"),
        (lambda t, X, y: gradient(t, X, y) + 0.01 * t, "0.01 x theta (the intercept too)"),
        (lambda t, X, y: gradient(t, X, y) + np.r_[0.0, t[1:]] / len(y), "a multiple of w"),
        # a constant added to the weights' entries is no penalty
        (lambda t, X, y: gradient(t, X, y) + np.r_[0.0, np.full(t.size - 1, 0.01)], "is wrong"),
    ],
)
def test_gradient_mistakes_are_named(wrong, words):
    with pytest.raises(CheckFailed, match=re.escape(words)):
        check_cross_entropy_gradient(wrong)


def test_unwritten_gradient_is_not_answered_yet(capsys):
    not_answered(check_cross_entropy_gradient, unwritten, capsys=capsys)
    with pytest.raises(TypeError, match="grad_fn"):
        check_cross_entropy_gradient(np.zeros(3))
    with pytest.raises(CheckFailed, match="raised ValueError"):
        check_cross_entropy_gradient(lambda t, X, y: t[0] + X @ t)


# --------------------------------------------------------------------- the safe rate


@pytest.fixture(scope="module")
def features():
    rng = np.random.default_rng(0)
    return rng.normal(size=(50, 3)) * [1.0, 2.0, 0.5] + [4.0, -3.0, 6.0]


def safe_parts(X, l2):
    N, d = X.shape
    X1 = np.column_stack([np.ones(N), X])
    P = l2 * np.diag([0.0] + [1.0] * d)
    H0 = X1.T @ X1 / (4 * N) + P
    return X1, P, H0


def test_right_safe_rate_passes(features, capsys):
    _, _, H0 = safe_parts(features, 0.05)
    assert check_safe_learning_rate(2 / np.linalg.eigvalsh(H0)[-1], features, l2=0.05)
    X1, _, _ = safe_parts(features, 0.0)
    assert check_safe_learning_rate(8 / np.linalg.eigvalsh(X1.T @ X1 / 50)[-1], features)


@pytest.mark.parametrize(
    "which, words",
    [
        ("no quarter", "1/4 is missing"),
        ("no ones", "column of ones"),
        ("no N", "1/N is missing"),
        ("half", "half the bound"),
        ("smallest", "SMALLEST"),
        ("no penalty", "penalty is missing"),
        ("eigenvalue", "2 divided by it"),
        ("other", "too large"),
    ],
)
def test_safe_rate_mistakes_are_named_without_the_answer(features, which, words):
    l2 = 0.5
    X1, P, H0 = safe_parts(features, l2)
    N, d = features.shape
    top = np.linalg.eigvalsh(H0)[-1]
    answers = {
        "no quarter": 2 / np.linalg.eigvalsh(X1.T @ X1 / N + P)[-1],
        "no ones": 2 / np.linalg.eigvalsh(features.T @ features / (4 * N) + l2 * np.eye(d))[-1],
        "no N": 2 / np.linalg.eigvalsh(X1.T @ X1 / 4 + P)[-1],
        "half": 1 / top,
        "smallest": 2 / np.linalg.eigvalsh(H0)[0],
        "no penalty": 2 / np.linalg.eigvalsh(X1.T @ X1 / (4 * N))[-1],
        "eigenvalue": top,
        "other": 3.1 / top,
    }
    with pytest.raises(CheckFailed, match=re.escape(words)) as info:
        check_safe_learning_rate(answers[which], features, l2=l2)
    assert_hidden(str(info.value), 2 / top)


def test_safe_rate_rejects_what_is_not_a_number(features):
    with pytest.raises(CheckFailed, match="None"):
        check_safe_learning_rate(None, features)
    with pytest.raises(CheckFailed, match="one number"):
        check_safe_learning_rate([0.1, 0.2], features)


def test_safe_rate_placeholder_and_bad_input(features, capsys):
    not_answered(check_safe_learning_rate, todo("the hint"), features, capsys=capsys)
    # the features can be an answer too (exercise 9.2's X_centred): the rate's hint first
    not_answered(check_safe_learning_rate, todo("the hint"), todo("features hint"), capsys=capsys)
    not_answered(check_safe_learning_rate, 0.1, todo("the hint"), capsys=capsys)
    with pytest.raises(ValueError, match="X must be 2-dimensional"):
        check_safe_learning_rate(0.1, features[:, 0])
    with pytest.raises(TypeError, match="X must be an array"):
        check_safe_learning_rate(0.1, "features")
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        check_safe_learning_rate(0.1, features, l2=-1.0)
    with pytest.raises(TypeError, match="l2"):
        check_safe_learning_rate(0.1, features, l2="small")


# ------------------------------------------------------------------------- the penalty


def test_right_penalty_passes():
    assert check_l2_for_C(1 / (0.1 * 426), C=0.1, num_samples=426)
    assert check_l2_for_C(1 / 426, C=1, num_samples=426)  # 1/N is right for C = 1


@pytest.mark.parametrize(
    "answer, words",
    [
        (1 / 0.1, "the N is missing"),
        (0.1 / 426, "upside down"),
        (1 / (2 * 0.1 * 426), "counted twice"),
        (2 / (0.1 * 426), "got lost"),
        (0.1, "C is not the penalty"),
        (0.5, "too large"),
        (1 / (0.1 * 569), "M = 569 examples"),  # all the tumours, not the training part
        (1 / 426, "C is missing"),  # the chapter's 1/N reused, not 1/(C M) with M = 4260
        (1 / (0.1 * 300), "too large"),  # fewer examples than N: no story, no count named
    ],
)
def test_penalty_mistakes_are_named_without_the_answer(answer, words):
    with pytest.raises(CheckFailed, match=re.escape(words)) as info:
        check_l2_for_C(answer, C=0.1, num_samples=426)
    assert_hidden(str(info.value), 1 / (0.1 * 426))


def test_penalty_placeholder_and_bad_input(capsys):
    not_answered(check_l2_for_C, todo("the hint"), C=0.1, num_samples=426, capsys=capsys)
    with pytest.raises(ValueError, match="C must be > 0"):
        check_l2_for_C(0.1, C=0.0, num_samples=426)
    with pytest.raises(ValueError, match="num_samples"):
        check_l2_for_C(0.1, C=0.1, num_samples=0)
    with pytest.raises(TypeError, match="num_samples"):
        check_l2_for_C(0.1, C=0.1, num_samples=42.5)
    with pytest.raises(CheckFailed, match="None"):
        check_l2_for_C(None, C=0.1, num_samples=426)


# --------------------------------------------------------------------------- swapping


def swap(theta, i, j, parts=("W1", "b1", "w2")):
    theta = theta.copy()
    W1, b1, w2, _ = mlp_layers(theta)
    if "W1" in parts:
        W1[:, [i, j]] = W1[:, [j, i]]
    if "b1" in parts:
        b1[[i, j]] = b1[[j, i]]
    if "w2" in parts:
        w2[[i, j]] = w2[[j, i]]
    return theta


def test_right_swap_passes():
    assert check_swap_units(swap)
    assert check_swap_units(lambda t, i, j: swap(t, i, j), hidden=16)


@pytest.mark.parametrize(
    "parts, words",
    [
        (("W1", "b1"), "outgoing weights w2 were not swapped"),
        (("W1", "w2"), "biases b1 were not swapped"),
        (("W1",), "only W1 was swapped"),
        (("b1", "w2"), "W1 was not swapped"),
        ((), "nothing changed"),
    ],
)
def test_swap_mistakes_are_named(parts, words):
    with pytest.raises(CheckFailed, match=re.escape(words)):
        check_swap_units(lambda t, i, j: swap(t, i, j, parts))


def test_swap_in_place_is_caught():
    def in_place(theta, i, j):
        W1, b1, w2, _ = mlp_layers(theta)
        W1[:, [i, j]] = W1[:, [j, i]]
        b1[[i, j]] = b1[[j, i]]
        w2[[i, j]] = w2[[j, i]]
        return theta

    with pytest.raises(CheckFailed, match="in place"):
        check_swap_units(in_place)


def test_swap_through_views_is_named():
    def aliased(theta, i, j):  # the right side holds views: column j twice
        theta = theta.copy()
        W1, b1, w2, _ = mlp_layers(theta)
        W1[:, i], W1[:, j] = W1[:, j], W1[:, i]
        b1[i], b1[j] = b1[j], b1[i]
        w2[i], w2[j] = w2[j], w2[i]
        return theta

    with pytest.raises(CheckFailed, match=r"columns \d+ and \d+ of W1 are now equal"):
        check_swap_units(aliased)
    with pytest.raises(CheckFailed, match=r"W1\[:, \[i, j\]\]"):
        check_swap_units(aliased)


def test_swap_placeholder_and_bad_input(capsys):
    not_answered(check_swap_units, unwritten, capsys=capsys)
    with pytest.raises(TypeError, match="swap_fn"):
        check_swap_units([0, 1])
    with pytest.raises(ValueError, match="hidden"):
        check_swap_units(swap, hidden=1)


def test_swap_that_breaks_the_function_says_so():
    def broken(theta, i, j):
        out = swap(theta, i, j)
        out[0] += 1.0
        return out

    with pytest.raises(CheckFailed, match="no longer computes the same function"):
        check_swap_units(broken)
    with pytest.raises(CheckFailed, match="flat"):
        check_swap_units(lambda t, i, j: t.reshape(1, -1).copy() * 1.0)


# ------------------------------------------------------- Hessian-vector products


@pytest.fixture(scope="module")
def tiny_net():
    import torch

    rng = np.random.default_rng(1)
    X = torch.tensor(rng.normal(size=(20, 2)))
    y = torch.tensor((rng.uniform(size=20) < 0.5).astype(float))
    theta = torch.tensor(rng.normal(size=13))  # 3 hidden units: 4 * 3 + 1
    return theta, X, y


def make_hvp(X, y, *, graph=True, second=True, normalise=False, dot=False):
    import torch

    from descentkit.losses import mlp_cross_entropy

    def hvp(theta, v):
        theta = theta.detach().requires_grad_()
        loss = mlp_cross_entropy(theta[None], X, y)[0]
        (g,) = torch.autograd.grad(loss, theta, create_graph=graph)
        if not second:
            return g
        if dot:
            return g @ v
        (Hv,) = torch.autograd.grad(g @ v, theta)
        return Hv / Hv.norm() if normalise else Hv

    return hvp


def power_top(hvp, theta, iters=100):
    import torch

    v = torch.randn(theta.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for _ in range(iters):
        v = hvp(theta, v)
        v = v / v.norm()
    return v, float(v @ hvp(theta, v))


def test_right_hvp_and_top_eigenvalue_pass(tiny_net, capsys):
    from descentkit.checks_logistic import check_hvp, check_top_eigenvalue

    theta, X, y = tiny_net
    hvp = make_hvp(X, y)
    assert check_hvp(hvp, theta, X, y)
    _, top = power_top(hvp, theta)
    assert check_top_eigenvalue(top, theta, X, y)
    assert capsys.readouterr().out.count("Correct") == 2


@pytest.mark.parametrize(
    "options, words",
    [
        ({"graph": False}, "create_graph=True"),
        ({"second": False}, "returned the gradient"),
        ({"dot": True}, "g . v"),
        ({"normalise": True}, "normalised"),
    ],
)
def test_hvp_mistakes_are_named(tiny_net, options, words):
    from descentkit.checks_logistic import check_hvp

    theta, X, y = tiny_net
    with pytest.raises(CheckFailed, match=re.escape(words)):
        check_hvp(make_hvp(X, y, **options), theta, X, y)


def test_top_eigenvalue_mistakes_are_named(tiny_net):
    import torch

    from descentkit.checks_logistic import check_top_eigenvalue

    theta, X, y = tiny_net
    hvp = make_hvp(X, y)
    v, top = power_top(hvp, theta)
    H = torch.autograd.functional.hessian(
        lambda t: __import__("descentkit").losses.mlp_cross_entropy(t[None], X, y)[0], theta)
    low = float(torch.linalg.eigvalsh(H)[0])
    for wrong, words in [
        (hvp(theta, v), "entries"),
        (float(hvp(theta, v) @ hvp(theta, v)), "square"),
        (low, "smallest"),
        (power_top(hvp, theta, iters=1)[1], "not converged"),
        (-top, "not the largest"),
    ]:
        with pytest.raises(CheckFailed, match=words):
            check_top_eigenvalue(wrong, theta, X, y)


def test_unwritten_hvp_is_not_answered_yet(tiny_net, capsys):
    from descentkit.checks_logistic import check_hvp, check_top_eigenvalue

    theta, X, y = tiny_net
    not_answered(check_hvp, unwritten, theta, X, y, capsys=capsys)
    not_answered(check_top_eigenvalue, todo("the hint"), theta, X, y, capsys=capsys)

"""Self-checks for the exercises of chapter 9: logistic regression and a small network.

Defined for chapter 9's exercises. These checks are built like those of
:mod:`descentkit.checks`, on its helpers: each ``check_*`` function compares a learner's
answer with the course's reference and prints a short confirmation (returning a true
:class:`~descentkit.checks.Outcome`), or raises :class:`descentkit.checks.CheckFailed`
with a message in plain words, recognising the usual mistakes (a wrong sign, a forgotten
mean, the 1/4 left out of the curvature bound...), or, while the answer is still the
student notebook's placeholder, prints ``Not answered yet: <hint>``.

Unlike a plain comparison, these messages never show the reference answer: a learner who
is wrong learns *what kind* of mistake it is, and where to look, but not the number to
copy.

Examples
--------
>>> check_l2_for_C(1 / (2.0 * 100), C=2.0, num_samples=100)
Correct: your l2 = 0.005 gives the same minimum as LogisticRegression(C=2).
True
"""

from __future__ import annotations

import numpy as np

from .checks import (
    CheckFailed,
    _as_array,
    _call,
    _close,
    _fmt,
    _judge_number,
    _number,
    _passed,
    _require_answer,
    _self_check,
)
from .losses import cross_entropy_gradient, cross_entropy_hessian
from .models import mlp_layers, mlp_num_params
from .validation import (
    check_callable,
    check_finite_array,
    check_finite_scalar,
    check_int,
    check_positive,
)

__all__ = [
    "check_cross_entropy_gradient",
    "check_safe_learning_rate",
    "check_l2_for_C",
    "check_swap_units",
    "check_hvp",
    "check_top_eigenvalue",
]


# ------------------------------------------------------------------------------ gradient


def _logistic_cases(seed=0):
    """Small data sets and parameters ``(theta, X, y)`` to compare gradients on."""
    rng = np.random.default_rng(seed)
    cases = []
    for n, d in [(7, 1), (12, 3), (20, 2)]:
        X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d)
        y = (rng.uniform(size=n) < 0.5).astype(float)
        y[:2] = [0.0, 1.0]  # both labels in every case
        cases.append((rng.normal(size=d + 1), X, y))
    return cases


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _ones(X):
    return np.column_stack([np.ones(len(X)), X])


def _added_penalty(grad_fn, cases, name):
    """``(what, factors)`` if ``grad_fn`` is the gradient plus ``c * w`` (an L2 penalty's
    gradient; ``what`` says on which entries) on every case, else ``None``."""
    masks = {
        "w (the weights)": lambda t: np.r_[0.0, t[1:]],
        "theta (the intercept too)": lambda t: t,
    }
    for what, part in masks.items():
        factors = []
        for theta, X, y in cases:
            got = _as_array(_call(grad_fn, (theta.copy(), X.copy(), y.copy()), name), name)
            diff = got - cross_entropy_gradient(theta, X, y)
            v = part(theta)
            c = float(diff.ravel() @ v / (v @ v)) if diff.shape == v.shape else 0.0
            if abs(c) < 1e-9 or not _close(diff, c * v, 1e-6, 1e-10):
                break
            factors.append(c)
        else:
            return what, np.array(factors)
    return None


@_self_check
def check_cross_entropy_gradient(grad_fn, *, name="your gradient"):
    """Check a learner's ``grad_fn(theta, X, y)``: the gradient of the mean cross-entropy.

    Introduced for chapter 9's exercises. ``theta = (b, w_1, ..., w_d)``, ``X`` has shape
    ``(N, d)``, ``y`` holds labels 0 and 1; the answer is
    ``(mean(p - y), X^T (p - y) / N)`` with ``p = sigmoid(b + X w)``, no penalty
    (:func:`descentkit.losses.cross_entropy_gradient` with ``l2=0``). Recognises: the
    wrong sign (``y - p``), a sum instead of the mean, the sigmoid left out (``z - y``),
    a factor 2 as in the MSE's gradient, the gradient of the squared error of the
    probabilities, the intercept's entry missing or last, an L2 penalty's gradient
    ``c * w`` added (on the weights, or on the intercept too), the two parts returned
    as a tuple instead of one array; otherwise, which entries are wrong.
    """
    _require_answer(grad_fn, name)
    check_callable(grad_fn, "grad_fn")
    cases = _logistic_cases()

    def ref(theta, X, y):
        return cross_entropy_gradient(theta, X, y)

    def residual_of(theta, X, y, r):
        return _ones(X).T @ r / len(y)

    mistakes = [
        (
            lambda t, X, y: -ref(t, X, y),
            "it has the wrong sign. The derivative of the loss with respect to z_i is "
            "p_i - y_i, not y_i - p_i: the gradient points uphill.",
        ),
        (
            lambda t, X, y: len(y) * ref(t, X, y),
            "you summed over the examples instead of averaging (forgot the mean): divide by N.",
        ),
        (
            lambda t, X, y: residual_of(t, X, y, t[0] + X @ t[1:] - y),
            "you used the score z = b + X w where the probability p = sigmoid(z) belongs: "
            "the error is p - y.",
        ),
        (
            lambda t, X, y: 2 * ref(t, X, y),
            "it is twice the right size: the factor 2 belongs to the MSE's gradient; "
            "differentiating log(1 + exp(z)) - y z gives none.",
        ),
        (
            lambda t, X, y: residual_of(
                t,
                X,
                y,
                (_sigmoid(t[0] + X @ t[1:]) - y)
                * _sigmoid(t[0] + X @ t[1:])
                * (1 - _sigmoid(t[0] + X @ t[1:])),
            ),
            "that is the gradient of half the mean SQUARED error of the probabilities. With "
            "the cross-entropy the factor p (1 - p) cancels: the error is just p - y.",
        ),
    ]
    for theta, X, y in cases:
        got = _call(grad_fn, (theta.copy(), X.copy(), y.copy()), name)
        if isinstance(got, (tuple, list)) and any(np.ndim(v) > 0 for v in got):
            raise CheckFailed(
                f"{name} returned a {type(got).__name__} of {len(got)} parts (a number "
                "and an array?); the gradient is one flat array with theta's shape. "
                "Join the parts with np.r_[...], e.g. "
                "np.r_[error.mean(), X.T @ error / len(y)]."
            )
        got = _as_array(got, name)
        expected = ref(theta, X, y)
        where = f"(theta with {theta.size} entries, on {len(y)} examples)"
        if got.shape != expected.shape:
            if got.size == expected.size - 1:
                raise CheckFailed(
                    f"{name} has {got.size} entries, but theta has "
                    f"{theta.size} {where}: the derivative with respect to "
                    "the intercept b is missing. It comes first: mean(p - y)."
                )
            raise CheckFailed(
                f"{name} has shape {got.shape}; it must have the shape of "
                f"theta, ({theta.size},) {where}."
            )
        if not np.all(np.isfinite(got)):
            raise CheckFailed(f"{name} contains NaN or infinite values {where}.")
        if _close(got, expected, 1e-7, 1e-10):
            continue
        for wrong, why in mistakes:
            if _close(got, wrong(theta, X, y), 1e-7, 1e-10):
                raise CheckFailed(f"{name} is not right: {why}")
        if _close(got, np.roll(expected, -1), 1e-7, 1e-10):
            raise CheckFailed(
                f"{name} has the intercept's entry last; theta = (b, w), so dL/db comes first."
            )
        penalty = _added_penalty(grad_fn, cases, name)
        if penalty is not None:
            where_added, factors = penalty
            same = np.ptp(factors) <= 1e-9 * np.abs(factors).max()
            size = f"{factors[0]:.3g} x" if same else "a multiple of"
            raise CheckFailed(
                f"{name} is not right: it adds a penalty's gradient, {size} "
                f"{where_added}, to the gradient of the cross-entropy. The exercise asks "
                "for the gradient without a penalty: leave that term out. (The error "
                "p - y and the mean over the examples are right.)"
            )
        wrong = ~np.isclose(got, expected, rtol=1e-7, atol=1e-10)
        labels = ["dL/db"] + [f"dL/dw_{j + 1}" for j in range(theta.size - 1)]
        bad = ", ".join(labels[i] for i in np.flatnonzero(wrong))
        raise CheckFailed(
            f"{name} does not match the gradient {where}: {bad} "
            f"{'is' if wrong.sum() == 1 else 'are'} wrong. Check the error "
            "p - y and the mean over the examples."
        )
    return _passed(f"{name} matches the gradient of the cross-entropy on {len(cases)} data sets.")


# ------------------------------------------------------------------------- learning rate


def _top(H):
    return float(np.linalg.eigvalsh(H)[-1])


@_self_check
def check_safe_learning_rate(lr, X, *, l2=0.0, name="your learning rate"):
    """Check the learning rate that is safe for logistic regression before training.

    Introduced for chapter 9's exercises. The cross-entropy's Hessian is largest at
    ``theta = 0``, ``H(0) = X1^T X1 / (4 N) + l2 diag(0, 1, ..., 1)`` with ``X1`` the
    features ``X`` behind a column of ones, so every rate below ``2 / lambda_max(H(0))``
    makes each step decrease the loss; the answer is that bound (to a relative 1e-3).

    Recognises: the 1/4 left out (the rate four times too small), the column of ones left
    out, the ``1/N`` left out, ``1 / lambda_max`` (half the bound), the smallest eigenvalue
    instead of the largest, the penalty left out (when it matters), the eigenvalue
    itself instead of the rate and its inverse; otherwise, too large or too small.

    Parameters
    ----------
    lr : float
        The learner's rate.
    X : array_like, shape (N, d)
        The training features the rate is for.
    l2 : float, default 0
        The penalty of the loss.
    """
    _require_answer(lr, name)
    _require_answer(X, "X")  # the features can be an answer too (exercise 9.2's X_centred)
    X = check_finite_array(X, "X", ndim=2)
    l2 = check_finite_scalar(l2, "l2")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    N, d = X.shape
    H0 = cross_entropy_hessian(np.zeros(d + 1), X, np.zeros(N), l2)
    expected = 2 / _top(H0)
    X1 = _ones(X)
    penalty = l2 * np.diag([0.0] + [1.0] * d)
    hints = [
        (
            2 / _top(X1.T @ X1 / N + penalty),
            "the factor 1/4 is missing. p (1 - p) is at most 1/4, so the curvature is at most "
            "lambda_max(X1^T X1 / N) / 4: the bound is 8 / lambda_max, not 2 / lambda_max.",
        ),
        (
            2 / _top(X.T @ X / (4 * N) + l2 * np.eye(d)),
            "the column of ones is missing: the intercept b is a parameter too, and its "
            "column of ones belongs in X1 = [1, X].",
        ),
        (
            2 / _top(X1.T @ X1 / 4 + penalty),
            "the 1/N is missing: the loss is a MEAN over the examples, so is its Hessian.",
        ),
        (
            1 / _top(H0),
            "that is half the bound. 1 / lambda_max is the best rate for the sharpest "
            "direction of a quadratic; steps still shrink the loss up to 2 / lambda_max.",
        ),
        (
            2 / float(np.linalg.eigvalsh(H0)[0]) if np.linalg.eigvalsh(H0)[0] > 0 else np.inf,
            "you used the SMALLEST eigenvalue. The sharpest direction, the largest "
            "eigenvalue, sets the limit.",
        ),
        (
            2 / _top(X1.T @ X1 / (4 * N)),
            "the penalty is missing: its curvature l2 adds to the weights' curvature.",
        ),
        (_top(H0), "that is the largest curvature itself; the rate is 2 divided by it."),
        (_top(H0) / 2, "the ratio is upside down: the rate is 2 / lambda_max."),
    ]
    value = _judge_number(lr, expected, hints, name=name, rtol=1e-3)
    return _passed(
        f"{name} = {value:.4g} is the safe rate: below it every step decreases the loss."
    )


# ---------------------------------------------------------------------------- penalty


@_self_check
def check_l2_for_C(l2, C, num_samples, *, name="your l2"):
    """Check the penalty ``l2`` that makes the course's loss match ``LogisticRegression(C=C)``.

    Introduced for chapter 9's exercises. scikit-learn minimises
    ``1/2 ||w||^2 + C * sum_i CE_i``; dividing by ``C N`` gives the course's
    ``mean_i CE_i + l2 / 2 ||w||^2`` with ``l2 = 1 / (C N)``, so both have the same
    minimiser. Recognises ``1 / C`` (forgot the N), ``1 / N`` (forgot C: the penalty
    for the default C = 1), ``C / N``, ``C N``, ``C``, ``N / C``
    and ``1 / (2 C N)`` or ``2 / (C N)`` (the 1/2 counted twice or lost), ``1 / (C M)``
    with more examples ``M`` than ``N`` (all the data instead of the training part);
    otherwise, too large or too small.
    """
    _require_answer(l2, name)
    C = check_positive(C, "C")
    N = check_int(num_samples, "num_samples", minimum=1)
    expected = 1 / (C * N)
    hints = [
        (
            1 / C,
            "that is 1/C: the N is missing. scikit-learn SUMS the losses of the "
            "examples, the course's loss is their MEAN: divide by N too.",
        ),
        (
            1 / N,
            f"that is 1/N, the chapter's penalty for the default C = 1: C is missing. "
            f"scikit-learn's C = {C:g} multiplies the sum of the losses; divide by C N.",
        ),
        (C / N, "C is upside down: a larger C means a WEAKER penalty in scikit-learn."),
        (C * N, "upside down: divide, C N is in the denominator."),
        (C, "C is not the penalty; it multiplies the sum of the losses."),
        (N / C, "upside down: l2 = 1 / (C N)."),
        (1 / (2 * C * N), "the 1/2 is counted twice: both penalties already carry 1/2."),
        (2 / (C * N), "the 1/2 got lost: both penalties carry 1/2 ||w||^2."),
    ]
    value = _number(l2, name)
    count = 1 / (C * value) if value > 0 else 0.0
    known = [v for v, _ in hints] + [expected]
    if (
        count > N  # all the data instead of its training part
        and np.isclose(count, round(count), rtol=0, atol=1e-6 * count)
        and round(count) != N
        and not any(np.isclose(value, v, rtol=1e-6) for v in known)
    ):
        raise CheckFailed(
            f"{name} = {_fmt(value)} is not right: that is 1 / (C M) with M = {round(count)} "
            f"examples, but the loss is the mean over the N = {N} examples the model is "
            "trained on (the training part, not all the data)."
        )
    value = _judge_number(l2, expected, hints, name=name, rtol=1e-6)
    return _passed(f"{name} = {value:.4g} gives the same minimum as LogisticRegression(C={C:g}).")


# ------------------------------------------------------------------------------ network


def _forward(theta, X, num_inputs):
    W1, b1, w2, b2 = mlp_layers(theta, num_inputs=num_inputs)
    return np.tanh(X @ W1 + b1) @ w2 + b2[0]


@_self_check
def check_swap_units(swap_fn, *, num_inputs=2, hidden=16, name="your swap_units"):
    """Check ``swap_fn(theta, i, j)``: the network with hidden units ``i`` and ``j`` swapped.

    Introduced for chapter 9's exercises. ``theta`` is one network's flat parameter vector
    (a numpy array in the layout of :func:`descentkit.models.mlp_layers`); the answer is a
    new vector in which the two units have traded their incoming weights (columns ``i``
    and ``j`` of ``W1``), their biases (``b1``) and their outgoing weights (``w2``), so that
    the network computes exactly the same function. Recognises: nothing swapped, ``b1`` or
    ``w2`` left out, only ``W1`` swapped or ``W1`` left out, changing ``theta`` in place,
    the wrong shape, columns ``i`` and ``j`` of ``W1`` made equal (the tuple swap through
    views); otherwise, whether the network still computes the same function.
    """
    _require_answer(swap_fn, name)
    check_callable(swap_fn, "swap_fn")
    num_inputs = check_int(num_inputs, "num_inputs", minimum=1)
    hidden = check_int(hidden, "hidden", minimum=2)
    rng = np.random.default_rng(5)
    P = mlp_num_params(num_inputs, hidden)
    X = rng.normal(size=(30, num_inputs))
    pairs = [(0, 1), (hidden - 1, 2 % hidden), (1, hidden // 2)]
    pairs = [(i, j) for i, j in pairs if i != j]

    def swapped(theta, i, j, parts):
        out = theta.copy()
        W1, b1, w2, _ = mlp_layers(out, num_inputs=num_inputs)
        if "W1" in parts:
            W1[:, [i, j]] = W1[:, [j, i]]
        if "b1" in parts:
            b1[[i, j]] = b1[[j, i]]
        if "w2" in parts:
            w2[[i, j]] = w2[[j, i]]
        return out

    mistakes = [
        (
            ("W1", "b1"),
            "the outgoing weights w2 were not swapped: the units' incoming "
            "weights, biases AND outgoing weights must all move together.",
        ),
        (("W1", "w2"), "the biases b1 were not swapped: each unit takes its bias along."),
        (("W1",), "only W1 was swapped: b1 and w2 belong to the units too."),
        (("b1", "w2"), "W1 was not swapped: unit j's incoming weights are the column W1[:, j]."),
        ((), "nothing changed: the result equals theta."),
    ]
    for i, j in pairs:
        theta = rng.normal(size=P)
        given = theta.copy()
        got = _as_array(_call(swap_fn, (given, i, j), name), name)
        where = f"(units {i} and {j} of a network with {hidden} hidden units)"
        if not np.array_equal(given, theta):
            raise CheckFailed(
                f"{name} changed its argument theta in place {where}: the "
                "network you swap from is lost. Work on a copy: "
                "theta = theta.copy()."
            )
        if got.shape != (P,):
            raise CheckFailed(
                f"{name} returned shape {got.shape}; it must return a flat "
                f"vector of the {P} parameters, like theta."
            )
        if _close(got, swapped(theta, i, j, ("W1", "b1", "w2")), 1e-12, 0.0):
            continue
        W1_got = mlp_layers(got, num_inputs=num_inputs)[0]
        if np.array_equal(W1_got[:, i], W1_got[:, j]):
            raise CheckFailed(
                f"{name} is not right {where}: columns {i} and {j} of W1 are "
                "now equal, so one unit's incoming weights were lost. That is "
                "the view aliasing the hint warns about: in W1[:, i], W1[:, j] "
                "= W1[:, j], W1[:, i] the right side holds views, so the first "
                "assignment overwrites column i before it is copied into "
                "column j. Index both at once: W1[:, [i, j]] = W1[:, [j, i]]."
            )
        for parts, why in mistakes:
            if _close(got, swapped(theta, i, j, parts), 1e-12, 0.0):
                raise CheckFailed(f"{name} is not right {where}: {why}")
        same = _close(_forward(got, X, num_inputs), _forward(theta, X, num_inputs), 1e-9, 1e-12)
        raise CheckFailed(
            f"{name} is not right {where}: "
            + (
                "the network computes the same function, but the vector is not "
                "theta with units i and j swapped."
                if same
                else "the network no longer computes the same function. Swap columns "
                "i and j of W1 and entries i and j of b1 and of w2."
            )
        )
    return _passed(
        f"{name} swaps two hidden units, and the network computes the same "
        f"function ({len(pairs)} cases)."
    )


# ------------------------------------------------------------ Hessian-vector products


def _net_loss_and_hessian(theta, X, y):
    """The chapter's network loss at a float64 copy of ``theta``, and its Hessian there."""
    import torch

    from .losses import mlp_cross_entropy

    theta = torch.as_tensor(theta, dtype=torch.float64).detach().clone()
    X = torch.as_tensor(X, dtype=torch.float64)
    y = torch.as_tensor(y, dtype=torch.float64)

    def loss(t):
        return mlp_cross_entropy(t[None], X, y)[0]

    H = torch.autograd.functional.hessian(loss, theta, vectorize=True)
    return theta, loss, H


@_self_check
def check_hvp(hvp_fn, theta, X, y, *, name="hvp"):
    """Check a learner's ``hvp_fn(theta, v)``: the Hessian of the network's training loss
    ``mlp_cross_entropy(theta[None], X, y)[0]`` at ``theta`` times ``v``.

    Introduced for chapter 9's exercise on sharpness. Compared with the full Hessian (by
    ``torch.autograd.functional.hessian``) for three seeded vectors ``v``. Recognises:
    ``create_graph=True`` missing in the first ``torch.autograd.grad`` (the second then
    finds no graph), the gradient returned instead of ``H v``, the number ``g . v``
    returned, ``H v`` normalised (that belongs to the power iteration).
    """
    import torch

    _require_answer(hvp_fn, name)
    check_callable(hvp_fn, "hvp_fn")
    theta, loss, H = _net_loss_and_hessian(theta, X, y)
    t = theta.clone().requires_grad_()
    (g,) = torch.autograd.grad(loss(t), t)
    gen = torch.Generator().manual_seed(0)
    for k in range(3):
        v = torch.randn(theta.shape, dtype=torch.float64, generator=gen)
        try:
            got = _call(hvp_fn, (theta.clone(), v.clone()), name)
        except CheckFailed as exc:
            if "RuntimeError" in str(exc) and "grad" in str(exc):
                raise CheckFailed(
                    f"{name} raised in its second torch.autograd.grad: the gradient "
                    "from the first call carries no graph to differentiate. Pass "
                    "create_graph=True to the first call."
                ) from exc
            raise
        got = _as_array(got, name)
        Hv = (H @ v).numpy()
        where = f"(a random v, case {k + 1} of 3)"
        if got.size == 1:
            raise CheckFailed(
                f"{name} returned one number {where}: that is g . v. H v is its "
                "gradient with respect to theta: differentiate it once more."
            )
        if got.shape != Hv.shape:
            raise CheckFailed(
                f"{name} returned shape {got.shape}; H v has the shape of theta, "
                f"{tuple(theta.shape)}."
            )
        if _close(got, Hv, 1e-8, 1e-12):
            continue
        if _close(got, g.numpy(), 1e-8, 1e-12):
            raise CheckFailed(
                f"{name} returned the gradient, not H v {where}: differentiate "
                "g . v with respect to theta a second time."
            )
        if _close(got, Hv / np.linalg.norm(Hv), 1e-8, 1e-12):
            raise CheckFailed(
                f"{name} returned H v normalised to length 1 {where}: return H v "
                "itself; dividing by its norm belongs to the power iteration."
            )
        raise CheckFailed(f"{name} is not H v {where}.")
    return _passed(f"{name} gives H v, as the full Hessian does (3 random vectors).")


@_self_check
def check_top_eigenvalue(value, theta, X, y, *, name="top_hvp"):
    """Check the largest eigenvalue of the network loss's Hessian at ``theta``, found by
    power iteration, against ``torch.linalg.eigvalsh`` of the full Hessian, to 1e-6.

    Introduced for chapter 9's exercise on sharpness. Recognises: the vector ``H v``
    given instead of a number, the square ``|H v|^2`` of a unit ``v``, the smallest
    eigenvalue, and a value below the top one (the iteration has not converged).
    """
    _require_answer(value, name)
    import torch

    _, _, H = _net_loss_and_hessian(theta, X, y)
    eig = torch.linalg.eigvalsh(H).numpy()
    top = float(eig[-1])
    arr = _as_array(value, name)
    if arr.size > 1:
        raise CheckFailed(
            f"{name} has {arr.size} entries: the eigenvalue is one number, the "
            "Rayleigh quotient v . (H v) of the unit vector v."
        )
    got = _number(arr, name)
    if abs(got - top) <= 1e-6 * abs(top):
        return _passed(
            f"{name} = {_fmt(got)} is the largest eigenvalue of the full Hessian."
        )
    if abs(got - top**2) <= 1e-6 * top**2:
        raise CheckFailed(
            f"{name} is the square of the top eigenvalue: |H v|^2 of a unit v. The "
            "eigenvalue is v . (H v), or |H v|."
        )
    if abs(got - float(eig[0])) <= 1e-6 * max(abs(float(eig[0])), 1e-12):
        raise CheckFailed(f"{name} is the smallest eigenvalue; the question is the largest.")
    if 0 < got < top:
        raise CheckFailed(
            f"{name} is below the largest eigenvalue: power iteration has not "
            "converged. Run more iterations, and normalise v at every one."
        )
    raise CheckFailed(f"{name} is not the largest eigenvalue of the Hessian.")

"""The mean squared error of the line ``b + w x``: its value, gradient and Hessian, once.

Defined in chapter 3 (the MSE and its gradient, derived with the chain rule), chapter 4
(the Hessian) and chapter 6 (the same gradient on a mini-batch); chapter 5 adds the same
gradient and Hessian for a linear model with several features, ``b + X w``
(:func:`mse_hessian_linear`, :func:`mse_gradient_linear_of`). With the errors
``e_i = b + w x_i - y_i`` of ``N`` examples::

    MSE(b, w)  = mean(e**2)
    gradient   = (dMSE/db, dMSE/dw) = (2 mean(e), 2 mean(x e))
    Hessian    = 2 [[1, mean(x)], [mean(x), mean(x**2)]]

The Hessian depends on neither ``y`` nor ``(b, w)``: the MSE of a linear model is a
quadratic. The same quadratic, written with five statistics of the data, gives the loss
of *every* line at once (chapter 3's loss surfaces, :mod:`descentkit.surfaces`)::

    MSE(b, w) = m**2 + w**2 var_x - 2 w cov_xy + var_y,    m = b + w mean_x - mean_y

where ``m`` is the mean error, the error of the line at the centre of the data. This
*centred* form is used rather than the expansion in raw moments (``b**2 + 2 b w mean(x)
+ ...``), which subtracts large, nearly equal numbers when the data sit far from 0.

Every public function validates its data once; the closures :func:`mse_gradient_of` and
:func:`mse_of` validate when they are made, so an optimiser can call them thousands of
times without re-checking.

Chapter 9 adds the **cross-entropy** of logistic regression, ``p = sigmoid(b + X w)`` on
labels ``y`` in {0, 1}, with its gradient and Hessian (the same layout: ``theta = (b, w)``),
and the cross-entropy of the small torch networks of :mod:`descentkit.models`, with
:func:`sharpness`, the largest curvature measured by Hessian-vector products::

    CE(theta)  = mean(log(1 + exp(z)) - y z) + l2 / 2 ||w||**2,     z = b + X w
    gradient   = X1^T (p - y) / N + l2 (0, w),                      X1 = [1, X]
    Hessian    = X1^T diag(p (1 - p)) X1 / N + l2 diag(0, 1, ..., 1)

Since ``p (1 - p) <= 1/4``, with equality only where ``p = 1/2``, the Hessian is largest
at ``theta = 0``: ``H(theta) <= H(0) = X1^T X1 / (4 N) + l2 diag(0, 1, ..., 1)``.
"""

from __future__ import annotations

import numpy as np

from .models import _sigmoid
from .validation import (
    check_callable,
    check_finite_array,
    check_finite_scalar,
    check_int,
    check_xy,
)

__all__ = [
    "mse",
    "rmse",
    "mse_gradient",
    "mse_hessian",
    "mse_of",
    "mse_gradient_of",
    "mse_hessian_linear",
    "mse_gradient_linear_of",
    "sufficient_statistics",
    "mse_from_statistics",
    "cross_entropy",
    "cross_entropy_gradient",
    "cross_entropy_hessian",
    "cross_entropy_of",
    "cross_entropy_gradient_of",
    "mlp_cross_entropy",
    "sharpness",
]


def _mse(b, w, x, y):
    e = b + w * x - y
    return float(np.mean(e * e))


def _mse_gradient(b, w, x, y):
    # np.add.reduce(...) / n is exactly np.mean (the same pairwise sum, then one
    # division), without its per-call overhead: this runs at every step of a descent
    e = b + w * x - y
    n = np.size(e)
    return np.array([2 * (np.add.reduce(e, axis=None) / n),
                     2 * (np.add.reduce(x * e, axis=None) / n)])


def _params(b, w):
    return check_finite_scalar(b, "b"), check_finite_scalar(w, "w")


def mse(b, w, x, y) -> float:
    """Mean squared error ``mean((b + w x - y)**2)`` of the line on the data ``(x, y)``.

    Introduced in chapter 3.

    Examples
    --------
    >>> mse(0.0, 1.0, [1.0, 2.0], [1.0, 4.0])
    2.0
    """
    x, y = check_xy(x, y)
    return _mse(*_params(b, w), x, y)


def rmse(b, w, x, y) -> float:
    """Root mean squared error, ``sqrt(mse)``: in the units of ``y``, so easier to read."""
    return float(np.sqrt(mse(b, w, x, y)))


def mse_gradient(b, w, x, y) -> np.ndarray:
    """Gradient ``(dMSE/db, dMSE/dw) = (2 mean(e), 2 mean(x e))`` with ``e = b + w x - y``.

    Introduced in chapter 3, where it is derived with the chain rule.

    Returns
    -------
    ndarray, shape (2,)

    Examples
    --------
    >>> mse_gradient(0.0, 1.0, [1.0, 2.0], [1.0, 4.0])
    array([-2., -4.])
    """
    x, y = check_xy(x, y)
    return _mse_gradient(*_params(b, w), x, y)


def mse_hessian(x) -> np.ndarray:
    """Hessian of the MSE with respect to ``(b, w)``: ``2 [[1, mean(x)], [mean(x), mean(x**2)]]``.

    Introduced in chapter 4. It does not depend on ``y`` nor on ``(b, w)``.
    """
    x = check_finite_array(x, "x", ndim=1)
    mx, mxx = float(np.mean(x)), float(np.mean(x * x))
    return 2 * np.array([[1.0, mx], [mx, mxx]])


def mse_of(x, y):
    """Return ``loss(theta)``: the MSE of ``theta = (b, w)`` on all of ``(x, y)``.

    Introduced in chapter 4, as the loss a run descends; chapter 6 records the full training
    loss along a run with it.
    """
    x, y = check_xy(x, y)

    def loss(theta):
        return _mse(theta[0], theta[1], x, y)

    return loss


def mse_gradient_of(x, y):
    """Return ``grad(theta, idx=None)``: the MSE gradient of ``theta = (b, w)`` on examples ``idx``.

    Introduced in chapter 4 (the full gradient), with mini-batches in chapter 6.
    ``idx=None`` uses every example (the full gradient), an index
    array only those examples (a mini-batch gradient): the same formula as
    :func:`mse_gradient`, on ``x[idx], y[idx]``.

    Examples
    --------
    >>> grad = mse_gradient_of([1.0, 2.0], [1.0, 4.0])
    >>> grad([0.0, 1.0]), grad([0.0, 1.0], [1])
    (array([-2., -4.]), array([-4., -8.]))
    """
    x, y = check_xy(x, y)

    def grad(theta, idx=None):
        if idx is None:
            return _mse_gradient(theta[0], theta[1], x, y)
        return _mse_gradient(theta[0], theta[1], x[idx], y[idx])

    return grad


def _design_matrix(X) -> np.ndarray:
    """``[1, X]``: a column of ones (for the intercept), then one column per feature."""
    X = check_finite_array(X, "X", ndim=2)
    return np.column_stack([np.ones(len(X)), X])


def mse_hessian_linear(X) -> np.ndarray:
    """Hessian of the MSE of ``b + X @ w`` with respect to ``theta = (b, w_1, ..., w_d)``.

    Introduced in chapter 5, for two correlated features. ``X`` has one row per example and
    one column per feature. With the design matrix ``A = [1, X]`` (a column of ones, then
    the features) the MSE is ``mean((A theta - y)**2)`` and its Hessian is ``2 A.T A / N``;
    for one feature this is :func:`mse_hessian`. It depends on neither ``y`` nor ``theta``.

    Examples
    --------
    >>> mse_hessian_linear([[0.0, 1.0], [2.0, 1.0]])
    array([[2., 2., 2.],
           [2., 4., 2.],
           [2., 2., 2.]])
    """
    A = _design_matrix(X)
    return 2 * A.T @ A / len(A)


def mse_gradient_linear_of(X, y):
    """Return ``grad(theta)``: the MSE gradient of ``theta = (b, w_1, ..., w_d)`` for ``b + X @ w``.

    Introduced in chapter 5. ``grad(theta) = 2 A.T (A theta - y) / N`` with ``A = [1, X]``;
    for one feature it equals :func:`mse_gradient_of`'s full gradient.

    Examples
    --------
    >>> grad = mse_gradient_linear_of([[1.0], [2.0]], [1.0, 4.0])
    >>> grad([0.0, 1.0])
    array([-2., -4.])
    """
    A = _design_matrix(X)
    y = check_finite_array(y, "y", ndim=1)
    if len(y) != len(A):
        raise ValueError(f"X and y must have the same number of rows, got {len(A)} and {len(y)}")

    def grad(theta):
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (A.shape[1],):
            raise ValueError(
                f"theta must have {A.shape[1]} entries (b and one weight per "
                f"feature), got shape {theta.shape}"
            )
        return 2 * A.T @ (A @ theta - y) / len(A)

    return grad


def sufficient_statistics(x, y):
    """The five numbers that determine the MSE of every line ``b + w x`` on ``(x, y)``.

    Introduced in chapter 3. The data are centred first (on the means of ``x`` and ``y``),
    so that the second moments are computed without the cancellation that large offsets
    would cause.

    Returns
    -------
    dict
        ``mean_x``, ``mean_y``, ``var_x`` = mean((x - mean_x)**2), ``cov_xy`` and ``var_y``.
    """
    x, y = check_xy(x, y)
    mx, my = float(x.mean()), float(y.mean())
    dx, dy = x - mx, y - my
    return {
        "mean_x": mx,
        "mean_y": my,
        "var_x": float(np.mean(dx * dx)),
        "cov_xy": float(np.mean(dx * dy)),
        "var_y": float(np.mean(dy * dy)),
    }


def mse_from_statistics(stats, b, w):
    """MSE(b, w) from :func:`sufficient_statistics`, broadcasting over arrays ``b`` and ``w``.

    Introduced in chapter 3. The centred form of the module docstring: the squared mean
    error plus the variance of the errors. Every term but the last pair is a square, so it
    stays accurate; rounding can still dip a hair below zero for a perfect fit, which is
    clipped, since a mean of squares cannot be negative.
    """
    m = b + w * stats["mean_x"] - stats["mean_y"]
    losses = m * m + w * w * stats["var_x"] - 2 * w * stats["cov_xy"] + stats["var_y"]
    return np.maximum(losses, 0.0)


# --------------------------------------------------------------------------- chapter 9


def _check_labels(y, num_samples):
    y = check_finite_array(y, "y", ndim=1)
    if y.size != num_samples:
        raise ValueError(
            f"X and y must have the same number of examples, got {num_samples} and {y.size}"
        )
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(
            "y must hold labels 0 and 1 only, got other values: "
            f"{np.unique(y[(y != 0) & (y != 1)])[:5]}"
        )
    return y


def _check_data(X, y, l2):
    """Validate the data ``(X, y)`` and penalty ``l2`` of logistic regression."""
    X = check_finite_array(X, "X", ndim=2)
    y = _check_labels(y, X.shape[0])
    l2 = check_finite_scalar(l2, "l2")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    return X, y, l2


def _check_logistic(theta, X, y, l2):
    """Validate ``(theta, X, y, l2)`` of logistic regression; return them as floats."""
    X, y, l2 = _check_data(X, y, l2)
    theta = check_finite_array(theta, "theta", ndim=1)
    if theta.size != X.shape[1] + 1:
        raise ValueError(
            f"theta must hold the intercept and one weight per feature, "
            f"{X.shape[1] + 1} numbers, got {theta.size}"
        )
    return theta, X, y, l2


def _logits(theta, X):
    return theta[0] + X @ theta[1:]


def _cross_entropy(theta, X, y, l2):
    z = _logits(theta, X)
    w = theta[1:]
    # sum / size is np.mean's own arithmetic (the same numbers) without its overhead,
    # which dominates on small arrays: these two functions run at every step
    per_example = np.logaddexp(0.0, z) - y * z
    return float(per_example.sum() / per_example.size + 0.5 * l2 * (w @ w))


def _cross_entropy_gradient(theta, X, y, l2):
    r = _sigmoid(_logits(theta, X)) - y
    g = np.empty_like(theta)
    g[0] = r.sum() / r.size
    g[1:] = X.T @ r / y.size + l2 * theta[1:]
    return g


def cross_entropy(theta, X, y, l2=0.0) -> float:
    r"""Mean cross-entropy of logistic regression, plus an optional L2 penalty on the weights.

    Introduced in chapter 9. With ``z_i = b + w . x_i`` and ``p_i = sigmoid(z_i)``, the
    probability the model gives label 1, the loss is the mean negative log-probability of
    the observed labels,

    ``-mean(y log p + (1 - y) log(1 - p)) = mean(log(1 + exp(z)) - y z)``,

    computed in the second form, which never takes the log of 0. ``l2 / 2 ||w||**2`` is
    added; the intercept ``b`` is not penalised (as in scikit-learn).

    Parameters
    ----------
    theta : array_like, shape (d + 1,)
        ``(b, w_1, ..., w_d)``: the intercept first, then one weight per feature.
    X : array_like, shape (N, d)
        The features, one row per example.
    y : array_like, shape (N,)
        Labels 0 and 1.
    l2 : float, default 0
        Strength of the L2 penalty, ``>= 0``. ``LogisticRegression(C=C)`` of scikit-learn
        minimises the same function for ``l2 = 1 / (C N)``.

    Returns
    -------
    float

    Examples
    --------
    >>> round(cross_entropy([0.0, 1.0], [[0.0], [2.0]], [0, 1]), 6)  # log 2, log(1 + e^-2)
    0.410038
    """
    return _cross_entropy(*_check_logistic(theta, X, y, l2))


def cross_entropy_gradient(theta, X, y, l2=0.0) -> np.ndarray:
    """Gradient of :func:`cross_entropy`: ``(mean(p - y), X^T (p - y) / N + l2 w)``.

    Introduced in chapter 9. The error ``p - y`` takes the place of chapter 3's ``e``:
    the derivative of ``log(1 + exp(z)) - y z`` with respect to ``z`` is
    ``sigmoid(z) - y``.

    Returns
    -------
    ndarray, shape (d + 1,)
        ``dL/db`` first, then ``dL/dw``.

    Examples
    --------
    >>> cross_entropy_gradient([0.0, 0.0], [[1.0], [3.0]], [0, 1])  # p = 1/2 everywhere
    array([ 0. , -0.5])
    """
    return _cross_entropy_gradient(*_check_logistic(theta, X, y, l2))


def cross_entropy_hessian(theta, X, y, l2=0.0) -> np.ndarray:
    """Hessian of :func:`cross_entropy` with respect to ``(b, w)``.

    Introduced in chapter 9: ``X1^T diag(p (1 - p)) X1 / N + l2 diag(0, 1, ..., 1)`` with
    ``X1 = [1, X]``. It is positive semi-definite for every ``theta`` (so the loss is
    convex) and depends on ``theta``, unlike the MSE's. At ``theta = 0`` every ``p`` is 1/2
    and ``p (1 - p)`` takes its largest value, 1/4, so ``H(0)`` bounds every other Hessian.
    ``y`` is validated but not used: the Hessian does not depend on the labels.

    Returns
    -------
    ndarray, shape (d + 1, d + 1)
    """
    theta, X, y, l2 = _check_logistic(theta, X, y, l2)
    p = _sigmoid(_logits(theta, X))
    X1 = np.column_stack([np.ones(X.shape[0]), X])
    H = X1.T @ (X1 * (p * (1 - p))[:, None]) / X.shape[0]
    H[1:, 1:] += l2 * np.eye(X.shape[1])
    return (H + H.T) / 2


def cross_entropy_of(X, y, l2=0.0):
    """Return ``loss(theta)``: :func:`cross_entropy` on all of ``(X, y)``, validated once.

    Introduced in chapter 9, to record the training loss along a run.
    """
    X, y, l2 = _check_data(X, y, l2)

    def loss(theta):
        return _cross_entropy(np.asarray(theta, dtype=float), X, y, l2)

    return loss


def cross_entropy_gradient_of(X, y, l2=0.0):
    """Return ``grad(theta, idx=None)``: the gradient of :func:`cross_entropy` on examples ``idx``.

    Introduced in chapter 9, as :func:`mse_gradient_of` is for the line: ``idx=None`` gives
    the full gradient, an index array the gradient of the mean loss on those examples (a
    mini-batch gradient), the full penalty ``l2 w`` added either way.

    Examples
    --------
    >>> grad = cross_entropy_gradient_of([[1.0], [3.0]], [0, 1])
    >>> grad([0.0, 0.0]), grad([0.0, 0.0], [1])
    (array([ 0. , -0.5]), array([-0.5, -1.5]))
    """
    X, y, l2 = _check_data(X, y, l2)

    def grad(theta, idx=None):
        theta = np.asarray(theta, dtype=float)
        if idx is None:
            return _cross_entropy_gradient(theta, X, y, l2)
        return _cross_entropy_gradient(theta, X[idx], y[idx], l2)

    return grad


def _check_tensor(value, name, ndim):
    import torch

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
    if value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {tuple(value.shape)}")
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return value


def mlp_cross_entropy(thetas, X, y):
    """Mean cross-entropy of each of ``K`` networks of :func:`descentkit.models.mlp_logits`.

    Introduced in chapter 9. Row ``k`` of ``thetas`` is one network; the result's entry
    ``k`` is its mean cross-entropy on ``(X, y)`` (the same loss as :func:`cross_entropy`,
    with the network's output as ``z``). The networks are independent: the gradient of
    ``losses.sum()`` with respect to row ``k`` is the gradient of network ``k``'s own loss,
    so one backward pass trains all of them.

    Parameters
    ----------
    thetas : torch.Tensor, shape (K, P)
        Flat parameter vectors (see :func:`descentkit.models.mlp_layers`).
    X : torch.Tensor, shape (N, d)
    y : torch.Tensor, shape (N,)
        Labels 0 and 1, as floats.

    Returns
    -------
    torch.Tensor, shape (K,)
    """
    import torch.nn.functional as F

    from .models import mlp_logits

    y = _check_tensor(y, "y", 1)
    z = mlp_logits(thetas, X)
    if y.shape[0] != z.shape[1]:
        raise ValueError(
            f"X and y must have the same number of examples, got {z.shape[1]} and {y.shape[0]}"
        )
    return F.binary_cross_entropy_with_logits(z, y.expand_as(z), reduction="none").mean(dim=1)


def sharpness(losses_of, thetas, *, num_iters=100, seed=0):
    """The largest curvature of each of ``K`` losses, by power iteration with Hessian-vector
    products.

    Introduced in chapter 9 for the *edge of stability*. Row ``k`` of ``thetas`` is a point
    ``theta_k``; ``losses_of(thetas)`` must return the ``K`` losses, entry ``k`` depending on
    row ``k`` only (as :func:`mlp_cross_entropy` does). Each iteration multiplies every
    vector ``v_k`` by the Hessian ``H_k`` at ``theta_k`` without forming it: ``H v`` is the
    gradient of ``grad L . v`` (a second backward pass through the first), for all ``K``
    points at once. The Rayleigh quotient ``v^T H v`` of the last unit vector is returned.

    Power iteration converges to the eigenvalue of largest *magnitude*. Where that one is
    negative (the negative curvature is stronger than the positive one), the iteration is
    run again on the shifted matrix ``H - mu I``, with ``mu < 0`` the eigenvalue found:
    its eigenvalues ``lambda - mu`` are all ``>= 0`` up to rounding, the largest is
    ``lambda_max - mu``, and adding ``mu`` back gives the largest eigenvalue, the sharpness.
    Convergence is slow when the top two eigenvalues (in magnitude) are close.

    Parameters
    ----------
    losses_of : callable
        ``losses_of(thetas) -> torch.Tensor of shape (K,)``.
    thetas : torch.Tensor, shape (K, P)
    num_iters : int, default 100
    seed : int, default 0
        Seeds the random starting vectors.

    Returns
    -------
    torch.Tensor, shape (K,)
    """
    import torch

    check_callable(losses_of, "losses_of")
    thetas = _check_tensor(thetas, "thetas", 2)
    num_iters = check_int(num_iters, "num_iters", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    top = _power_iteration(losses_of, thetas, num_iters, seed, shift=None)
    negative = torch.nonzero(top < 0)[:, 0]
    if len(negative):  # the most negative curvature dominated: shift it to zero
        top[negative] = _power_iteration(
            losses_of, thetas[negative], num_iters, seed, shift=top[negative]
        )
    return top


def _power_iteration(losses_of, thetas, num_iters, seed, shift):
    # Rayleigh quotient of the last iterate of power iteration on H - shift I, plus shift
    import torch

    points = thetas.detach().clone().requires_grad_(True)
    losses = losses_of(points)
    if not isinstance(losses, torch.Tensor) or losses.shape != (thetas.shape[0],):
        raise ValueError(
            f"losses_of must return a tensor of shape ({thetas.shape[0]},), "
            f"got {getattr(losses, 'shape', type(losses).__name__)}"
        )
    (grads,) = torch.autograd.grad(losses.sum(), points, create_graph=True)
    gen = torch.Generator().manual_seed(seed)
    v = torch.randn(thetas.shape, generator=gen, dtype=thetas.dtype)
    v = v / v.norm(dim=1, keepdim=True)
    shift = None if shift is None else shift.detach()[:, None]
    for _ in range(num_iters):
        (hv,) = torch.autograd.grad((grads * v).sum(), points, retain_graph=True)
        if shift is not None:
            hv = hv - shift * v
        rayleigh = (hv * v).sum(dim=1)
        v = hv / hv.norm(dim=1, keepdim=True).clamp_min(torch.finfo(hv.dtype).tiny)
    rayleigh = rayleigh.detach()
    return rayleigh if shift is None else rayleigh + shift[:, 0]

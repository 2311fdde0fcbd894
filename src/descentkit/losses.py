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
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_finite_scalar, check_xy

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
]


def _mse(b, w, x, y):
    e = b + w * x - y
    return float(np.mean(e * e))


def _mse_gradient(b, w, x, y):
    e = b + w * x - y
    return np.array([2 * np.mean(e), 2 * np.mean(x * e)])


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

    Introduced in chapter 6, to record the full training loss along a run.
    """
    x, y = check_xy(x, y)

    def loss(theta):
        return _mse(theta[0], theta[1], x, y)

    return loss


def mse_gradient_of(x, y):
    """Return ``grad(theta, idx=None)``: the MSE gradient of ``theta = (b, w)`` on examples ``idx``.

    Introduced in chapter 6. ``idx=None`` uses every example (the full gradient), an index
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

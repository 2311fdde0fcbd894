"""Simple linear regression ``y_hat = b + w x`` with the mean squared error: predictions,
losses, gradients and the Hessian.

Defined in chapter 3 (the model, its loss and gradients); chapter 4 adds the Hessian.
Parameters are passed as a length-2 array ``theta = (b, w)`` wherever an optimiser needs
them, so :func:`descentkit.optim.gradient_descent` can run on them directly.
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_finite_scalar
from .data import _check_xy

__all__ = ["predict", "mse", "rmse", "mse_gradient", "mse_hessian"]


def predict(b, w, x):
    """Predictions ``b + w * x`` of the line with intercept ``b`` and slope ``w``."""
    b = check_finite_scalar(b, "b")
    w = check_finite_scalar(w, "w")
    x = check_finite_array(x, "x")
    return b + w * x


def mse(b, w, x, y) -> float:
    """Mean squared error ``mean((b + w x - y)**2)`` of the line on the data ``(x, y)``."""
    x, y = _check_xy(x, y)
    error = predict(b, w, x) - y
    return float(np.mean(error**2))


def rmse(b, w, x, y) -> float:
    """Root mean squared error, ``sqrt(mse)``: in the units of ``y``, so easier to read."""
    return float(np.sqrt(mse(b, w, x, y)))


def mse_gradient(b, w, x, y) -> np.ndarray:
    """Gradient ``(dMSE/db, dMSE/dw) = (2 mean(e), 2 mean(x e))`` with ``e = b + w x - y``.

    Introduced in chapter 3, where it is derived with the chain rule.

    Returns
    -------
    ndarray, shape (2,)
    """
    x, y = _check_xy(x, y)
    error = predict(b, w, x) - y
    return np.array([2 * np.mean(error), 2 * np.mean(x * error)])


def mse_hessian(x) -> np.ndarray:
    """Hessian of the MSE with respect to ``(b, w)``: ``2 [[1, mean(x)], [mean(x), mean(x**2)]]``.

    Introduced in chapter 4. It does not depend on ``y`` nor on ``(b, w)``: the MSE of a
    linear model is a quadratic.
    """
    x = check_finite_array(x, "x", ndim=1)
    mx, mxx = float(np.mean(x)), float(np.mean(x * x))
    return 2 * np.array([[1.0, mx], [mx, mxx]])

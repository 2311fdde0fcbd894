"""The model of chapters 3 to 7: the straight line ``y_hat = b + w x``, and its best fit.

Defined in chapter 3 (predictions), chapter 4 (the least-squares line, the known minimum
that runs are measured against) and chapter 5 (undoing a standardization). Its loss, the
mean squared error, and the loss's gradient and Hessian live in :mod:`descentkit.losses`.
Parameters are a length-2 array ``theta = (b, w)`` wherever an optimiser needs them.
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_finite_scalar, check_positive, check_xy

__all__ = ["predict", "least_squares_line", "unscale_params"]


def predict(b, w, x):
    """Predictions ``b + w * x`` of the line with intercept ``b`` and slope ``w``.

    Introduced in chapter 3.

    Examples
    --------
    >>> predict(1.0, 2.0, [0.0, 0.5])
    array([1., 2.])
    """
    b = check_finite_scalar(b, "b")
    w = check_finite_scalar(w, "w")
    x = check_finite_array(x, "x")
    return b + w * x


def least_squares_line(x, y):
    """The minimum ``(b*, w*)`` of the MSE of ``b + w x``.

    Introduced in chapter 4 as the known minimum that runs are measured against. Setting
    the gradient of the MSE to zero gives ``w* = cov(x, y) / var(x)`` and
    ``b* = mean(y) - w* mean(x)`` (computed from centred data, as scikit-learn does).

    Returns
    -------
    ndarray, shape (2,)
        ``(b*, w*)``.

    Examples
    --------
    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    array([1., 2.])
    """
    x, y = check_xy(x, y)
    xc = x - x.mean()
    var = float(np.mean(xc * xc))
    if var == 0:
        raise ValueError(
            "x must not be constant: with one x value the line's slope is not determined"
        )
    w = float(np.mean(xc * (y - y.mean())) / var)
    return np.array([float(y.mean()) - w * float(x.mean()), w])


def unscale_params(b_scaled, w_scaled, mean, scale):
    """Turn a line fitted on standardized ``z = (x - mean) / scale`` back into the units of ``x``.

    Introduced in chapter 5. From ``b_s + w_s (x - mean) / scale = b + w x``:
    ``w = w_s / scale`` and ``b = b_s - w_s mean / scale``.

    Parameters
    ----------
    b_scaled, w_scaled : float
        Intercept and slope found on the standardized feature.
    mean, scale : float
        The standardization's statistics (``StandardScaler.mean_[0]`` and ``.scale_[0]``).

    Returns
    -------
    b, w : float
    """
    b_scaled = check_finite_scalar(b_scaled, "b_scaled")
    w_scaled = check_finite_scalar(w_scaled, "w_scaled")
    mean = check_finite_scalar(mean, "mean")
    scale = check_positive(scale, "scale")
    w = w_scaled / scale
    return b_scaled - w * mean, w

"""Loss surfaces of simple linear regression over a grid of ``(b, w)``.

Defined in chapter 3. The MSE of ``y_hat = b + w x`` is a quadratic in ``(b, w)``:

    MSE(b, w) = b^2 + 2 b w mean(x) + w^2 mean(x^2) - 2 b mean(y) - 2 w mean(x y) + mean(y^2)

so five means of the data give the loss everywhere on the grid, at a cost of one pass over
the data plus one operation per grid cell, instead of one pass over the data per cell.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_finite_array, check_finite_scalar, check_int, check_positive
from .data import _check_xy

__all__ = ["grid_around", "loss_grid"]


def grid_around(center_b, center_w, half_width=3.0, num=101):
    """Evenly spaced values of ``b`` and ``w`` within ``half_width`` of a centre.

    Returns
    -------
    b_values, w_values : ndarray, shape (num,)
    """
    center_b = check_finite_scalar(center_b, "center_b")
    center_w = check_finite_scalar(center_w, "center_w")
    half_width = check_positive(half_width, "half_width")
    num = check_int(num, "num", minimum=2)
    return (np.linspace(center_b - half_width, center_b + half_width, num),
            np.linspace(center_w - half_width, center_w + half_width, num))


def _grid_axes(b_values, w_values):
    b_values = check_finite_array(b_values, "b_values", ndim=1, min_size=2)
    w_values = check_finite_array(w_values, "w_values", ndim=1, min_size=2)
    return b_values, w_values


def loss_grid(x, y, b_values, w_values):
    """MSE of the line ``b + w x`` on ``(x, y)`` for every ``b`` in ``b_values`` and ``w`` in ``w_values``.

    Computed from the data's sufficient statistics (five means), so it costs O(N + grid)
    time and O(grid) memory.

    Parameters
    ----------
    x, y : array_like, shape (N,)
        The data, N >= 1.
    b_values, w_values : array_like, 1-D, at least 2 values each

    Returns
    -------
    ndarray, shape (len(w_values), len(b_values))
        Row ``i``, column ``j`` holds MSE(b_values[j], w_values[i]), the layout of
        ``np.meshgrid(b_values, w_values)``, ready for ``contour(bs, ws, losses)``.
    """
    x, y = _check_xy(x, y)
    b_values, w_values = _grid_axes(b_values, w_values)
    mx, my = x.mean(), y.mean()
    mxx, mxy, myy = np.mean(x * x), np.mean(x * y), np.mean(y * y)
    b = b_values[np.newaxis, :]
    w = w_values[:, np.newaxis]
    losses = b * b + 2 * b * w * mx + w * w * mxx - 2 * b * my - 2 * w * mxy + myy
    # The expansion can lose a little to rounding and dip below zero for a perfect fit.
    return np.maximum(losses, 0.0)

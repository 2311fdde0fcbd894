"""Loss surfaces of simple linear regression over a grid of ``(b, w)``.

Defined in chapter 3. The MSE of ``y_hat = b + w x`` is a quadratic in ``(b, w)``, so five
statistics of the data give the loss everywhere on the grid, at a cost of one pass over the
data plus one operation per grid cell, instead of one pass over the data per cell. The
formula, in its centred form, lives with the loss: :func:`descentkit.losses.mse_from_statistics`.
"""

from __future__ import annotations

import numpy as np

from .losses import mse_from_statistics, sufficient_statistics
from .validation import check_finite_scalar, check_grid, check_int, check_positive, check_xy

__all__ = ["grid_around", "loss_grid", "naive_loss_grid", "cross_sections"]


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
    return (
        np.linspace(center_b - half_width, center_b + half_width, num),
        np.linspace(center_w - half_width, center_w + half_width, num),
    )


def loss_grid(x, y, b_values, w_values):
    """MSE of the line ``b + w x`` on ``(x, y)`` for every ``b`` of ``b_values`` and ``w`` of
    ``w_values``.

    Computed from the data's five sufficient statistics
    (:func:`descentkit.losses.sufficient_statistics`), so it costs O(N + grid)
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
    stats = sufficient_statistics(x, y)
    b_values, w_values = check_grid(b_values, w_values)
    return mse_from_statistics(stats, b_values[np.newaxis, :], w_values[:, np.newaxis])


def naive_loss_grid(x, y, b_values, w_values, chunk_size=None):
    """The same grid as :func:`loss_grid`, computed the slow way: every point at every cell.

    Introduced in chapter 3 as the method to avoid; kept for tests and the benchmark. It
    forms the predictions of every grid line at every data point, an array of
    ``N x len(w_values) x len(b_values)`` numbers, and averages the squared errors.

    Parameters
    ----------
    x, y, b_values, w_values
        As in :func:`loss_grid`.
    chunk_size : int, optional
        Process this many data points at a time, so memory is ``chunk_size x grid``
        instead of ``N x grid``. By default all points at once, as the reference book does.

    Returns
    -------
    ndarray, shape (len(w_values), len(b_values))
    """
    x, y = check_xy(x, y)
    b_values, w_values = check_grid(b_values, w_values)
    chunk_size = x.size if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    bs, ws = np.meshgrid(b_values, w_values)
    total = np.zeros_like(bs)
    for start in range(0, x.size, chunk_size):
        xc = x[start : start + chunk_size, np.newaxis, np.newaxis]
        yc = y[start : start + chunk_size, np.newaxis, np.newaxis]
        errors = bs + ws * xc - yc
        total += np.sum(errors * errors, axis=0)
    return total / x.size


def cross_sections(x, y, b_values, w_values, b_fixed, w_fixed):
    """Cuts through the loss surface: the MSE along ``b`` at fixed ``w``, and along ``w`` at
    fixed ``b``.

    Introduced in chapter 3. The slope of the first curve at ``b_fixed`` is the partial
    derivative dMSE/db there; the slope of the second at ``w_fixed`` is dMSE/dw.

    Parameters
    ----------
    x, y : array_like, shape (N,)
    b_values, w_values : array_like, 1-D, at least 2 values each
    b_fixed, w_fixed : float
        Where to cut.

    Returns
    -------
    loss_vs_b : ndarray, shape (len(b_values),)
        MSE(b, w_fixed) for each b.
    loss_vs_w : ndarray, shape (len(w_values),)
        MSE(b_fixed, w) for each w.
    """
    stats = sufficient_statistics(x, y)
    b_values, w_values = check_grid(b_values, w_values)
    b_fixed = check_finite_scalar(b_fixed, "b_fixed")
    w_fixed = check_finite_scalar(w_fixed, "w_fixed")
    return mse_from_statistics(stats, b_values, w_fixed), mse_from_statistics(
        stats, b_fixed, w_values
    )

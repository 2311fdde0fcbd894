"""Loss surfaces of simple linear regression over a grid of ``(b, w)``.

Defined in chapter 3. The MSE of ``y_hat = b + w x`` is a quadratic in ``(b, w)``:

    MSE(b, w) = b^2 + 2 b w mean(x) + w^2 mean(x^2) - 2 b mean(y) - 2 w mean(x y) + mean(y^2)

so five means of the data give the loss everywhere on the grid (computed here in a centred
form that is kinder to rounding; see :func:`sufficient_statistics`), at a cost of one pass over
the data plus one operation per grid cell, instead of one pass over the data per cell.
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_finite_scalar, check_int, check_positive
from .data import _check_xy

__all__ = ["grid_around", "loss_grid", "naive_loss_grid", "cross_sections", "sufficient_statistics"]


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
    stats = sufficient_statistics(x, y)
    b_values, w_values = _grid_axes(b_values, w_values)
    return _mse_from_stats(stats, b_values[np.newaxis, :], w_values[:, np.newaxis])


def sufficient_statistics(x, y):
    """The five means that determine the MSE of every line ``b + w x`` on ``(x, y)``.

    Introduced in chapter 3. The data are centred first (on the means of ``x`` and ``y``),
    so that the second moments are computed without the cancellation that large offsets
    would cause.

    Returns
    -------
    dict
        ``mean_x``, ``mean_y``, ``var_x`` = mean((x - mean_x)^2), ``cov_xy`` and ``var_y``.
    """
    x, y = _check_xy(x, y)
    mx, my = float(x.mean()), float(y.mean())
    dx, dy = x - mx, y - my
    return {"mean_x": mx, "mean_y": my, "var_x": float(np.mean(dx * dx)),
            "cov_xy": float(np.mean(dx * dy)), "var_y": float(np.mean(dy * dy))}


def _mse_from_stats(stats, b, w):
    """MSE(b, w) from :func:`sufficient_statistics`, broadcasting over ``b`` and ``w``.

    With the mean error ``m = b + w mean_x - mean_y`` (the error of the line at the centre of
    the data), MSE = m^2 + w^2 var_x - 2 w cov_xy + var_y: the squared mean error plus the
    variance of the errors. Every term but the last pair is a square, so it stays accurate.
    """
    m = b + w * stats["mean_x"] - stats["mean_y"]
    losses = m * m + w * w * stats["var_x"] - 2 * w * stats["cov_xy"] + stats["var_y"]
    # Rounding can dip a hair below zero for a perfect fit; a mean of squares cannot.
    return np.maximum(losses, 0.0)


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
    x, y = _check_xy(x, y)
    b_values, w_values = _grid_axes(b_values, w_values)
    chunk_size = x.size if chunk_size is None else check_int(chunk_size, "chunk_size", minimum=1)
    bs, ws = np.meshgrid(b_values, w_values)
    total = np.zeros_like(bs)
    for start in range(0, x.size, chunk_size):
        xc = x[start:start + chunk_size, np.newaxis, np.newaxis]
        yc = y[start:start + chunk_size, np.newaxis, np.newaxis]
        errors = bs + ws * xc - yc
        total += np.sum(errors * errors, axis=0)
    return total / x.size


def cross_sections(x, y, b_values, w_values, b_fixed, w_fixed):
    """Cuts through the loss surface: the MSE along ``b`` at fixed ``w``, and along ``w`` at fixed ``b``.

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
    b_values, w_values = _grid_axes(b_values, w_values)
    b_fixed = check_finite_scalar(b_fixed, "b_fixed")
    w_fixed = check_finite_scalar(w_fixed, "w_fixed")
    return _mse_from_stats(stats, b_values, w_fixed), _mse_from_stats(stats, b_fixed, w_values)

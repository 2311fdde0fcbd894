"""The course's figure style and plot helpers.

Every helper takes ``ax=None`` and returns the :class:`~matplotlib.axes.Axes` it drew on;
it creates a figure only when none is given. Nothing here changes matplotlib's settings
until you call :func:`use_style`.

Defined in chapter 1; later chapters add helpers for surfaces and paths.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ._validate import check_callable, check_finite_array, check_int

__all__ = [
    "STYLE",
    "use_style",
    "plot_function_path",
    "plot_values",
    "plot_difference_errors",
    "plot_gradient_field",
    "plot_loss_contours",
]

#: The rcParams that :func:`use_style` applies. Opaque white backgrounds keep figures
#: readable when the site is in dark mode; viridis is perceptually uniform and
#: colour-blind safe.
STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "font.size": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "lines.linewidth": 2,
}


def use_style() -> None:
    """Apply the course's figure style (see :data:`STYLE`) and print numbers rounded.

    Called once in the first cell of every chapter (chapter 1 introduces it).
    """
    plt.rcParams.update(STYLE)
    np.set_printoptions(precision=4, suppress=True)


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def plot_function_path(f, xs, *, ax=None, x_range=None, num_points=400, label="path", color="C1"):
    """Draw ``f`` as a curve and the points ``xs`` visited by a 1-D descent on it.

    Introduced in chapter 1.

    Parameters
    ----------
    f : callable
        Function of one variable, vectorised over numpy arrays.
    xs : array_like
        Visited points, in order (e.g. ``Trajectory.params``).
    ax : Axes, optional
    x_range : (float, float), optional
        Interval to draw ``f`` on; by default a margin around the points.
    num_points : int, default 400
        How many points draw the curve.
    label : str
        Legend label of the path.
    color : str
        Colour of the path.

    Returns
    -------
    Axes
    """
    check_callable(f, "f")
    xs = check_finite_array(xs, "xs", ndim=1)
    num_points = check_int(num_points, "num_points", minimum=2)
    ax = _axes(ax)
    if x_range is None:
        lo, hi = xs.min(), xs.max()
        pad = 0.15 * (hi - lo) + 0.5
        x_range = (lo - pad, hi + pad)
    grid = np.linspace(*x_range, num_points)
    ax.plot(grid, f(grid), color="C0", label="f(x)")
    ys = f(xs)
    ax.plot(xs, ys, "o-", color=color, markersize=4, linewidth=1, alpha=0.9, label=label)
    ax.plot(xs[0], ys[0], "s", color="black", markersize=7, label="start", zorder=3)
    ax.set(xlabel="x", ylabel="f(x)")
    return ax


def plot_values(values, *, ax=None, logy=False, label=None, **kwargs):
    """Plot a sequence (such as the loss at each step) against the step number.

    Introduced in chapter 1.

    Parameters
    ----------
    values : array_like, 1-D
        One value per step, starting at step 0.
    ax : Axes, optional
    logy : bool, default False
        Use a logarithmic y axis.
    label : str, optional
    **kwargs
        Passed to :meth:`Axes.plot`.

    Returns
    -------
    Axes
    """
    values = check_finite_array(values, "values", ndim=1)
    ax = _axes(ax)
    ax.plot(np.arange(values.size), values, label=label, **kwargs)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="step t")
    return ax


def plot_difference_errors(hs, forward_errors, central_errors, *, ax=None):
    """Log-log plot of the errors of forward and central differences against step size.

    Introduced in chapter 1. Zero errors (exact cancellations) are left out, since a
    logarithmic axis cannot show them.

    Returns
    -------
    Axes
    """
    hs = check_finite_array(hs, "hs", ndim=1)
    fwd = check_finite_array(forward_errors, "forward_errors", ndim=1)
    cen = check_finite_array(central_errors, "central_errors", ndim=1)
    if not (hs.size == fwd.size == cen.size):
        raise ValueError(
            f"hs, forward_errors and central_errors must have the same length, got "
            f"{hs.size}, {fwd.size} and {cen.size}"
        )
    ax = _axes(ax)
    for errs, label, style in ((fwd, "forward difference", "o-"), (cen, "central difference", "s-")):
        keep = errs > 0
        ax.loglog(hs[keep], errs[keep], style, markersize=4, label=label)
    ax.set(xlabel="step size h", ylabel="absolute error")
    ax.legend()
    return ax


def plot_gradient_field(f, grad, *, xlim, ylim, ax=None, levels=15, num_arrows=9, num_points=200):
    """Contour map of a function of two variables with its gradient drawn as arrows.

    Introduced in chapter 1: the arrows are perpendicular to the contour lines and point
    uphill, towards larger values.

    Parameters
    ----------
    f : callable
        ``f(x, y)``, vectorised over numpy arrays.
    grad : callable
        ``grad(x, y)`` returning the pair ``(df/dx, df/dy)``, vectorised.
    xlim, ylim : (float, float)
        The rectangle to draw.
    ax : Axes, optional
    levels : int, default 15
        Number of contour levels.
    num_arrows : int, default 9
        Arrows per axis.
    num_points : int, default 200
        Grid points per axis for the contours.

    Returns
    -------
    Axes
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    num_arrows = check_int(num_arrows, "num_arrows", minimum=2)
    num_points = check_int(num_points, "num_points", minimum=2)
    ax = _axes(ax)
    gx, gy = np.meshgrid(np.linspace(*xlim, num_points), np.linspace(*ylim, num_points))
    contours = ax.contour(gx, gy, f(gx, gy), levels=levels, cmap="viridis")
    ax.clabel(contours, fontsize=8, fmt="%.3g")
    ax_, ay_ = np.meshgrid(np.linspace(*xlim, num_arrows), np.linspace(*ylim, num_arrows))
    u, v = grad(ax_, ay_)
    ax.quiver(ax_, ay_, u, v, color="C3", angles="xy", scale_units="xy", pivot="tail", width=0.004,
              scale=np.max(np.hypot(u, v)) / (0.9 * (xlim[1] - xlim[0]) / num_arrows))
    ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=xlim, ylim=ylim)
    ax.grid(False)
    return ax


def plot_loss_contours(b_values, w_values, losses, *, ax=None, levels=20, filled=True, path=None,
                       start=None, minimum=None, path_label="gradient descent", path_color="C3",
                       colorbar=True):
    """Contour map of a loss over a grid of ``(b, w)``, optionally with a path, start and minimum.

    Introduced in chapter 3; used by every later chapter that draws a path on a loss surface.

    Parameters
    ----------
    b_values, w_values : array_like, 1-D
        Grid axes, as given to :func:`descentkit.surfaces.loss_grid`.
    losses : array_like, shape (len(w_values), len(b_values))
    ax : Axes, optional
    levels : int or array_like, default 20
    filled : bool, default True
        Filled contours (viridis) with thin lines on top; False for lines only.
    path : array_like, shape (k, 2), optional
        Points ``(b, w)`` visited by an optimiser, drawn as a line with markers.
    start, minimum : (float, float), optional
        Marked with a black square and a white-edged star.
    path_label, path_color : str
    colorbar : bool, default True

    Returns
    -------
    Axes
    """
    b_values = check_finite_array(b_values, "b_values", ndim=1, min_size=2)
    w_values = check_finite_array(w_values, "w_values", ndim=1, min_size=2)
    losses = check_finite_array(losses, "losses", ndim=2)
    if losses.shape != (w_values.size, b_values.size):
        raise ValueError(
            f"losses must have shape (len(w_values), len(b_values)) = {(w_values.size, b_values.size)}, "
            f"got {losses.shape}"
        )
    ax = _axes(ax)
    if filled:
        filled_set = ax.contourf(b_values, w_values, losses, levels=levels, cmap="viridis")
        ax.contour(b_values, w_values, losses, levels=filled_set.levels, colors="white", linewidths=0.4, alpha=0.6)
        if colorbar:
            ax.figure.colorbar(filled_set, ax=ax, label="loss (MSE)")
    else:
        line_set = ax.contour(b_values, w_values, losses, levels=levels, cmap="viridis")
        ax.clabel(line_set, fontsize=8, fmt="%.3g")
    if path is not None:
        path = check_finite_array(path, "path", ndim=2)
        if path.shape[1] != 2:
            raise ValueError(f"path must have shape (k, 2) of (b, w) points, got {path.shape}")
        ax.plot(path[:, 0], path[:, 1], "o-", color=path_color, markersize=3, linewidth=1.2, label=path_label)
    if start is not None:
        ax.plot(*start, "s", color="black", markersize=8, label="start")
    if minimum is not None:
        ax.plot(*minimum, "*", color="white", markeredgecolor="black", markersize=15, label="minimum")
    ax.set(xlabel="b (intercept)", ylabel="w (slope)", xlim=(b_values[0], b_values[-1]),
           ylim=(w_values[0], w_values[-1]))
    ax.grid(False)
    return ax

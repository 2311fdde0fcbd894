"""The chapter figure helpers: curves and paths, loss surfaces, excess loss.

Every helper takes ``ax=None`` and returns the :class:`~matplotlib.axes.Axes` it drew on
(:func:`plot_cross_sections` takes ``axes=None`` and returns its two Axes); it creates a
figure only when none is given. Extra keyword arguments go to the matplotlib call that draws
the helper's main artist, named in each docstring, so a chapter restyles a figure through the
call and never through ``ax.lines``.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> ax = plot_values([4.0, 2.0, 1.0], logy=True, color="C1", linestyle="--")
>>> ax.get_yscale(), ax.lines[0].get_linestyle()
('log', '--')
>>> plt.close(ax.figure)
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullLocator

from ..validation import (
    check_callable,
    check_finite_array,
    check_finite_scalar,
    check_grid,
    check_int,
    check_positive,
    check_xy,
)
from .style import boxed_legend

__all__ = [
    "plot_function_path",
    "plot_values",
    "plot_difference_errors",
    "plot_gradient_field",
    "plot_loss_contours",
    "plot_excess_loss",
    "plot_loss_surface_3d",
    "plot_cross_sections",
    "plot_fit_errors",
]

#: Style of a path of ``(b, w)`` points on a contour map, before ``path_kw`` and per-path
#: styles are applied.
_PATH_STYLE = {"marker": "o", "linestyle": "-", "markersize": 3, "linewidth": 1.2}

#: A log axis spanning more than this many decades shows major ticks only.
_MANY_DECADES = 3


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _check_path(path, name: str = "path") -> np.ndarray:
    """``path`` as a float array of shape (k, 2); also used by :mod:`descentkit.animation`."""
    path = check_finite_array(path, name, ndim=2)
    if path.shape[1] != 2:
        raise ValueError(f"{name} must have shape (k, 2) of (b, w) points, got {path.shape}")
    return path


def plot_function_path(
    f, xs, *, ax=None, x_range=None, num_points=400, label="path", color="C1", **kwargs
):
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
    label : str or None, default "path"
        Legend label of the path.
    color : str, default "C1"
        Colour of the path.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the path (markers and line),
        e.g. ``markersize=6``; they override the defaults.

    Returns
    -------
    Axes
        Its lines, in order: the curve ``f(x)``, the path, the start (a black square).
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
    style = {
        "marker": "o",
        "linestyle": "-",
        "color": color,
        "markersize": 4,
        "linewidth": 1,
        "alpha": 0.9,
        "label": label,
        **kwargs,
    }
    ax.plot(xs, ys, **style)
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
        Passed to :meth:`~matplotlib.axes.Axes.plot`.

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


def plot_difference_errors(hs, forward_errors, central_errors, *, ax=None, **kwargs):
    """Log-log plot of the errors of forward and central differences against step size.

    Introduced in chapter 1. Zero errors (exact cancellations) are left out, since a
    logarithmic axis cannot show them.

    Parameters
    ----------
    hs : array_like, 1-D
        Step sizes.
    forward_errors, central_errors : array_like, 1-D
        Absolute errors of the two differences, one per step size.
    ax : Axes, optional
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.loglog` for both lines (e.g.
        ``markersize=6``); they override the defaults.

    Returns
    -------
    Axes
        Its lines, in order: forward, then central differences.
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
    for errs, label, marker in ((fwd, "forward difference", "o"), (cen, "central difference", "s")):
        keep = errs > 0
        style = {"marker": marker, "linestyle": "-", "markersize": 4, "label": label, **kwargs}
        ax.loglog(hs[keep], errs[keep], **style)
    ax.set(xlabel="step size h", ylabel="absolute error")
    ax.legend()
    return ax


def plot_gradient_field(
    f, grad, *, xlim, ylim, ax=None, levels=15, num_arrows=9, num_points=200, minimum=None, **kwargs
):
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
    levels : int or array_like, default 15
        Contour levels: how many, or their values.
    num_arrows : int, default 9
        Arrows per axis.
    num_points : int, default 200
        Grid points per axis for the contours.
    minimum : (float, float), optional
        A point to mark with a star, such as the function's minimum.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.quiver` for the arrows (e.g.
        ``color="C2"``, ``width=0.006``); they override the defaults.

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
    ax.clabel(contours, fontsize=8, fmt="%.3g", inline_spacing=8)
    qx, qy = np.meshgrid(np.linspace(*xlim, num_arrows), np.linspace(*ylim, num_arrows))
    u, v = grad(qx, qy)
    # Scale: the longest arrow is 90% of the spacing between arrows.
    scale = np.max(np.hypot(u, v)) / (0.9 * (xlim[1] - xlim[0]) / num_arrows)
    style = {
        "color": "C3",
        "angles": "xy",
        "scale_units": "xy",
        "pivot": "tail",
        "width": 0.004,
        "scale": scale,
        **kwargs,
    }
    ax.quiver(qx, qy, u, v, **style)
    if minimum is not None:
        ax.plot(*minimum, "*", color="black", markersize=14, label="minimum", zorder=4)
    ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=xlim, ylim=ylim)
    ax.grid(False)
    return ax


def _named_paths(paths):
    """``paths`` as a list of ``(label, points, style)``: see :func:`plot_loss_contours`."""
    if not isinstance(paths, Mapping):
        raise TypeError(f"paths must be a dict {{label: path}}, got {type(paths).__name__}")
    named = []
    for label, value in paths.items():
        style = {}
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], Mapping):
            value, style = value
        points = getattr(value, "params", value)
        named.append((label, _check_path(points, f"paths[{label!r}]"), dict(style)))
    return named


def plot_loss_contours(
    b_values,
    w_values,
    losses,
    *,
    ax=None,
    levels=20,
    filled=True,
    path=None,
    paths=None,
    path_kw=None,
    start=None,
    minimum=None,
    path_label="gradient descent",
    path_color="C3",
    colorbar=True,
    legend=True,
    legend_kw=None,
    norm=None,
    **kwargs,
):
    """Contour map of a loss over a grid of ``(b, w)``, with paths, a start and the minimum.

    Introduced in chapter 3; chapters 4 to 7 draw their optimisers' paths with it.

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
        Points ``(b, w)`` visited by one optimiser, drawn as a line with markers in
        ``path_color``, labelled ``path_label``.
    paths : dict, optional
        Several paths, ``{label: points}``, drawn after ``path`` in the colours ``C0``,
        ``C1``, ... in the dict's order (later paths on top). ``points`` is an array of
        shape (k, 2) or anything with a ``.params`` attribute (such as a
        :class:`~descentkit.optim.Trajectory`); a value ``(points, style)`` gives that path
        its own :meth:`~matplotlib.axes.Axes.plot` keywords, e.g.
        ``{"gradient descent": (gd.params, {"color": "C3", "linewidth": 2.5})}``.
    path_kw : dict, optional
        :meth:`~matplotlib.axes.Axes.plot` keywords for every path line (``path`` and
        ``paths``), e.g. ``{"markersize": 0}``; per-path styles override them.
    start, minimum : (float, float), optional
        Marked with a black square and a white-edged star, always drawn above the paths
        (the star on top of everything).
    path_label, path_color : str
        Label and colour of ``path``.
    colorbar : bool, default True
        Add a colour bar (filled contours only).
    legend : bool, default True
        Add a :func:`~descentkit.plots.boxed_legend` (readable over the dark end of
        viridis) when anything labelled was drawn. A later ``ax.legend(...)`` call
        replaces it.
    legend_kw : dict, optional
        Keywords for that legend, e.g. ``{"loc": "upper right", "fontsize": 8}``.
    norm : matplotlib.colors.Normalize, optional
        Colour scale of the filled contours; e.g. ``LogNorm()`` with geometrically spaced
        ``levels`` for a loss that spans several decades.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.contourf` (or
        :meth:`~matplotlib.axes.Axes.contour` when ``filled=False``), e.g. ``alpha=0.8``.

    Returns
    -------
    Axes
        Its lines, in order: ``path``, the ``paths``, the start, the minimum.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> bs, ws = np.linspace(-1, 1, 5), np.linspace(-2, 2, 5)
    >>> losses = np.add.outer(ws**2, bs**2)
    >>> ax = plot_loss_contours(bs, ws, losses, minimum=(0, 0),
    ...                         paths={"A": [[1, 2], [0, 1]], "B": [[-1, 2], [0, 1]]})
    >>> [line.get_label() for line in ax.lines]
    ['A', 'B', 'minimum']
    >>> plt.close(ax.figure)
    """
    b_values, w_values, losses = check_grid(b_values, w_values, losses)
    common = dict(path_kw or {})
    drawn = []  # (label, points, default colour, own style)
    if path is not None:
        drawn.append((path_label, _check_path(path), path_color, {}))
    if paths is not None:
        drawn += [
            (label, points, f"C{i}", style)
            for i, (label, points, style) in enumerate(_named_paths(paths))
        ]
    ax = _axes(ax)
    if filled:
        filled_set = ax.contourf(
            b_values,
            w_values,
            losses,
            **{"levels": levels, "cmap": "viridis", "norm": norm, **kwargs},
        )
        ax.contour(
            b_values,
            w_values,
            losses,
            levels=filled_set.levels,
            colors="white",
            linewidths=0.4,
            alpha=0.6,
        )
        if colorbar:
            bar = ax.figure.colorbar(filled_set, ax=ax, label="loss (MSE)")
            if isinstance(norm, LogNorm):  # ticks at powers of ten, not at the levels
                bar.ax.yaxis.set_major_locator(LogLocator())
                bar.ax.yaxis.set_major_formatter(LogFormatterSciNotation())
                bar.ax.yaxis.set_minor_locator(NullLocator())
    else:
        style = {"levels": levels, **kwargs}
        if "colors" not in style:
            style.setdefault("cmap", "viridis")
        line_set = ax.contour(b_values, w_values, losses, **style)
        ax.clabel(line_set, fontsize=8, fmt="%.3g")
    top = 2.0  # the default zorder of lines
    for label, points, color, own in drawn:
        style = {**_PATH_STYLE, "color": color, "label": label, **common, **own}
        (line,) = ax.plot(points[:, 0], points[:, 1], **style)
        top = max(top, line.get_zorder())
    if start is not None:
        ax.plot(*start, "s", color="black", markersize=8, label="start", zorder=top + 1)
    if minimum is not None:
        ax.plot(
            *minimum,
            "*",
            color="white",
            markeredgecolor="black",
            markersize=15,
            label="minimum",
            zorder=top + 2,
        )
    ax.set(
        xlabel="b (intercept)",
        ylabel="w (slope)",
        xlim=(b_values[0], b_values[-1]),
        ylim=(w_values[0], w_values[-1]),
    )
    ax.grid(False)
    if legend and ax.get_legend_handles_labels()[1]:
        boxed_legend(ax, **(legend_kw or {}))
    return ax


def _losses_of(runs):
    """``runs`` as a list of ``(label, losses)``: see :func:`plot_excess_loss`."""
    if not isinstance(runs, Mapping):
        raise TypeError(f"runs must be a dict {{label: losses}}, got {type(runs).__name__}")
    if not runs:
        raise ValueError("runs must hold at least one run, got an empty dict")
    return [
        (label, check_finite_array(getattr(run, "losses", run), f"runs[{label!r}]", ndim=1))
        for label, run in runs.items()
    ]


def plot_excess_loss(runs, loss_star, *, tol=None, ax=None, colors=None, legend=True, **kwargs):
    r"""The excess loss :math:`L(\theta_t) - L(\theta^\star)` of several runs against step.

    Introduced in chapter 6 (stochastic gradient descent) and used again in chapter 7
    (momentum). The y axis is logarithmic; when the lines on it span more than three
    decades it shows major ticks (powers of ten) only. Steps where the excess is not positive
    (the minimum reached to rounding) are left out, since a log axis cannot show them.

    Parameters
    ----------
    runs : dict
        ``{label: losses}``: a 1-D array of the loss at steps 0, 1, 2, ..., or anything with
        a ``.losses`` attribute (such as a :class:`~descentkit.optim.Trajectory`). Slice
        or subsample the arrays to choose what is drawn (e.g. one loss per epoch).
    loss_star : float
        The minimum loss :math:`L(\theta^\star)`.
    tol : float, optional
        A tolerance on the excess loss, drawn as a dotted grey horizontal line.
    ax : Axes, optional
    colors : sequence or dict, optional
        Colours of the runs: a sequence in the order of ``runs``, or ``{label: colour}``.
        By default ``C0``, ``C1``, ... in order.
    legend : bool, default True
        Add a legend (in the style of the figure: draw it with
        :func:`~descentkit.plots.boxed_legend` instead if it sits over data).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for every run, e.g.
        ``linestyle="--"`` or ``marker="o", markersize=3``. Call the helper again on the
        same ``ax`` to draw another group of runs in another style.

    Returns
    -------
    Axes
        Its lines, in order: the runs, then the tolerance line.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> runs = {"fast": [2.0, 1.001, 1.0000001], "slow": [2.0, 1.5, 1.2]}
    >>> ax = plot_excess_loss(runs, loss_star=1.0, tol=1e-3)
    >>> ax.get_yscale(), [line.get_label() for line in ax.lines[:2]]
    ('log', ['fast', 'slow'])
    >>> [float(f"{v:.0e}") for v in ax.lines[0].get_ydata()]
    [1.0, 0.001, 1e-07]
    >>> plt.close(ax.figure)
    """
    named = _losses_of(runs)
    loss_star = check_finite_scalar(loss_star, "loss_star")
    if tol is not None:
        tol = check_positive(tol, "tol")
    if colors is None:
        colors = [f"C{i}" for i in range(len(named))]
    if isinstance(colors, Mapping):
        missing = [label for label, _ in named if label not in colors]
        if missing:
            raise ValueError(f"colors has no colour for the run(s) {missing}")
        colors = [colors[label] for label, _ in named]
    elif len(colors) != len(named):
        raise ValueError(f"colors must give one colour per run ({len(named)}), got {len(colors)}")
    ax = _axes(ax)
    for (label, losses), color in zip(named, colors, strict=False):
        excess = losses - loss_star
        excess = np.where(excess > 0, excess, np.nan)
        ax.plot(np.arange(excess.size), excess, **{"color": color, "label": label, **kwargs})
    if tol is not None:
        ax.axhline(tol, color="gray", linestyle=":")
    if ax.get_yscale() != "log":  # (setting it again would reset the ticks of a first call)
        ax.set_yscale("log")
    # Every line on the Axes counts, so that a second call on the same Axes decides right.
    values = np.concatenate(
        [np.asarray(line.get_ydata(), dtype=float).ravel() for line in ax.get_lines()]
    )
    values = values[np.isfinite(values) & (values > 0)]
    if values.size and np.log10(values.max() / values.min()) > _MANY_DECADES:
        ax.yaxis.set_minor_locator(NullLocator())
    ax.set(xlabel="step", ylabel=r"$L(\theta_t) - L(\theta^\star)$")
    if legend:
        ax.legend()
    return ax


def plot_loss_surface_3d(
    b_values,
    w_values,
    losses,
    *,
    ax=None,
    start=None,
    minimum=None,
    start_loss=None,
    minimum_loss=None,
    path=None,
    path_losses=None,
    path_kw=None,
    drop_lines=True,
    elev=30,
    azim=-60,
    **kwargs,
):
    """The loss over a grid of ``(b, w)`` as a 3-D surface, with the start and minimum marked.

    Introduced in chapter 3. A 3-D view hides where a point is: a marker floating over the
    surface can sit anywhere along the line of sight. So each marked point gets a dotted
    drop line down to the floor (loss 0), with a small ring where it lands, which shows
    both its place in the ``(b, w)`` plane and its height.

    Parameters
    ----------
    b_values, w_values : array_like, 1-D
        Grid axes, as given to :func:`descentkit.surfaces.loss_grid`.
    losses : array_like, shape (len(w_values), len(b_values))
    ax : Axes3D, optional
        An axes made with ``projection="3d"``; one is created if not given.
    start, minimum : (float, float), optional
        Points ``(b, w)`` to mark; ``start_loss`` and ``minimum_loss`` give their heights.
    path : array_like, shape (k, 2), optional
        Points ``(b, w)`` visited by an optimiser, drawn on the surface at the heights
        ``path_losses`` (required with ``path``), in red.
    path_kw : dict, optional
        :meth:`~mpl_toolkits.mplot3d.axes3d.Axes3D.plot` keywords for the path.
    drop_lines : bool, default True
        Draw the drop lines of ``start`` and ``minimum`` (those given a height).
    elev, azim : float
        Viewing angles in degrees.
    **kwargs
        Passed to :meth:`~mpl_toolkits.mplot3d.axes3d.Axes3D.plot_surface`, e.g.
        ``alpha=0.6``; they override the defaults.

    Returns
    -------
    Axes3D
        Its lines, in order: the path (if given), then for each of start and minimum its
        drop line and ring (if drawn) and its marker.
    """
    b_values, w_values, losses = check_grid(b_values, w_values, losses)
    if ax is None:
        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("ax must be a 3-D axes, made with projection='3d'")
    if path is not None:
        path = _check_path(path)
        if path_losses is None:
            raise ValueError("path_losses must give the loss at every point of path")
        path_losses = check_finite_array(path_losses, "path_losses", ndim=1)
        if path_losses.size != len(path):
            raise ValueError(
                f"path_losses must have one loss per point of path "
                f"({len(path)}), got {path_losses.size}"
            )
    bs, ws = np.meshgrid(b_values, w_values)
    style = {
        "cmap": "viridis",
        "rcount": 40,
        "ccount": 40,
        "linewidth": 0,
        "antialiased": True,
        "alpha": 0.9,
        **kwargs,
    }
    ax.plot_surface(bs, ws, losses, **style)
    if path is not None:
        line_style = {
            **_PATH_STYLE,
            "color": "C3",
            "label": "gradient descent",
            "zorder": 5,
            **(path_kw or {}),
        }
        ax.plot(path[:, 0], path[:, 1], path_losses, **line_style)
    markers = (
        (start, start_loss, "start", {"marker": "s", "color": "black", "markersize": 7}),
        (
            minimum,
            minimum_loss,
            "minimum",
            {"marker": "*", "color": "white", "markeredgecolor": "black", "markersize": 14},
        ),
    )
    for point, height, label, marker in markers:
        if point is not None:
            z = 0.0 if height is None else check_finite_scalar(height, f"{label}_loss")
            if drop_lines and height is not None:
                ax.plot(
                    [point[0]] * 2,
                    [point[1]] * 2,
                    [0.0, z],
                    ":",
                    color="black",
                    linewidth=1.2,
                    zorder=5,
                )
                ax.plot(
                    [point[0]],
                    [point[1]],
                    [0.0],
                    "o",
                    markerfacecolor="none",
                    markeredgecolor="black",
                    markersize=6,
                    zorder=5,
                )
            ax.plot([point[0]], [point[1]], [z], linestyle="none", label=label, zorder=6, **marker)
    ax.set(xlabel="b (intercept)", ylabel="w (slope)", zlabel="loss (MSE)")
    ax.view_init(elev=elev, azim=azim)
    return ax


def plot_cross_sections(
    b_values, w_values, loss_vs_b, loss_vs_w, b_fixed, w_fixed, *, axes=None, slopes=None, **kwargs
):
    """Two cuts through a loss surface: the loss against ``b`` at fixed ``w``, and against
    ``w`` at fixed ``b``.

    Introduced in chapter 3, with :func:`descentkit.surfaces.cross_sections`.

    Parameters
    ----------
    b_values, w_values : array_like, 1-D
    loss_vs_b, loss_vs_w : array_like
        Losses along each cut, one per value of ``b_values`` and of ``w_values``.
    b_fixed, w_fixed : float
        Where the cuts are taken; the point ``(b_fixed, w_fixed)`` is marked on both.
    axes : pair of Axes, optional
        The Axes of the ``b`` cut and of the ``w`` cut; created side by side, sharing the
        y axis, if not given.
    slopes : (float, float), optional
        The partial derivatives dL/db and dL/dw at the point; each is drawn as a dashed
        tangent line on its cut.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the two loss curves, e.g.
        ``linewidth=1``; they override the defaults.

    Returns
    -------
    ndarray of two Axes
        The ``b`` cut, then the ``w`` cut (this helper draws on two Axes, so it takes
        and returns ``axes`` rather than ``ax``). On each: the loss curve, the point, and
        the tangent when ``slopes`` is given.
    """
    b_values, w_values = check_grid(b_values, w_values)
    loss_vs_b = check_finite_array(loss_vs_b, "loss_vs_b", ndim=1)
    loss_vs_w = check_finite_array(loss_vs_w, "loss_vs_w", ndim=1)
    if loss_vs_b.size != b_values.size:
        raise ValueError(
            f"loss_vs_b must have one value per b, got {loss_vs_b.size} for {b_values.size}"
        )
    if loss_vs_w.size != w_values.size:
        raise ValueError(
            f"loss_vs_w must have one value per w, got {loss_vs_w.size} for {w_values.size}"
        )
    b_fixed = check_finite_scalar(b_fixed, "b_fixed")
    w_fixed = check_finite_scalar(w_fixed, "w_fixed")
    if slopes is not None:
        slopes = check_finite_array(slopes, "slopes", ndim=1)
        if slopes.size != 2:
            raise ValueError(f"slopes must be the pair (dL/db, dL/dw), got {slopes.size} values")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    axes = np.asarray(axes, dtype=object).ravel()
    if axes.size != 2:
        raise ValueError(f"axes must be a pair of Axes, got {axes.size}")
    height_b = np.interp(b_fixed, b_values, loss_vs_b)
    height_w = np.interp(w_fixed, w_values, loss_vs_w)
    cuts = (
        (
            axes[0],
            b_values,
            loss_vs_b,
            b_fixed,
            height_b,
            "b (intercept)",
            f"fixed w = {w_fixed:.2f}",
            "C0",
        ),
        (
            axes[1],
            w_values,
            loss_vs_w,
            w_fixed,
            height_w,
            "w (slope)",
            f"fixed b = {b_fixed:.2f}",
            "C1",
        ),
    )
    for i, (ax, values, losses, at, height, name, title, colour) in enumerate(cuts):
        ax.plot(values, losses, **{"color": colour, "label": "loss along the cut", **kwargs})
        ax.plot([at], [height], "s", color="black", markersize=7, label="start", zorder=3)
        if slopes is not None:
            half = 0.18 * (values[-1] - values[0])
            xs = np.array([at - half, at + half])
            ax.plot(
                xs,
                height + slopes[i] * (xs - at),
                "--",
                color="C3",
                label=f"tangent, slope {slopes[i]:.3f}",
            )
        ax.set(xlabel=name, title=title)
        ax.legend(fontsize=9)
    axes[0].set_ylabel("loss (MSE)")
    return axes


def plot_fit_errors(x, y, b, w, *, ax=None, label="data", line_label="model", color="C0", **kwargs):
    """Data points, the line ``b + w x``, and each error drawn as a segment from point to line.

    Introduced in chapter 3.

    Parameters
    ----------
    x, y : array_like, 1-D
        The data, of the same length.
    b, w : float
        Intercept and slope of the line.
    ax : Axes, optional
    label, line_label : str
        Legend labels of the data points and of the line.
    color : str, default "C0"
        Colour of the data points.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the data points, e.g.
        ``markersize=6``; they override the defaults.

    Returns
    -------
    Axes
        Its artists: the errors (``ax.collections[0]``), then the lines: data points, model.
    """
    x, y = check_xy(x, y)
    b = check_finite_scalar(b, "b")
    w = check_finite_scalar(w, "w")
    ax = _axes(ax)
    y_hat = b + w * x
    ax.vlines(x, y_hat, y, color="C3", linewidth=1, alpha=0.7, label="errors")
    style = {
        "marker": "o",
        "linestyle": "none",
        "color": color,
        "markersize": 4,
        "label": label,
        **kwargs,
    }
    ax.plot(x, y, **style)
    grid = np.linspace(x.min(), x.max(), 2)
    ax.plot(grid, b + w * grid, color="black", linewidth=1.5, label=line_label)
    ax.set(xlabel="x", ylabel="y")
    return ax

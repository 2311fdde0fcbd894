"""The course's figure style and plot helpers.

Every helper takes ``ax=None`` and returns the :class:`~matplotlib.axes.Axes` it drew on;
it creates a figure only when none is given. Nothing here changes matplotlib's settings
until you call :func:`use_style`.

Defined in chapter 1; later chapters add helpers for surfaces and paths.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogFormatterSciNotation, LogLocator, NullLocator

from .validation import check_callable, check_finite_array, check_int

__all__ = [
    "STYLE",
    "use_style",
    "plot_function_path",
    "plot_values",
    "plot_difference_errors",
    "plot_gradient_field",
    "plot_loss_contours",
    "plot_loss_surface_3d",
    "plot_cross_sections",
    "plot_fit_errors",
    "animate_path_on_contours",
    "animation_to_html",
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


def plot_gradient_field(f, grad, *, xlim, ylim, ax=None, levels=15, num_arrows=9, num_points=200, minimum=None):
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
    minimum : (float, float), optional
        A point to mark with a star, such as the function's minimum.

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
    ax_, ay_ = np.meshgrid(np.linspace(*xlim, num_arrows), np.linspace(*ylim, num_arrows))
    u, v = grad(ax_, ay_)
    ax.quiver(ax_, ay_, u, v, color="C3", angles="xy", scale_units="xy", pivot="tail", width=0.004,
              scale=np.max(np.hypot(u, v)) / (0.9 * (xlim[1] - xlim[0]) / num_arrows))
    if minimum is not None:
        ax.plot(*minimum, "*", color="black", markersize=14, label="minimum", zorder=4)
    ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=xlim, ylim=ylim)
    ax.grid(False)
    return ax


def plot_loss_contours(b_values, w_values, losses, *, ax=None, levels=20, filled=True, path=None,
                       start=None, minimum=None, path_label="gradient descent", path_color="C3",
                       colorbar=True, legend=True, norm=None):
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
    legend : bool, default True
        Add a legend on a white box (readable over the dark end of viridis) when anything
        labelled was drawn. A later ``ax.legend(...)`` call replaces it.
    norm : matplotlib.colors.Normalize, optional
        Colour scale of the filled contours; e.g. ``LogNorm()`` with geometrically spaced
        ``levels`` for a loss that spans several decades.

    Returns
    -------
    Axes
    """
    b_values, w_values, losses = _check_grid(b_values, w_values, losses)
    ax = _axes(ax)
    if filled:
        filled_set = ax.contourf(b_values, w_values, losses, levels=levels, cmap="viridis", norm=norm)
        ax.contour(b_values, w_values, losses, levels=filled_set.levels, colors="white", linewidths=0.4, alpha=0.6)
        if colorbar:
            bar = ax.figure.colorbar(filled_set, ax=ax, label="loss (MSE)")
            if isinstance(norm, LogNorm):   # ticks at powers of ten, not at the levels
                bar.ax.yaxis.set_major_locator(LogLocator())
                bar.ax.yaxis.set_major_formatter(LogFormatterSciNotation())
                bar.ax.yaxis.set_minor_locator(NullLocator())
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
    if legend and ax.get_legend_handles_labels()[1]:
        ax.legend(**_BOXED_LEGEND)
    return ax


#: Legend keywords for legends drawn over filled contour maps: a white box keeps the
#: labels readable over the dark end of viridis.
_BOXED_LEGEND = {"frameon": True, "facecolor": "white", "edgecolor": "0.7", "framealpha": 0.9,
                 "fontsize": 9}


def _check_grid(b_values, w_values, losses):
    b_values = check_finite_array(b_values, "b_values", ndim=1, min_size=2)
    w_values = check_finite_array(w_values, "w_values", ndim=1, min_size=2)
    losses = check_finite_array(losses, "losses", ndim=2)
    if losses.shape != (w_values.size, b_values.size):
        raise ValueError(
            f"losses must have shape (len(w_values), len(b_values)) = {(w_values.size, b_values.size)}, "
            f"got {losses.shape}"
        )
    return b_values, w_values, losses


def plot_loss_surface_3d(b_values, w_values, losses, *, ax=None, start=None, minimum=None,
                         start_loss=None, minimum_loss=None, elev=25, azim=-120):
    """The loss over a grid of ``(b, w)`` drawn as a 3-D surface, with the start and minimum marked.

    Introduced in chapter 3.

    Parameters
    ----------
    b_values, w_values : array_like, 1-D
        Grid axes, as given to :func:`descentkit.surfaces.loss_grid`.
    losses : array_like, shape (len(w_values), len(b_values))
    ax : Axes3D, optional
        An axes made with ``projection="3d"``; one is created if not given.
    start, minimum : (float, float), optional
        Points ``(b, w)`` to mark; ``start_loss`` and ``minimum_loss`` give their heights.
    elev, azim : float
        Viewing angles in degrees.

    Returns
    -------
    Axes3D
    """
    b_values, w_values, losses = _check_grid(b_values, w_values, losses)
    if ax is None:
        fig = plt.figure()
        ax = fig.add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise ValueError("ax must be a 3-D axes, made with projection='3d'")
    bs, ws = np.meshgrid(b_values, w_values)
    ax.plot_surface(bs, ws, losses, cmap="viridis", rcount=40, ccount=40, linewidth=0,
                    antialiased=True, alpha=0.9)
    for point, height, style, label in ((start, start_loss, dict(marker="s", color="black", markersize=7), "start"),
                                        (minimum, minimum_loss, dict(marker="*", color="white", markeredgecolor="black",
                                                                      markersize=14), "minimum")):
        if point is not None:
            z = 0.0 if height is None else check_finite_array(height, f"{label}_loss").item()
            ax.plot([point[0]], [point[1]], [z], linestyle="none", label=label, zorder=5, **style)
    ax.set(xlabel="b (intercept)", ylabel="w (slope)", zlabel="loss (MSE)")
    ax.view_init(elev=elev, azim=azim)
    return ax


def plot_cross_sections(b_values, w_values, loss_vs_b, loss_vs_w, b_fixed, w_fixed, *, axes=None,
                        slopes=None):
    """Two cuts through a loss surface: loss against ``b`` at fixed ``w``, and against ``w`` at fixed ``b``.

    Introduced in chapter 3, with :func:`descentkit.surfaces.cross_sections`.

    Parameters
    ----------
    b_values, w_values : array_like, 1-D
    loss_vs_b, loss_vs_w : array_like
        Losses along each cut, one per value of ``b_values`` and of ``w_values``.
    b_fixed, w_fixed : float
        Where the cuts are taken; the point ``(b_fixed, w_fixed)`` is marked on both.
    axes : pair of Axes, optional
        Created side by side if not given.
    slopes : (float, float), optional
        The partial derivatives dL/db and dL/dw at the point; each is drawn as a dashed
        tangent line on its cut.

    Returns
    -------
    ndarray of two Axes
    """
    b_values = check_finite_array(b_values, "b_values", ndim=1, min_size=2)
    w_values = check_finite_array(w_values, "w_values", ndim=1, min_size=2)
    loss_vs_b = check_finite_array(loss_vs_b, "loss_vs_b", ndim=1)
    loss_vs_w = check_finite_array(loss_vs_w, "loss_vs_w", ndim=1)
    if loss_vs_b.size != b_values.size:
        raise ValueError(f"loss_vs_b must have one value per b, got {loss_vs_b.size} for {b_values.size}")
    if loss_vs_w.size != w_values.size:
        raise ValueError(f"loss_vs_w must have one value per w, got {loss_vs_w.size} for {w_values.size}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    axes = np.asarray(axes)
    fixed_b = np.interp(b_fixed, b_values, loss_vs_b)
    fixed_w = np.interp(w_fixed, w_values, loss_vs_w)
    cuts = ((axes[0], b_values, loss_vs_b, b_fixed, fixed_b, "b (intercept)", f"fixed w = {w_fixed:.2f}", "C0"),
            (axes[1], w_values, loss_vs_w, w_fixed, fixed_w, "w (slope)", f"fixed b = {b_fixed:.2f}", "C1"))
    for i, (ax, values, losses, at, height, name, title, colour) in enumerate(cuts):
        ax.plot(values, losses, color=colour, label="loss along the cut")
        ax.plot([at], [height], "s", color="black", markersize=7, label="start", zorder=3)
        if slopes is not None:
            half = 0.18 * (values[-1] - values[0])
            xs = np.array([at - half, at + half])
            ax.plot(xs, height + slopes[i] * (xs - at), "--", color="C3",
                    label=f"tangent, slope {slopes[i]:.3f}")
        ax.set(xlabel=name, title=title)
        ax.legend(fontsize=9)
    axes[0].set_ylabel("loss (MSE)")
    return axes


def plot_fit_errors(x, y, b, w, *, ax=None, label="data", line_label="model", color="C0"):
    """Data points, the line ``b + w x``, and each error drawn as a segment from point to line.

    Introduced in chapter 3.

    Returns
    -------
    Axes
    """
    x = check_finite_array(x, "x", ndim=1)
    y = check_finite_array(y, "y", ndim=1)
    if x.size != y.size:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    ax = _axes(ax)
    y_hat = b + w * x
    ax.vlines(x, y_hat, y, color="C3", linewidth=1, alpha=0.7, label="errors")
    ax.plot(x, y, "o", color=color, markersize=4, label=label)
    grid = np.linspace(x.min(), x.max(), 2)
    ax.plot(grid, b + w * grid, color="black", linewidth=1.5, label=line_label)
    ax.set(xlabel="x", ylabel="y")
    return ax


def animate_path_on_contours(b_values, w_values, losses, path, *, minimum=None, num_frames=20,
                             figsize=(4.6, 3.6), dpi=72, interval=250, title="step {step}",
                             levels=20, norm=None):
    """An animation of an optimiser's path growing on the contour map of a loss.

    Introduced in chapter 3. Show it in a notebook, and on the static site without a
    kernel, with ``IPython.display.HTML(animation_to_html(anim, alt="..."))``.

    Parameters
    ----------
    b_values, w_values, losses
        As for :func:`plot_loss_contours`.
    path : array_like, shape (k, 2)
        The points ``(b, w)`` visited.
    minimum : (float, float), optional
    num_frames : int, default 20
        Frames shown, at least 2; steps are sampled evenly (more densely early on, where the
        path moves fastest) and the last frame shows the whole path.
    figsize, dpi
        Keep these small: every frame is embedded as an image.
    interval : int
        Milliseconds between frames.
    title : str
        Frame title; ``{step}`` is replaced by the step number.
    levels, norm
        Passed to :func:`plot_loss_contours`.

    Returns
    -------
    matplotlib.animation.FuncAnimation
    """
    from matplotlib.animation import FuncAnimation

    b_values, w_values, losses = _check_grid(b_values, w_values, losses)
    path = check_finite_array(path, "path", ndim=2)
    if path.shape[1] != 2:
        raise ValueError(f"path must have shape (k, 2) of (b, w) points, got {path.shape}")
    num_frames = check_int(num_frames, "num_frames", minimum=2)
    last = len(path) - 1
    # Spacing frames as (k/num_frames)^2 puts more of them on the first steps, where the path moves most.
    steps = np.unique(np.round(np.linspace(0, 1, num_frames) ** 2 * last).astype(int))
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    plot_loss_contours(b_values, w_values, losses, ax=ax, start=path[0], minimum=minimum,
                       colorbar=False, legend=False, levels=levels, norm=norm)
    (line,) = ax.plot([], [], "o-", color="C3", markersize=3, linewidth=1.2, label="gradient descent")
    ax.legend(loc="upper right", **_BOXED_LEGEND)

    heading = [ax.title]   # the artist showing the frame title (replaced below)

    def draw(step):
        line.set_data(path[: step + 1, 0], path[: step + 1, 1])
        heading[0].set_text(title.format(step=step))
        return (line,)

    # Rendering speed: lay the figure out once, with the longest title, and freeze the
    # layout; then render everything that stays the same (contours, markers, axes, tick
    # labels) once into a background image, and hide those artists, so that each frame
    # only paints that image and draws the path, the title and the legend on top.
    draw(steps[-1])
    fig.canvas.draw()
    fig.set_layout_engine("none")
    x, y = ax.title.get_transform().transform(ax.title.get_position())
    width, height = fig.canvas.get_width_height()
    heading[0] = fig.text(x / width, y / height, ax.title.get_text(), ha="center",
                          va="baseline", fontsize=ax.title.get_fontsize(), zorder=2)
    ax.set_title("")
    moving = (line, ax.get_legend(), heading[0])
    for artist in moving:
        artist.set_visible(False)
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in moving:
        artist.set_visible(True)
    for artist in ax.get_children():
        if artist not in moving:
            artist.set_visible(False)
    ax.set_zorder(1)   # above the background image
    fig.figimage(background, xo=0, yo=0, origin="upper", zorder=0)
    return FuncAnimation(fig, draw, frames=steps, interval=interval, blit=False)


def animation_to_html(anim, alt, *, caption=None, default_mode="once", colors=64):
    """A self-contained HTML/JavaScript player of a matplotlib animation, with alt text.

    Introduced in chapter 3. Wraps ``anim.to_jshtml()`` (every frame embedded as an image,
    so it plays on a static page without a kernel), gives the frame image the alternative
    text ``alt`` for screen readers, and closes the animation's figure so a notebook does not
    also show it as a still image.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
    alt : str
        Alternative text describing the animation.
    caption : str, optional
        A visible caption; when given, the player is wrapped in an HTML ``<figure>`` with
        this ``<figcaption>`` (plain text, escaped), like the book's other figures.
    default_mode : {"once", "loop", "reflect"}
    colors : int or None, default 64
        Store each PNG frame with a palette of this many colours (2 to 256), which makes
        flat-coloured plots such as contour maps several times smaller with no visible
        change; ``None`` keeps the full-colour frames.

    Returns
    -------
    str
        HTML, for ``IPython.display.HTML``.
    """
    import html as _html

    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must be a non-empty description of the animation, got {alt!r}")
    if colors is not None:
        colors = check_int(colors, "colors", minimum=2)
        if colors > 256:
            raise ValueError(f"colors must be at most 256, got {colors}")
    page = anim.to_jshtml(default_mode=default_mode)
    plt.close(anim._fig)
    if colors is not None:
        page = _quantize_png_frames(page, colors)
    marker = '<img id="_anim_img'
    if marker not in page:
        raise ValueError("anim.to_jshtml() did not produce the expected frame image")
    page = page.replace(marker, f'<img alt="{_html.escape(alt)}" id="_anim_img', 1)
    if caption is not None:
        if not isinstance(caption, str) or not caption.strip():
            raise ValueError(f"caption must be a non-empty string or None, got {caption!r}")
        page = (f'<figure class="descentkit-animation">\n{page}\n'
                f"<figcaption><p>{_html.escape(caption)}</p></figcaption>\n</figure>")
    return page


def _quantize_png_frames(page, colors):
    """Re-encode every base64 PNG frame in ``to_jshtml`` output with one ``colors`` palette.

    The palette comes from the last frame (usually the one with the most drawn on it) and is
    shared by all frames, so colours do not flicker from frame to frame.
    """
    import base64
    import io
    import re

    from PIL import Image

    pattern = re.compile(r"data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)+)")
    matches = list(pattern.finditer(page))
    if not matches:
        return page
    images = [Image.open(io.BytesIO(base64.b64decode(m.group(1).replace("\\\n", ""))))
              .convert("RGB") for m in matches]
    palette = images[-1].quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                                  dither=Image.Dither.NONE)
    pieces, end = [], 0
    for match, image in zip(matches, images):
        buffer = io.BytesIO()
        image.quantize(palette=palette, dither=Image.Dither.NONE).save(
            buffer, format="PNG", optimize=True)
        pieces += [page[end:match.start()], "data:image/png;base64,",
                   base64.b64encode(buffer.getvalue()).decode("ascii")]
        end = match.end()
    return "".join(pieces) + page[end:]

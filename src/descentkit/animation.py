"""Animations for the web: an optimiser's path growing on a contour map, as a small HTML player.

Introduced in chapter 3. :func:`animate_path_on_contours` makes the animation and returns it
with its figure (a :class:`PathAnimation`); :func:`animation_to_html` turns it into a
self-contained HTML/JavaScript player that plays on the static site without a kernel. It
gives the frame image its alternative text (the only place the course adds it), stores
the frames as small palette PNGs, and closes the figure so that a notebook does not also
show it as a still image.

Examples
--------
>>> import numpy as np
>>> bs, ws = np.linspace(-1, 1, 11), np.linspace(-1, 1, 11)
>>> losses = np.add.outer(ws**2, bs**2)
>>> path = np.c_[np.linspace(-0.8, 0, 10), np.linspace(0.8, 0, 10)]
>>> anim, fig = animate_path_on_contours(bs, ws, losses, path, num_frames=3,
...                                      figsize=(2, 2), dpi=30)
>>> page = animation_to_html(PathAnimation(anim, fig), alt="A path reaches the minimum.")
>>> page.count('alt="A path reaches the minimum."')
1
"""

from __future__ import annotations

import base64
import html
import io
import re
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import Animation, FuncAnimation
from matplotlib.figure import Figure

from .plots.figures import _check_path, plot_loss_contours
from .plots.style import boxed_legend
from .validation import check_choice, check_grid, check_int, check_xy

__all__ = ["PathAnimation", "animate_path_on_contours", "animation_to_html"]

#: The start of the frame image in the HTML of ``Animation.to_jshtml()``.
_FRAME_IMAGE = '<img id="_anim_img'
#: A base64 PNG frame in that HTML (its lines may be broken with backslash-newlines).
_PNG_FRAME = re.compile(r"data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)+)")


class PathAnimation(NamedTuple):
    """An animation and the figure it draws on, as :func:`animate_path_on_contours` returns.

    Introduced in chapter 3. A named pair: unpack it (``anim, fig = ...``) or use its
    fields; pass it whole to :func:`animation_to_html`, or call :meth:`to_html`.
    """

    #: The animation (call ``to_jshtml()`` or ``save(...)`` on it).
    anim: FuncAnimation
    #: Its figure; ``fig.axes[0]`` is the contour map.
    fig: Figure

    def to_html(self, alt, *, caption=None, default_mode="once", colors=64) -> str:
        """``animation_to_html(self, alt, ...)``: see :func:`animation_to_html`."""
        return animation_to_html(
            self, alt, caption=caption, default_mode=default_mode, colors=colors
        )


def _frame_steps(path, num_frames, spacing):
    """The steps shown, one per frame: the first, the last and ``num_frames - 2`` between."""
    last = len(path) - 1
    if spacing == "early":
        # at (k/num_frames)^2 of the way: more frames on the first steps
        steps = np.round(np.linspace(0, 1, num_frames) ** 2 * last).astype(int)
    else:
        # at equal distances travelled along the path, so that every frame shows movement
        travelled = np.concatenate(
            [[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
        )
        if travelled[-1] == 0:
            steps = np.array([0, last])
        else:
            marks = np.linspace(0, travelled[-1], num_frames)
            steps = np.minimum(np.searchsorted(travelled, marks), last)
            steps[-1] = last
    return np.unique(steps)


def animate_path_on_contours(
    b_values,
    w_values,
    losses,
    path,
    *,
    minimum=None,
    num_frames=20,
    spacing="early",
    data=None,
    figsize=None,
    dpi=72,
    interval=250,
    title="step {step}",
    levels=20,
    norm=None,
    path_kw=None,
    aspect=None,
    legend_loc="upper right",
    **kwargs,
):
    """An animation of an optimiser's path growing on the contour map of a loss.

    Introduced in chapter 3. Show it in a notebook, and on the static site without a
    kernel, with ``IPython.display.HTML(animation_to_html(result, alt="..."))``.

    Parameters
    ----------
    b_values, w_values, losses
        As for :func:`descentkit.plots.plot_loss_contours`.
    path : array_like, shape (k, 2)
        The points ``(b, w)`` visited.
    minimum : (float, float), optional
    num_frames : int, default 20
        Frames shown, at least 2; the first shows the start and the last the whole path.
    spacing : {"early", "distance"}, default "early"
        Which steps the frames show: ``"early"`` samples the steps more densely at the
        start, where a path usually moves fastest; ``"distance"`` puts the frames at equal
        distances travelled along the path, so that no two frames look the same even when
        the path crawls for most of its steps.
    data : (x, y), optional
        A data set to show next to the map: its points, the line ``b + w x`` of the current
        point of the path, and the errors as segments from each point to the line.
    figsize, dpi
        Keep these small: every frame is embedded as an image. Default figsize (4.6, 3.6),
        or (8.4, 3.6) with ``data``.
    interval : int
        Milliseconds between frames.
    title : str
        Frame title; ``{step}`` is replaced by the step number, ``{b}`` and ``{w}`` by the
        current point (use a format such as ``{b:.2f}``).
    levels, norm
        Passed to :func:`~descentkit.plots.plot_loss_contours`.
    path_kw : dict, optional
        :meth:`~matplotlib.axes.Axes.plot` keywords for the path, e.g. ``{"color": "C1"}``
        or ``{"label": "momentum"}`` (default: red, labelled "gradient descent").
    aspect : {"equal", "auto"} or float, optional
        Aspect of the contour map; ``"equal"`` draws one unit of ``b`` as long as one of
        ``w``, so that the gradient looks perpendicular to the contours, as it is.
    legend_loc : str, default "upper right"
        Where the map's legend goes (a matplotlib ``loc``).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.contourf` through
        :func:`~descentkit.plots.plot_loss_contours`.

    Returns
    -------
    PathAnimation
        The pair ``(anim, fig)``: the :class:`~matplotlib.animation.FuncAnimation` and the
        figure it draws on, which :func:`animation_to_html` closes. ``fig.axes[0]`` is the
        map, ``fig.axes[1]`` the data (with ``data``).
    """
    b_values, w_values, losses = check_grid(b_values, w_values, losses)
    path = _check_path(path)
    num_frames = check_int(num_frames, "num_frames", minimum=2)
    spacing = check_choice(spacing, "spacing", ("early", "distance"))
    if data is not None:
        if len(data) != 2:
            raise ValueError("data must be the pair (x, y)")
        data_x, data_y = check_xy(*data)
    steps = _frame_steps(path, num_frames, spacing)
    if figsize is None:
        figsize = (4.6, 3.6) if data is None else (8.4, 3.6)
    if data is None:
        fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    else:
        fig, (ax, ax_data) = plt.subplots(1, 2, figsize=figsize, dpi=dpi)
    plot_loss_contours(
        b_values,
        w_values,
        losses,
        ax=ax,
        start=path[0],
        minimum=minimum,
        colorbar=False,
        legend=False,
        levels=levels,
        norm=norm,
        **kwargs,
    )
    if aspect is not None:
        ax.set_aspect(aspect)
    style = {
        "marker": "o",
        "linestyle": "-",
        "color": "C3",
        "markersize": 3,
        "linewidth": 1.2,
        "label": "gradient descent",
        **(path_kw or {}),
    }
    (line,) = ax.plot([], [], **style)
    boxed_legend(ax, loc=legend_loc)
    moving = [line, ax.get_legend()]
    if data is not None:
        ends = np.array([data_x.min(), data_x.max()])
        ax_data.plot(data_x, data_y, "o", color="C0", markersize=3, label="data")
        errors = ax_data.vlines(
            data_x, data_y, data_y, color="C3", linewidth=1, alpha=0.7, label="errors"
        )
        (model,) = ax_data.plot(ends, ends, color="black", linewidth=1.5, label="the line b + w x")
        low = min(data_y.min(), (path[:, 0] + path[:, 1] * ends[:, None]).min())
        high = max(data_y.max(), (path[:, 0] + path[:, 1] * ends[:, None]).max())
        pad = 0.05 * (high - low)
        ax_data.set(xlabel="x", ylabel="y", ylim=(low - pad, high + pad))
        ax_data.legend(loc="upper left", fontsize=8)
        moving += [errors, model]

    heading = [ax.title]  # the artist showing the frame title (replaced below)

    def draw(step):
        line.set_data(path[: step + 1, 0], path[: step + 1, 1])
        b, w = path[step]
        heading[0].set_text(title.format(step=step, b=b, w=w))
        if data is not None:
            model.set_ydata(b + w * ends)
            errors.set_segments([[(xi, yi), (xi, b + w * xi)] for xi, yi in zip(data_x, data_y)])
            return (line, model, errors)
        return (line,)

    # Rendering speed: lay the figure out once, with the longest title, and freeze the
    # layout; then render everything that stays the same (contours, markers, axes, tick
    # labels, data points) once into a background image, and hide those artists, so that
    # each frame only paints that image and draws the moving artists on top.
    draw(steps[-1])
    fig.canvas.draw()
    fig.set_layout_engine("none")
    x, y = ax.title.get_transform().transform(ax.title.get_position())
    width, height = fig.canvas.get_width_height()
    heading[0] = fig.text(
        x / width,
        y / height,
        ax.title.get_text(),
        ha="center",
        va="baseline",
        fontsize=ax.title.get_fontsize(),
        zorder=2,
    )
    ax.set_title("")
    moving.append(heading[0])
    for artist in moving:
        artist.set_visible(False)
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in moving:
        artist.set_visible(True)
    for axes in fig.axes:
        for artist in axes.get_children():
            if artist not in moving:
                artist.set_visible(False)
        axes.set_zorder(1)  # above the background image
    fig.figimage(background, xo=0, yo=0, origin="upper", zorder=0)
    anim = FuncAnimation(fig, draw, frames=steps, interval=interval, blit=False)
    return PathAnimation(anim, fig)


def animation_to_html(anim, alt, *, fig=None, caption=None, default_mode="once", colors=64):
    """A self-contained HTML/JavaScript player of a matplotlib animation, with alt text.

    Introduced in chapter 3. Wraps ``anim.to_jshtml()`` (every frame embedded as an image,
    so it plays on a static page without a kernel), gives the frame image the alternative
    text ``alt`` for screen readers, and closes the animation's figure so a notebook does not
    also show it as a still image.

    Parameters
    ----------
    anim : PathAnimation or matplotlib.animation.Animation
        What :func:`animate_path_on_contours` returns (its figure is closed), or any
        matplotlib animation.
    alt : str
        Alternative text describing the animation.
    fig : Figure, optional
        The figure to close once the frames are rendered, for an ``anim`` that is a bare
        matplotlib animation (a :class:`PathAnimation` carries its own). Without it, that
        figure stays open.
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

    Raises
    ------
    TypeError
        If ``anim`` is not an animation, or ``alt`` or ``caption`` is not a string.
    ValueError
        If ``alt`` or ``caption`` is blank, or ``default_mode`` or ``colors`` is out of range.
    """
    if isinstance(anim, PathAnimation):
        anim, own = anim
        fig = own if fig is None else fig
    if not isinstance(anim, Animation):
        raise TypeError(
            f"anim must be a matplotlib animation or a PathAnimation, got {type(anim).__name__}"
        )
    for name, text in (("alt", alt), ("caption", caption)):
        if text is None and name == "caption":
            continue
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a string, got {type(text).__name__} {text!r:.80}")
        if not text.strip():
            raise ValueError(f"{name} must be a non-empty string, got {text!r}")
    default_mode = check_choice(default_mode, "default_mode", ("once", "loop", "reflect"))
    if colors is not None:
        colors = check_int(colors, "colors", minimum=2, maximum=256)
    page = anim.to_jshtml(default_mode=default_mode)
    if fig is not None:
        plt.close(fig)
    if colors is not None:
        page = _quantize_png_frames(page, colors)
    if _FRAME_IMAGE not in page:
        raise ValueError("anim.to_jshtml() did not produce the expected frame image")
    page = page.replace(_FRAME_IMAGE, f'<img alt="{html.escape(alt)}" id="_anim_img', 1)
    if caption is not None:
        page = (
            f'<figure class="descentkit-animation">\n{page}\n'
            f"<figcaption><p>{html.escape(caption)}</p></figcaption>\n</figure>"
        )
    return page


def _quantize_png_frames(page, colors):
    """Re-encode every base64 PNG frame in ``to_jshtml`` output with one ``colors`` palette.

    The palette comes from the last frame (usually the one with the most drawn on it) and is
    shared by all frames, so colours do not flicker from frame to frame.
    """
    from PIL import Image

    matches = list(_PNG_FRAME.finditer(page))
    if not matches:
        return page
    images = [
        Image.open(io.BytesIO(base64.b64decode(m.group(1).replace("\\\n", "")))).convert("RGB")
        for m in matches
    ]
    palette = images[-1].quantize(
        colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    pieces, end = [], 0
    for match, image in zip(matches, images, strict=True):
        buffer = io.BytesIO()
        image.quantize(palette=palette, dither=Image.Dither.NONE).save(
            buffer, format="PNG", optimize=True
        )
        pieces += [
            page[end : match.start()],
            "data:image/png;base64,",
            base64.b64encode(buffer.getvalue()).decode("ascii"),
        ]
        end = match.end()
    return "".join(pieces) + page[end:]

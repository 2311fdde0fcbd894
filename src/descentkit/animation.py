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
from .validation import check_choice, check_grid, check_int

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


def animate_path_on_contours(
    b_values,
    w_values,
    losses,
    path,
    *,
    minimum=None,
    num_frames=20,
    figsize=(4.6, 3.6),
    dpi=72,
    interval=250,
    title="step {step}",
    levels=20,
    norm=None,
    path_kw=None,
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
        Frames shown, at least 2; steps are sampled evenly (more densely early on, where the
        path moves fastest) and the last frame shows the whole path.
    figsize, dpi
        Keep these small: every frame is embedded as an image.
    interval : int
        Milliseconds between frames.
    title : str
        Frame title; ``{step}`` is replaced by the step number.
    levels, norm
        Passed to :func:`~descentkit.plots.plot_loss_contours`.
    path_kw : dict, optional
        :meth:`~matplotlib.axes.Axes.plot` keywords for the path, e.g. ``{"color": "C1"}``
        or ``{"label": "momentum"}`` (default: red, labelled "gradient descent").
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.contourf` through
        :func:`~descentkit.plots.plot_loss_contours`.

    Returns
    -------
    PathAnimation
        The pair ``(anim, fig)``: the :class:`~matplotlib.animation.FuncAnimation` and the
        figure it draws on, which :func:`animation_to_html` closes.
    """
    b_values, w_values, losses = check_grid(b_values, w_values, losses)
    path = _check_path(path)
    num_frames = check_int(num_frames, "num_frames", minimum=2)
    last = len(path) - 1
    # Frames at (k/num_frames)^2 of the way: more of them on the first steps, where the path
    # moves most.
    steps = np.unique(np.round(np.linspace(0, 1, num_frames) ** 2 * last).astype(int))
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
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
    boxed_legend(ax, loc="upper right")

    heading = [ax.title]  # the artist showing the frame title (replaced below)

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
    ax.set_zorder(1)  # above the background image
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

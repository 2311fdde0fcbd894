"""The course's figure style and its legend style.

Nothing here changes matplotlib's settings until you call :func:`use_style`; importing the
module is free of side effects.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0, 1], [1, 0], label="path")
>>> legend = boxed_legend(ax, loc="upper right")
>>> legend.get_frame_on(), legend.get_frame().get_facecolor()
(True, (1.0, 1.0, 1.0, 0.9))
>>> plt.close(fig)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["STYLE", "use_style", "BOXED_LEGEND", "boxed_legend"]

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

#: Keywords of :meth:`~matplotlib.axes.Axes.legend` for a legend drawn over a filled
#: contour map or a busy plot: a white, nearly opaque box with a light grey edge keeps the
#: labels readable over the dark end of viridis. :func:`boxed_legend` draws it.
BOXED_LEGEND = {
    "frameon": True,
    "facecolor": "white",
    "edgecolor": "0.7",
    "framealpha": 0.9,
    "fontsize": 9,
}


def use_style() -> None:
    """Apply the course's figure style (see :data:`STYLE`) and print numbers rounded.

    Introduced in chapter 1; called once in the first cell of every chapter.
    """
    plt.rcParams.update(STYLE)
    np.set_printoptions(precision=4, suppress=True)
    _retina_figures()


def _retina_figures() -> None:
    """In a notebook, draw inline figures at twice the pixels, shown at their usual size.

    Jupyter, Colab and VS Code show a "retina" PNG at half its pixel size (its metadata
    says so), so it looks as before, only sharper. The website shows each figure from a
    copy at the usual size and links to the sharp one, which a phone reader opens to zoom
    into (``_ext/site_assets.py``). Outside IPython this does nothing.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover - IPython is part of the notebook stack
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def boxed_legend(ax, **kwargs):
    """Draw the legend of ``ax`` in the course's boxed style (:data:`BOXED_LEGEND`).

    Introduced in chapter 3, where :func:`~descentkit.plots.plot_loss_contours` draws its
    legend with it; chapters 5 to 7 use it for legends over contour maps and busy plots.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes whose labelled artists the legend lists.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.legend`; they override the keywords of
        :data:`BOXED_LEGEND` (e.g. ``loc="upper right"``, ``edgecolor="none"``,
        ``fontsize=8``).

    Returns
    -------
    matplotlib.legend.Legend
        The legend drawn (it replaces any earlier legend of ``ax``).
    """
    return ax.legend(**{**BOXED_LEGEND, **kwargs})

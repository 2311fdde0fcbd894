"""The course's figure style and plot helpers (every chapter).

Two modules, re-exported here so that ``descentkit.plots.plot_loss_contours`` and the like
work directly:

``style``    :func:`use_style` (the rcParams in :data:`STYLE`) and the legend style
             :data:`BOXED_LEGEND`, drawn by :func:`boxed_legend`
``figures``  the chapter figure helpers, from :func:`plot_function_path` (chapter 1) to
             :func:`plot_excess_loss` (chapters 6 and 7)
``diagrams`` :func:`plot_computation_graph` (chapter 2) and :func:`plot_matrix_action`
             (chapter 4)

Every helper takes ``ax=None`` and returns the Axes it drew on, and passes extra keyword
arguments to matplotlib. Nothing here changes matplotlib's settings until you call
:func:`use_style`. Animations for the web are in :mod:`descentkit.animation`.
"""

from . import diagrams as _diagrams
from . import figures as _figures
from . import style as _style
from .diagrams import plot_computation_graph, plot_matrix_action
from .figures import (plot_cross_sections, plot_difference_errors, plot_excess_loss,
                      plot_fit_errors, plot_function_path, plot_gradient_field,
                      plot_loss_contours, plot_loss_surface_3d, plot_values)
from .style import BOXED_LEGEND, STYLE, boxed_legend, use_style

__all__ = [*_style.__all__, *_figures.__all__, *_diagrams.__all__]

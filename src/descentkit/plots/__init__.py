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

# The public names, each imported by name with a redundant alias (the re-export idiom
# that linters and type checkers read).
from .diagrams import plot_computation_graph as plot_computation_graph
from .diagrams import plot_matrix_action as plot_matrix_action
from .figures import plot_cross_sections as plot_cross_sections
from .figures import plot_difference_errors as plot_difference_errors
from .figures import plot_excess_loss as plot_excess_loss
from .figures import plot_fit_errors as plot_fit_errors
from .figures import plot_function_path as plot_function_path
from .figures import plot_gradient_field as plot_gradient_field
from .figures import plot_loss_contours as plot_loss_contours
from .figures import plot_loss_surface_3d as plot_loss_surface_3d
from .figures import plot_values as plot_values
from .style import BOXED_LEGEND as BOXED_LEGEND
from .style import STYLE as STYLE
from .style import boxed_legend as boxed_legend
from .style import use_style as use_style

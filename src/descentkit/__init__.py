"""descentkit: the toolbox behind the open course *Gradient Descent, Step by Step*.

Each chapter of the course is a story; this package is the toolbox the stories use. Its
modules follow the course's ideas, not its chapters:

==============  ==========================================================================
``calculus``    numerical derivatives and gradients, log-log slopes (chapter 1)
``optim``       the one descent loop, its stopping rules and the ``Trajectory`` it returns
``rules``       update rules: gradient step, heavy ball, Nesterov, AdaGrad, RMSProp, Adam
``schedules``   learning-rate schedules and the learning-rate finder (chapters 4, 6, 8)
``stochastic``  mini-batches (the gradient source of SGD) and the noise ball (chapter 6)
``data``        synthetic data sets and splits (chapters 2 and 3)
``models``      the line ``b + w x`` and its least-squares fit (chapters 3 to 5)
``losses``      the mean squared error, its gradient and Hessian (chapters 3 to 6)
``surfaces``    loss surfaces over a grid of parameters (chapter 3)
``curvature``   the theory of quadratics: eigenvalues, kappa, stable and best rates
``functions``   test functions that are not a bowl (chapter 7)
``checks``      the exercises' self-checks (every chapter; ``checks_adaptive`` and
                ``checks_logistic`` hold those of chapters 8 and 9)
``plots``       the figure style and the figure helpers (every chapter)
``animation``   animations for the web pages (chapter 3)
``widgets``     the interactive figures of the website, their data exported (every chapter)
``nb``          small conveniences for the chapter notebooks
``validation``  the argument checks every public function uses
==============  ==========================================================================

Submodules are imported on first use (``descentkit.optim`` works after
``import descentkit``), so importing the package is cheap and changes nothing global: call
:func:`descentkit.plots.use_style` to apply the figure style.
"""

import importlib
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("descentkit")
except _metadata.PackageNotFoundError:  # a source tree that was not installed
    __version__ = "0+unknown"

#: The public submodules, in the order of the table above.
SUBMODULES = (
    "calculus",
    "optim",
    "rules",
    "schedules",
    "stochastic",
    "data",
    "models",
    "losses",
    "surfaces",
    "curvature",
    "functions",
    "checks",
    "checks_adaptive",
    "checks_logistic",
    "plots",
    "animation",
    "widgets",
    "nb",
    "validation",
)


def __getattr__(name):
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(SUBMODULES))


__all__ = ["__version__", *SUBMODULES]

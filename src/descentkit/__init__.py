"""descentkit: the toolbox behind the open course *Gradient Descent, Step by Step*.

Each chapter of the course is a story; this package is the toolbox the stories use.
Its modules follow the course's ideas rather than its chapters, for example:

``calculus``  numerical derivatives and gradients (chapter 1)
``optim``     gradient descent and its variants, recording their paths (chapter 1 on)
``plots``     the course's figure style and plot helpers (every chapter)
``nb``        small conveniences for the chapter notebooks (chapter 1)
``data``      synthetic data sets and splits (chapter 3)
``linreg``    linear regression: predictions, MSE, gradients, Hessian (chapters 3 and 4)

Submodules are imported on first use (``descentkit.optim`` works after
``import descentkit``), so importing the package is cheap and changes nothing global: call
:func:`descentkit.plots.use_style` to apply the figure style.
"""

import importlib
import pkgutil
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("descentkit")
except _metadata.PackageNotFoundError:  # a source tree that was not installed
    __version__ = "0+unknown"

#: Every public submodule, found on disk so that a new module needs no edit here.
SUBMODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def __getattr__(name):
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + SUBMODULES)


__all__ = ["__version__", *SUBMODULES]

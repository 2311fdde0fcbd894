"""Test functions that are not a bowl.

Defined in chapter 7: a one-dimensional double well, where gradient descent started on
the right gets stuck in the shallow minimum and momentum sometimes rolls through.
"""

from __future__ import annotations

import numpy as np

__all__ = ["double_well", "double_well_derivative"]


def double_well(x):
    """``f(x) = x**4 - 4 x**2 + x``: a shallow local minimum near 1.35, the global one near -1.47.

    Introduced in chapter 7. Vectorised over arrays.

    Examples
    --------
    >>> float(double_well(1.0))
    -2.0
    """
    x = np.asarray(x, dtype=float)
    return x**4 - 4 * x**2 + x


def double_well_derivative(x):
    """``f'(x) = 4 x**3 - 8 x + 1`` for :func:`double_well`.

    Evaluated as ``x (4 x x - 8) + 1`` (Horner's rule), which is several times faster on
    large arrays than the powers; chapter 7 runs 2001 starts at once.
    """
    x = np.asarray(x, dtype=float)
    return x * (4 * x * x - 8) + 1

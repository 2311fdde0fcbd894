"""Checks at the package boundary, in one place.

Every public function of descentkit validates its arguments once, when it is called, with
the helpers below; inner code trusts them. As in numpy and scikit-learn, a value of the
wrong *type* (a string where a number is needed, a list where a function is) raises
``TypeError``, and a value of the right type but out of range (a negative learning rate,
a NaN, a matrix that is not square) raises ``ValueError``. Both messages name the argument
and show what was given.

Examples
--------
>>> check_positive(0.1, "lr")
0.1
>>> check_positive(-1, "lr")
Traceback (most recent call last):
    ...
ValueError: lr must be > 0, got -1.0
>>> check_positive("fast", "lr")
Traceback (most recent call last):
    ...
TypeError: lr must be a real number, got str 'fast'
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_callable",
    "check_finite_scalar",
    "check_positive",
    "check_int",
    "check_finite_array",
    "check_xy",
    "check_grid",
    "check_hessian",
    "check_fraction",
    "check_choice",
]


def _type_name(value) -> str:
    return f"{type(value).__name__} {value!r:.80}"


def check_callable(value, name: str):
    """Return ``value`` if it is callable, else raise ``TypeError`` naming ``name``."""
    if not callable(value):
        raise TypeError(f"{name} must be a function (a callable), got {_type_name(value)}")
    return value


def check_finite_scalar(value, name: str) -> float:
    """Return ``value`` as a float: ``TypeError`` unless a real number, ``ValueError`` if not
    finite."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got {_type_name(value)}")
    if not isinstance(value, numbers.Real):
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{name} must be a real number, got {_type_name(value)}")
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number, got {_type_name(value)}") from None
        if arr.ndim != 0:
            raise ValueError(f"{name} must be a single number, got an array of shape {arr.shape}")
        value = arr.item()
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_positive(value, name: str) -> float:
    """Return ``value`` as a float, raising unless it is finite and strictly positive."""
    value = check_finite_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def check_fraction(value, name: str, *, low=0.0, high=1.0, closed="left") -> float:
    """Return ``value`` as a float in the interval from ``low`` to ``high``.

    ``closed`` says which ends belong to it: ``"left"`` (``[low, high)``, e.g. a momentum
    ``beta``), ``"right"``, ``"both"`` or ``"neither"``.
    """
    value = check_finite_scalar(value, name)
    left = value >= low if closed in ("left", "both") else value > low
    right = value <= high if closed in ("right", "both") else value < high
    if not (left and right):
        lo = "[" if closed in ("left", "both") else "("
        hi = "]" if closed in ("right", "both") else ")"
        raise ValueError(f"{name} must be in {lo}{low:g}, {high:g}{hi}, got {value!r}")
    return value


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int: ``TypeError`` unless whole, ``ValueError`` outside
    [minimum, maximum]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), got {_type_name(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_choice(value, name: str, choices):
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_finite_array(value, name: str, ndim: int | None = None, min_size: int = 1) -> np.ndarray:
    """Return ``value`` as a float array.

    ``TypeError`` if it is not numbers at all; ``ValueError`` on non-finite entries, the
    wrong number of dimensions or fewer than ``min_size`` entries.
    """
    if isinstance(value, (str, bytes)) or callable(value):
        raise TypeError(f"{name} must be an array of real numbers, got {_type_name(value)}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be an array of real numbers, got {_type_name(value)}"
        ) from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} value(s), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr


def check_xy(x, y):
    """Validate a pair of 1-D data arrays of the same, non-zero length; return them as floats."""
    x = check_finite_array(x, "x", ndim=1)
    y = check_finite_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    return x, y


def check_grid(b_values, w_values, losses=None):
    """Validate the axes of a ``(b, w)`` grid, and optionally the values on it.

    ``b_values`` and ``w_values`` are 1-D with at least 2 values each; ``losses``, when
    given, is finite with shape ``(len(w_values), len(b_values))``, the layout of
    ``np.meshgrid(b_values, w_values)``. Returns the arrays as floats.
    """
    b_values = check_finite_array(b_values, "b_values", ndim=1, min_size=2)
    w_values = check_finite_array(w_values, "w_values", ndim=1, min_size=2)
    if losses is None:
        return b_values, w_values
    losses = check_finite_array(losses, "losses", ndim=2)
    expected = (w_values.size, b_values.size)
    if losses.shape != expected:
        raise ValueError(
            f"losses must have shape (len(w_values), len(b_values)) = {expected}, "
            f"got {losses.shape}"
        )
    return b_values, w_values, losses


def check_hessian(H) -> np.ndarray:
    """Return ``H`` as a symmetric 2-D float array (a number counts as a 1x1 matrix).

    ``ValueError`` if it is not square, not finite, or not symmetric to rounding
    (relative 1e-10): a Hessian is symmetric, so an asymmetric matrix is a mistake.
    """
    H = check_finite_array(H, "H")
    if H.ndim == 0:
        H = H.reshape(1, 1)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.max(np.abs(H))))):
        raise ValueError("H must be symmetric (a Hessian is), got a non-symmetric matrix")
    return H

"""Checks at the package boundary. Every failure is a ``ValueError`` naming the argument."""

from __future__ import annotations

import numbers

import numpy as np


def check_callable(value, name: str):
    """Return ``value`` if it is callable, else raise a ``ValueError`` naming ``name``."""
    if not callable(value):
        raise ValueError(f"{name} must be a callable function, got {type(value).__name__} {value!r}")
    return value


def check_finite_scalar(value, name: str) -> float:
    """Return ``value`` as a float, raising if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a finite real number, got {value!r}") from None
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


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, raising unless it is a whole number in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_finite_array(value, name: str, ndim: int | None = None, min_size: int = 1) -> np.ndarray:
    """Return ``value`` as a float array, raising on non-finite entries, wrong rank or too few entries."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers, got {value!r}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} value(s), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return arr

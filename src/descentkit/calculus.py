"""Numerical derivatives and gradients, and the log-log slope that measures their orders.

Defined in chapter 1 (Derivatives and the idea of descent); chapters 6 and 7 fit log-log
slopes of measured quantities with :func:`loglog_slope` as chapter 1 does for the errors of
finite differences.
"""

from __future__ import annotations

import numpy as np

from .validation import check_callable, check_finite_array, check_finite_scalar, check_positive

__all__ = [
    "secant_slope",
    "forward_difference",
    "central_difference",
    "numerical_gradient",
    "difference_errors",
    "loglog_slope",
]


def secant_slope(f, a, b) -> float:
    """Slope of the straight line through ``(a, f(a))`` and ``(b, f(b))``.

    Introduced in chapter 1: as ``b`` approaches ``a`` the secant slope approaches the
    derivative ``f'(a)``.

    Parameters
    ----------
    f : callable
        A function of one real number.
    a, b : float
        Two different points.

    Returns
    -------
    float
        ``(f(b) - f(a)) / (b - a)``.
    """
    check_callable(f, "f")
    a = check_finite_scalar(a, "a")
    b = check_finite_scalar(b, "b")
    if a == b:
        raise ValueError(f"a and b must differ for a secant, got a = b = {a!r}")
    return float((f(b) - f(a)) / (b - a))


def forward_difference(f, x, h: float = 1e-6) -> float:
    """Forward-difference estimate ``(f(x + h) - f(x)) / h`` of ``f'(x)``.

    Introduced in chapter 1. Its truncation error is proportional to ``h``.
    """
    check_callable(f, "f")
    x = check_finite_scalar(x, "x")
    h = check_positive(h, "h")
    return float((f(x + h) - f(x)) / h)


def central_difference(f, x, h: float = 1e-6) -> float:
    """Central-difference estimate ``(f(x + h) - f(x - h)) / (2h)`` of ``f'(x)``.

    Introduced in chapter 1. Its truncation error is proportional to ``h**2``, so for the
    same ``h`` it is usually far more accurate than :func:`forward_difference`.
    """
    check_callable(f, "f")
    x = check_finite_scalar(x, "x")
    h = check_positive(h, "h")
    return float((f(x + h) - f(x - h)) / (2 * h))


def numerical_gradient(f, x, h: float = 1e-6) -> np.ndarray:
    """Gradient of a scalar function of a vector by central differences, one coordinate at a time.

    Introduced in chapter 1 (partial derivatives); used from chapter 3 on to check
    gradients derived by hand.

    Parameters
    ----------
    f : callable
        Takes a 1-D array of length ``n`` and returns a number.
    x : array_like, shape (n,)
        The point at which to differentiate.
    h : float, default 1e-6
        Step size, > 0.

    Returns
    -------
    ndarray, shape (n,)
        ``(f(x + h e_i) - f(x - h e_i)) / (2h)`` for each unit vector ``e_i``.
    """
    check_callable(f, "f")
    x = check_finite_array(x, "x", ndim=1)
    h = check_positive(h, "h")
    grad = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def difference_errors(f, df, x, hs):
    """Absolute errors of forward and central differences of ``f`` at ``x`` for each step in ``hs``.

    Introduced in chapter 1 for the log-log plot of error against step size.

    Parameters
    ----------
    f : callable
        Function of one real number.
    df : callable
        Its exact derivative.
    x : float
        Point of evaluation.
    hs : array_like
        Positive step sizes.

    Returns
    -------
    forward_errors, central_errors : ndarray
        ``|estimate - df(x)|`` for each ``h``, in the order of ``hs``.
    """
    check_callable(f, "f")
    check_callable(df, "df")
    x = check_finite_scalar(x, "x")
    hs = check_finite_array(hs, "hs", ndim=1)
    if np.any(hs <= 0):
        raise ValueError("hs must contain only step sizes > 0")
    exact = float(df(x))
    forward = np.array([abs(forward_difference(f, x, h) - exact) for h in hs])
    central = np.array([abs(central_difference(f, x, h) - exact) for h in hs])
    return forward, central


def loglog_slope(x, y) -> float:
    """Least-squares slope of ``log y`` against ``log x``: the exponent ``p`` in ``y ~ x**p``.

    Introduced in chapter 1 (the order of a finite difference); used again in chapters 6
    and 7.

    Examples
    --------
    >>> round(loglog_slope([1.0, 10.0, 100.0], [3.0, 300.0, 30000.0]), 12)
    2.0
    """
    x = check_finite_array(x, "x", ndim=1, min_size=2)
    y = check_finite_array(y, "y", ndim=1, min_size=2)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be positive to take logarithms")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])

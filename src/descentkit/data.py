"""Synthetic data sets and train/validation splits. Nothing is downloaded: every data set is
generated from an explicit seed.

Defined in chapter 2 (the roller coaster's speed) and chapter 3 (the linear-regression data of
the reference walk-through).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_finite_scalar, check_int

__all__ = [
    "LinearData",
    "make_linear_data",
    "train_val_split",
    "reference_initial_params",
    "make_roller_coaster",
]


@dataclass(frozen=True)
class LinearData:
    """A data set for ``y = b + w x + noise``, split into training and validation parts.

    Attributes
    ----------
    x, y : ndarray, shape (N,)
        All points, in the order they were drawn.
    x_train, y_train, x_val, y_val : ndarray
        The shuffled split.
    train_idx, val_idx : ndarray of int
        Indices into ``x``/``y`` of the training and validation points.
    true_b, true_w : float
        The parameters the data were drawn from.
    """

    x: np.ndarray
    y: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    train_idx: np.ndarray
    val_idx: np.ndarray
    true_b: float
    true_w: float


def train_val_split(n, train_fraction=0.8):
    """Shuffle ``0..n-1`` with numpy's *global legacy* generator and split it.

    Uses ``np.random.shuffle``, so that, called right after the data are drawn from
    ``np.random.seed(42)``, it reproduces the reference walk-through's split exactly.

    Returns
    -------
    train_idx, val_idx : ndarray of int
        The first ``int(n * train_fraction)`` shuffled indices, and the rest.
    """
    n = check_int(n, "n", minimum=2)
    train_fraction = check_finite_scalar(train_fraction, "train_fraction")
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be strictly between 0 and 1, got {train_fraction}")
    idx = np.arange(n)
    np.random.shuffle(idx)
    cut = int(n * train_fraction)
    if cut == 0 or cut == n:
        raise ValueError(f"train_fraction={train_fraction} leaves an empty split for n={n}")
    return idx[:cut], idx[cut:]


def make_linear_data(
    n=100, true_b=1.0, true_w=2.0, noise=0.1, x_scale=1.0, seed=42, train_fraction=0.8
):
    """Draw ``y = true_b + true_w * x + noise * N(0, 1)`` with ``x ~ U(0, x_scale)``, and split it.

    Introduced in chapter 3. With the defaults it reproduces, number for number, the data of
    the reference walk-through: ``np.random.seed(42)``, then ``x = rand(N)``, the noise
    ``0.1 * randn(N)``, then a shuffled 80/20 split. Those are numpy's *legacy* global
    generator calls, which the reference used; they are re-seeded here, so calling this
    function twice gives the same data.

    Parameters
    ----------
    n : int, default 100
        Number of points, at least 2.
    true_b, true_w : float
        Intercept and slope of the line the data are drawn from.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise (0 for none).
    x_scale : float, default 1.0
        ``x`` is drawn from ``U(0, x_scale)``. Chapter 5's "bad feature" uses 10.
    seed : int, default 42
    train_fraction : float, default 0.8

    Returns
    -------
    LinearData
    """
    n = check_int(n, "n", minimum=2)
    true_b = check_finite_scalar(true_b, "true_b")
    true_w = check_finite_scalar(true_w, "true_w")
    noise = check_finite_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    x_scale = check_finite_scalar(x_scale, "x_scale")
    if x_scale <= 0:
        raise ValueError(f"x_scale must be > 0, got {x_scale}")
    seed = check_int(seed, "seed", minimum=0)
    np.random.seed(seed)
    x = np.random.rand(n, 1) * x_scale
    epsilon = noise * np.random.randn(n, 1)
    y = true_b + true_w * x + epsilon
    train_idx, val_idx = train_val_split(n, train_fraction)
    x, y = x.ravel(), y.ravel()
    return LinearData(
        x=x,
        y=y,
        x_train=x[train_idx],
        y_train=y[train_idx],
        x_val=x[val_idx],
        y_val=y[val_idx],
        train_idx=train_idx,
        val_idx=val_idx,
        true_b=true_b,
        true_w=true_w,
    )


def reference_initial_params(seed=42):
    """The reference walk-through's random start: re-seed, then ``b = randn()``, ``w = randn()``.

    Introduced in chapter 3. Returns ``(b, w)`` as floats: ``(0.4967..., -0.1382...)`` for
    seed 42.
    """
    seed = check_int(seed, "seed", minimum=0)
    np.random.seed(seed)
    b = float(np.random.randn(1)[0])
    w = float(np.random.randn(1)[0])
    return b, w


def make_roller_coaster(num_seconds=20, a=0.75, t_min=9.5, v_min=1.0, noise=3.0, seed=0):
    """Speed of a roller coaster over the top of a hump, measured once a second, with noise.

    Introduced in chapter 2. The speed is the quadratic ``a (t - t_min)^2 + v_min`` in the
    time ``t = 0, 1, ..., num_seconds - 1`` (slowest, ``v_min``, at ``t_min``) plus Gaussian
    noise of standard deviation ``noise``, drawn from ``np.random.default_rng(seed)``.

    Parameters
    ----------
    num_seconds : int, default 20
        Number of measurements, at least 3 (a quadratic has three coefficients).
    a : float, default 0.75
        Curvature of the quadratic.
    t_min, v_min : float
        Time and value of the quadratic's lowest point.
    noise : float, default 3.0
        Standard deviation of the measurement noise, >= 0.
    seed : int, default 0

    Returns
    -------
    t, speed : ndarray, shape (num_seconds,)
    """
    num_seconds = check_int(num_seconds, "num_seconds", minimum=3)
    a = check_finite_scalar(a, "a")
    t_min = check_finite_scalar(t_min, "t_min")
    v_min = check_finite_scalar(v_min, "v_min")
    noise = check_finite_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    t = np.arange(num_seconds, dtype=float)
    speed = a * (t - t_min) ** 2 + v_min + noise * rng.standard_normal(num_seconds)
    return t, speed

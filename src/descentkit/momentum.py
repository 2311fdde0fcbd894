"""Momentum as an average of past gradients, and the theory of momentum on quadratics.

Defined in chapter 7. The optimisers themselves (heavy-ball and Nesterov momentum, with
:class:`torch.optim.SGD`'s conventions) live in :mod:`descentkit.stochastic`; this module
holds the numbers that explain them:

- the weights ``beta**k`` that momentum puts on the gradient of ``k`` steps ago, and the
  effective memory ``1 / (1 - beta)``;
- the best learning rate of gradient descent on a quadratic whose Hessian eigenvalues lie in
  ``[mu, L]``, with convergence factor ``(kappa - 1) / (kappa + 1)``, ``kappa = L / mu``;
- the best heavy-ball learning rate and momentum, with factor
  ``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)``;
- small tools to count steps and fit log-log slopes, and a one-dimensional function with a
  shallow local minimum beside the global one.
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_int, check_positive
from .stochastic import check_momentum

__all__ = [
    "ewma_weights",
    "effective_memory",
    "gd_optimal",
    "heavy_ball_optimal",
    "steps_to_reach",
    "loglog_slope",
    "double_well",
    "double_well_derivative",
]


def ewma_weights(momentum, num_terms):
    """The weights ``beta**k``, ``k = 0 .. num_terms-1``, that momentum gives past gradients.

    Introduced in chapter 7. With ``v_t = beta v_{t-1} + g_t`` and ``v_{-1} = 0``,
    ``v_t = sum_k beta**k g_{t-k}``: the gradient of ``k`` steps ago counts ``beta**k`` times.
    """
    momentum = check_momentum(momentum)
    num_terms = check_int(num_terms, "num_terms", minimum=1)
    return momentum ** np.arange(num_terms)


def effective_memory(momentum) -> float:
    """``1 / (1 - beta)``: the sum of all the weights ``beta**k``.

    Introduced in chapter 7. A constant gradient ``g`` builds the velocity up to
    ``g / (1 - beta)``, so momentum multiplies the step by this factor on a steady slope; it
    is also roughly how many recent gradients the velocity "remembers".
    """
    return 1.0 / (1.0 - check_momentum(momentum))


def _check_mu_l(mu, L):
    mu = check_positive(mu, "mu")
    L = check_positive(L, "L")
    if mu > L:
        raise ValueError(f"mu must be <= L, got mu={mu!r} > L={L!r}")
    return mu, L


def gd_optimal(mu, L):
    """Best fixed learning rate of gradient descent on a quadratic with curvatures in ``[mu, L]``.

    Introduced in chapter 7 (chapter 5 met the rate). Returns ``(lr, factor)`` with
    ``lr = 2 / (mu + L)`` and ``factor = (kappa - 1) / (kappa + 1)``, the amount the error
    is multiplied by per step in the worst direction.
    """
    mu, L = _check_mu_l(mu, L)
    kappa = L / mu
    return 2.0 / (mu + L), (kappa - 1.0) / (kappa + 1.0)


def heavy_ball_optimal(mu, L):
    """Polyak's best heavy-ball parameters for a quadratic with curvatures in ``[mu, L]``.

    Introduced in chapter 7. In :class:`torch.optim.SGD`'s convention (``v <- beta v + g``,
    ``p <- p - lr v``) heavy ball is ``p_{t+1} = p_t - lr g_t + beta (p_t - p_{t-1})``, and
    the best choice is ``lr = 4 / (sqrt(L) + sqrt(mu))**2``,
    ``beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))**2``, which makes the error shrink
    like ``factor**t`` (up to a factor growing linearly in ``t``) with
    ``factor = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)``.

    Returns
    -------
    lr, momentum, factor : float
    """
    mu, L = _check_mu_l(mu, L)
    root = np.sqrt(L / mu)
    factor = (root - 1.0) / (root + 1.0)
    return 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2, factor**2, factor


def steps_to_reach(params, minimum, tol):
    """The first step ``t`` with ``||params[t] - minimum|| <= tol``, or ``-1`` if never.

    Introduced in chapter 7 to count the steps a run needs.
    """
    params = check_finite_array(params, "params")
    minimum = check_finite_array(minimum, "minimum")
    tol = check_positive(tol, "tol")
    if params.ndim == 1:
        params = params[:, None]
    dist = np.linalg.norm(params - minimum.reshape(1, -1), axis=1)
    hits = np.flatnonzero(dist <= tol)
    return int(hits[0]) if hits.size else -1


def loglog_slope(x, y) -> float:
    """Least-squares slope of ``log y`` against ``log x``: the exponent ``p`` in ``y ~ x**p``.

    Introduced in chapter 7 (chapter 1 fits slopes the same way).
    """
    x = check_finite_array(x, "x", ndim=1, min_size=2)
    y = check_finite_array(y, "y", ndim=1, min_size=2)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("x and y must be positive to take logarithms")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def double_well(x):
    """``f(x) = x**4 - 4 x**2 + x``: a shallow local minimum near 1.35, the global one near -1.47.

    Introduced in chapter 7, where gradient descent started on the right gets stuck in the
    shallow minimum and momentum sometimes rolls through. Vectorised over arrays.
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

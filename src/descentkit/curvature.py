"""The theory of descent on quadratics: Hessian eigenvalues, the condition number, the
stable and best learning rates, and Polyak's momentum parameters.

Defined in chapter 4 (eigenvalues of the Hessian and the largest stable learning rate),
chapter 5 (condition number, the best fixed rate) and chapter 7 (the best heavy-ball rate
and momentum).

For a quadratic loss ``L(theta) = L* + 1/2 (theta - theta*)^T H (theta - theta*)`` one step
of gradient descent with learning rate ``lr`` maps the error ``e = theta - theta*`` to
``(I - lr H) e``. Along the eigenvector of ``H`` with eigenvalue ``lam`` the error is
multiplied by ``1 - lr * lam`` each step, so the run converges exactly when
``0 < lr < 2 / lam_max``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_finite_array, check_finite_scalar, check_hessian, check_positive

__all__ = [
    "Curvature",
    "hessian_eigen",
    "curvature",
    "condition_number",
    "max_stable_lr",
    "best_fixed_lr",
    "contraction_factor",
    "classify_lr",
    "predicted_steps",
    "gd_optimal",
    "heavy_ball_optimal",
]


def hessian_eigen(H):
    """Eigenvalues (ascending) and unit eigenvectors (columns) of a symmetric matrix ``H``.

    Introduced in chapter 4. A thin, validated wrapper of :func:`numpy.linalg.eigh`; each
    eigenvector's sign is fixed so that its largest-magnitude entry is positive, so the
    result does not depend on the LAPACK build.

    Parameters
    ----------
    H : array_like, shape (d, d)
        Symmetric and finite; a number is treated as a 1x1 matrix.

    Returns
    -------
    eigenvalues : ndarray, shape (d,)
    eigenvectors : ndarray, shape (d, d)
        ``eigenvectors[:, i]`` goes with ``eigenvalues[i]``.
    """
    H = check_hessian(H)
    values, vectors = np.linalg.eigh(H)
    idx = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[idx, np.arange(vectors.shape[1])])
    return values, vectors * signs


@dataclass(frozen=True)
class Curvature:
    """Summary of a quadratic's curvature (see :func:`curvature`).

    Attributes
    ----------
    hessian : ndarray, shape (d, d)
    eigenvalues : ndarray, shape (d,)
        Ascending: ``eigenvalues[0]`` is the smallest, ``eigenvalues[-1]`` the largest.
    eigenvectors : ndarray, shape (d, d)
        Columns, matching ``eigenvalues``.
    """

    hessian: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray

    @property
    def lam_min(self) -> float:
        """The smallest eigenvalue: the curvature of the flattest direction."""
        return float(self.eigenvalues[0])

    @property
    def lam_max(self) -> float:
        """The largest eigenvalue: the curvature of the steepest direction."""
        return float(self.eigenvalues[-1])

    @property
    def condition_number(self) -> float:
        """``lam_max / lam_min``: 1 for round bowls, large for long narrow valleys."""
        return condition_number(self.hessian)

    @property
    def max_stable_lr(self) -> float:
        """``2 / lam_max``, the learning rate above which gradient descent diverges."""
        return max_stable_lr(self.hessian)

    @property
    def best_fixed_lr(self) -> float:
        """``2 / (lam_min + lam_max)``, the fixed rate with the fastest worst direction."""
        return best_fixed_lr(self.hessian)


def curvature(H) -> Curvature:
    """Eigen-decompose a Hessian and bundle what chapters 4 and 5 read off it.

    Introduced in chapter 4.

    Examples
    --------
    >>> c = curvature([[2.0, 0.0], [0.0, 8.0]])
    >>> c.lam_min, c.lam_max, c.condition_number, c.max_stable_lr
    (2.0, 8.0, 4.0, 0.25)
    """
    values, vectors = hessian_eigen(H)
    return Curvature(hessian=check_hessian(H), eigenvalues=values, eigenvectors=vectors)


def _positive_definite_eigenvalues(H) -> np.ndarray:
    values, _ = hessian_eigen(H)
    if values[0] <= 0:
        raise ValueError(
            f"H must be positive definite (all eigenvalues > 0), "
            f"got smallest eigenvalue {values[0]:.3g}"
        )
    return values


def condition_number(H) -> float:
    """Condition number ``kappa = lam_max / lam_min`` of a symmetric positive definite ``H``.

    Introduced in chapter 5. Raises ``ValueError`` naming ``H`` if ``H`` is not positive
    definite (then the quadratic has no single minimum and ``kappa`` is not defined).
    """
    values = _positive_definite_eigenvalues(H)
    return float(values[-1] / values[0])


def max_stable_lr(H) -> float:
    """The largest rate at which gradient descent on the quadratic converges: ``2 / lam_max``.

    Introduced in chapter 4. For ``lr`` below it every error component shrinks; above it
    the component along the top eigenvector grows by ``|1 - lr lam_max| > 1`` per step.
    """
    values, _ = hessian_eigen(H)
    if values[0] < 0:
        raise ValueError(
            f"H must be positive semi-definite, got the eigenvalue {values[0]:.3g} < 0: along "
            f"that direction the quadratic has no minimum and gradient descent moves away "
            f"for every learning rate, so no rate is stable"
        )
    if values[-1] == 0:
        raise ValueError("H must have a positive largest eigenvalue, got H = 0")
    return float(2.0 / values[-1])


def best_fixed_lr(H) -> float:
    """The fixed learning rate ``2 / (lam_min + lam_max)`` that makes the slowest direction fastest.

    Introduced in chapter 5. At this rate the two extreme directions shrink by the same
    factor, ``(kappa - 1) / (kappa + 1)``, in size (with opposite signs).
    """
    values = _positive_definite_eigenvalues(H)
    return gd_optimal(values[0], values[-1])[0]


def contraction_factor(lr, curvature_value):
    """The factor ``1 - lr * curvature`` that one gradient step multiplies the error by.

    Introduced in chapter 4. Works on arrays of curvatures (e.g. all eigenvalues).
    """
    lr = check_positive(lr, "lr")
    lam = check_finite_array(curvature_value, "curvature_value")
    result = 1.0 - lr * lam
    return float(result) if result.ndim == 0 else result


def classify_lr(lr, curvature_value) -> str:
    """Say in words what gradient descent does along a direction of the given curvature.

    Introduced in chapter 4. With ``r = 1 - lr * curvature``:

    - ``0 < r < 1``: ``"converges from one side"``
    - ``r == 0``: ``"converges in one step"``
    - ``-1 < r < 0``: ``"overshoots, converges"``
    - ``r == -1``: ``"oscillates forever"``
    - ``r < -1``: ``"diverges"``

    Equalities are tested with a relative tolerance of 1e-12.
    """
    lam = check_positive(curvature_value, "curvature_value")
    r = contraction_factor(lr, lam)
    eps = 1e-12
    if abs(r) <= eps:
        return "converges in one step"
    if abs(r + 1) <= eps:
        return "oscillates forever"
    if r > 0:
        return "converges from one side"
    if r > -1:
        return "overshoots, converges"
    return "diverges"


def predicted_steps(lr, curvature_value, initial_error, tol):
    """Steps gradient descent needs on a 1-D quadratic until ``|x_t - x*| < tol``; None if never.

    Introduced in chapter 4. The error after ``t`` steps is ``|e_0| |r|^t`` with
    ``r = 1 - lr * curvature``, so the answer is the smallest whole ``t`` with
    ``|e_0| |r|^t < tol``: 0 if already there, 1 if ``r = 0``, None if ``|r| >= 1``.
    """
    lam = check_positive(curvature_value, "curvature_value")
    e0 = abs(check_finite_scalar(initial_error, "initial_error"))
    tol = check_positive(tol, "tol")
    r = abs(contraction_factor(lr, lam))
    if e0 < tol:
        return 0
    if r <= 1e-12:
        return 1
    if r >= 1:
        return None
    return int(np.floor(np.log(tol / e0) / np.log(r))) + 1


def _check_mu_l(mu, L):
    mu = check_positive(mu, "mu")
    L = check_positive(L, "L")
    if mu > L:
        raise ValueError(f"mu must be <= L, got mu={mu!r} > L={L!r}")
    return mu, L


def gd_optimal(mu, L):
    """Best fixed rate of gradient descent on a quadratic with curvatures in ``[mu, L]``.

    Introduced in chapter 5 (as :func:`best_fixed_lr`) and chapter 7. Returns
    ``(lr, factor)`` with ``lr = 2 / (mu + L)`` and ``factor = (kappa - 1) / (kappa + 1)``,
    ``kappa = L / mu``: the amount the error shrinks by per step in the worst direction.

    Examples
    --------
    >>> gd_optimal(1.0, 3.0)
    (0.5, 0.5)
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

    Examples
    --------
    >>> heavy_ball_optimal(1.0, 9.0)
    (0.25, 0.25, 0.5)
    """
    mu, L = _check_mu_l(mu, L)
    root = np.sqrt(L / mu)
    factor = float((root - 1.0) / (root + 1.0))
    return float(4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2), factor**2, factor

"""Gradient descent that records where it went and says when it diverged.

Defined in chapter 1 (Derivatives and the idea of descent); later chapters add
stochastic and momentum variants that return the same :class:`Trajectory`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import check_callable, check_finite_array, check_int, check_positive

__all__ = ["Trajectory", "DivergenceError", "gradient_descent"]

#: Status values a :class:`Trajectory` can have.
COMPLETED, CONVERGED, DIVERGED = "completed", "converged", "diverged"


class DivergenceError(ArithmeticError):
    """Raised by an optimiser called with ``on_divergence="raise"`` when the iterates blow up."""


@dataclass(frozen=True)
class Trajectory:
    """The record of one optimisation run.

    Attributes
    ----------
    params : ndarray, shape (num_steps + 1, ...)
        The starting point followed by the point after each step. Always finite: a step
        that would leave the finite numbers is not recorded.
    losses : ndarray or None, shape (num_steps + 1,)
        The function value at each recorded point, when a function was given.
    lr : float
        The learning rate used.
    status : {"completed", "converged", "diverged"}
        ``"completed"`` ran every step asked for; ``"converged"`` stopped early because the
        gradient norm fell below the tolerance; ``"diverged"`` stopped because the iterates
        grew past the divergence threshold or stopped being finite numbers.
    message : str
        One sentence saying what happened, in words.
    """

    params: np.ndarray
    losses: np.ndarray | None
    lr: float
    status: str
    message: str
    extra: dict = field(default_factory=dict)

    @property
    def num_steps(self) -> int:
        """How many steps were taken (recorded points minus the start)."""
        return len(self.params) - 1

    @property
    def diverged(self) -> bool:
        """True if the run stopped because it blew up."""
        return self.status == DIVERGED

    @property
    def converged(self) -> bool:
        """True if the run stopped early because the gradient became small enough."""
        return self.status == CONVERGED

    @property
    def final(self):
        """The last recorded point (a float for one-dimensional problems)."""
        last = self.params[-1]
        return float(last) if np.ndim(last) == 0 else last

    def __repr__(self) -> str:
        return (
            f"Trajectory(status={self.status!r}, num_steps={self.num_steps}, lr={self.lr:g}, "
            f"final={np.round(self.final, 6)!r})"
        )


def gradient_descent(
    grad,
    x0,
    lr,
    num_steps,
    *,
    f=None,
    tol=None,
    divergence_threshold=1e10,
    on_divergence="stop",
) -> Trajectory:
    """Run plain gradient descent ``x <- x - lr * grad(x)`` and record every point.

    Introduced in chapter 1.

    Parameters
    ----------
    grad : callable
        Returns the gradient at a point: a number for a function of one variable, or an
        array shaped like ``x0``.
    x0 : float or array_like
        Starting point; must be finite.
    lr : float
        Learning rate (step size) ``eta > 0``.
    num_steps : int
        Most steps to take, at least 1.
    f : callable, optional
        The function being minimised; when given, its value at every point is recorded.
    tol : float, optional
        Stop early (status ``"converged"``) once the gradient norm falls below ``tol``.
    divergence_threshold : float, default 1e10
        The run counts as diverged once any coordinate's magnitude exceeds this.
    on_divergence : {"stop", "raise"}, default "stop"
        ``"stop"`` returns the trajectory so far with ``status="diverged"``;
        ``"raise"`` raises :class:`DivergenceError`.

    Returns
    -------
    Trajectory
        Points, function values, and a status saying whether the run completed,
        converged or diverged.

    Examples
    --------
    >>> run = gradient_descent(lambda x: 2 * x - 4, x0=7.0, lr=0.1, num_steps=50)
    >>> round(run.final, 4)
    2.0001
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f, "f")
    scalar = np.ndim(x0) == 0
    x = check_finite_array(x0, "x0")
    lr = check_positive(lr, "lr")
    num_steps = check_int(num_steps, "num_steps", minimum=1)
    if tol is not None:
        tol = check_positive(tol, "tol")
    divergence_threshold = check_positive(divergence_threshold, "divergence_threshold")
    if on_divergence not in ("stop", "raise"):
        raise ValueError(f"on_divergence must be 'stop' or 'raise', got {on_divergence!r}")

    def value(point):
        return float(f(point.item() if scalar else point.copy()))

    def gradient(point):
        g = np.asarray(grad(point.item() if scalar else point.copy()), dtype=float)
        if g.shape != point.shape:
            raise ValueError(f"grad must return an array of shape {point.shape}, got shape {g.shape}")
        return g

    points = [x.copy()]
    losses = [value(x)] if f is not None else None
    status, message = COMPLETED, f"ran all {num_steps} steps"
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, num_steps + 1):
            g = gradient(x)
            if tol is not None and np.all(np.isfinite(g)) and np.linalg.norm(g) < tol:
                status = CONVERGED
                message = f"converged after {step - 1} steps: gradient norm below tol={tol:g}"
                break
            new_x = x - lr * g
            new_loss = value(new_x) if (f is not None and np.all(np.isfinite(new_x))) else None
            blew_up = (
                not np.all(np.isfinite(new_x))
                or np.max(np.abs(new_x)) > divergence_threshold
                or (f is not None and (new_loss is None or not np.isfinite(new_loss)))
            )
            if blew_up:
                status = DIVERGED
                message = (
                    f"diverged at step {step}: the iterate grew past {divergence_threshold:g} "
                    f"(learning rate {lr:g} is too large for this function)"
                )
                break
            x = new_x
            points.append(x.copy())
            if losses is not None:
                losses.append(new_loss)
    if status == DIVERGED and on_divergence == "raise":
        raise DivergenceError(message)
    params = np.array(points)
    if scalar:
        params = params.reshape(-1)
    return Trajectory(
        params=params,
        losses=None if losses is None else np.array(losses),
        lr=lr,
        status=status,
        message=message,
    )

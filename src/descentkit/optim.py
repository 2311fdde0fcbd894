"""Gradient descent that records where it went and says when it diverged.

Defined in chapter 1 (Derivatives and the idea of descent); later chapters add
stochastic and momentum variants that return the same :class:`Trajectory`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .validation import check_callable, check_finite_array, check_finite_scalar, check_int, check_positive

__all__ = ["Trajectory", "DivergenceError", "gradient_descent", "run_to_tolerance"]

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
        gradient norm fell below the tolerance (for :func:`run_to_tolerance`: because its
        stopping rule was met); ``"diverged"`` stopped because the iterates
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
            f"final={np.round(self.final, 6).tolist()!r})"
        )


def _evaluators(grad, f, scalar):
    """``gradient(point)`` and ``value(point)`` calling the user's ``grad`` and ``f`` with a
    float for one-dimensional problems and a copy of the array otherwise; ``value`` is None
    when ``f`` is."""

    def arg(point):
        return point.item() if scalar else point.copy()

    def gradient(point):
        g = np.asarray(grad(arg(point)), dtype=float)
        if g.shape != point.shape:
            raise ValueError(f"grad must return an array of shape {point.shape}, got shape {g.shape}")
        return g

    def value(point):
        return float(f(arg(point)))

    return gradient, (value if f is not None else None)


def _try_point(new_x, value, divergence_threshold):
    """``(blew_up, loss)`` for a proposed point: it blew up if it, or the loss there, is not
    finite, or a coordinate exceeds the threshold. ``loss`` is None without a function."""
    finite = bool(np.all(np.isfinite(new_x)))
    loss = value(new_x) if (value is not None and finite) else None
    blew_up = (not finite or np.max(np.abs(new_x)) > divergence_threshold
               or (value is not None and (loss is None or not np.isfinite(loss))))
    return blew_up, loss


def _trajectory(points, losses, scalar, **fields):
    """Pack recorded points and losses into a :class:`Trajectory`."""
    params = np.array(points)
    if scalar:
        params = params.reshape(-1)
    return Trajectory(params=params, losses=None if losses is None else np.array(losses), **fields)


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

    gradient, value = _evaluators(grad, f, scalar)
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
            blew_up, new_loss = _try_point(new_x, value, divergence_threshold)
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
    return _trajectory(points, losses, scalar, lr=lr, status=status, message=message)


def run_to_tolerance(
    grad,
    x0,
    lr,
    *,
    minimum=None,
    f=None,
    f_min=None,
    tol=1e-6,
    max_steps=10_000,
    divergence_threshold=1e10,
) -> Trajectory:
    """Gradient descent that stops as soon as it is close enough, and counts the steps.

    Introduced in chapter 4, to measure *how many steps* a learning rate needs. The run
    stops at the first point that meets the stopping rule, chosen by what is known:

    - ``minimum`` given: the distance ``||x - minimum|| < tol``;
    - else ``f`` and ``f_min`` given: the excess loss ``f(x) - f_min < tol``;
    - else: the gradient norm ``||grad(x)|| < tol``.

    Parameters
    ----------
    grad : callable
        The gradient, as for :func:`gradient_descent`.
    x0 : float or array_like
        Starting point.
    lr : float or callable
        A fixed learning rate, or a learning-rate schedule ``lr(t)`` giving the rate of
        step ``t = 0, 1, ...`` (see :mod:`descentkit.lr`).
    minimum : float or array_like, optional
        The known minimiser.
    f : callable, optional
        The function; when given its values are recorded.
    f_min : float, optional
        The known minimum value of ``f`` (needs ``f``).
    tol : float, default 1e-6
    max_steps : int, default 10000
        Give up (status ``"completed"``) after this many steps.
    divergence_threshold : float, default 1e10
        Status ``"diverged"`` once a coordinate's magnitude exceeds this.

    Returns
    -------
    Trajectory
        ``status`` is ``"converged"`` (then ``num_steps`` is the number of steps needed),
        ``"diverged"`` or ``"completed"`` (never got close enough). ``extra["lrs"]`` holds
        the rate used at each step.

    Examples
    --------
    >>> run = run_to_tolerance(lambda x: 2 * x - 4, 7.0, lr=0.25, minimum=2.0, tol=1e-6)
    >>> run.status, run.num_steps
    ('converged', 23)
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f, "f")
    scalar = np.ndim(x0) == 0
    x = check_finite_array(x0, "x0")
    if callable(lr):
        schedule = lr
        lr0 = check_positive(schedule(0), "lr(0)")
    else:
        lr0 = check_positive(lr, "lr")
        schedule = None
    tol = check_positive(tol, "tol")
    max_steps = check_int(max_steps, "max_steps", minimum=1)
    divergence_threshold = check_positive(divergence_threshold, "divergence_threshold")
    if minimum is not None:
        minimum = check_finite_array(minimum, "minimum")
        if minimum.shape != x.shape:
            raise ValueError(f"minimum must have the shape of x0, {x.shape}, got {minimum.shape}")
    if f_min is not None:
        if f is None:
            raise ValueError("f_min needs f: give the function whose minimum value f_min is")
        f_min = check_finite_scalar(f_min, "f_min")

    gradient, value = _evaluators(grad, f, scalar)

    def close_enough(point, loss, g):
        if minimum is not None:
            return np.linalg.norm(point - minimum) < tol
        if f_min is not None:
            return loss - f_min < tol
        return np.linalg.norm(g) < tol

    points = [x.copy()]
    losses = [value(x)] if f is not None else None
    rates = []
    g = gradient(x)
    status, message = COMPLETED, f"not within tol={tol:g} after max_steps={max_steps} steps"
    if close_enough(x, losses[-1] if losses else None, g):
        status, message = CONVERGED, f"converged after 0 steps: already within tol={tol:g}"
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            for step in range(max_steps):
                rate = lr0 if schedule is None else check_positive(schedule(step), f"lr({step})")
                new_x = x - rate * g
                blew_up, new_loss = _try_point(new_x, value, divergence_threshold)
                if blew_up:
                    status = DIVERGED
                    message = (f"diverged at step {step + 1}: the iterate grew past "
                               f"{divergence_threshold:g}")
                    break
                x = new_x
                rates.append(rate)
                points.append(x.copy())
                if losses is not None:
                    losses.append(new_loss)
                g = gradient(x)
                if close_enough(x, new_loss, g):
                    status, message = CONVERGED, f"converged after {step + 1} steps: within tol={tol:g}"
                    break
    return _trajectory(points, losses, scalar, lr=lr0, status=status, message=message,
                       extra={"lrs": np.array(rates)})

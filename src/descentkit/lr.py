"""Choosing and changing the learning rate: the learning-rate finder and learning-rate schedules.

Defined in chapter 4. A *learning-rate finder* makes one short run in which the rate grows
exponentially at every step and records the loss; the curve of loss against rate suggests a
good rate. A *learning-rate schedule* is a function ``lr(t)`` giving the rate of step ``t``;
:func:`descentkit.optim.run_to_tolerance` accepts one in place of a fixed rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_callable, check_finite_array, check_finite_scalar, check_int, check_positive

__all__ = [
    "LRFinderResult",
    "exponential_rates",
    "lr_finder",
    "suggest_lr",
    "StepDecay",
    "ExponentialDecay",
]


def exponential_rates(lr_min, lr_max, num_steps):
    """``num_steps`` rates growing by the same factor each step from ``lr_min`` to ``lr_max``.

    Introduced in chapter 4: ``lr_k = lr_min (lr_max / lr_min)^(k / (num_steps - 1))``.
    """
    lr_min = check_positive(lr_min, "lr_min")
    lr_max = check_positive(lr_max, "lr_max")
    num_steps = check_int(num_steps, "num_steps", minimum=2)
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be greater than lr_min={lr_min:g}, got {lr_max:g}")
    return np.geomspace(lr_min, lr_max, num_steps)


@dataclass(frozen=True)
class LRFinderResult:
    """What :func:`lr_finder` recorded.

    Attributes
    ----------
    lrs : ndarray, shape (k,)
        The rate of each step taken.
    losses : ndarray, shape (k,)
        The loss right after each of those steps.
    initial_loss : float
        The loss at the starting point.
    stopped_early : bool
        True if the run stopped because the loss blew up before the last planned rate.
    """

    lrs: np.ndarray
    losses: np.ndarray
    initial_loss: float
    stopped_early: bool


def lr_finder(grad, f, x0, *, lr_min=1e-4, lr_max=10.0, num_steps=100, stop_factor=4.0):
    """Run the learning-rate finder: one step per rate, rates growing exponentially.

    Introduced in chapter 4. Starting at ``x0``, step ``k`` moves ``x <- x - lr_k grad(x)``
    with ``lr_k`` from :func:`exponential_rates` and records ``f(x)``. The run continues from
    wherever the previous step left it (it is one run, not many), and stops early once the
    loss exceeds ``stop_factor`` times the best loss so far or stops being finite.

    Parameters
    ----------
    grad, f : callable
        Gradient and loss, each taking a point shaped like ``x0``.
    x0 : float or array_like
    lr_min, lr_max : float
        First and last rate, ``0 < lr_min < lr_max``.
    num_steps : int, default 100
    stop_factor : float, default 4.0
        Must be > 1.

    Returns
    -------
    LRFinderResult
    """
    check_callable(grad, "grad")
    check_callable(f, "f")
    scalar = np.ndim(x0) == 0
    x = check_finite_array(x0, "x0")
    lrs = exponential_rates(lr_min, lr_max, num_steps)
    stop_factor = check_positive(stop_factor, "stop_factor")
    if stop_factor <= 1:
        raise ValueError(f"stop_factor must be > 1, got {stop_factor:g}")

    def arg(point):
        return point.item() if scalar else point.copy()

    initial = float(f(arg(x)))
    best = initial
    used, losses = [], []
    stopped = False
    with np.errstate(over="ignore", invalid="ignore"):
        for rate in lrs:
            g = np.asarray(grad(arg(x)), dtype=float)
            x = x - rate * g
            loss = float(f(arg(x))) if np.all(np.isfinite(x)) else np.inf
            if not np.isfinite(loss):
                stopped = True
                break
            used.append(rate)
            losses.append(loss)
            best = min(best, loss)
            if loss > stop_factor * best:
                stopped = True
                break
    return LRFinderResult(lrs=np.array(used), losses=np.array(losses), initial_loss=initial,
                          stopped_early=stopped)


def suggest_lr(result, rule="steepest"):
    """Read a rate off a learning-rate finder's curve by a rule of thumb.

    Introduced in chapter 4.

    Parameters
    ----------
    result : LRFinderResult
    rule : {"steepest", "min/10"}
        ``"steepest"``: the rate where the loss falls fastest per factor of rate (the most
        negative slope of log-loss against log-rate). ``"min/10"``: a tenth of the rate with
        the lowest loss, a safety margin below the edge of divergence.

    Returns
    -------
    float
    """
    if not isinstance(result, LRFinderResult):
        raise ValueError(f"result must be an LRFinderResult, got {type(result).__name__}")
    if result.lrs.size < 3:
        raise ValueError(f"result must hold at least 3 steps to read a slope, got {result.lrs.size}")
    if rule == "min/10":
        return float(result.lrs[np.argmin(result.losses)] / 10)
    if rule == "steepest":
        positive = np.maximum(result.losses, np.finfo(float).tiny)
        slopes = np.gradient(np.log(positive), np.log(result.lrs))
        return float(result.lrs[np.argmin(slopes)])
    raise ValueError(f"rule must be 'steepest' or 'min/10', got {rule!r}")


class StepDecay:
    """Learning-rate schedule that multiplies the rate by ``factor`` every ``every`` steps.

    Introduced in chapter 4: ``lr(t) = lr0 * factor ** (t // every)``.

    Examples
    --------
    >>> schedule = StepDecay(0.4, factor=0.5, every=10)
    >>> schedule(0), schedule(9), schedule(10), schedule(25)
    (0.4, 0.4, 0.2, 0.1)
    """

    def __init__(self, lr0, factor=0.5, every=10):
        self.lr0 = check_positive(lr0, "lr0")
        self.factor = check_finite_scalar(factor, "factor")
        if not 0 < self.factor < 1:
            raise ValueError(f"factor must be strictly between 0 and 1, got {self.factor:g}")
        self.every = check_int(every, "every", minimum=1)

    def __call__(self, step):
        step = check_int(step, "step", minimum=0)
        return self.lr0 * self.factor ** (step // self.every)

    def __repr__(self):
        return f"StepDecay(lr0={self.lr0:g}, factor={self.factor:g}, every={self.every})"


class ExponentialDecay:
    """Learning-rate schedule ``lr(t) = lr0 * gamma ** t``: the rate shrinks a little every step.

    Introduced in chapter 4.

    Examples
    --------
    >>> schedule = ExponentialDecay(1.0, gamma=0.5)
    >>> [schedule(t) for t in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(self, lr0, gamma=0.99):
        self.lr0 = check_positive(lr0, "lr0")
        self.gamma = check_finite_scalar(gamma, "gamma")
        if not 0 < self.gamma <= 1:
            raise ValueError(f"gamma must be in (0, 1], got {self.gamma:g}")

    def __call__(self, step):
        step = check_int(step, "step", minimum=0)
        return self.lr0 * self.gamma**step

    def __repr__(self):
        return f"ExponentialDecay(lr0={self.lr0:g}, gamma={self.gamma:g})"

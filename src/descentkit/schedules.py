"""Choosing and changing the learning rate: learning-rate schedules and the finder.

Defined in chapter 4 (step and exponential decay, the learning-rate finder), chapter 6
(inverse-time decay) and chapter 8 (linear warm-up, cosine decay).

A *learning-rate schedule* is one protocol for every optimiser: any callable
``schedule(t) -> rate`` giving the (positive) rate of step ``t = 0, 1, ...``.
:func:`descentkit.optim.descend`, and every wrapper of it, takes a schedule wherever it
takes a fixed rate, and records the rate of every step in ``Trajectory.lrs``. The classes
below are such callables, each with a readable ``repr``; a plain ``lambda t: ...`` works too.

A *learning-rate finder* makes one short run in which the rate grows exponentially at
every step and records the loss; the curve of loss against rate suggests a good rate. It
is a run of the same engine, with the rates of :class:`Exponential` as its schedule and a
stopping rule that ends it once the loss blows up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import (
    check_callable,
    check_finite_scalar,
    check_fraction,
    check_int,
    check_positive,
)

__all__ = [
    "LRFinderResult",
    "exponential_rates",
    "lr_finder",
    "suggest_lr",
    "StepDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LinearWarmup",
    "CosineDecay",
    "rates_of",
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
    loss exceeds ``stop_factor`` times the best loss so far or stops being finite. It is
    :func:`descentkit.optim.descend` with those rates as its schedule and
    :class:`descentkit.optim.LossBlowUp` as its stopping rule.

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
    from .optim import LossBlowUp, descend  # the engine imports this module

    check_callable(f, "f")
    rates = exponential_rates(lr_min, lr_max, num_steps)
    stop_factor = check_positive(stop_factor, "stop_factor")
    if stop_factor <= 1:
        raise ValueError(f"stop_factor must be > 1, got {stop_factor:g}")
    run = descend(
        grad, x0, lambda t: rates[t], num_steps=num_steps, f=f, stop=LossBlowUp(stop_factor)
    )
    return LRFinderResult(
        lrs=run.lrs,
        losses=run.losses[1:],
        initial_loss=float(run.losses[0]),
        stopped_early=run.status != "completed",
    )


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
        raise TypeError(f"result must be an LRFinderResult, got {type(result).__name__}")
    if result.lrs.size < 3:
        raise ValueError(
            f"result must hold at least 3 steps to read a slope, got {result.lrs.size}"
        )
    if rule == "min/10":
        return float(result.lrs[np.argmin(result.losses)] / 10)
    if rule == "steepest":
        if np.any(result.losses <= 0):
            raise ValueError(
                "rule='steepest' reads the slope of log(loss), which needs "
                "positive losses; this run has a loss <= 0: use rule='min/10'"
            )
        slopes = np.gradient(np.log(result.losses), np.log(result.lrs))
        return float(result.lrs[np.argmin(slopes)])
    raise ValueError(f"rule must be 'steepest' or 'min/10', got {rule!r}")


class Schedule:
    """Base class of the schedules: ``schedule(t)`` is the rate of step ``t = 0, 1, ...``."""

    def __call__(self, step):
        return self._rate(check_int(step, "step", minimum=0))

    def _rate(self, step):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v:g}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class StepDecay(Schedule):
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

    def _rate(self, step):
        return self.lr0 * self.factor ** (step // self.every)


class ExponentialDecay(Schedule):
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

    def _rate(self, step):
        return self.lr0 * self.gamma**step


class InverseTimeDecay(Schedule):
    """Schedule ``lr(t) = lr0 / (1 + decay * t)``.

    Introduced in chapter 6: a rate that decays like ``1/t`` shrinks SGD's noise ball.

    Examples
    --------
    >>> InverseTimeDecay(0.1, decay=0.5)(2)
    0.05
    """

    def __init__(self, lr0, decay):
        self.lr0 = check_positive(lr0, "lr0")
        self.decay = check_finite_scalar(decay, "decay")
        if self.decay < 0:
            raise ValueError(f"decay must be >= 0, got {self.decay!r}")

    def _rate(self, step):
        return self.lr0 / (1.0 + self.decay * step)


class LinearWarmup(Schedule):
    """Linear warm-up from ``start_factor * lr0`` to ``lr0`` over ``warmup_steps`` steps.

    Introduced in chapter 8; :class:`torch.optim.lr_scheduler.LinearLR` with
    ``end_factor=1`` and ``total_iters=warmup_steps``:
    ``lr(t) = lr0 * (start_factor + (1 - start_factor) * min(t, warmup_steps) / warmup_steps)``.
    Optionally hands over to ``then``, a schedule started at step ``warmup_steps``.
    """

    def __init__(self, lr0, warmup_steps, start_factor=1.0 / 3, then=None):
        self.lr0 = check_positive(lr0, "lr0")
        self.warmup_steps = check_int(warmup_steps, "warmup_steps", minimum=1)
        self.start_factor = check_fraction(start_factor, "start_factor", closed="right")
        self.then = None if then is None else check_callable(then, "then")

    def _rate(self, step):
        if self.then is not None and step >= self.warmup_steps:
            return self.then(step - self.warmup_steps)
        frac = min(step, self.warmup_steps) / self.warmup_steps
        return self.lr0 * (self.start_factor + (1.0 - self.start_factor) * frac)

    def __repr__(self):
        then = "" if self.then is None else f", then={self.then!r}"
        return (
            f"LinearWarmup(lr0={self.lr0:g}, warmup_steps={self.warmup_steps}, "
            f"start_factor={self.start_factor:g}{then})"
        )


class CosineDecay(Schedule):
    """Cosine decay from ``lr0`` to ``lr_min`` over ``num_steps`` steps, then ``lr_min``.

    Introduced in chapter 8; :class:`torch.optim.lr_scheduler.CosineAnnealingLR` with
    ``T_max=num_steps`` and ``eta_min=lr_min``, for ``t <= num_steps``:
    ``lr(t) = lr_min + (lr0 - lr_min) (1 + cos(pi t / num_steps)) / 2``.
    """

    def __init__(self, lr0, num_steps, lr_min=0.0):
        self.lr0 = check_positive(lr0, "lr0")
        self.num_steps = check_int(num_steps, "num_steps", minimum=1)
        self.lr_min = check_finite_scalar(lr_min, "lr_min")
        if not 0 <= self.lr_min < self.lr0:
            raise ValueError(f"lr_min must be in [0, lr0={self.lr0:g}), got {self.lr_min!r}")

    def _rate(self, step):
        t = min(step, self.num_steps)
        return self.lr_min + (self.lr0 - self.lr_min) * (1 + np.cos(np.pi * t / self.num_steps)) / 2


def rates_of(lr, num_steps):
    """The rates ``lr(0), ..., lr(num_steps - 1)`` of a schedule (or a fixed rate repeated)."""
    num_steps = check_int(num_steps, "num_steps", minimum=1)
    if callable(lr):
        return np.array([lr(t) for t in range(num_steps)], dtype=float)
    return np.full(num_steps, check_positive(lr, "lr"))

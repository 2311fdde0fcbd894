"""Fair comparisons of optimisers: each at its own tuned rate, the same budget, several seeds.

Defined in chapter 8 (the race of every optimiser of the course) and used again in
chapter 9. A comparison is only fair if every method gets the same chance, so:

1. every method is tuned on the same grid of learning rates, on *tuning* seeds;
2. it is then measured at its best rate on *fresh* seeds, never seen while tuning;
3. a run that diverges or never stays within the tolerance counts as ``inf`` steps, so
   failures are visible in the medians instead of being dropped.

The score of one run is any function ``score(rule, lr, seed) -> steps``; :func:`steps_or_inf`
turns a run and its step count into that number.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .validation import check_callable, check_finite_array

__all__ = ["RaceResult", "steps_or_inf", "tune_rate", "race"]


class RaceResult(NamedTuple):
    """One method's result: its tuned rate, the tuning medians per rate, the fresh runs."""

    lr: float
    medians: np.ndarray
    steps: np.ndarray

    @property
    def median(self) -> float:
        """Median steps over the fresh seeds (``inf`` if half of them failed)."""
        return float(np.median(self.steps))

    @property
    def fails(self) -> int:
        """How many fresh runs never stayed within the tolerance."""
        return int(np.sum(~np.isfinite(self.steps)))

    @property
    def tuned(self) -> bool:
        """False if no rate of the grid succeeded on the tuning seeds."""
        return bool(np.isfinite(self.medians).any())


def steps_or_inf(run, steps) -> float:
    """``steps`` as a float, or ``inf`` if the run diverged or never stayed within tolerance.

    Introduced in chapter 8. ``steps`` is what :func:`descentkit.optim.steps_to_tolerance`
    (or ``Trajectory.steps_within``) returned for ``run``.

    Examples
    --------
    >>> from descentkit.optim import gradient_descent
    >>> run = gradient_descent(lambda x: 2 * x, 1.0, 0.25, 40)
    >>> steps_or_inf(run, run.steps_within(1e-6, minimum=0.0))
    20.0
    """
    return float("inf") if run.diverged or steps is None else float(steps)


def tune_rate(score, rule, rates, seeds):
    """The rate of ``rates`` with the lowest median score over ``seeds``, and every median.

    Introduced in chapter 8. Ties go to the smaller rate (the safer one); if every rate
    fails, the best rate is ``nan``.
    """
    check_callable(score, "score")
    rates = check_finite_array(rates, "rates", ndim=1)
    if len(seeds) == 0:
        raise ValueError("seeds must hold at least one seed")
    medians = np.array([np.median([score(rule, lr, s) for s in seeds]) for lr in rates])
    best = float(rates[np.argmin(medians)]) if np.isfinite(medians).any() else float("nan")
    return best, medians


def race(score, rules, rates, tune_seeds, test_seeds):
    """Tune every rule on ``tune_seeds``, then run it at its best rate on ``test_seeds``.

    Introduced in chapter 8.

    Parameters
    ----------
    score : callable
        ``score(rule, lr, seed) -> steps``, ``inf`` for a failed run (see :func:`steps_or_inf`).
    rules : dict
        Name -> update rule (:mod:`descentkit.rules`).
    rates : array_like
        The grid of learning rates every rule is tuned on.
    tune_seeds, test_seeds : sequences of int
        Disjoint: a method is never measured on the seeds it was tuned on.

    Returns
    -------
    dict
        Name -> :class:`RaceResult`; an untuned method's fresh runs are all ``inf``.
    """
    if set(tune_seeds) & set(test_seeds):
        raise ValueError(
            "tune_seeds and test_seeds must be disjoint: a method must not be "
            "measured on the seeds it was tuned on"
        )
    results = {}
    for name, rule in rules.items():
        lr, medians = tune_rate(score, rule, rates, tune_seeds)
        steps = (
            np.array([score(rule, lr, s) for s in test_seeds], dtype=float)
            if np.isfinite(lr)
            else np.full(len(test_seeds), np.inf)
        )
        results[name] = RaceResult(lr, medians, steps)
    return results

"""The one descent loop of the course, and the record it returns.

Defined in chapter 1, where the loop is first written out in three lines; every later
chapter runs the same loop, :func:`descend`, with other parts plugged in:

- an **update rule** (:mod:`descentkit.rules`: the plain gradient step, heavy ball,
  Nesterov, AdaGrad, RMSProp, Adam), which turns a gradient into a move;
- a **gradient source**: the full gradient ``grad(x)``, or mini-batches
  (:class:`descentkit.stochastic.MiniBatches`, or any list of epochs of batches), for which
  the gradient is ``grad(x, batch)``;
- a **learning rate**: a number, or a schedule ``lr(t)`` (:mod:`descentkit.schedules`);
- a **stopping rule**: :class:`Tolerance` (the run has *converged* once its error is below
  a tolerance and *stays* there) or :class:`LossBlowUp` (the learning-rate finder's rule);
- **divergence detection**, written once: a step that leaves the finite numbers or grows
  past ``divergence_threshold`` is not taken, and the run says so.

It returns one :class:`Trajectory`. Numbers and arrays work alike: with a number for
``x0`` the gradient receives and returns numbers, and ``Trajectory.params`` is 1-D.

:func:`gradient_descent`, :func:`momentum_descent`, :func:`minibatch_sgd` and
:func:`run_to_tolerance` are one-line conveniences that call :func:`descend`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rules import GradientStep, HeavyBall, Nesterov, Rule
from .validation import (
    check_callable,
    check_choice,
    check_finite_array,
    check_finite_scalar,
    check_int,
    check_positive,
)

__all__ = [
    "Trajectory",
    "DivergenceError",
    "Tolerance",
    "LossBlowUp",
    "descend",
    "steps_to_tolerance",
    "gradient_descent",
    "momentum_descent",
    "minibatch_sgd",
    "run_to_tolerance",
    "run_until_shrunk",
]

#: Status values a :class:`Trajectory` can have.
COMPLETED, CONVERGED, DIVERGED, STOPPED = "completed", "converged", "diverged", "stopped"


class DivergenceError(ArithmeticError):
    """Raised by a run with ``on_divergence="raise"`` when the iterates blow up."""


def steps_to_tolerance(errors, tol):
    """The first step from which a run stays within ``tol``, or None if it ends outside.

    Introduced in chapter 4; chapter 7 shows why "stays" matters. ``errors[t]`` is the
    run's error after ``t`` steps (a distance to the minimum, an excess loss, a gradient
    norm). The answer is the smallest ``t`` with ``errors[s] < tol`` for *every* recorded
    ``s >= t``: a run that dips below the tolerance and swings back out (as momentum does)
    has not converged at the dip. ``None`` when the last error is not below ``tol``.

    Examples
    --------
    >>> steps_to_tolerance([5.0, 0.5, 2.0, 0.4, 0.1], tol=1.0)
    3
    >>> steps_to_tolerance([5.0, 0.5, 2.0], tol=1.0) is None
    True
    """
    errors = check_finite_array(errors, "errors", ndim=1)
    tol = check_positive(tol, "tol")
    outside = np.flatnonzero(~(errors < tol))
    if outside.size and outside[-1] == errors.size - 1:
        return None
    return int(outside[-1] + 1) if outside.size else 0


@dataclass(frozen=True)
class Tolerance:
    """Stopping rule: the run has converged once its error is below ``tol`` and stays there.

    Introduced in chapter 4. The error is chosen by what is known:

    - ``minimum`` given: the distance ``||x - minimum||``;
    - else ``f_min`` given: the excess loss ``f(x) - f_min`` (the run needs ``f``);
    - else: the gradient norm ``||grad(x)||`` (full-batch runs only).

    ``patience`` is how many consecutive points within ``tol`` end the run early; ``None``
    (the default) never ends it early, so "stays" is checked over the whole budget. Early
    stopping is exact whenever the error cannot grow again, as for gradient descent on a
    convex quadratic with a stable rate (every eigen-component of the error shrinks at every
    step, chapter 4); for momentum, whose error swings, leave ``patience=None``.
    The step count is :attr:`Trajectory.converged_at` (see :func:`steps_to_tolerance`).
    """

    tol: float = 1e-6
    minimum: object = None
    f_min: float | None = None
    patience: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "tol", check_positive(self.tol, "tol"))
        if self.minimum is not None:
            object.__setattr__(self, "minimum", check_finite_array(self.minimum, "minimum"))
        if self.f_min is not None:
            object.__setattr__(self, "f_min", check_finite_scalar(self.f_min, "f_min"))
        if self.patience is not None:
            object.__setattr__(self, "patience", check_int(self.patience, "patience", minimum=1))

    @property
    def needs_gradient(self) -> bool:
        return self.minimum is None and self.f_min is None

    def error(self, x, loss, g):
        """The error of point ``x`` (with loss ``loss`` and gradient ``g``)."""
        if self.minimum is not None:
            return float(np.linalg.norm(x - self.minimum))
        if self.f_min is not None:
            return loss - self.f_min
        return float(np.linalg.norm(g))

    def describe(self) -> str:
        what = (
            "distance to the minimum"
            if self.minimum is not None
            else "excess loss"
            if self.f_min is not None
            else "gradient norm"
        )
        return f"{what} below tol={self.tol:g}"


@dataclass(frozen=True)
class LossBlowUp:
    """Stopping rule of the learning-rate finder: stop once the loss exceeds ``factor`` times
    the lowest loss seen so far (the starting loss included).

    Introduced in chapter 4. The point whose loss blew up is recorded, then the run stops.
    For losses that can be zero or negative the rule reads "the loss rose above the lowest
    by more than ``factor - 1`` times its size", ``loss - best > (factor - 1) |best|``, which
    is the same test for a positive ``best``.
    """

    factor: float = 4.0
    needs_gradient = False

    def __post_init__(self):
        factor = check_positive(self.factor, "factor")
        if factor <= 1:
            raise ValueError(f"factor must be > 1, got {factor:g}")
        object.__setattr__(self, "factor", factor)


@dataclass(frozen=True)
class Trajectory:
    """The record of one run of :func:`descend`.

    Attributes
    ----------
    params : ndarray, shape (num_steps + 1, ...)
        The starting point followed by the point after each step. Always finite: a step
        that would leave the finite numbers is not recorded. 1-D for a scalar problem.
    losses : ndarray, shape (num_steps + 1,), or None
        The loss ``f`` at each recorded point, when ``f`` was given.
    lrs : ndarray, shape (num_steps,)
        The learning rate of each step taken.
    status : {"completed", "converged", "diverged", "stopped"}
        ``"converged"``: a :class:`Tolerance` was given and the run ended within it (and
        stayed within it from ``converged_at`` on); ``"diverged"``: a step blew up;
        ``"stopped"``: another stopping rule ended the run; ``"completed"``: the budget of
        steps or batches ran out otherwise.
    message : str
        One sentence saying what happened, in words.
    converged_at : int or None
        With a :class:`Tolerance`: the first step from which the run stayed within it
        (:func:`steps_to_tolerance`), or None.
    rule : Rule
        The update rule used.
    state : dict
        The rule's state after the last step (e.g. ``state["velocity"]`` for momentum).
    epochs : ndarray of int, shape (num_steps,), or None
        For mini-batch runs: the epoch of each step.
    batch_sizes : ndarray of int, shape (num_steps,), or None
        For mini-batch runs: the number of examples in each step's batch.
    """

    params: np.ndarray
    losses: np.ndarray | None
    lrs: np.ndarray
    status: str
    message: str
    converged_at: int | None = None
    rule: Rule | None = None
    state: dict | None = None
    epochs: np.ndarray | None = None
    batch_sizes: np.ndarray | None = None

    @property
    def num_steps(self) -> int:
        """How many steps were taken (recorded points minus the start)."""
        return len(self.params) - 1

    @property
    def lr(self) -> float:
        """The learning rate of the first step (the rate, for a fixed rate)."""
        return float(self.lrs[0]) if self.lrs.size else float("nan")

    @property
    def diverged(self) -> bool:
        """True if the run stopped because it blew up."""
        return self.status == DIVERGED

    @property
    def converged(self) -> bool:
        """True if the run ended within its tolerance, having stayed there from ``converged_at``."""
        return self.status == CONVERGED

    @property
    def final(self):
        """The last recorded point (a float for one-dimensional problems)."""
        last = self.params[-1]
        return float(last) if np.ndim(last) == 0 else last

    @property
    def grad_evals(self) -> np.ndarray | None:
        """For mini-batch runs: per-example gradients computed up to each point (0 first)."""
        if self.batch_sizes is None:
            return None
        return np.concatenate([[0], np.cumsum(self.batch_sizes)])

    def errors(self, *, minimum=None, f_min=None) -> np.ndarray:
        """The distance of every point to ``minimum``, or the excess loss ``losses - f_min``."""
        if (minimum is None) == (f_min is None):
            raise ValueError("give exactly one of minimum and f_min")
        if f_min is not None:
            if self.losses is None:
                raise ValueError("f_min needs recorded losses: run with f=...")
            return self.losses - check_finite_scalar(f_min, "f_min")
        minimum = check_finite_array(minimum, "minimum")
        diff = self.params - minimum
        return (
            np.abs(diff) if diff.ndim == 1 else np.linalg.norm(diff.reshape(len(diff), -1), axis=1)
        )

    def steps_within(self, tol, *, minimum=None, f_min=None):
        """The first step from which the run stays within ``tol`` of ``minimum`` (distance) or
        of ``f_min`` (excess loss); None if it ends outside. See :func:`steps_to_tolerance`."""
        return steps_to_tolerance(self.errors(minimum=minimum, f_min=f_min), tol)

    def __repr__(self) -> str:
        return (
            f"Trajectory(status={self.status!r}, num_steps={self.num_steps}, "
            f"lr={self.lr:g}, final={np.round(self.final, 6).tolist()!r})"
        )


def _batch_plan(batches, num_steps):
    """``(epoch, batch)`` pairs: ``num_steps`` full-batch steps, or the given epochs of batches."""
    if batches is None:
        return ((0, None) for _ in range(num_steps)), False
    if hasattr(batches, "epochs"):
        batches = batches.epochs()
    try:
        epochs = iter(batches)
    except TypeError:
        raise TypeError(
            f"batches must be a sequence of epochs of batches, got {type(batches).__name__}"
        ) from None

    def pairs():
        count = 0
        for epoch, epoch_batches in enumerate(epochs):
            for batch in epoch_batches:
                if num_steps is not None and count >= num_steps:
                    return
                count += 1
                yield epoch, batch

    return pairs(), True


def descend(
    grad,
    x0,
    lr,
    *,
    rule=None,
    num_steps=None,
    batches=None,
    f=None,
    stop=None,
    divergence_threshold=1e10,
    on_divergence="stop",
) -> Trajectory:
    """Run gradient-based descent and record every point: the one loop of descentkit.

    Introduced in chapter 1. Each step takes the gradient at the current point (on the
    step's batch), asks the rule for the move, and records the new point; it ends when the
    steps or batches run out, the stopping rule says so, or a step blows up.

    Parameters
    ----------
    grad : callable
        Full batch: ``grad(x)``. With ``batches``: ``grad(x, batch)``, the gradient on one
        batch (whatever the batches hold, usually an index array). Returns a number for a
        scalar ``x0``, else an array shaped like ``x0``.
    x0 : float or array_like
        Starting point; must be finite.
    lr : float or callable
        A fixed learning rate ``> 0``, or a schedule ``lr(t)`` for step ``t = 0, 1, ...``.
    rule : Rule, optional
        The update rule (:mod:`descentkit.rules`); default the plain gradient step.
    num_steps : int, optional
        The most steps to take. Required without ``batches``; with them, a cap.
    batches : MiniBatches or sequence of sequences, optional
        ``batches[e]`` is the list of batches of epoch ``e``; one step per batch.
    f : callable, optional
        The loss ``f(x)`` to record at every point (for mini-batches, the full loss).
    stop : Tolerance or LossBlowUp, optional
        When to stop early, and what "converged" means.
    divergence_threshold : float, default 1e10
        A step whose point has a coordinate larger than this in magnitude, or a non-finite
        point or loss, counts as divergence and is not taken.
    on_divergence : {"stop", "raise"}, default "stop"
        ``"stop"`` returns the record so far with status ``"diverged"``; ``"raise"``
        raises :class:`DivergenceError`.

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from descentkit.rules import HeavyBall
    >>> run = descend(lambda x: 2 * x - 4, 7.0, 0.1, num_steps=200, rule=HeavyBall(0.5))
    >>> round(run.final, 6), run.status
    (2.0, 'completed')
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f, "f")
    rule = GradientStep() if rule is None else rule
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be an update rule from descentkit.rules, got {rule!r}")
    schedule = check_callable(lr, "lr") if callable(lr) else None
    fixed_lr = None if schedule else check_positive(lr, "lr")
    scalar = np.ndim(x0) == 0
    x = check_finite_array(x0, "x0")
    if batches is None and num_steps is None:
        raise ValueError("num_steps is required for a full-batch run (no batches given)")
    if num_steps is not None:
        num_steps = check_int(num_steps, "num_steps", minimum=1)
    if stop is not None and not isinstance(stop, (Tolerance, LossBlowUp)):
        raise TypeError(f"stop must be a Tolerance or LossBlowUp, got {stop!r}")
    if isinstance(stop, Tolerance):
        if stop.needs_gradient and batches is not None:
            raise ValueError(
                "a gradient-norm Tolerance needs full-batch gradients: "
                "give minimum= or f_min= for a mini-batch run"
            )
        if stop.f_min is not None and f is None:
            raise ValueError("Tolerance(f_min=...) needs f: give the loss whose minimum is f_min")
        if stop.minimum is not None and stop.minimum.shape != x.shape:
            raise ValueError(
                f"Tolerance's minimum must have the shape of x0, {x.shape}, "
                f"got {stop.minimum.shape}"
            )
    if isinstance(stop, LossBlowUp) and f is None:
        raise ValueError("LossBlowUp needs f: give the loss to watch")
    divergence_threshold = check_positive(divergence_threshold, "divergence_threshold")
    check_choice(on_divergence, "on_divergence", ("stop", "raise"))
    plan, minibatch = _batch_plan(batches, num_steps)

    def arg(point):
        return point.item() if scalar else point.copy()

    def gradient(point, batch):
        g = np.asarray(grad(arg(point)) if not minibatch else grad(arg(point), batch), dtype=float)
        if g.shape != point.shape:
            raise ValueError(
                f"grad must return an array of shape {point.shape}, got shape {g.shape}"
            )
        return g

    def value(point):
        return float(f(arg(point))) if f is not None else None

    points, losses, rates, epochs, sizes, errors = [x.copy()], [value(x)], [], [], [], []
    state = rule.init(x)
    best = losses[0]
    status, message, step = COMPLETED, None, 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch, batch in plan:
            g = gradient(x, batch)
            if not np.isfinite(g).all():
                status = DIVERGED
                message = (
                    f"stopped at step {step + 1}: grad returned a value that is not a "
                    f"finite number (NaN or inf) at a finite point; check the gradient "
                    f"function (the learning rate plays no part in this)"
                )
                break
            if isinstance(stop, Tolerance):
                errors.append(stop.error(x, losses[-1], g))
                if (
                    stop.patience
                    and len(errors) >= stop.patience
                    and all(e < stop.tol for e in errors[-stop.patience :])
                ):
                    break
            rate = fixed_lr if schedule is None else check_positive(schedule(step), f"lr({step})")
            new_x, new_state = rule.step(x, g, rate, state)
            new_x = np.asarray(new_x, dtype=float)
            # one reduction checks both: a NaN or inf entry fails "<= threshold" too
            blew_up = not np.abs(new_x).max() <= divergence_threshold
            new_loss = None if blew_up else value(new_x)
            if blew_up or (new_loss is not None and not np.isfinite(new_loss)):
                status = DIVERGED
                message = (
                    f"diverged at step {step + 1}: the iterate grew past "
                    f"{divergence_threshold:g} (learning rate {rate:g} is too large "
                    f"for {rule.name} here)"
                )
                break
            x, state = new_x, new_state
            points.append(x.copy())
            losses.append(new_loss)
            rates.append(rate)
            epochs.append(epoch)
            sizes.append(len(batch) if hasattr(batch, "__len__") else 1)
            step += 1
            if isinstance(stop, LossBlowUp):
                if new_loss - best > (stop.factor - 1) * abs(best):
                    status = STOPPED
                    message = (
                        f"stopped at step {step}: the loss {new_loss:.3g} exceeds "
                        f"{stop.factor:g} times the lowest so far, {best:.3g}"
                    )
                    break
                best = min(best, new_loss)
    if status == DIVERGED and on_divergence == "raise":
        raise DivergenceError(message)
    converged_at = None
    if isinstance(stop, Tolerance) and status != DIVERGED:
        if len(errors) < len(points):
            g_last = gradient(x, None) if stop.needs_gradient else None
            errors.append(stop.error(x, losses[-1], g_last))
        errors = errors[: len(points)]
        if errors and np.isfinite(errors[-1]) and errors[-1] < stop.tol:
            converged_at = steps_to_tolerance(errors, stop.tol)
        if converged_at is not None:
            status = CONVERGED
            message = (
                f"converged: within tol after {converged_at} steps and stayed there "
                f"to step {step} ({stop.describe()})"
            )
    if message is None:
        where = f" ({epochs[-1] + 1} epochs)" if minibatch and epochs else ""
        message = f"ran all {step} steps{where}"
        if isinstance(stop, Tolerance):
            message = f"not within tol={stop.tol:g} after {step} steps ({stop.describe()})"
    params = np.array(points)
    if scalar:
        params = params.reshape(-1)
    return Trajectory(
        params=params,
        losses=None if f is None else np.array(losses, dtype=float),
        lrs=np.array(rates, dtype=float),
        status=status,
        message=message,
        converged_at=converged_at,
        rule=rule,
        state=state,
        epochs=np.array(epochs, dtype=int) if minibatch else None,
        batch_sizes=np.array(sizes, dtype=int) if minibatch else None,
    )


def gradient_descent(grad, x0, lr, num_steps, *, f=None, tol=None, **options) -> Trajectory:
    """Plain gradient descent ``x <- x - lr * grad(x)``, recording every point.

    Introduced in chapter 1, after the three-line loop it packages. ``tol`` stops the run
    once the gradient norm falls below it. Other keywords go to :func:`descend`.

    Examples
    --------
    >>> run = gradient_descent(lambda x: 2 * x - 4, x0=7.0, lr=0.1, num_steps=50)
    >>> round(run.final, 4)
    2.0001
    """
    if "rule" in options:
        raise TypeError(
            "gradient_descent takes no rule: it is the plain gradient step; "
            "use descend(..., rule=...) for another update rule"
        )
    stop = None if tol is None else Tolerance(tol, patience=1)
    return descend(grad, x0, lr, num_steps=num_steps, f=f, stop=stop, **options)


def momentum_descent(grad, x0, lr, num_steps, *, momentum=0.9, nesterov=False, **options):
    """Full-gradient descent with heavy-ball (or Nesterov) momentum.

    Introduced in chapter 7. ``momentum=0`` is plain gradient descent, number for number.
    Other keywords go to :func:`descend`.

    Examples
    --------
    >>> run = momentum_descent(lambda x: 2 * x, x0=1.0, lr=0.1, num_steps=200, momentum=0.5)
    >>> bool(abs(run.final) < 1e-10)
    True
    """
    rule = Nesterov(momentum) if nesterov else HeavyBall(momentum)
    return descend(grad, x0, lr, num_steps=num_steps, rule=rule, **options)


def minibatch_sgd(
    grad,
    x0,
    lr,
    *,
    num_samples,
    batch_size,
    num_epochs,
    seed=0,
    shuffle=True,
    replacement=False,
    batch_order=None,
    rule=None,
    **options,
) -> Trajectory:
    """Mini-batch stochastic gradient descent over seeded batches (see :class:`MiniBatches`).

    Introduced in chapter 6. ``grad(x, idx)`` is the gradient on the examples ``idx``.
    ``batch_size=1`` is stochastic gradient descent in the strict sense,
    ``batch_size=num_samples`` batch gradient descent. ``batch_order`` replays a given
    order (e.g. a PyTorch ``DataLoader``'s). Other keywords go to :func:`descend`.
    """
    from .stochastic import MiniBatches

    batches = MiniBatches(
        num_samples,
        batch_size,
        num_epochs=num_epochs,
        seed=seed,
        shuffle=shuffle,
        replacement=replacement,
        order=batch_order,
    )
    return descend(grad, x0, lr, batches=batches, rule=rule, **options)


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
    patience=None,
    **options,
) -> Trajectory:
    """Descend until the run is within ``tol`` and stays there, and count the steps.

    Introduced in chapter 4, to measure how many steps a learning rate needs:
    ``run.converged_at`` (see :class:`Tolerance` for the error used and ``patience``).
    Other keywords go to :func:`descend`.

    Examples
    --------
    >>> run = run_to_tolerance(lambda x: 2 * x - 4, 7.0, lr=0.25, minimum=2.0, tol=1e-6,
    ...                        max_steps=100)
    >>> run.status, run.converged_at
    ('converged', 23)
    """
    stop = Tolerance(tol, minimum=minimum, f_min=f_min, patience=patience)
    return descend(grad, x0, lr, num_steps=max_steps, f=f, stop=stop, **options)


def run_until_shrunk(grad, x0, lr, *, minimum, shrink=1e6, max_steps=5_000, **options):
    """Descend until the distance to ``minimum`` has shrunk ``shrink``-fold and stays so.

    Introduced in chapter 5, whose step counts (and chapter 7's) use this rule so that
    problems whose starts lie at different distances from their minima compare fairly:
    :func:`run_to_tolerance` with the *relative* tolerance
    ``tol = ||x0 - minimum|| / shrink``. Other keywords go to :func:`run_to_tolerance`.

    Examples
    --------
    >>> run = run_until_shrunk(lambda x: 2 * x - 4, 7.0, lr=0.25, minimum=2.0)
    >>> run.status, run.converged_at  # 5 * 0.5**t < 5e-6 first at t = 20
    ('converged', 20)
    """
    shrink = check_positive(shrink, "shrink")
    start = check_finite_array(x0, "x0")
    minimum = check_finite_array(minimum, "minimum")
    if start.shape != minimum.shape:
        raise ValueError(
            f"minimum must have the shape of x0, {start.shape}, got {minimum.shape}"
        )
    distance = float(np.linalg.norm(start - minimum))
    if distance == 0:
        raise ValueError("x0 is the minimum already: there is no distance to shrink")
    return run_to_tolerance(
        grad, x0, lr, minimum=minimum, tol=distance / shrink, max_steps=max_steps, **options
    )

"""Stochastic, mini-batch and momentum gradient descent, all with one interface.

Defined in chapter 6 (mini-batches with seeded shuffling, stochastic gradient descent) and
chapter 7 (heavy-ball momentum and Nesterov momentum). Every optimiser here returns a
:class:`descentkit.optim.Trajectory`, like :func:`descentkit.optim.gradient_descent`.

The update follows the conventions of :class:`torch.optim.SGD` with ``dampening=0``, so the
two give the same numbers step for step. With gradient ``g_t`` at the current point
``p_t``, momentum ``beta`` and learning rate ``eta``::

    v_t     = beta * v_{t-1} + g_t          (v_0 = g_0: the velocity starts at zero)
    p_{t+1} = p_t - eta * v_t               (heavy-ball momentum)
    p_{t+1} = p_t - eta * (g_t + beta v_t)  (Nesterov momentum)

``beta = 0`` gives plain (stochastic) gradient descent.
"""

from __future__ import annotations

import numpy as np

from .validation import check_callable, check_finite_array, check_finite_scalar, check_int, check_positive
from .data import _check_xy
from .optim import COMPLETED, CONVERGED, DIVERGED, DivergenceError, Trajectory

__all__ = [
    "check_momentum",
    "epoch_batches",
    "shuffled_batches",
    "sgd",
    "momentum_descent",
    "minibatch_sgd",
    "linreg_batch_gradient",
    "linreg_loss",
    "inverse_time_decay",
    "distance_to",
]


def check_momentum(momentum) -> float:
    """Return ``momentum`` as a float, raising ``ValueError`` unless ``0 <= momentum < 1``."""
    momentum = check_finite_scalar(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    return momentum


def epoch_batches(num_samples, batch_size, *, rng=None, shuffle=True):
    """Split ``0 .. num_samples-1`` into consecutive mini-batches for one epoch.

    Introduced in chapter 6. With ``shuffle=True`` the indices are permuted by ``rng``
    first; the last batch is smaller when ``batch_size`` does not divide ``num_samples``
    (as in PyTorch's ``DataLoader`` with ``drop_last=False``).

    Parameters
    ----------
    num_samples : int
        Size of the training set, at least 1.
    batch_size : int
        Between 1 and ``num_samples``.
    rng : numpy.random.Generator, optional
        Required when ``shuffle=True``.
    shuffle : bool, default True

    Returns
    -------
    list of ndarray of int
        The batches; together they hold every index exactly once.
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=num_samples)
    order = np.arange(num_samples)
    if shuffle:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(f"rng must be a numpy.random.Generator when shuffle=True, got {rng!r}")
        order = rng.permutation(num_samples)
    return [order[i:i + batch_size] for i in range(0, num_samples, batch_size)]


def shuffled_batches(num_samples, batch_size, num_epochs, *, seed=0, shuffle=True):
    """Mini-batches for ``num_epochs`` epochs, reshuffled at the start of every epoch.

    Introduced in chapter 6. One generator, ``np.random.default_rng(seed)``, draws all the
    permutations, so the same seed always gives the same batch order.

    Returns
    -------
    list of list of ndarray of int
        ``batches[e]`` is the list of mini-batches of epoch ``e``.
    """
    num_epochs = check_int(num_epochs, "num_epochs", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    return [epoch_batches(num_samples, batch_size, rng=rng, shuffle=shuffle) for _ in range(num_epochs)]


def inverse_time_decay(lr, decay):
    """Learning-rate schedule ``eta_t = lr / (1 + decay * t)`` for step ``t = 0, 1, ...``.

    Introduced in chapter 6: a rate that decays like ``1/t`` shrinks SGD's noise ball.
    Returns a callable ``schedule(step) -> rate`` for :func:`sgd`'s ``lr_schedule``.
    """
    lr = check_positive(lr, "lr")
    decay = check_finite_scalar(decay, "decay")
    if decay < 0:
        raise ValueError(f"decay must be >= 0, got {decay!r}")
    return lambda step: lr / (1.0 + decay * step)


def sgd(grad, x0, lr, batches, *, momentum=0.0, nesterov=False, f=None, lr_schedule=None,
        tol=None, divergence_threshold=1e10, on_divergence="stop") -> Trajectory:
    """The common engine: gradient steps, with optional momentum, over a given batch order.

    Introduced in chapter 6, extended with momentum in chapter 7. :func:`minibatch_sgd`
    and :func:`momentum_descent` are thin wrappers around it.

    Parameters
    ----------
    grad : callable
        ``grad(x, batch)`` returns the gradient at ``x`` (an array shaped like ``x0``)
        computed on ``batch`` (whatever the entries of ``batches`` hold, e.g. an index
        array; ``None`` for a full gradient).
    x0 : array_like
        Starting point; must be finite.
    lr : float
        Learning rate ``eta > 0`` (the rate at step 0 when ``lr_schedule`` is given).
    batches : sequence of sequences
        ``batches[e]`` is the list of batches of epoch ``e``; one step per batch.
    momentum : float, default 0
        ``beta`` in ``[0, 1)``; 0 is plain gradient descent.
    nesterov : bool, default False
        Use Nesterov's update ``p <- p - eta (g + beta v)`` (needs ``momentum > 0``).
    f : callable, optional
        ``f(x)``, the loss to record after every step (usually the full training loss).
    lr_schedule : callable, optional
        ``lr_schedule(step)`` gives the rate for step ``0, 1, ...``; must be positive.
    tol : float, optional
        Stop (status ``"converged"``) once the gradient norm falls below ``tol``.
    divergence_threshold : float, default 1e10
    on_divergence : {"stop", "raise"}, default "stop"

    Returns
    -------
    Trajectory
        ``params`` and ``losses`` after every step; ``extra`` holds ``epoch`` (the epoch of
        each step), ``batch_size`` (the size of each step's batch, when batches have a
        length), ``lrs`` (the rate used at each step), ``momentum``, ``nesterov`` and the
        final ``velocity``.
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f, "f")
    if lr_schedule is not None:
        check_callable(lr_schedule, "lr_schedule")
    x = check_finite_array(x0, "x0")
    lr = check_positive(lr, "lr")
    momentum = check_momentum(momentum)
    if not isinstance(nesterov, (bool, np.bool_)):
        raise ValueError(f"nesterov must be True or False, got {nesterov!r}")
    if nesterov and momentum == 0:
        raise ValueError("nesterov=True needs momentum > 0, got momentum=0")
    if tol is not None:
        tol = check_positive(tol, "tol")
    divergence_threshold = check_positive(divergence_threshold, "divergence_threshold")
    if on_divergence not in ("stop", "raise"):
        raise ValueError(f"on_divergence must be 'stop' or 'raise', got {on_divergence!r}")
    if len(batches) == 0:
        raise ValueError("batches must hold at least one epoch, got an empty sequence")

    def gradient(point, batch):
        g = np.asarray(grad(point.copy(), batch), dtype=float)
        if g.shape != point.shape:
            raise ValueError(f"grad must return an array of shape {point.shape}, got shape {g.shape}")
        return g

    points = [x.copy()]
    losses = [float(f(x.copy()))] if f is not None else None
    epochs, sizes, lrs = [], [], []
    velocity = np.zeros_like(x)
    step = 0
    status, message = COMPLETED, None
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch, epoch_list in enumerate(batches):
            for batch in epoch_list:
                rate = lr if lr_schedule is None else check_positive(lr_schedule(step), "lr_schedule(step)")
                g = gradient(x, batch)
                if tol is not None and np.all(np.isfinite(g)) and np.linalg.norm(g) < tol:
                    status = CONVERGED
                    message = f"converged after {step} steps: gradient norm below tol={tol:g}"
                    break
                if momentum == 0:
                    new_velocity = direction = g
                else:
                    new_velocity = momentum * velocity + g
                    direction = g + momentum * new_velocity if nesterov else new_velocity
                new_x = x - rate * direction
                # one reduction checks both: a NaN or inf entry fails "<= threshold" too
                inside = np.abs(new_x).max() <= divergence_threshold
                new_loss = float(f(new_x.copy())) if (f is not None and inside) else None
                if not inside or (f is not None and not np.isfinite(new_loss)):
                    status = DIVERGED
                    message = (f"diverged at step {step + 1}: the iterate grew past "
                               f"{divergence_threshold:g} (learning rate {rate:g}, momentum "
                               f"{momentum:g} is too aggressive here)")
                    break
                x, velocity = new_x, new_velocity
                points.append(x.copy())
                if losses is not None:
                    losses.append(new_loss)
                epochs.append(epoch)
                sizes.append(len(batch) if hasattr(batch, "__len__") else -1)
                lrs.append(rate)
                step += 1
            if status != COMPLETED:
                break
    if status == COMPLETED:
        message = f"ran all {step} steps ({len(batches)} epochs)"
    if status == DIVERGED and on_divergence == "raise":
        raise DivergenceError(message)
    return Trajectory(
        params=np.array(points),
        losses=None if losses is None else np.array(losses),
        lr=lr,
        status=status,
        message=message,
        extra={
            "epoch": np.array(epochs, dtype=int),
            "batch_size": np.array(sizes, dtype=int),
            "lrs": np.array(lrs, dtype=float),
            "momentum": momentum,
            "nesterov": bool(nesterov),
            "velocity": velocity,
        },
    )


def momentum_descent(grad, x0, lr, num_steps, *, momentum=0.9, nesterov=False, f=None, tol=None,
                     divergence_threshold=1e10, on_divergence="stop") -> Trajectory:
    """Full-gradient descent with heavy-ball or Nesterov momentum.

    Introduced in chapter 7. ``grad(x)`` takes only the point. ``momentum=0`` is plain
    gradient descent (the same numbers as :func:`descentkit.optim.gradient_descent`).
    See :func:`sgd` for the other parameters and the returned :class:`Trajectory`.

    Examples
    --------
    >>> run = momentum_descent(lambda x: 2 * x, x0=[1.0], lr=0.1, num_steps=200, momentum=0.5)
    >>> bool(abs(run.final[0]) < 1e-10)
    True
    """
    check_callable(grad, "grad")
    num_steps = check_int(num_steps, "num_steps", minimum=1)
    return sgd(lambda x, _batch: grad(x), x0, lr, [[None]] * num_steps, momentum=momentum,
               nesterov=nesterov, f=f, tol=tol, divergence_threshold=divergence_threshold,
               on_divergence=on_divergence)


def minibatch_sgd(grad, x0, lr, *, num_samples, batch_size, num_epochs, seed=0, shuffle=True,
                  batch_order=None, momentum=0.0, nesterov=False, f=None, lr_schedule=None,
                  divergence_threshold=1e10, on_divergence="stop") -> Trajectory:
    """Mini-batch stochastic gradient descent (optionally with momentum), reshuffling every epoch.

    Introduced in chapter 6. ``batch_size=1`` is stochastic gradient descent in the strict
    sense, ``batch_size=num_samples`` is batch gradient descent.

    Parameters
    ----------
    grad : callable
        ``grad(x, idx)``: the gradient of the loss on the examples with indices ``idx``.
    x0, lr : see :func:`sgd`
    num_samples : int
        Size of the training set.
    batch_size : int
        Between 1 and ``num_samples``.
    num_epochs : int
        Passes over the training set, at least 1.
    seed : int, default 0
        Seeds the shuffling (:func:`shuffled_batches`).
    shuffle : bool, default True
    batch_order : list of list of index arrays, optional
        Use exactly this batch order instead of drawing one (e.g. the order a PyTorch
        ``DataLoader`` produced); ``batch_size``, ``num_epochs`` and ``seed`` are then only
        checked, and every batch must have at most ``batch_size`` valid indices.
    momentum, nesterov, f, lr_schedule, divergence_threshold, on_divergence : see :func:`sgd`

    Returns
    -------
    Trajectory
        As for :func:`sgd`; ``extra["grad_evals"]`` counts the per-example gradients
        computed up to each recorded point (0 at the start).
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=num_samples)
    num_epochs = check_int(num_epochs, "num_epochs", minimum=1)
    if batch_order is None:
        batch_order = shuffled_batches(num_samples, batch_size, num_epochs, seed=seed, shuffle=shuffle)
    else:
        checked = []
        for epoch in batch_order:
            epoch_list = []
            for idx in epoch:
                idx = np.asarray(idx)
                if (idx.ndim != 1 or idx.size == 0 or idx.size > batch_size
                        or not np.issubdtype(idx.dtype, np.integer)
                        or idx.min() < 0 or idx.max() >= num_samples):
                    raise ValueError(f"batch_order must hold 1-D integer index arrays of 1 to {batch_size} "
                                     f"indices in [0, {num_samples}), got {idx!r}")
                epoch_list.append(idx)
            checked.append(epoch_list)
        batch_order = checked
    run = sgd(grad, x0, lr, batch_order, momentum=momentum, nesterov=nesterov, f=f,
              lr_schedule=lr_schedule, divergence_threshold=divergence_threshold,
              on_divergence=on_divergence)
    run.extra["grad_evals"] = np.concatenate([[0], np.cumsum(run.extra["batch_size"])])
    run.extra["num_samples"] = num_samples
    return run


def linreg_batch_gradient(x, y):
    """Return ``grad(theta, idx)``: the MSE gradient of ``b + w x`` on the examples ``idx``.

    Introduced in chapter 6. ``theta = (b, w)``; ``idx=None`` uses every example. The
    result equals :func:`descentkit.linreg.mse_gradient` on ``x[idx], y[idx]`` (tested),
    without re-validating the data at every step.
    """
    x, y = _check_xy(x, y)

    def grad(theta, idx=None):
        xb, yb = (x, y) if idx is None else (x[idx], y[idx])
        error = theta[0] + theta[1] * xb - yb
        return (2.0 / error.size) * np.array([error.sum(), xb @ error])

    return grad


def linreg_loss(x, y):
    """Return ``loss(theta)``: the MSE of ``b + w x`` on all of ``(x, y)``, for recording.

    Introduced in chapter 6. Equals :func:`descentkit.linreg.mse` (tested).
    """
    x, y = _check_xy(x, y)

    def loss(theta):
        error = theta[0] + theta[1] * x - y
        return float(error @ error) / error.size

    return loss


def distance_to(run, minimum, *, from_epoch=0):
    """Root-mean-square distance of a run's points from ``minimum``, from epoch ``from_epoch`` on.

    Introduced in chapter 6 to measure SGD's *noise ball*: with a constant learning rate the
    iterates do not settle at the minimum but keep moving around it, and this is the size of
    the cloud they move in. Points are taken after every step of epochs ``from_epoch, ...``
    (``run.extra["epoch"]`` must be there, as in every run of :func:`sgd`).

    Returns
    -------
    float
        ``sqrt(mean ||theta_t - minimum||^2)`` over the chosen steps.
    """
    minimum = check_finite_array(minimum, "minimum")
    epochs = np.asarray(run.extra.get("epoch", []))
    from_epoch = check_int(from_epoch, "from_epoch", minimum=0)
    keep = epochs >= from_epoch
    if not np.any(keep):
        raise ValueError(f"from_epoch={from_epoch} leaves no steps: the run has {epochs.max(initial=-1) + 1} epochs")
    points = run.params[1:][keep]
    if points.shape[1:] != minimum.shape:
        raise ValueError(f"minimum must have shape {points.shape[1:]}, got {minimum.shape}")
    return float(np.sqrt(np.mean(np.sum((points - minimum) ** 2, axis=tuple(range(1, points.ndim))))))

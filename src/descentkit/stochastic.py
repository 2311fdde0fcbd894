"""Mini-batches, the gradient source of stochastic gradient descent, and the noise ball.

Defined in chapter 6. The loop that uses them is :func:`descentkit.optim.descend` (pass
``batches=MiniBatches(...)``); the update rules, momentum included, are in
:mod:`descentkit.rules`. This module says only *which examples* each step sees:

- :func:`epoch_batches`: one epoch's batches, a seeded permutation cut into pieces (as a
  PyTorch ``DataLoader`` with ``shuffle=True, drop_last=False`` does);
- :class:`MiniBatches`: the batches of every epoch, reshuffled each epoch from one seed,
  or drawn with replacement, or replayed from a given order;
- :func:`distance_to`: the size of the cloud a constant-rate run keeps moving in.
"""

from __future__ import annotations

import numpy as np

from .validation import check_finite_array, check_int

__all__ = ["epoch_batches", "shuffled_batches", "MiniBatches", "distance_to"]


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

    Examples
    --------
    >>> [b.tolist() for b in epoch_batches(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=num_samples)
    order = np.arange(num_samples)
    if shuffle:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator when shuffle=True, got {rng!r}")
        order = rng.permutation(num_samples)
    return [order[i : i + batch_size] for i in range(0, num_samples, batch_size)]


def shuffled_batches(num_samples, batch_size, num_epochs, *, seed=0, shuffle=True):
    """Mini-batches for ``num_epochs`` epochs, reshuffled at the start of every epoch.

    Introduced in chapter 6; the same as ``MiniBatches(...).epochs()``.

    Returns
    -------
    list of list of ndarray of int
        ``batches[e]`` is the list of mini-batches of epoch ``e``.
    """
    return MiniBatches(
        num_samples, batch_size, num_epochs=num_epochs, seed=seed, shuffle=shuffle
    ).epochs()


class MiniBatches:
    """The gradient source of mini-batch SGD: which examples each step sees, epoch by epoch.

    Introduced in chapter 6. Pass it to :func:`descentkit.optim.descend` as ``batches``.

    Parameters
    ----------
    num_samples : int
        Size of the training set.
    batch_size : int
        Between 1 and ``num_samples``.
    num_epochs : int
        Passes over the training set, at least 1.
    seed : int, default 0
        One generator, ``np.random.default_rng(seed)``, draws every epoch's order, so the
        same seed always gives the same batches.
    shuffle : bool, default True
        Reshuffle at the start of every epoch (without replacement: each example once
        per epoch); ``False`` keeps the order ``0, 1, ...``.
    replacement : bool, default False
        Draw each batch's examples independently, with replacement (``ceil(N / B)`` batches
        an "epoch"), as in the textbook analysis of SGD.
    order : list of list of index arrays, optional
        Replay exactly this order (e.g. what a PyTorch ``DataLoader`` produced);
        ``num_epochs`` and ``seed`` are then not used, and every batch must hold 1 to
        ``batch_size`` indices in ``[0, num_samples)``.

    Examples
    --------
    >>> batches = MiniBatches(4, 2, num_epochs=2, seed=0)
    >>> len(batches.epochs()), [len(b) for b in batches.epochs()[0]]
    (2, [2, 2])
    """

    def __init__(
        self,
        num_samples,
        batch_size,
        *,
        num_epochs=1,
        seed=0,
        shuffle=True,
        replacement=False,
        order=None,
    ):
        self.num_samples = check_int(num_samples, "num_samples", minimum=1)
        self.batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=self.num_samples)
        self.num_epochs = check_int(num_epochs, "num_epochs", minimum=1)
        self.seed = check_int(seed, "seed", minimum=0)
        for name, flag in (("shuffle", shuffle), ("replacement", replacement)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        self.shuffle, self.replacement = bool(shuffle), bool(replacement)
        self.order = None if order is None else self._checked(order)

    def _checked(self, order):
        checked = []
        for epoch in order:
            epoch_list = []
            for idx in epoch:
                idx = np.asarray(idx)
                if (
                    idx.ndim != 1
                    or idx.size == 0
                    or idx.size > self.batch_size
                    or not np.issubdtype(idx.dtype, np.integer)
                    or idx.min() < 0
                    or idx.max() >= self.num_samples
                ):
                    raise ValueError(
                        f"order must hold 1-D integer index arrays of 1 to {self.batch_size} "
                        f"indices in [0, {self.num_samples}), got {idx!r}"
                    )
                epoch_list.append(idx)
            checked.append(epoch_list)
        if not checked:
            raise ValueError("order must hold at least one epoch, got an empty sequence")
        return checked

    def epochs(self):
        """The batches: ``epochs()[e]`` is the list of index arrays of epoch ``e``."""
        if self.order is not None:
            return self.order
        rng = np.random.default_rng(self.seed)
        if self.replacement:
            per_epoch = -(-self.num_samples // self.batch_size)
            return [
                [rng.integers(self.num_samples, size=self.batch_size) for _ in range(per_epoch)]
                for _ in range(self.num_epochs)
            ]
        return [
            epoch_batches(self.num_samples, self.batch_size, rng=rng, shuffle=self.shuffle)
            for _ in range(self.num_epochs)
        ]

    def __repr__(self):
        return (
            f"MiniBatches(num_samples={self.num_samples}, batch_size={self.batch_size}, "
            f"num_epochs={self.num_epochs}, seed={self.seed})"
        )


def distance_to(run, minimum, *, from_epoch=0):
    """Root-mean-square distance of a run's points from ``minimum``, from epoch ``from_epoch`` on.

    Introduced in chapter 6 to measure SGD's *noise ball*: with a constant learning rate the
    iterates do not settle at the minimum but keep moving around it, and this is the size of
    the cloud they move in. Points are taken after every step of epochs ``from_epoch, ...``
    of a mini-batch run (one with ``run.epochs``).

    Returns
    -------
    float
        ``sqrt(mean ||theta_t - minimum||^2)`` over the chosen steps.
    """
    minimum = check_finite_array(minimum, "minimum")
    if run.epochs is None:
        raise ValueError("run must be a mini-batch run (one with epochs); got a full-batch run")
    from_epoch = check_int(from_epoch, "from_epoch", minimum=0)
    keep = run.epochs >= from_epoch
    if not np.any(keep):
        raise ValueError(
            f"from_epoch={from_epoch} leaves no steps: the run has "
            f"{run.epochs.max(initial=-1) + 1} epochs"
        )
    points = run.params[1:][keep]
    if points.shape[1:] != minimum.shape:
        raise ValueError(f"minimum must have shape {points.shape[1:]}, got {minimum.shape}")
    return float(
        np.sqrt(np.mean(np.sum((points - minimum) ** 2, axis=tuple(range(1, points.ndim)))))
    )

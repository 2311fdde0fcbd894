"""Update rules: how one step turns a gradient into a move. The loop lives in :mod:`.optim`.

Defined in chapter 1 (the plain gradient step) and chapter 7 (heavy-ball and Nesterov
momentum); chapter 8 adds the adaptive rules AdaGrad, RMSProp and Adam. Every rule follows
the conventions of the matching ``torch.optim`` class, so the two give the same numbers
step for step (the unit tests check this in float64).

A rule is a small immutable object with two methods:

``init(params) -> state``
    The rule's memory before the first step (a dict of arrays shaped like ``params``;
    empty for the plain step).
``step(params, grad, lr, state) -> (new_params, new_state)``
    One update with learning rate ``lr``. It never changes its inputs.

So one rule object can drive any number of runs, and :func:`descentkit.optim.descend`
(the one loop of the package) works with every rule. A new optimiser is a new rule,
never a new loop.

With gradient ``g_t`` at the current point ``p_t``, momentum ``beta`` and rate ``eta``,
momentum follows :class:`torch.optim.SGD` (``dampening=0``)::

    v_t     = beta v_{t-1} + g_t            (v_{-1} = 0, so v_0 = g_0)
    p_{t+1} = p_t - eta v_t                 (heavy ball)
    p_{t+1} = p_t - eta (g_t + beta v_t)    (Nesterov, torch's form)

The velocity is a weighted *sum* of past gradients, ``v_t = sum_k beta**k g_{t-k}``, of
total weight ``1 / (1 - beta)``: :func:`momentum_weights` and :func:`effective_memory`.

Examples
--------
>>> import numpy as np
>>> rule = HeavyBall(0.9)
>>> state = rule.init(np.zeros(1))
>>> p, state = rule.step(np.zeros(1), np.ones(1), 0.1, state)
>>> p, state["velocity"]
(array([-0.1]), array([1.]))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .validation import check_finite_scalar, check_fraction, check_int, check_positive

__all__ = [
    "Rule",
    "GradientStep",
    "HeavyBall",
    "Nesterov",
    "AdaGrad",
    "RMSProp",
    "Adam",
    "AdamW",
    "check_momentum",
    "momentum_weights",
    "effective_memory",
]


def check_momentum(momentum) -> float:
    """Return ``momentum`` as a float; ``ValueError`` unless ``0 <= momentum < 1``."""
    return check_fraction(momentum, "momentum", low=0.0, high=1.0, closed="left")


def _check_weight_decay(weight_decay) -> float:
    weight_decay = check_finite_scalar(weight_decay, "weight_decay")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
    return weight_decay


class Rule:
    """Base class of the update rules: stateless, a plain step ``p - lr * g``.

    Subclasses override :meth:`init` and :meth:`step`. ``weight_decay`` adds
    ``weight_decay * p`` to the gradient first, as ``torch.optim`` does (an L2 penalty
    ``weight_decay / 2 * ||p||**2`` on the loss).
    """

    name = "gradient descent"

    def init(self, params) -> dict:
        """The state before the first step: nothing to remember."""
        return {}

    def step(self, params, grad, lr, state):
        """One step; returns ``(new_params, new_state)``."""
        return params - lr * grad, state

    def _decayed(self, params, grad):
        wd = getattr(self, "weight_decay", 0.0)
        return grad + wd * params if wd else grad


@dataclass(frozen=True)
class GradientStep(Rule):
    """The plain gradient step ``p <- p - lr * (g + weight_decay * p)``.

    Introduced in chapter 1; :class:`torch.optim.SGD` with no momentum.
    """

    weight_decay: float = 0.0
    name = "gradient descent"

    def __post_init__(self):
        object.__setattr__(self, "weight_decay", _check_weight_decay(self.weight_decay))

    def step(self, params, grad, lr, state):
        return params - lr * self._decayed(params, grad), state


@dataclass(frozen=True)
class HeavyBall(Rule):
    """Heavy-ball momentum: ``v <- momentum v + g``, ``p <- p - lr v``.

    Introduced in chapter 7; :class:`torch.optim.SGD` with ``momentum`` (``dampening=0``).
    ``momentum=0`` is the plain gradient step, number for number. The state holds the
    ``velocity``.
    """

    momentum: float = 0.9
    weight_decay: float = 0.0
    name = "heavy ball"

    def __post_init__(self):
        object.__setattr__(self, "momentum", check_momentum(self.momentum))
        object.__setattr__(self, "weight_decay", _check_weight_decay(self.weight_decay))

    def init(self, params):
        return {"velocity": np.zeros_like(params, dtype=float)}

    def _velocity(self, params, grad, state):
        g = self._decayed(params, grad)
        return g, (self.momentum * state["velocity"] + g if self.momentum else g)

    def step(self, params, grad, lr, state):
        _, v = self._velocity(params, grad, state)
        return params - lr * v, {"velocity": v}


@dataclass(frozen=True)
class Nesterov(HeavyBall):
    """Nesterov momentum in torch's form: ``v <- momentum v + g``, ``p <- p - lr (g + momentum v)``.

    Introduced in chapter 7; :class:`torch.optim.SGD` with ``nesterov=True``. The gradient
    is taken where the parameters are; the step then uses the velocity one update ahead.
    """

    name = "Nesterov"

    def __post_init__(self):
        super().__post_init__()
        if self.momentum == 0:
            raise ValueError("Nesterov needs momentum > 0, got momentum=0")

    def step(self, params, grad, lr, state):
        g, v = self._velocity(params, grad, state)
        return params - lr * (g + self.momentum * v), {"velocity": v}


@dataclass(frozen=True)
class AdaGrad(Rule):
    """AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    Introduced in chapter 8; :class:`torch.optim.Adagrad` (``lr_decay=0``)::

        s <- s + g**2
        p <- p - lr * g / (sqrt(s) + eps)
    """

    eps: float = 1e-10
    initial_accumulator_value: float = 0.0
    weight_decay: float = 0.0
    name = "AdaGrad"

    def __post_init__(self):
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        acc = check_finite_scalar(self.initial_accumulator_value, "initial_accumulator_value")
        if acc < 0:
            raise ValueError(f"initial_accumulator_value must be >= 0, got {acc!r}")
        object.__setattr__(self, "initial_accumulator_value", acc)
        object.__setattr__(self, "weight_decay", _check_weight_decay(self.weight_decay))

    def init(self, params):
        return {"sum_sq": np.full(np.shape(params), self.initial_accumulator_value)}

    def step(self, params, grad, lr, state):
        g = self._decayed(params, grad)
        sum_sq = state["sum_sq"] + g * g
        return params - lr * g / (np.sqrt(sum_sq) + self.eps), {"sum_sq": sum_sq}


@dataclass(frozen=True)
class RMSProp(Rule):
    """RMSProp: divide each coordinate's step by a running root-mean-square of its gradients.

    Introduced in chapter 8; :class:`torch.optim.RMSprop` (``centered=False``,
    ``momentum=0``)::

        a <- alpha a + (1 - alpha) g**2
        p <- p - lr * g / (sqrt(a) + eps)
    """

    alpha: float = 0.99
    eps: float = 1e-8
    weight_decay: float = 0.0
    name = "RMSProp"

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_fraction(self.alpha, "alpha", closed="left"))
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        object.__setattr__(self, "weight_decay", _check_weight_decay(self.weight_decay))

    def init(self, params):
        return {"mean_sq": np.zeros(np.shape(params))}

    def step(self, params, grad, lr, state):
        g = self._decayed(params, grad)
        mean_sq = self.alpha * state["mean_sq"] + (1 - self.alpha) * g * g
        return params - lr * g / (np.sqrt(mean_sq) + self.eps), {"mean_sq": mean_sq}


@dataclass(frozen=True)
class Adam(Rule):
    """Adam: momentum on the gradient, RMSProp's scaling, both bias-corrected.

    Introduced in chapter 8; :class:`torch.optim.Adam` (``amsgrad=False``). At step
    ``t = 1, 2, ...``::

        m <- beta1 m + (1 - beta1) g          v <- beta2 v + (1 - beta2) g**2
        p <- p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    ``bias_correction=False`` drops the two ``1 - beta**t`` factors (torch has no such
    switch; chapter 8 uses it to show what they are for).
    """

    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0
    bias_correction: bool = True
    name = "Adam"

    def __post_init__(self):
        object.__setattr__(self, "beta1", check_fraction(self.beta1, "beta1", closed="left"))
        object.__setattr__(self, "beta2", check_fraction(self.beta2, "beta2", closed="left"))
        object.__setattr__(self, "eps", check_positive(self.eps, "eps"))
        object.__setattr__(self, "weight_decay", _check_weight_decay(self.weight_decay))
        if not isinstance(self.bias_correction, (bool, np.bool_)):
            raise TypeError(f"bias_correction must be True or False, got {self.bias_correction!r}")

    def init(self, params):
        shape = np.shape(params)
        return {"step": 0, "m": np.zeros(shape), "v": np.zeros(shape)}

    def _moments(self, grad, state):
        t = state["step"] + 1
        m = self.beta1 * state["m"] + (1 - self.beta1) * grad
        v = self.beta2 * state["v"] + (1 - self.beta2) * grad * grad
        return t, m, v

    def _move(self, params, lr, t, m, v):
        if not self.bias_correction:
            return params - lr * m / (np.sqrt(v) + self.eps)
        c1, c2 = 1 - self.beta1**t, 1 - self.beta2**t
        return params - (lr / c1) * m / (np.sqrt(v) / math.sqrt(c2) + self.eps)

    def step(self, params, grad, lr, state):
        t, m, v = self._moments(self._decayed(params, grad), state)
        return self._move(params, lr, t, m, v), {"step": t, "m": m, "v": v}


@dataclass(frozen=True)
class AdamW(Adam):
    """Adam with decoupled weight decay: ``p <- p (1 - lr weight_decay)``, then Adam's step.

    Introduced in chapter 8; :class:`torch.optim.AdamW`. The decay does not go through
    the gradient, so Adam's scaling does not shrink it. torch's default decay is 0.01.
    """

    weight_decay: float = 0.01
    name = "AdamW"

    def step(self, params, grad, lr, state):
        t, m, v = self._moments(grad, state)
        shrunk = params * (1 - lr * self.weight_decay)
        return self._move(shrunk, lr, t, m, v), {"step": t, "m": m, "v": v}


def momentum_weights(momentum, num_terms):
    """The weights ``beta**k``, ``k = 0 .. num_terms-1``, that the velocity gives past gradients.

    Introduced in chapter 7. With ``v_t = beta v_{t-1} + g_t`` and ``v_{-1} = 0``,
    ``v_t = sum_k beta**k g_{t-k}``: the gradient of ``k`` steps ago counts ``beta**k`` times.
    The weights are not normalised: they sum to ``1 / (1 - beta)``, not to 1.
    """
    momentum = check_momentum(momentum)
    num_terms = check_int(num_terms, "num_terms", minimum=1)
    return momentum ** np.arange(num_terms)


def effective_memory(momentum) -> float:
    """``1 / (1 - beta)``: the total weight of all past gradients in the velocity.

    Introduced in chapter 7. A constant gradient ``g`` builds the velocity up to
    ``g / (1 - beta)``, so on a steady slope momentum multiplies the step by this factor;
    it is also roughly how many recent gradients the velocity "remembers".
    """
    return 1.0 / (1.0 - check_momentum(momentum))

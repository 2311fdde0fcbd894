"""Self-checks for the exercises of chapter 8 (adaptive learning rates).

Defined in chapter 8. These checks are built like those of :mod:`descentkit.checks`, on
its helpers: each ``check_*`` function compares a learner's answer with the course's
reference and prints ``Correct: ...`` (returning a true :class:`~descentkit.checks.Outcome`),
or raises :class:`~descentkit.checks.CheckFailed` with a message in plain words, or, while
the answer is still the student notebook's placeholder (``dk.checks.todo(...)``, ``...``,
a function that raises ``NotImplementedError``), prints ``Not answered yet: <hint>``
(returning a false one). They never print the reference value while the answer is wrong:
a message names the mistake (a missing square root, the old accumulator used, the
warm-up started at 0...) or says where the answer differs and in which direction, so a
learner still has to find the number. Each check computes its reference itself, from the
package's rules and schedules, so the student notebook needs nothing from the hidden
solution.
"""

from __future__ import annotations

import numpy as np

from .checks import (
    CheckFailed,
    _as_array,
    _call,
    _judge_number,
    _number,
    _passed,
    _require_answer,
    _self_check,
)
from .curvature import condition_number
from .rules import RMSProp
from .schedules import CosineDecay, LinearWarmup
from .validation import check_callable, check_finite_array, check_hessian

__all__ = [
    "check_rmsprop_step",
    "check_bias_factor",
    "check_diagonal_kappa",
    "check_warmup_cosine",
]


def _pair(result, what):
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        _as_array(result, what)  # None: "did you forget the `return`?"
        raise CheckFailed(
            f"{what} must return a pair (new_params, new_mean_sq), got {type(result).__name__}."
        )
    return tuple(_as_array(r, what) for r in result)


@_self_check
def check_rmsprop_step(rmsprop_step, *, name="your rmsprop_step"):
    """Check ``rmsprop_step(params, mean_sq, grad, lr, beta2, eps) -> (params, mean_sq)``.

    Introduced in chapter 8, exercise 1. The reference is one step of
    :class:`descentkit.rules.RMSProp` (torch's convention: ``eps`` added after the square
    root). Recognises: no square root; the step taken with the old ``mean_sq``;
    ``(1 - beta2)`` left off the new squared gradient; the weights ``beta2`` and
    ``1 - beta2`` swapped; ``eps`` inside the square root or left out; a bias correction
    by ``1 - beta2`` (of the step, or of the stored ``mean_sq``); a running sum (AdaGrad)
    instead of an average; the step added instead of subtracted; torch functions given
    numpy arrays; otherwise, whether the new ``mean_sq`` or the new params are wrong, and
    for which inputs; the two results returned in the wrong order; no pair returned. A
    right answer that changes its input arrays in place passes, with a warning.
    """
    _require_answer(rmsprop_step, name)
    check_callable(rmsprop_step, "rmsprop_step")
    cases = [
        (np.array([1.0, -2.0]), np.array([0.0, 0.0]), np.array([0.5, -3.0]), 0.01, 0.99, 1e-8),
        (np.array([0.3, 0.7]), np.array([0.04, 2.5]), np.array([-0.2, 1.5]), 0.1, 0.9, 1e-8),
        (np.array([-1.0, 4.0]), np.array([1.0, 0.01]), np.array([2.0, 0.05]), 0.05, 0.5, 1e-3),
    ]

    def reference(p, a, g, lr, beta2, eps):
        new_p, state = RMSProp(alpha=beta2, eps=eps).step(p, g, lr, {"mean_sq": a})
        return new_p, state["mean_sq"]

    def average(a, g, beta2):
        return beta2 * a + (1 - beta2) * g * g

    mistakes = [
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (average(a, g, b) + e), average(a, g, b)),
            "the step divides by the mean square itself; divide by its square root (the RMS).",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(a) + e), average(a, g, b)),
            "the step uses the old mean square; update it with the new gradient first, then step.",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(b * a + g * g) + e), b * a + g * g),
            "the new squared gradient must be weighted by (1 - beta2), "
            "so that the weights sum to 1.",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt((1 - b) * a + b * g * g) + e),
                (1 - b) * a + b * g * g,
            ),
            "beta2 and 1 - beta2 are swapped: the old average keeps the weight beta2.",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / np.sqrt(average(a, g, b) + e),
                average(a, g, b),
            ),
            "eps goes outside the square root, as in torch.optim.RMSprop: sqrt(mean_sq) + eps.",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / np.sqrt(average(a, g, b)), average(a, g, b)),
            "eps is left out: add it after the square root, sqrt(mean_sq) + eps (it keeps "
            "the division safe where mean_sq is 0).",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt(average(a, g, b) / (1 - b)) + e),
                average(a, g, b),
            ),
            "the step divides mean_sq by 1 - beta2, a bias correction. RMSProp (like "
            "torch.optim.RMSprop) has none: step with sqrt(mean_sq) + eps itself. It is "
            "Adam that corrects, by 1 - beta2**t with the step count t.",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt(average(a, g, b) / (1 - b)) + e),
                average(a, g, b) / (1 - b),
            ),
            "the new mean_sq is divided by 1 - beta2, a bias correction. RMSProp (like "
            "torch.optim.RMSprop) has none, and a corrected value must never be stored "
            "as the running average: return beta2 * mean_sq + (1 - beta2) * grad**2.",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(a + g * g) + e), a + g * g),
            "that is AdaGrad's running sum; RMSProp keeps a weighted average of the squares.",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p + lr * g / (np.sqrt(average(a, g, b)) + e),
                average(a, g, b),
            ),
            "the step goes uphill: subtract it from the parameters.",
        ),
    ]

    changed = set()  # the inputs the answer changes in place: passed, with a warning
    input_names = ("params", "mean_sq", "grad")

    def run(case):
        # arrays copied, lr, beta2 and eps as plain floats (a 0-d array times a torch
        # tensor is a TypeError); a torch function given numpy arrays is told so
        args = [np.copy(c) if isinstance(c, np.ndarray) else float(c) for c in case]
        try:
            result = _pair(_call(rmsprop_step, args, name), name)
            changed.update(
                k for k, a, c in zip(input_names, args, case) if not np.array_equal(a, c)
            )
            return result
        except CheckFailed as exc:
            cause = exc.__cause__
            if isinstance(cause, TypeError) and "Tensor" in str(cause):
                raise CheckFailed(
                    f"{name} raised TypeError: {cause}. It is called with numpy arrays "
                    "(params, mean_sq, grad) and floats, as descend passes them: use "
                    "numpy's functions (np.sqrt), or turn the arrays into tensors first "
                    "(torch.as_tensor)."
                ) from cause
            raise

    got = [run(case) for case in cases]
    expected = [reference(*case) for case in cases]

    def same(pairs_a, pairs_b):
        return all(
            x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=1e-12)
            for pa, pb in zip(pairs_a, pairs_b, strict=True)
            for x, y in zip(pa, pb, strict=True)
        )

    if same(got, expected):
        warning = ""
        if changed:
            which = [k for k in input_names if k in changed]
            warning = (
                f" Warning: it changes its input {' and '.join(which)} in place "
                "(params -= ..., mean_sq *= ...), so the caller's arrays are overwritten: "
                "a start you kept, such as theta0, or a point stored in a run's history "
                "changes too. Return new arrays instead: params - lr * ..."
            )
        return _passed(f"{name} takes RMSProp's step on {len(cases)} test cases.{warning}")
    for wrong, why in mistakes:
        if same(got, [wrong(*case) for case in cases]):
            raise CheckFailed(f"{name} is not right: {why}")
    if same([pair[::-1] for pair in got], expected):
        raise CheckFailed(
            f"{name} returns the right two arrays in the wrong order: return "
            "(new_params, new_mean_sq), the parameters first, as the exercise asks "
            "(your formulas are right)."
        )
    for case, (gp, ga), (ep, ea) in zip(cases, got, expected, strict=True):
        if ga.shape != ea.shape or not np.allclose(ga, ea, rtol=1e-9, atol=1e-12):
            raise CheckFailed(
                f"{name}: the new mean_sq is wrong for grad = {case[2]} and "
                f"beta2 = {case[4]}. It is beta2 * mean_sq + (1 - beta2) * grad**2."
            )
        if gp.shape != ep.shape or not np.allclose(gp, ep, rtol=1e-9, atol=1e-12):
            raise CheckFailed(
                f"{name}: the new mean_sq is right, but the new params are wrong "
                f"for grad = {case[2]} and lr = {case[3]}."
            )
    raise CheckFailed(f"{name} does not take RMSProp's step.")  # pragma: no cover


def bias_factor(t, beta1=0.9, beta2=0.999):
    """How many times larger Adam's step is without bias correction, at step ``t``.

    Introduced in chapter 8. For a constant gradient, the uncorrected moments are
    ``m_t = (1 - beta1**t) g`` and ``n_t = (1 - beta2**t) g**2``, so the uncorrected step
    ``m_t / sqrt(n_t)`` is ``(1 - beta1**t) / sqrt(1 - beta2**t)`` times the corrected one.
    """
    t = np.asarray(t, dtype=float)
    return (1 - beta1**t) / np.sqrt(1 - beta2**t)


@_self_check
def check_bias_factor(factor_10, *, name="factor_10"):
    """Check the factor by which uncorrected Adam's 10th step exceeds the corrected one.

    Introduced in chapter 8, exercise 2: constant gradient, ``beta1 = 0.9``,
    ``beta2 = 0.999``, ``eps`` negligible. Recognises: the inverse; the second correction
    without its square root; step 1's factor; step 9's or step 11's (one step off); the
    corrected step itself (1); the peak over all steps, quoted in the text (6.6 at
    step 12); otherwise,
    whether the number is too large or too small.
    """
    _require_answer(factor_10, name)
    expected = float(bias_factor(10))
    mistakes = [
        (1 / expected, "that is the inverse: the uncorrected step is the larger one here."),
        (
            (1 - 0.9**10) / (1 - 0.999**10),
            "Adam divides by the square root of n_t, so the "
            "second correction enters through its square root.",
        ),
        (float(bias_factor(1)), "that is the factor at step 1; the question asks for step 10."),
        (
            float(bias_factor(9)),
            "that is the factor at step 9, one step early: count the steps from t = 1 "
            "(the first step has m_1 = (1 - beta1) g).",
        ),
        (
            float(bias_factor(11)),
            "that is the factor at step 11, one step late: count the steps from t = 1 "
            "(the first step has m_1 = (1 - beta1) g).",
        ),
        (
            1.0,
            "that is the ratio with bias correction on both sides; compare the uncorrected "
            "step with the corrected one.",
        ),
    ]
    steps = np.arange(1, 1001)
    peak_t = int(steps[np.argmax(bias_factor(steps))])
    peak = float(bias_factor(peak_t))
    at_peak = (
        f"that is the PEAK of the factor, quoted in the text (the largest over all steps, "
        f"at step {peak_t}); the question asks for step 10, just before it: work it out "
        "from m_10 and n_10."
    )
    mistakes.append((peak, at_peak))
    value = _number(factor_10, name)
    if value == round(value, 1) == round(peak, 1):  # the text's "6.6", as printed
        raise CheckFailed(f"{name} = {value:g} is not right: {at_peak}")
    value = _judge_number(factor_10, expected, mistakes, name=name, rtol=1e-4)
    return _passed(
        f"{name} = {value:.4g}: without bias correction, Adam's step 10 is that many "
        "times as long as with it."
    )


def jacobi_scaled(H, power=1.0):
    """``P^(1/2) H P^(1/2)`` with ``P = diag(1 / H_ii)``: every diagonal entry becomes 1.

    Introduced in chapter 8. For a 2-by-2 positive definite ``H`` this diagonal scaling
    gives the smallest condition number any diagonal preconditioner can reach,
    ``(1 + |rho|) / (1 - |rho|)`` with ``rho = H_12 / sqrt(H_11 H_22)``. With ``power``,
    ``P = diag(H_ii ** -power)`` instead (``power=0.5``: a common slip, one over the
    square root of the curvature as P itself).
    """
    H = check_hessian(H)
    d = np.diag(H) ** (-power / 2)
    return d[:, None] * H * d[None, :]


def _two_by_two(hessian):
    """``hessian`` as a symmetric positive definite 2-by-2 array; ValueError naming it."""
    H = check_finite_array(hessian, "hessian", ndim=2)
    if H.shape != (2, 2):
        raise ValueError(f"hessian must be 2 by 2, got shape {H.shape}")
    if not np.isclose(H[0, 1], H[1, 0], rtol=1e-10, atol=1e-12):
        raise ValueError("hessian must be symmetric (a Hessian is), got a non-symmetric matrix")
    if np.any(np.linalg.eigvalsh(H) <= 0):
        raise ValueError("hessian must be positive definite, got an eigenvalue <= 0")
    return H


@_self_check
def check_diagonal_kappa(kappa_diag, hessian, *, name="kappa_diag"):
    """Check the smallest condition number a diagonal preconditioner reaches on ``hessian``.

    Introduced in chapter 8, exercise 3, for a 2-by-2 ``hessian``. The reference is the
    condition number of :func:`jacobi_scaled` ``(hessian)``, ``(1 + |r|) / (1 - |r|)``
    with ``r = H_12 / sqrt(H_11 H_22)``. Recognises: the condition number before scaling
    (which for a 2-by-2 matrix is also what ``P H P`` gives instead of
    ``P^(1/2) H P^(1/2)``); ``r`` without its square root, ``H_12 / (H_11 H_22)``; the
    correlation ``r`` itself instead of the condition number; the inverse; the ratio of
    the diagonal entries; ``P = diag(1 / sqrt(H_ii))`` (one square root too many, as
    ``diagonal_scaled(H, 1 / np.sqrt(np.diag(H)))`` gives); otherwise, too large or too
    small.
    """
    _require_answer(kappa_diag, name)
    H = _two_by_two(hessian)
    expected = condition_number(jacobi_scaled(H))
    # (scaling by P = diag(1/H_ii) on both sides, P H P, gives back kappa(H) itself for a
    # 2-by-2 matrix, so that mistake is caught by the first message)
    mistakes = [
        (
            condition_number(H),
            "that is the condition number before any scaling (or after "
            "scaling by P on both sides, P H P: use P^(1/2) H P^(1/2)).",
        ),
        (
            1 / expected,
            "a condition number is the largest eigenvalue over the smallest, so it is at least 1.",
        ),
        (
            condition_number(jacobi_scaled(H, power=0.5)),
            "that is P^(1/2) H P^(1/2) with P = diag(1 / sqrt(H_ii)), as "
            "diagonal_scaled(H, 1 / np.sqrt(np.diag(H))) gives: diagonal_scaled already "
            "takes the square root of p, so pass p = 1 / np.diag(H) (that is, "
            "P = diag(1 / H_ii), and 1 / sqrt(H_ii) on each side).",
        ),
        (
            max(np.diag(H)) / min(np.diag(H)),
            "that is the ratio of the diagonal entries; "
            "the condition number comes from the eigenvalues.",
        ),
    ]
    rho = abs(H[0, 1]) / np.sqrt(H[0, 0] * H[1, 1])
    mistakes.append(
        (
            rho,
            "that is r = H_12 / sqrt(H_11 H_22), the correlation, not a condition number "
            "(a ratio of eigenvalues, at least 1): what are the eigenvalues of the scaled "
            "Hessian, whose diagonal entries are 1 and the others r?",
        )
    )
    r = abs(H[0, 1]) / (H[0, 0] * H[1, 1])
    if r < 1:
        mistakes.append(
            (
                (1 + r) / (1 - r),
                "the correlation r is H_12 / sqrt(H_11 H_22): the square root is missing "
                "(after the scaling, the diagonal entries are 1 and the others r).",
            )
        )
    value = _judge_number(kappa_diag, expected, mistakes, name=name, rtol=1e-6)
    return _passed(
        f"{name} = {value:.4g}: no diagonal preconditioner brings this Hessian's "
        "condition number lower."
    )


def _warmup_cosine_elsewhere(warmup_cosine, got, lr0, warmup_steps, num_steps, start_factor, name):
    """Try ``warmup_cosine`` at other ``lr0``, ``warmup_steps`` and ``num_steps`` (given as
    keywords): a function that hard-codes the exercise's numbers gives the same rates as
    before, or wrong ones. Returns how many settings were tried; raises CheckFailed."""
    settings = [
        (10 * lr0, max(1, warmup_steps // 2), max(num_steps * 2 // 5, warmup_steps // 2 + 2)),
        (lr0 / 3, 2 * warmup_steps, max(num_steps * 3 // 5, 2 * warmup_steps + 2)),
    ]
    for other_lr0, other_warmup, other_steps in settings:
        keywords = {"lr0": other_lr0, "warmup_steps": other_warmup, "num_steps": other_steps}
        shown = ", ".join(f"{k}={v:g}" for k, v in keywords.items())
        reference = LinearWarmup(
            other_lr0,
            other_warmup,
            start_factor,
            then=CosineDecay(other_lr0, other_steps - other_warmup),
        )
        mine = []
        for t in range(other_steps):
            try:
                out = warmup_cosine(t, **keywords)
            except TypeError as exc:
                raise CheckFailed(
                    f"{name}(t, {shown}) raised TypeError ({exc}): keep the arguments lr0, "
                    "warmup_steps and num_steps of the placeholder (with the exercise's "
                    "values as defaults), and use them in the formula."
                ) from exc
            except Exception as exc:  # the learner's code failed: say so plainly
                raise CheckFailed(
                    f"{name}({t}, {shown}) raised {type(exc).__name__}: {exc}"
                ) from exc
            mine.append(_number(out, f"{name}({t}, {shown})"))
        mine = np.array(mine)
        expected = np.array([reference(t) for t in range(other_steps)])
        if np.allclose(mine, expected, rtol=1e-9, atol=1e-15):
            continue
        n = min(other_steps, num_steps)
        if np.allclose(mine[:n], got[:n], rtol=1e-9, atol=1e-15):
            raise CheckFailed(
                f"{name} ignores its arguments: with {shown} it gives the same rates as with "
                "the exercise's numbers. Compute the rate from lr0, warmup_steps and "
                "num_steps, not from the numbers typed in."
            )
        t = int(np.flatnonzero(~np.isclose(mine, expected, rtol=1e-9, atol=1e-15))[0])
        phase = "warm-up" if t < other_warmup else "cosine decay"
        direction = "too large" if mine[t] > expected[t] else "too small"
        raise CheckFailed(
            f"{name} is right with the exercise's numbers but not with {shown}: at step {t} "
            f"(in the {phase}) its rate {mine[t]:.6g} is {direction}. Does the formula use "
            "every argument, or a number typed in?"
        )
    return len(settings)


@_self_check
def check_warmup_cosine(
    warmup_cosine,
    *,
    lr0=0.01,
    warmup_steps=10,
    num_steps=100,
    start_factor=0.1,
    name="your warmup_cosine",
):
    """Check a learner's schedule ``warmup_cosine(t)`` at every step ``t < num_steps``.

    Introduced in chapter 8, exercise 4. The reference is linear warm-up from
    ``start_factor * lr0`` to ``lr0`` over ``warmup_steps`` steps, then cosine decay to 0
    over the remaining ``num_steps - warmup_steps`` steps:
    ``LinearWarmup(lr0, warmup_steps, start_factor, then=CosineDecay(lr0, num_steps -
    warmup_steps))``, which equals torch's ``SequentialLR`` of ``LinearLR`` and
    ``CosineAnnealingLR``. Recognises: a warm-up from 0; the cosine started at step 0
    instead of at the end of the warm-up; a cosine over all ``num_steps`` (from step 0 or
    from the end of the warm-up); a cosine without the factor 1/2; no warm-up; the two
    off-by-ones, a warm-up divided by ``warmup_steps - 1`` and a cosine divided by
    ``num_steps - warmup_steps - 1``; otherwise
    the first step whose rate is wrong, in which phase, too large or too small. A function
    right at the exercise's numbers is also tried with two other settings of ``lr0``,
    ``warmup_steps`` and ``num_steps`` (passed as keywords): one that ignores them (the
    exercise's numbers typed in) or does not take them is named.
    """
    _require_answer(warmup_cosine, name)
    check_callable(warmup_cosine, "warmup_cosine")
    steps = range(num_steps)
    decay = num_steps - warmup_steps
    reference = LinearWarmup(lr0, warmup_steps, start_factor, then=CosineDecay(lr0, decay))

    def cosine(t, length, clamp=True):
        s = min(t, length) if clamp else t
        return lr0 * (1 + np.cos(np.pi * s / length)) / 2

    def warm(t, start):
        return lr0 * (start + (1 - start) * min(t, warmup_steps) / warmup_steps)

    mistakes = [
        (
            lambda t: warm(t, 0.0) if t < warmup_steps else cosine(t - warmup_steps, decay),
            f"the warm-up starts at 0; it starts at start_factor * lr0 = {start_factor:g} * lr0.",
        ),
        (
            lambda t: warm(t, start_factor) if t < warmup_steps else cosine(t, decay),
            "the cosine must start at the end of the warm-up: use t - warmup_steps.",
        ),
        (  # the same, without holding the rate at 0 once past the end: it rises again
            lambda t: warm(t, start_factor) if t < warmup_steps else cosine(t, decay, False),
            "the cosine must start at the end of the warm-up: use t - warmup_steps.",
        ),
        (
            lambda t: warm(t, start_factor) if t < warmup_steps else cosine(t, num_steps),
            f"the cosine runs over the {decay} steps after the warm-up, not over all "
            f"{num_steps}, and starts at t - warmup_steps.",
        ),
        (
            lambda t: (
                warm(t, start_factor) if t < warmup_steps else cosine(t - warmup_steps, num_steps)
            ),
            f"the cosine runs over the {decay} steps after the warm-up, not over all "
            f"{num_steps}: divide s = t - warmup_steps by {decay}, so that the rate would "
            f"reach 0 at t = {num_steps}, just after the run's last step.",
        ),
        (
            lambda t: (
                warm(t, start_factor) if t < warmup_steps else 2 * cosine(t - warmup_steps, decay)
            ),
            "cosine decay is lr0 (1 + cos(pi s / S)) / 2, which starts at lr0; without the "
            "1/2 it starts at twice lr0.",
        ),
        (
            lambda t: cosine(t, num_steps),
            "there is no warm-up: the first steps must start small and grow.",
        ),
    ]
    if warmup_steps > 1:  # off by one: the warm-up reaches lr0 a step early
        mistakes.append((
            lambda t: (
                lr0 * (start_factor + (1 - start_factor) * t / (warmup_steps - 1))
                if t < warmup_steps else cosine(t - warmup_steps, decay)
            ),
            f"the warm-up divides t by warmup_steps - 1 = {warmup_steps - 1}, so it "
            f"reaches lr0 at step {warmup_steps - 1}, one step early. Divide by "
            f"warmup_steps = {warmup_steps}, as torch's LinearLR: the rate reaches lr0 "
            f"at step {warmup_steps}, where the cosine takes over.",
        ))
    if decay > 1:  # off by one: the cosine reaches 0 at the run's last step
        mistakes.append((
            lambda t: (
                warm(t, start_factor) if t < warmup_steps
                else cosine(t - warmup_steps, decay - 1)
            ),
            f"the cosine divides s = t - warmup_steps by {decay - 1} "
            f"(num_steps - warmup_steps - 1), so the rate reaches 0 at the run's last "
            f"step, {num_steps - 1}, which is then wasted. Divide by {decay}, as torch's "
            f"CosineAnnealingLR(T_max={decay}): the rate would reach 0 at t = "
            f"{num_steps}, just after the last step.",
        ))
    got = np.array([_number(_call(warmup_cosine, (t,), name), f"{name}({t})") for t in steps])
    expected = np.array([reference(t) for t in steps])
    if np.allclose(got, expected, rtol=1e-9, atol=1e-15):
        others = _warmup_cosine_elsewhere(
            warmup_cosine, got, lr0, warmup_steps, num_steps, start_factor, name
        )
        return _passed(
            f"{name} gives the right rate at all {num_steps} steps, and with "
            f"{others} other settings of lr0, warmup_steps and num_steps."
        )
    for wrong, why in mistakes:
        if np.allclose(got, [wrong(t) for t in steps], rtol=1e-9, atol=1e-15):
            raise CheckFailed(f"{name} is not right: {why}")
    t = int(np.flatnonzero(~np.isclose(got, expected, rtol=1e-9, atol=1e-15))[0])
    phase = "warm-up" if t < warmup_steps else "cosine decay"
    direction = "too large" if got[t] > expected[t] else "too small"
    raise CheckFailed(f"{name}({t}) = {got[t]:.6g} is {direction} (step {t} is in the {phase}).")

"""Self-checks for the exercises: compare a learner's answer with the reference and say
what is wrong in plain words.

Defined for the exercises of every chapter (chapter 1 on). Each ``check_*`` function
calls the learner's function (or takes their number) on several inputs, compares it with
the course's reference, and then either

* prints a short confirmation and returns ``True``, or
* raises :class:`CheckFailed`, an ``AssertionError`` whose message names the mistake:
  wrong shape, wrong sign, off by a factor of 2, forgot the mean, components swapped,
  returned ``None``...

Raising (rather than printing) means a notebook run top to bottom stops at a wrong answer,
so the course's own tests prove that every reference solution passes its check. In
Jupyter the error shows only the message, without a traceback.

Known mistakes are recognised by trying each on the same inputs: if the learner's answer
equals, say, the gradient *without* the factor 2 everywhere, that is what the message
says. Otherwise the message reports the first input where the answer differs.
"""

from __future__ import annotations

import numpy as np

from . import losses
from .calculus import central_difference, numerical_gradient
from .rules import HeavyBall
from .validation import check_callable, check_finite_array, check_finite_scalar, check_hessian

__all__ = [
    "CheckFailed",
    "check_value",
    "check_derivative",
    "check_gradient",
    "check_mse",
    "check_mse_gradient",
    "check_learning_rate_bound",
    "check_condition_number",
    "check_standardize",
    "check_batches",
    "check_momentum_step",
]


class CheckFailed(AssertionError):
    """A learner's answer is wrong. The message says how, in plain words."""

    def _render_traceback_(self):
        # IPython/Jupyter call this instead of printing a traceback: the learner sees
        # only the explanation, not the internals of the check.
        return ["CheckFailed: " + line if i == 0 else line for i, line in enumerate(str(self).splitlines())]


def _passed(message: str) -> bool:
    print("Correct: " + message)
    return True


def _fmt(value) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    return np.array2string(arr, precision=4, suppress_small=True, max_line_width=80, threshold=8)


def _as_array(value, what: str) -> np.ndarray:
    """Turn a learner's result into a float array, or fail with a plain explanation."""
    if value is None:
        raise CheckFailed(f"{what} returned None. Did you forget the `return` statement?")
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} returned a {type(value).__name__} ({value!r:.80}), expected numbers.") from None
    return arr


def _close(a, b, rtol, atol) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _pattern(got, expected, *, what, rtol, atol, factors=None):
    """Explain ``got`` as a simple transformation of ``expected`` (sign, factor, swap), or ``None``."""
    if np.any(expected != 0) and _close(got, -expected, rtol, atol):
        return f"{what} has the wrong sign: you got {_fmt(got)}, the answer is {_fmt(expected)}."
    denom = float(np.sum(expected * expected))
    if denom > 0:
        c = float(np.sum(got * expected) / denom)
        if c != 0 and not np.isclose(c, 1.0) and _close(got, c * expected, rtol, atol):
            for factor, why in (factors or {}).items():
                if np.isclose(c, factor, rtol=1e-6):
                    return f"{what} is off by a factor of {_fmt(c)}: {why}"
            if np.isclose(c, 2):
                return f"{what} is twice the right value: a factor of 2 too many."
            if np.isclose(c, 0.5):
                return f"{what} is half the right value: a factor of 2 is missing."
            return f"{what} is {_fmt(c)} times the right value."
    if got.ndim == 1 and got.size > 1 and _close(got[::-1], expected, rtol, atol):
        return f"{what} has its components in the wrong order: you got {_fmt(got)}, the answer is {_fmt(expected)}."
    return None


def _compare(got, expected, *, what, rtol=1e-6, atol=1e-8, names=None, factors=None, patterns=True):
    """Return ``None`` if ``got`` matches ``expected``, else a message explaining the difference.

    ``factors`` maps a number ``c`` to an explanation used when ``got == c * expected``.
    With ``patterns=False`` sign and factor patterns are not looked for (the caller looks
    for them across all inputs at once, where they mean something).
    """
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        if got.size == expected.size:
            return (f"{what} has shape {got.shape}, but the answer has shape {expected.shape}. "
                    f"The numbers may be right: check how you build the result (reshape or ravel?).")
        return f"{what} has shape {got.shape}, but the answer has shape {expected.shape} (wrong shape)."
    if not np.all(np.isfinite(got)):
        return f"{what} contains NaN or infinite values: {_fmt(got)}."
    if _close(got, expected, rtol, atol):
        return None
    if patterns:
        found = _pattern(got, expected, what=what, rtol=rtol, atol=atol, factors=factors)
        if found:
            return found if got.size > 1 or "sign" in found else f"{found[:-1]} ({_fmt(got)} instead of {_fmt(expected)})."
    if got.ndim == 1 and got.size > 1:
        wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
        labels = names or [f"component {i}" for i in range(got.size)]
        bad = ", ".join(f"{labels[i]} is {_fmt(got[i])} but should be {_fmt(expected[i])}" for i in np.flatnonzero(wrong))
        return f"{what} is wrong: {bad}."
    return f"{what} is {_fmt(got)}, but the answer is {_fmt(expected)}."


def _call(fn, args, what):
    try:
        return fn(*args)
    except CheckFailed:
        raise
    except NotImplementedError as exc:
        raise CheckFailed(f"{what} is not written yet ({exc}). Replace the placeholder with your code.") from None
    except Exception as exc:  # the learner's code failed: say so plainly
        raise CheckFailed(f"{what} raised {type(exc).__name__}: {exc}") from exc


def _run_cases(fn, cases, reference, *, what, mistakes=(), rtol=1e-6, atol=1e-8, names=None, factors=None,
               describe=None):
    """Call ``fn`` on every case, compare with ``reference``, and recognise known ``mistakes``.

    ``cases`` is a list of argument tuples; ``reference`` and each mistake function take the
    same arguments. ``mistakes`` is a sequence of ``(function, explanation)``.
    """
    got = [_as_array(_call(fn, args, what), what) for args in cases]
    expected = [np.asarray(reference(*args), dtype=float) for args in cases]
    problems = [_compare(g, e, what=what, rtol=rtol, atol=atol, names=names, patterns=False)
                for g, e in zip(got, expected)]
    if all(p is None for p in problems):
        return len(cases)
    for wrong_fn, why in mistakes:
        if all(_close(g, np.asarray(wrong_fn(*args), dtype=float), rtol, atol) for g, args in zip(got, cases)):
            raise CheckFailed(f"{what} is not right: {why}")
    if all(g.shape == e.shape and np.all(np.isfinite(g)) for g, e in zip(got, expected)):
        # a sign or a factor that holds on EVERY input is a diagnosis; on one input it is chance
        whole_got = np.concatenate([g.ravel() for g in got])
        whole_expected = np.concatenate([e.ravel() for e in expected])
        found = _pattern(whole_got, whole_expected, what=what, rtol=rtol, atol=atol, factors=factors)
        if found and "wrong order" not in found:
            raise CheckFailed(found)
    i = next(k for k, p in enumerate(problems) if p is not None)
    where = f" (for {describe(*cases[i])})" if describe else ""
    raise CheckFailed(problems[i] + where)


def check_value(answer, expected, *, name="your answer", rtol=1e-6, atol=1e-8, hints=None):
    """Check a number (or array) the learner computed against the expected one.

    Introduced in chapter 1's exercises; used wherever an exercise's answer is a number.

    Parameters
    ----------
    answer : float or array_like
        The learner's value.
    expected : float or array_like
        The right value.
    name : str
        How to call the answer in messages.
    rtol, atol : float
        Tolerances, as in :func:`numpy.allclose`.
    hints : dict, optional
        Maps a wrong value to an explanation, e.g. ``{1.0: "that rate bounces forever"}``.

    Returns
    -------
    True, after printing a confirmation.

    Raises
    ------
    CheckFailed
        If the answer is wrong; the message says how.
    """
    got = _as_array(answer, name)
    for wrong, why in (hints or {}).items():
        w = np.asarray(wrong, dtype=float)
        if got.shape == w.shape and np.allclose(got, w, rtol=rtol, atol=atol):
            raise CheckFailed(f"{name} = {_fmt(got)} is not right: {why}")
    problem = _compare(got, expected, what=name, rtol=rtol, atol=atol)
    if problem:
        raise CheckFailed(problem)
    return _passed(f"{name} = {_fmt(got)}.")


def _reference(f, reference, numerical, caller, what):
    """``(reference function, rtol, atol)``: the exact one if given, else a numerical one of f,
    compared with looser tolerances since it carries the finite-difference error."""
    if reference is not None:
        return check_callable(reference, "reference"), 1e-7, 1e-9
    if f is None:
        raise ValueError(f"{caller} needs the function f or the exact {what} as reference=")
    check_callable(f, "f")
    return (lambda x: numerical(f, x)), 1e-5, 1e-6


def check_derivative(df, f=None, *, reference=None, points=(-2.0, -0.5, 0.0, 1.0, 2.5), name="your derivative"):
    """Check a learner's derivative function ``df(x)`` at several points.

    Introduced in chapter 1. The reference is ``reference(x)`` when given (the exact
    derivative), otherwise the central difference of ``f``.

    Parameters
    ----------
    df : callable
        The learner's derivative, a function of one number.
    f : callable, optional
        The function being differentiated (used when ``reference`` is not given).
    reference : callable, optional
        The exact derivative.
    points : sequence of float
        Where to compare.
    name : str
        How to call ``df`` in messages.
    """
    check_callable(df, "df")
    ref, rtol, atol = _reference(f, reference, central_difference, "check_derivative", "derivative")
    points = check_finite_array(points, "points", ndim=1)
    cases = [(float(p),) for p in points]
    mistakes = []
    if f is not None:
        mistakes.append((lambda x: f(x), "it returns the function's value f(x), not its slope f'(x)."))
    n = _run_cases(df, cases, ref, what=name, mistakes=mistakes, rtol=rtol, atol=atol,
                   describe=lambda x: f"x = {_fmt(x)}")
    return _passed(f"{name} matches the derivative at {n} points.")


def check_gradient(grad, f=None, *, reference=None, points=None, dim=2, seed=0, name="your gradient"):
    """Check a learner's gradient function ``grad(v)`` of a function of a vector.

    Introduced in chapter 1 (partial derivatives); used again from chapter 3. The
    reference is ``reference(v)`` when given, otherwise the central-difference gradient of
    ``f`` (:func:`descentkit.calculus.numerical_gradient`).

    Parameters
    ----------
    grad : callable
        Takes a 1-D array ``v`` and returns the gradient, an array of the same shape.
    f : callable, optional
        The function, taking ``v`` and returning a number.
    reference : callable, optional
        The exact gradient.
    points : array_like, shape (k, dim), optional
        Where to compare; by default five points drawn with ``seed``.
    dim : int
        Length of ``v`` when ``points`` is not given.
    """
    check_callable(grad, "grad")
    ref, rtol, atol = _reference(f, reference, numerical_gradient, "check_gradient", "gradient")
    if points is None:
        points = np.random.default_rng(seed).uniform(-2, 2, size=(5, dim))
    points = check_finite_array(points, "points", ndim=2)
    cases = [(p.copy(),) for p in points]
    names = [f"the partial derivative with respect to coordinate {i}" for i in range(points.shape[1])]
    n = _run_cases(grad, cases, ref, what=name, rtol=rtol, atol=atol, names=names,
                   describe=lambda v: f"v = {_fmt(v)}")
    return _passed(f"{name} matches the gradient at {n} points.")


def _linreg_cases(seed=0, sizes=(5, 8, 13)):
    """Small data sets and parameters ``(b, w, x, y)`` on which to compare linear-regression answers."""
    rng = np.random.default_rng(seed)
    cases = []
    for n in sizes:
        x = rng.uniform(0, 3, n)
        y = 1.0 + 2.0 * x + rng.normal(0, 0.5, n)
        b, w = rng.normal(0, 1, 2)
        cases.append((float(b), float(w), x, y))
    return cases


def _describe_linreg(b, w, x, y):
    return f"b = {_fmt(b)}, w = {_fmt(w)} on {x.size} data points"


def check_mse(mse_fn, *, name="your MSE"):
    """Check a learner's mean squared error ``mse_fn(b, w, x, y)`` of the line ``b + w x``.

    Introduced for chapter 3's exercises. Recognises: summing instead of averaging (forgot
    the mean), no square, the root (RMSE), half the MSE, the mean error without squares.
    """
    check_callable(mse_fn, "mse_fn")

    ref = losses.mse

    mistakes = [
        (lambda b, w, x, y: np.sum((b + w * x - y) ** 2),
         "it is the SUM of the squared errors. Divide by the number of points (forgot the mean)."),
        (lambda b, w, x, y: np.sqrt(np.mean((b + w * x - y) ** 2)),
         "that is the RMSE, the square root of the MSE. Leave out the square root."),
        (lambda b, w, x, y: np.mean(np.abs(b + w * x - y)),
         "that is the mean ABSOLUTE error. Square the errors instead of taking their absolute value."),
        (lambda b, w, x, y: np.mean(b + w * x - y),
         "that is the mean error: positive and negative errors cancel. Square each error before averaging."),
        (lambda b, w, x, y: np.mean(b + w * x - y) ** 2,
         "you squared the mean error; square each error first, then take the mean."),
    ]
    n = _run_cases(mse_fn, _linreg_cases(), ref, what=name, mistakes=mistakes,
                   factors={0.5: "a factor 1/2 is in your formula; the course's MSE has none."},
                   describe=_describe_linreg)
    return _passed(f"{name} matches the mean squared error on {n} data sets.")


def check_mse_gradient(grad_fn, *, name="your gradient"):
    """Check a learner's MSE gradient ``grad_fn(b, w, x, y) -> (dL/db, dL/dw)`` for the line ``b + w x``.

    Introduced for chapter 3's exercises. The reference is
    :func:`descentkit.losses.mse_gradient`: ``(2 mean(e), 2 mean(x e))`` with
    ``e = b + w x - y``. Recognises: forgot the factor 2, summed instead of averaged
    (forgot the mean), error taken as ``y - y_hat`` (wrong sign), forgot the ``x`` in the
    slope's component, components swapped.
    """
    check_callable(grad_fn, "grad_fn")

    ref = losses.mse_gradient

    def err(b, w, x, y):
        return b + w * x - y

    mistakes = [
        (lambda b, w, x, y: np.array([np.mean(err(b, w, x, y)), np.mean(x * err(b, w, x, y))]),
         "both components are half the right size: the factor 2 from differentiating the square is missing."),
        (lambda b, w, x, y: np.array([2 * np.sum(err(b, w, x, y)), 2 * np.sum(x * err(b, w, x, y))]),
         "you summed over the data points instead of averaging (forgot the mean): divide by the number of points."),
        (lambda b, w, x, y: np.array([np.sum(err(b, w, x, y)), np.sum(x * err(b, w, x, y))]),
         "you summed instead of averaging (forgot the mean) and the factor 2 is missing."),
        (lambda b, w, x, y: -ref(b, w, x, y),
         "wrong sign: with the error e = y_hat - y the gradient is (2 mean(e), 2 mean(x e)). "
         "Did you use e = y - y_hat without flipping the sign?"),
        (lambda b, w, x, y: np.array([2 * np.mean(err(b, w, x, y))] * 2),
         "the slope's component dL/dw is missing the factor x: it is 2 mean(x * e)."),
        (lambda b, w, x, y: ref(b, w, x, y)[::-1],
         "the components are swapped: the first is dL/db, the second dL/dw."),
    ]
    n = _run_cases(grad_fn, _linreg_cases(), ref, what=name, mistakes=mistakes,
                   names=["dL/db", "dL/dw"], describe=_describe_linreg)
    return _passed(f"{name} matches the MSE gradient on {n} data sets.")


def _eigenvalues(hessian):
    lam = np.linalg.eigvalsh(check_hessian(hessian))
    if lam[0] <= 0:
        raise ValueError(f"hessian must be positive definite, got eigenvalues {lam}")
    return lam


def check_learning_rate_bound(lr, hessian, *, name="your learning rate"):
    """Check the largest learning rate for which gradient descent on a quadratic converges.

    Introduced for chapter 4's exercises. For a quadratic loss with Hessian ``H``, gradient
    descent converges exactly when ``lr < 2 / lambda_max(H)``; the answer is that bound.

    Parameters
    ----------
    lr : float
        The learner's bound.
    hessian : float or array_like, shape (d, d)
        The Hessian (a number: the second derivative, for one parameter).
    """
    lam = _eigenvalues(hessian)
    lmin, lmax = float(lam[0]), float(lam[-1])
    hints = [
        (1 / lmax, "that is 1/lambda_max, the rate that is best for the steepest direction. "
                   "Gradient descent still converges up to twice that, 2/lambda_max."),
        (lmax / 2, "the ratio is upside down: the bound is 2/lambda_max, not lambda_max/2."),
    ]
    if not np.isclose(lmin, lmax):  # with one curvature these would shadow the hints above
        hints += [
            (2 / lmin, "you used the SMALLEST eigenvalue. The steepest direction (largest "
                       "eigenvalue) sets the limit: 2/lambda_max."),
            (1 / lmin, "you used 1/lambda_min; the limit is 2/lambda_max, set by the largest "
                       "eigenvalue."),
        ]
    # a hint equal to the answer would mark it wrong; on a tie the first listed wins
    hints = dict(reversed([(v, m) for v, m in hints if not np.isclose(v, 2 / lmax)]))
    return check_value(lr, 2 / lmax, name=name, rtol=1e-4, atol=0, hints=hints)


def check_condition_number(kappa, hessian, *, name="your condition number"):
    """Check the condition number ``lambda_max / lambda_min`` of a Hessian.

    Introduced for chapter 5's exercises. Recognises the inverse ratio, the square root,
    and the ratio of the diagonal entries (which is not the same unless the Hessian is
    diagonal).
    """
    lam = _eigenvalues(hessian)
    lmin, lmax = float(lam[0]), float(lam[-1])
    h = np.atleast_2d(np.asarray(hessian, dtype=float))
    diag = np.diag(h)
    hints = {lmin / lmax: "the ratio is upside down: kappa = lambda_max / lambda_min is at least 1.",
             np.sqrt(lmax / lmin): "that is the square root of the condition number; kappa = lambda_max / lambda_min."}
    ratio = float(diag.max() / diag.min())
    if not np.isclose(ratio, lmax / lmin, rtol=1e-4):
        hints[ratio] = ("that is the ratio of the Hessian's DIAGONAL entries. Use its eigenvalues "
                        "(np.linalg.eigvalsh), which differ unless the Hessian is diagonal.")
    return check_value(kappa, lmax / lmin, name=name, rtol=1e-4, atol=0, hints=hints)


def check_standardize(standardize, *, name="your standardization"):
    """Check a learner's ``standardize(X_train, X)``: scale ``X`` with the TRAINING set's statistics.

    Introduced for chapter 5's exercises. The function takes the training features
    ``X_train`` (shape ``(n, d)`` or ``(n,)``) and features ``X`` to transform, and returns
    ``(X - mean) / std`` with the mean and the standard deviation (``ddof=0``, as
    scikit-learn's ``StandardScaler``) of each column of ``X_train``. Recognises:
    statistics taken from ``X`` instead of the training set (a leak), forgot to subtract the
    mean, divided by the variance, the sample standard deviation (``ddof=1``), statistics
    over the wrong axis.
    """
    check_callable(standardize, "standardize")
    rng = np.random.default_rng(1)
    cases = []
    for n, m in [(20, 7), (11, 5)]:
        X_train = rng.normal([3.0, -1.0], [2.0, 0.5], size=(n, 2))
        X = rng.normal([1.0, 2.0], [1.0, 3.0], size=(m, 2))
        cases.append((X_train, X))
    cases.append((rng.normal(5, 3, size=9), rng.normal(0, 1, size=4)))  # one feature, 1-D

    def scaled(mean_of, std_fn):
        return lambda X_train, X: (X - mean_of(X_train, X)) / std_fn(X_train, X)

    ref = scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.std(axis=0))
    mistakes = [
        (scaled(lambda t, x: x.mean(axis=0), lambda t, x: x.std(axis=0)),
         "you used the mean and standard deviation of X itself. Use the TRAINING set's statistics for every "
         "set, otherwise the validation data leak into the scaling and train and validation get different scales."),
        (lambda t, x: x / t.std(axis=0), "the mean is not subtracted: compute (X - mean) / std."),
        (scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.var(axis=0)),
         "you divided by the variance; divide by the standard deviation (its square root)."),
        (scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.std(axis=0, ddof=1)),
         "you used the sample standard deviation (ddof=1). The course, like scikit-learn's StandardScaler, "
         "uses np.std with its default ddof=0."),
        (scaled(lambda t, x: t.mean(), lambda t, x: t.std()),
         "the statistics are taken over ALL the numbers at once; take them per feature, down each column "
         "(axis=0)."),
    ]
    n = _run_cases(standardize, cases, ref, what=name, mistakes=mistakes,
                   describe=lambda t, x: f"a training set of shape {t.shape}")
    return _passed(f"{name} scales new data with the training statistics ({n} cases).")


def check_batches(batches, n, batch_size, *, drop_last=False, name="your mini-batches"):
    """Check the mini-batches of one epoch: index arrays that cover ``0..n-1`` once each.

    Introduced for chapter 6's exercises. ``batches`` is a sequence of integer index arrays
    (or the arrays a loop yielded). Every index must appear exactly once; every batch has
    ``batch_size`` indices except possibly the last, smaller one (left out when
    ``drop_last``).
    """
    n = int(n)
    batch_size = int(batch_size)
    batches = [np.asarray(b).ravel() for b in batches]
    if not batches:
        raise CheckFailed(f"{name} is empty: one epoch should give at least one batch.")
    if not all(np.issubdtype(b.dtype, np.integer) for b in batches):
        raise CheckFailed(f"{name} should contain integer indices into the data (use np.arange / permutation).")
    sizes = [b.size for b in batches]
    full, rest = divmod(n, batch_size)
    expected_sizes = [batch_size] * full + ([] if drop_last or rest == 0 else [rest])
    seen = np.concatenate(batches)
    if np.unique(seen).size != seen.size:
        raise CheckFailed(f"{name} use some examples more than once in one epoch. Shuffle the indices "
                          "once per epoch and cut them into consecutive slices.")
    if seen.min() < 0 or seen.max() >= n:
        raise CheckFailed(f"{name} contain indices outside 0..{n - 1}.")
    if sizes != expected_sizes:
        if sizes[:full] == expected_sizes[:full] and not drop_last and rest and len(sizes) == full:
            raise CheckFailed(f"{name} leave out the last, smaller batch of {rest} examples: "
                              f"{n - seen.size} examples are never used.")
        raise CheckFailed(f"{name} have sizes {sizes}; with n = {n} and batch_size = {batch_size} "
                          f"they should be {expected_sizes}.")
    if np.array_equal(seen, np.arange(seen.size)) and len(batches) > 1:
        print(f"Note: {name} visit the examples in their original order. Stochastic gradient descent "
              "usually shuffles them each epoch.")
    return _passed(f"{name}: {len(batches)} batches cover every example exactly once.")


def check_momentum_step(step, *, name="your momentum step"):
    """Check one step of gradient descent with momentum, PyTorch's convention.

    Introduced for chapter 7's exercises. ``step(params, velocity, grad, lr, momentum)``
    returns ``(new_params, new_velocity)`` with ``new_velocity = momentum * velocity + grad``
    and ``new_params = params - lr * new_velocity`` (as ``torch.optim.SGD`` with
    ``momentum``, no dampening). Recognises: adding instead of subtracting, stepping with
    the old velocity, the dampened form ``momentum * v + (1 - momentum) * grad``, and
    forgetting the velocity.
    """
    check_callable(step, "step")
    rng = np.random.default_rng(2)
    cases = [(rng.normal(size=2), rng.normal(size=2), rng.normal(size=2), lr, mu)
             for lr, mu in [(0.1, 0.9), (0.05, 0.5), (0.3, 0.8)]]

    def pack(p, v):
        return np.concatenate([np.asarray(p, float).ravel(), np.asarray(v, float).ravel()])

    def ref(p, v, g, lr, mu):
        new_p, state = HeavyBall(mu).step(p, g, lr, {"velocity": v})
        return pack(new_p, state["velocity"])

    def learner(p, v, g, lr, mu):
        out = step(p.copy(), v.copy(), g.copy(), lr, mu)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise CheckFailed(f"{name} should return two things, (new_params, new_velocity).")
        return pack(*(_as_array(o, name) for o in out))

    mistakes = [
        (lambda p, v, g, lr, mu: pack(p + lr * (mu * v + g), mu * v + g),
         "the parameters move UP the gradient: subtract lr * velocity, do not add it."),
        (lambda p, v, g, lr, mu: pack(p - lr * v, mu * v + g),
         "the parameters move with the OLD velocity. Update the velocity first, then step with the new one."),
        (lambda p, v, g, lr, mu: pack(p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
         "that is the dampened (moving-average) form mu*v + (1 - mu)*g. The course follows PyTorch: v = mu*v + g."),
        (lambda p, v, g, lr, mu: pack(p - lr * g, g),
         "the old velocity is ignored: that is plain gradient descent. Add momentum * velocity to the gradient."),
    ]
    n = _run_cases(learner, cases, ref, what=name, mistakes=mistakes,
                   describe=lambda p, v, g, lr, mu: f"lr = {lr}, momentum = {mu}")
    return _passed(f"{name} matches PyTorch's momentum update in {n} cases.")

"""Self-checks for the exercises: compare a learner's answer with the reference and say
what is wrong in plain words.

Defined for the exercises of every chapter (chapter 1 on). Each ``check_*`` function
takes the learner's answer (a number, an array, a function...) and the *problem* (the
function being differentiated, the Hessian, the rates tried...), works out the reference
itself, and gives one of three kinds of feedback:

* **right**: prints ``Correct: ...`` and returns an :class:`Outcome` equal to ``True``;
* **wrong**: raises :class:`CheckFailed`, an ``AssertionError`` whose message names the
  mistake: wrong shape, wrong sign, off by a factor of 2, forgot the mean, the
  reciprocal, one step too few, the validation set's statistics...;
* **not answered yet**: the answer is still the placeholder of the student notebook
  (:func:`todo`, ``...``, or a function that raises ``NotImplementedError``): prints
  ``Not answered yet: <hint>`` and returns an :class:`Outcome` equal to ``False``.

A message never shows the reference value: it describes the learner's answer ("twice
the right value", "too large", "one step too few") so that the learner can still find
the answer themselves. Raising (rather than printing) on a wrong answer means a notebook
run top to bottom stops there, so the course's own tests prove that every reference
solution passes its check; in Jupyter the error shows only the message, without a
traceback. In a cell with several check lines every check still runs (an IPython AST
transformer, installed when this module is imported in IPython, defers the failures): the
cell then fails once, with every check's status on a line of its own.

Known mistakes are recognised by trying each on the same inputs: if the learner's answer
equals, say, the gradient *without* the factor 2 everywhere, that is what the message
says. Otherwise the message reports the first input where the answer differs.

In a Jupyter kernel, the right and not-answered reports are displayed with a second,
machine-readable representation (MIME type :data:`MIME`, ``{"status": ..., "message":
...}``) that :mod:`descentkit.grade` reads; a wrong answer is the ``CheckFailed`` error.
"""

from __future__ import annotations

import ast
import functools
import math
import os

import numpy as np

from . import losses
from .calculus import central_difference, numerical_gradient
from .rules import HeavyBall
from .validation import check_callable, check_finite_array, check_hessian

__all__ = [
    "MIME",
    "REPORT_ENV",
    "CheckFailed",
    "Outcome",
    "Todo",
    "todo",
    "check_value",
    "check_steps",
    "check_escape_steps",
    "check_derivative",
    "check_gradient",
    "check_training_losses",
    "check_diverging_rates",
    "check_mse",
    "check_mse_value",
    "check_mse_gradient",
    "check_mse_gradient_value",
    "check_learning_rate_bound",
    "check_one_step_rate",
    "check_finder_picks",
    "check_best_choice",
    "check_condition_number",
    "check_centred_kappa",
    "check_scaled_kappa",
    "check_standardize",
    "check_centred",
    "check_unscaled_line",
    "check_batches",
    "check_minibatch_average",
    "check_target",
    "check_power_law_rate",
    "check_memory_steps",
    "check_momentum_step",
    "check_basin_fraction",
]

#: The MIME type of a check's report in a notebook's outputs, read by descentkit.grade.
MIME = "application/vnd.descentkit.check+json"


class CheckFailed(AssertionError):
    """A learner's answer is wrong. The message says how, in plain words."""

    def _render_traceback_(self):
        # IPython/Jupyter call this instead of printing a traceback: the learner sees
        # only the explanation, not the internals of the check.
        lines = str(self).splitlines() or [""]
        return ["CheckFailed: " + lines[0], *lines[1:]]


class Todo:
    """The placeholder of an answer not written yet, with the exercise's hint.

    The student notebooks write ``answer = dk.checks.todo("hint")``; every check reports
    such an answer (or a bare ``...``) as not answered yet, showing the hint.
    """

    __slots__ = ("hint",)

    def __init__(self, hint: str = ""):
        self.hint = str(hint)

    def __repr__(self) -> str:
        return f"todo({self.hint!r})"


def todo(hint: str = "") -> Todo:
    """A placeholder for an answer: replace ``todo(...)`` with your own code.

    Introduced in the student version of every chapter. The self-checks recognise it
    and say "Not answered yet" with the ``hint``.

    Examples
    --------
    >>> lr = todo("the factor 1 - 2 * lr must be zero")
    >>> check_value(lr, 0.5, name="lr")
    Not answered yet (lr): the factor 1 - 2 * lr must be zero
    False
    """
    return Todo(hint)


class _Unanswered(Exception):
    """Raised inside a check when the answer is still a placeholder."""


# --------------------------------------------------------------------------- reporting


def _kernel_display():
    """IPython's ``display`` when running in a Jupyter kernel, else ``None``."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a runtime dependency
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    from IPython.display import display

    return display


#: Set to ``"text"`` (scripts/build_site.py does, for the website's build), checks print
#: their result only as text, without the JSON report: myst-nb would put that report, a
#: display of its own, inside the figure of a cell that also draws one.
REPORT_ENV = "DESCENTKIT_CHECK_REPORT"


def _report(status: str, text: str) -> None:
    if _CELL is not None:
        _CELL.append((status, text))
    display = _kernel_display()
    if display is None or os.environ.get(REPORT_ENV) == "text":
        print(text)
    else:
        display({"text/plain": text, MIME: {"status": status, "message": text}}, raw=True)


# --------------------------------------------------------------------------- cells with several checks

#: While a notebook cell with several self-check lines runs: the ``(status, text)`` of each
#: check so far; ``None`` otherwise.
_CELL = None


def _check_line(node) -> bool:
    """Whether a top-level statement is a self-check line: ``check_...(...)`` or ``x.check_...(...)``."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    func = node.value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name.startswith("check_")


def _cell_begin() -> None:
    global _CELL
    _CELL = []


def _cell_check(run):
    """Run one check line of a cell with several; a wrong answer is recorded, not raised."""
    try:
        return run()
    except CheckFailed as exc:
        if _CELL is None:  # pragma: no cover - only reached through the transformer
            raise
        _CELL.append(("wrong", str(exc)))
        return Outcome(0)


def _cell_end() -> None:
    """After the last check line: if any answer was wrong, raise one CheckFailed that gives
    every check's status, one line each (continuation lines indented)."""
    global _CELL
    done, _CELL = _CELL or [], None
    wrong = sum(1 for status, _ in done if status == "wrong")
    if not wrong:
        return
    lines = []
    for status, text in done:
        first, *rest = text.splitlines() or [""]
        if status == "wrong":
            first = "Not right: " + first
        lines += [f"- {first}", *(f"  {r}" for r in rest)]
    verb = "is" if wrong == 1 else "are"
    raise CheckFailed(
        f"{wrong} of the {len(done)} self-checks of this cell {verb} not right:\n"
        + "\n".join(lines)
    )


class _EveryCheckLine(ast.NodeTransformer):
    """IPython AST transformer: in a cell with several self-check lines, run them all.

    Each check line ``check_x(...)`` becomes ``_cell_check(lambda: check_x(...))``, the
    first one preceded by ``_cell_begin()`` and the last one followed by ``_cell_end()``,
    which raises one :class:`CheckFailed` listing every check's status if any was wrong.
    So a learner sees the status of every answer, not only of the first wrong one, and
    the cell still fails (a notebook run top to bottom stops there). The code the learner
    sees is unchanged.
    """

    def visit_Module(self, node):
        lines = [i for i, stmt in enumerate(node.body) if _check_line(stmt)]
        if len(lines) < 2:
            return node
        here = ast.Call(
            func=ast.Name(id="__import__", ctx=ast.Load()),
            args=[ast.Constant("descentkit.checks")],
            keywords=[ast.keyword(arg="fromlist", value=ast.Constant(("_cell_check",)))],
        )

        def call(name, *args):
            func = ast.Attribute(value=here, attr=name, ctx=ast.Load())
            return ast.Expr(ast.Call(func=func, args=list(args), keywords=[]))

        body = []
        for i, stmt in enumerate(node.body):
            if i == lines[0]:
                body.append(call("_cell_begin"))
            if i in lines:
                empty = ast.arguments(
                    posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]
                )
                body.append(call("_cell_check", ast.Lambda(args=empty, body=stmt.value)))
            else:
                body.append(stmt)
            if i == lines[-1]:
                body.append(call("_cell_end"))
        node.body = body
        return ast.fix_missing_locations(node)


def _reset_cell(*_args) -> None:
    global _CELL
    _CELL = None


def _install_in_ipython() -> None:
    """Register :class:`_EveryCheckLine` in the running IPython shell, once."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or any(isinstance(t, _EveryCheckLine) for t in shell.ast_transformers):
        return
    shell.ast_transformers.append(_EveryCheckLine())
    shell.events.register("post_run_cell", _reset_cell)


class Outcome(int):
    """A check's result: true when right, false when not answered yet.

    It behaves as ``True`` or ``False``, and a notebook does not display it when the check
    is a cell's last line (the check has printed its report already).
    """

    def __repr__(self) -> str:
        return repr(bool(self))

    __str__ = __repr__

    def _ipython_display_(self):
        pass


def _passed(message: str) -> Outcome:
    _report("passed", "Correct: " + message)
    return Outcome(1)


def _self_check(fn):
    """Turn a placeholder answer, found anywhere inside the check, into "Not answered yet"."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except _Unanswered as exc:
            _report("unanswered", f"Not answered yet{exc.args[0]}")
            return Outcome(0)

    return wrapper


def _placeholder_hints(value):
    """The hints of the placeholders in ``value`` ('' for a bare ``...``), or ``None`` if answered.

    Looks one level into lists, tuples and dictionaries, where the answers of one check
    are often gathered (``check_value([k_09, k_099], ...)``).
    """
    if isinstance(value, Todo):
        return [value.hint]
    if value is Ellipsis:
        return [""]
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, dict):
        items = list(value.values())
    else:
        return None
    found = [
        item.hint if isinstance(item, Todo) else ""
        for item in items
        if isinstance(item, Todo) or item is Ellipsis
    ]
    return found or None


def _require_answer(value, name: str, *more) -> None:
    """Raise "not answered" if ``value`` (or any of ``more``) is still a placeholder, with all their hints."""
    hints, names = [], []
    for v, n in [(value, name), *more]:
        found = _placeholder_hints(v)
        if found is not None:
            names.append(n)
            hints += [h for h in found if h not in hints]
    if names:
        _unanswered(
            next((n for n in names if n), ""), "; ".join(h.strip() for h in hints if h.strip())
        )


def _unanswered(name: str, hint: str):
    where = f" ({name})" if name else ""
    text = (
        hint.strip() or "replace the placeholder `...` with your answer, then run the cell again."
    )
    raise _Unanswered(f"{where}: {text}")


# --------------------------------------------------------------------------- comparing


def _fmt(value) -> str:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    return np.array2string(arr, precision=4, suppress_small=True, max_line_width=80, threshold=8)


def _as_array(value, what: str) -> np.ndarray:
    """Turn a learner's result into a float array, or fail with a plain explanation."""
    _require_answer(value, what)
    if value is None:
        raise CheckFailed(
            f"{what} is None. Did you forget the `return` statement, or to assign the result?"
        )
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    elif isinstance(value, (list, tuple)) and any(hasattr(v, "detach") for v in value):
        value = [v.detach().cpu().numpy() if hasattr(v, "detach") else v for v in value]
    if isinstance(value, (str, bytes, dict)) or callable(value):
        raise CheckFailed(
            f"{what} is a {type(value).__name__} ({value!r:.80}); the answer is a number "
            f"or an array of numbers (expected numbers)."
        )
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"{what} is a {type(value).__name__} ({value!r:.80}); the answer is a number "
            f"or an array of numbers (expected numbers)."
        ) from None
    return arr


def _number(value, what: str) -> float:
    """A learner's answer as one finite float, or :class:`CheckFailed` saying why it is not."""
    arr = _as_array(value, what)
    if arr.size != 1:
        raise CheckFailed(f"{what} has shape {arr.shape}, but the answer is one number.")
    number = float(arr.reshape(()))
    if not np.isfinite(number):
        raise CheckFailed(f"{what} is {number}, not a finite number.")
    return number


def _close(a, b, rtol, atol) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _float_eps(value) -> float:
    """The machine epsilon of the coarsest floating-point type in a learner's answer.

    ``float64`` for plain Python numbers; ``float32`` (about 1.2e-7) for a float32 numpy
    array or torch tensor, or a list holding such values. It lets a check accept an answer
    that is right but was stored in single precision (``torch.tensor(a_list)`` is float32).
    """
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    eps = float(np.finfo(np.float64).eps)
    for item in items:
        dtype = getattr(item, "dtype", None)
        if dtype is None:
            continue
        name = str(dtype).replace("torch.", "")
        if name in ("float32", "float16", "bfloat16"):
            eps = max(eps, float(np.finfo(np.float32 if name == "float32" else np.float16).eps))
            if name == "bfloat16":
                eps = max(eps, 2.0**-8)
    return eps


def _is_whole(values) -> bool:
    values = np.asarray(values, dtype=float)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


#: An answer within this fraction of the right value (but outside the check's tolerance)
#: is reported as rounded, not as too large or too small, if it looks typed (see
#: :data:`TYPED_DIGITS`).
ROUNDED = 0.01

#: An answer "looks typed" (a rounded number someone copied from a printout) when it equals
#: itself rounded to at most this many significant digits (0.333, 0.0143, 66.9) or to this
#: many decimals, the precision the course prints arrays with (1.5279, 10.4721, -3.9076).
#: A computed number (mean(x) * mean(y), another batch order, step 11) has all its digits,
#: and is not called rounded however close it is.
TYPED_DIGITS = 4


def _looks_typed(value: float) -> bool:
    """Whether ``value`` has at most :data:`TYPED_DIGITS` significant digits (0.333, 0.0143)
    or decimals (10.4721)."""
    value = float(value)
    if not np.isfinite(value) or value == 0:
        return False
    return value == float(f"{value:.{TYPED_DIGITS - 1}e}") or value == round(
        value, TYPED_DIGITS
    )


def _reason(got: float, expected: float, *, whole, rtol: float, atol: float) -> str:
    """Why one number differs from the right one, without saying the right one.

    ``whole``: the answer is a count; a string says what to say of a count that is not
    whole but rounds up to the right one (by default: the first whole step, round up).

    An answer within :data:`ROUNDED` (1 %) of it, not a count, with few significant
    digits (:func:`_looks_typed`: ``0.333`` for 1/3) looks rounded: the message asks for
    the exact value rather than saying "too small". A computed answer that is merely close
    (all its digits, a different quantity) is too large or too small.
    """

    def near(a, b):
        return bool(np.isclose(a, b, rtol=rtol, atol=atol))

    if whole and np.isfinite(got) and got != round(got):
        if math.ceil(got) == expected:
            if isinstance(whole, str):
                return f"not a whole number: {whole}"
            return (
                "not a whole number: the count is the first whole step at which it holds (round up)"
            )
        return "not a whole number"
    if whole and got == expected - 1:
        return "one too few"
    if whole and got == expected + 1:
        return "one too many"
    if expected != 0 and near(got, -expected):
        return "the wrong sign"
    if expected != 0 and near(got, 2 * expected):
        return "twice the right value: a factor of 2 too many"
    if expected != 0 and near(got, expected / 2):
        return "half the right value: a factor of 2 is missing"
    if (
        not whole
        and expected != 0
        and abs(got - expected) <= ROUNDED * abs(expected) * (1 + 1e-9)
        and _looks_typed(got)
    ):
        return (
            "within 1 % of the right value but not equal, it looks rounded. Give the exact "
            "value: keep all the digits (compute it rather than type it)"
        )
    return "too large" if got > expected else "too small"


def _pattern(got, expected, *, what, rtol, atol, factors=None):
    """Explain ``got`` as a simple transformation of ``expected`` (sign, factor, swap,
    reciprocal, square root), or ``None``. The explanation never shows ``expected``."""
    nonzero = bool(np.any(expected != 0))
    if nonzero and _close(got, -expected, rtol, atol):
        return f"{what} has the wrong sign."
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
    if (
        got.ndim == 1
        and got.size > 1
        and not _close(expected[::-1], expected, rtol, atol)
        and _close(got[::-1], expected, rtol, atol)
    ):
        return f"{what} has its components in the wrong order."
    if (
        np.all(expected != 0)
        and not np.allclose(np.abs(expected), 1)
        and np.all(got != 0)
        and _close(1 / got, expected, rtol, atol)
    ):
        return f"{what} is upside down: you have the reciprocal (1 over the right value)."
    if np.all(expected > 0) and not np.allclose(expected, 1) and np.all(got > 0):
        if _close(got**2, expected, rtol, atol):
            return f"{what} is the square root of the right value: square it (or leave out the square root)."
        if _close(np.sqrt(got), expected, rtol, atol):
            return f"{what} is the square of the right value: take its square root (or do not square it)."
    return None


def _compare(
    got,
    expected,
    *,
    what,
    rtol=1e-6,
    atol=1e-8,
    names=None,
    factors=None,
    patterns=True,
    whole=False,
    each=False,
):
    """Return ``None`` if ``got`` matches ``expected``, else a message explaining the difference.

    The message describes ``got`` (wrong sign, twice, too large, component 1 is wrong...)
    and never shows ``expected``. ``factors`` maps a number ``c`` to an explanation used
    when ``got == c * expected``. With ``patterns=False`` sign and factor patterns of the
    whole array are not looked for (the caller looks for them across all inputs at once,
    where they mean something). ``whole``: the answer is a count (whole numbers).
    ``each``: the components are separate answers (named by ``names``); the message gives
    every answer's status, one line each, right ones included.
    """
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        if got.size == expected.size:
            return (
                f"{what} has shape {got.shape}, but the answer has shape {expected.shape}. "
                f"The numbers may be right: check how you build the result (reshape or ravel?)."
            )
        if expected.ndim == 0:
            return f"{what} has shape {got.shape}, but the answer is a single number (wrong shape)."
        return f"{what} has shape {got.shape}, but the answer has shape {expected.shape} (wrong shape)."
    if not np.all(np.isfinite(got)):
        return f"{what} contains NaN or infinite values: {_fmt(got)}."
    if _close(got, expected, rtol, atol):
        return None
    if patterns:
        found = _pattern(got, expected, what=what, rtol=rtol, atol=atol, factors=factors)
        if found:
            return found
    if got.size == 1:
        reason = _reason(
            float(got.ravel()[0]), float(expected.ravel()[0]), whole=whole, rtol=rtol, atol=atol
        )
        return f"{what} = {_fmt(got)} is not right: {reason}."
    flat_got, flat_expected = got.ravel(), expected.ravel()
    wrong = ~np.isclose(flat_got, flat_expected, rtol=rtol, atol=atol)
    labels = names or [f"component {i}" for i in range(flat_got.size)]
    if each and names:
        lines = [
            f"- {labels[i]} = {_fmt(flat_got[i])}: "
            + (
                _reason(
                    float(flat_got[i]), float(flat_expected[i]), whole=whole, rtol=rtol, atol=atol
                )
                if wrong[i]
                else "right"
            )
            for i in range(flat_got.size)
        ]
        count = int(np.sum(wrong))
        verb = "is" if count == 1 else "are"
        head = f"{what}: {count} of the {flat_got.size} answers {verb} not right."
        return head + "\n" + "\n".join(lines)
    parts = [
        f"{labels[i]} ({_fmt(flat_got[i])}) is "
        + _reason(float(flat_got[i]), float(flat_expected[i]), whole=whole, rtol=rtol, atol=atol)
        for i in np.flatnonzero(wrong)
    ]
    others = "; the others are right" if not np.all(wrong) else ""
    return f"{what} is not right: {'; '.join(parts)}{others}."


def _call(fn, args, what):
    try:
        out = fn(*args)
    except (CheckFailed, _Unanswered):
        raise
    except NotImplementedError as exc:
        _unanswered(what, str(exc))
    except Exception as exc:  # the learner's code failed: say so plainly
        raise CheckFailed(f"{what} raised {type(exc).__name__}: {exc}") from exc
    _require_answer(out, what)
    return out


def _judge_number(answer, expected, mistakes=(), *, name, rtol, atol=0.0) -> float:
    """The learner's number if it is ``expected`` (within ``rtol``, ``atol``); else
    :class:`CheckFailed` naming the mistake.

    ``mistakes`` is a sequence of ``(wrong value, explanation)``; a wrong value that equals
    the right one for this problem (the penalty left out when there is none) is skipped.
    Any other wrong number gets :func:`_compare`'s diagnosis (the wrong sign, a factor of 2,
    upside down, too large, too small), which never shows ``expected``.
    """
    value = _number(answer, name)
    expected = float(expected)
    for wrong, why in mistakes:
        wrong = float(wrong)
        if (
            np.isfinite(wrong)
            and not np.isclose(wrong, expected, rtol=10 * rtol, atol=atol)
            and np.isclose(value, wrong, rtol=rtol, atol=atol)
        ):
            raise CheckFailed(f"{name} = {_fmt(value)} is not right: {why}")
    problem = _compare(np.asarray(value), np.asarray(expected), what=name, rtol=rtol, atol=atol)
    if problem:
        raise CheckFailed(problem)
    return value


def _run_cases(
    fn,
    cases,
    reference,
    *,
    what,
    mistakes=(),
    rtol=1e-6,
    atol=1e-8,
    names=None,
    factors=None,
    describe=None,
    offset=None,
    nearly=None,
    diagnose=None,
):
    """Call ``fn`` on every case, compare with ``reference``, and recognise known ``mistakes``.

    ``cases`` is a list of argument tuples; ``reference`` and each mistake function take the
    same arguments. ``mistakes`` is a sequence of ``(function, explanation)``. ``offset``:
    an explanation for an answer off by the same nonzero amount on every case; ``nearly``:
    one for an answer within 1 % of the reference everywhere but not within tolerance;
    ``diagnose``: called with no arguments when nothing else explains the answer, it
    returns a message (or ``None``).
    """
    got = [_as_array(_call(fn, args, what), what) for args in cases]
    expected = [np.asarray(reference(*args), dtype=float) for args in cases]
    problems = [
        _compare(g, e, what=what, rtol=rtol, atol=atol, names=names, patterns=False)
        for g, e in zip(got, expected)
    ]
    if all(p is None for p in problems):
        return len(cases)
    for wrong_fn, why in mistakes:
        if all(
            _close(g, np.asarray(wrong_fn(*args), dtype=float), rtol, atol)
            for g, args in zip(got, cases)
        ):
            raise CheckFailed(f"{what} is not right: {why}")
    if all(g.shape == e.shape and np.all(np.isfinite(g)) for g, e in zip(got, expected)):
        # a sign or a factor that holds on EVERY input is a diagnosis; on one input it is chance
        whole_got = np.concatenate([g.ravel() for g in got])
        whole_expected = np.concatenate([e.ravel() for e in expected])
        found = _pattern(
            whole_got, whole_expected, what=what, rtol=rtol, atol=atol, factors=factors
        )
        if found and "wrong order" not in found:
            raise CheckFailed(found)
        diff = whole_got - whole_expected
        scale = np.maximum(np.abs(whole_expected), 1.0)
        if nearly and np.all(np.abs(diff) <= 1e-2 * scale):
            raise CheckFailed(f"{what} is close, but not equal: {nearly}")
        if (
            offset
            and np.all(np.isclose(diff, diff[0], rtol=1e-6, atol=atol))
            and abs(diff[0]) > atol
        ):
            raise CheckFailed(f"{what} is off by the same amount at every point: {offset}")
    found = diagnose() if diagnose is not None else None
    if found:
        raise CheckFailed(found)
    i = next(k for k, p in enumerate(problems) if p is not None)
    where = f" (for {describe(*cases[i])})" if describe else ""
    raise CheckFailed(problems[i] + where)


# --------------------------------------------------------------------------- numbers


def _mapping_arrays(answer, expected: dict, name: str):
    """The values of two dictionaries with the same keys, in the order of ``expected``."""
    if not isinstance(answer, dict):
        raise CheckFailed(
            f"{name} should be a dictionary with the keys {list(expected)}, "
            f"but it is a {type(answer).__name__}."
        )
    missing = [k for k in expected if k not in answer]
    extra = [k for k in answer if k not in expected]
    if missing or extra:
        detail = "; ".join(
            part
            for part in (
                f"missing: {missing}" if missing else "",
                f"not asked for: {extra}" if extra else "",
            )
            if part
        )
        raise CheckFailed(f"{name} should have the keys {list(expected)} ({detail}).")
    got = _as_array([answer[k] for k in expected], name)
    return (
        got,
        np.asarray([expected[k] for k in expected], dtype=float),
        [f"the value for {k}" for k in expected],
    )


@_self_check
def check_value(
    answer,
    expected,
    *,
    name="your answer",
    rtol=1e-6,
    atol=1e-8,
    hints=None,
    count=False,
    names=None,
    close=None,
    close_within=ROUNDED,
):
    """Check a number (or array, or dictionary of numbers) the learner computed.

    Introduced in chapter 1's exercises; used wherever an exercise's answer is a number.
    ``expected`` is computed by the check's line from the problem (a measurement, another
    method), never typed: the check reports what is wrong without showing it. Recognises:
    not answered yet (``todo(...)`` or ``...``), ``None``, not a number, wrong shape, NaN,
    the wrong sign, a factor of 2 too many or missing, the reciprocal (upside down), the
    square root or the square, components in the wrong order, which components are wrong;
    for whole numbers, one too few or too many and not a whole number.

    Parameters
    ----------
    answer : float, array_like or dict
        The learner's value. A dictionary is compared key by key with ``expected``.
    expected : float, array_like or dict
        The right value.
    name : str
        How to call the answer in messages (the exercise's variable name, say).
    rtol, atol : float
        Tolerances, as in :func:`numpy.allclose`.
    hints : dict, optional
        Maps a wrong value to an explanation, e.g. ``{1.0: "that rate bounces forever"}``.
    count : bool or str
        The answer is a count: whole numbers (adds "one too few", "not a whole number").
        A string is what to say of an answer that is not whole and rounds up to the right
        count (by default: the count is the first whole step at which it holds).
    names : sequence of str, optional
        The components' names, for the messages about an array.
    close : str, optional
        What to say when every component is within ``close_within`` (1 %) of the right
        value but not equal (and the answer does not look rounded): the likely slip of a
        computed answer (other batches, another seed...).
    close_within : float
        The relative distance within which ``close`` applies.

    Returns
    -------
    Outcome
        True after printing a confirmation; False (after printing "Not answered yet") when
        the answer is still a placeholder.

    Raises
    ------
    CheckFailed
        If the answer is wrong; the message says how.
    """
    _require_answer(answer, name, (expected, ""))
    if isinstance(expected, dict):
        expected_keys = list(expected)
        got, expected, names = _mapping_arrays(answer, expected, name)
    else:
        got = _as_array(answer, name)
        expected = np.asarray(expected, dtype=float)
    for wrong, why in (hints or {}).items():
        w = np.asarray(wrong, dtype=float)
        if got.shape == w.shape and np.allclose(got, w, rtol=rtol, atol=atol):
            raise CheckFailed(f"{name} = {_fmt(got)} is not right: {why}")
    if (
        close
        and got.shape == expected.shape
        and np.all(np.isfinite(got))
        and not _close(got, expected, rtol, atol)
        and np.all(np.abs(got - expected) <= close_within * np.abs(expected))
        and not all(_looks_typed(v) for v in got.ravel())
    ):
        raise CheckFailed(
            f"{name} is close (within {100 * close_within:.3g} %), but not equal: {close}"
        )
    problem = _compare(
        got,
        expected,
        what=name,
        rtol=rtol,
        atol=atol,
        names=names,
        whole=count,
        each=isinstance(answer, (list, tuple)) and names is not None,
    )
    if problem:
        raise CheckFailed(problem)
    if isinstance(answer, dict):  # shown with its keys, as the learner wrote it
        shown = ", ".join(
            f"{k!r}: {_fmt(v)}" if isinstance(k, str) else f"{k}: {_fmt(v)}"
            for k, v in zip(expected_keys, got)
        )
        return _passed(f"{name} = {{{shown}}}.")
    return _passed(f"{name} = {_fmt(got)}.")


def _contraction(hessian, lr) -> float:
    lam = np.linalg.eigvalsh(check_hessian(hessian))
    return float(np.max(np.abs(1 - float(lr) * lam)))


@_self_check
def check_steps(
    answer,
    expected=None,
    *,
    hessian=None,
    lr=None,
    factor=None,
    kappa=None,
    method=None,
    shrink=None,
    rtol=0.0,
    whole=False,
    names=None,
    name="your number of steps",
):
    """Check a number of steps (or several), counted or predicted.

    Introduced in chapter 1's exercises; used in chapters 4, 5 and 7. The reference is
    ``expected`` (a whole number, a sequence of them, or a run with ``converged_at``),
    or, with ``shrink``, the steps after which an error that shrinks by ``factor`` each
    step has shrunk by ``shrink``: ``ln(shrink) / ln(1 / factor)``, rounded up when
    ``rtol`` is 0. The factor is ``factor``; or the worst factor ``max |1 - lr lambda|`` of
    ``hessian`` at rate ``lr``; or, for a quadratic of condition number ``kappa``, that of
    ``method`` at its best tuning: ``"gradient descent"`` at its best fixed rate,
    ``(kappa - 1) / (kappa + 1)``, or ``"heavy ball"`` with Polyak's rate and momentum,
    ``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)``. With ``rtol > 0`` the answer is an estimate
    and need not be whole, unless ``whole``: a prediction from rounded numbers (within
    ``rtol``) that must still be a whole number of steps, rounded up. ``names`` label the
    counts of a sequence.

    Recognises: one step too few or too many (rounded down instead of up, counted from
    1 instead of 0), not a whole number, twice or half the count, too many, too few; with
    ``kappa``: the shrink's log10 over the natural log of 1/factor (or the other way
    round), and for heavy ball the approximation ``ln(1/factor) ~ 2/sqrt(kappa)`` and the
    momentum ``beta = factor**2`` taken as the factor.
    """
    _require_answer(answer, name, (expected, ""))
    slips = {}
    if expected is None:
        given = [factor is not None, hessian is not None and lr is not None, kappa is not None]
        if shrink is None or sum(given) != 1:
            raise ValueError(
                "check_steps needs expected=, or shrink= with one of factor=, "
                "hessian= and lr=, kappa= and method="
            )
        if kappa is not None:
            from .curvature import gd_optimal, heavy_ball_optimal

            if method == "gradient descent":
                factor = gd_optimal(1.0, float(kappa))[1]
            elif method == "heavy ball":
                factor = heavy_ball_optimal(1.0, float(kappa))[2]
            else:
                raise ValueError(
                    f"method must be 'gradient descent' or 'heavy ball', got {method!r}"
                )
        rho = float(factor) if factor is not None else _contraction(hessian, lr)
        if not 0 < rho < 1:
            raise ValueError(
                f"the error must shrink each step: factor {rho} is not between 0 and 1"
            )
        exact = math.log(float(shrink)) / math.log(1 / rho)
        expected = math.ceil(exact - 1e-9) if rtol == 0 else exact
        if hessian is not None and factor is None:
            _flat_factor_mistake(answer, hessian, lr, shrink, exact, rtol, name)
        if kappa is not None:
            slips = _kappa_step_slips(float(kappa), method, float(shrink), rho)
    if hasattr(expected, "converged_at"):
        expected = expected.converged_at
    elif isinstance(expected, (list, tuple)):
        expected = [e.converged_at if hasattr(e, "converged_at") else e for e in expected]
    if expected is None or (isinstance(expected, list) and any(e is None for e in expected)):
        raise ValueError("the reference run did not converge: it has no step count")
    got = _as_array(answer, name)
    expected = np.asarray(expected, dtype=float)
    if got.ndim == 0 and expected.ndim == 0 and float(got) != float(expected):
        for value, why in slips.items():
            near = abs(float(got) - value) <= 1e-6 * value
            if value != float(expected) and (near or float(got) == math.ceil(value)):
                raise CheckFailed(f"{name} = {_fmt(got)} is not right: {why}")
    problem = _compare(
        got,
        expected,
        what=name,
        rtol=rtol,
        atol=0 if rtol == 0 else 1e-12,
        names=names,
        whole=rtol == 0 and _is_whole(expected),
        each=names is not None,
    )
    if problem:
        raise CheckFailed(problem)
    if whole and not _is_whole(got):
        raise CheckFailed(
            f"{name} = {_fmt(got)} is not a whole number: a number of steps is whole. "
            "Round the formula's value up (np.ceil): the first whole step after which "
            "the error has shrunk enough."
        )
    return _passed(f"{name} = {_fmt(got)}.")


def _flat_factor_mistake(answer, hessian, lr, shrink, exact, rtol, name):
    """At the best fixed rate, an answer counted with the factor 1 - 1/kappa (the flat
    direction's at rate 1/lambda_max) instead of (kappa - 1)/(kappa + 1)."""
    hessian = np.asarray(hessian, dtype=float)
    if hessian.ndim != 2 or hessian.shape[0] < 2:
        return
    lam = np.linalg.eigvalsh(hessian)
    if lam[0] <= 0 or not np.isclose(lr, 2 / (lam[0] + lam[-1]), rtol=1e-6):
        return
    flat = math.log(float(shrink)) / math.log(1 / (1 - lam[0] / lam[-1]))
    try:
        got = float(answer)
    except (TypeError, ValueError):
        return
    near = max(rtol, 1e-9) * flat
    if abs(got - flat) <= near or abs(got - math.ceil(flat)) <= near:
        if abs(got - exact) > max(rtol, 1e-9) * exact:
            raise CheckFailed(
                f"{name} = {_fmt(got)} is not right: about twice the right value. "
                "1 - 1/kappa is the flat direction's factor at the rate 1/lambda_max; at "
                "the best fixed rate both extreme directions shrink by "
                "(kappa - 1)/(kappa + 1) per step."
            )


def _kappa_step_slips(kappa, method, shrink, rho):
    """Typical wrong step counts for a condition number: value (before rounding) -> hint."""
    ln_shrink, ln_rho = math.log(shrink), math.log(1 / rho)
    slips = {
        math.log10(shrink) / ln_rho: "the log10 of the shrink over the natural log of "
        "1/rho: use the same logarithm above and below the fraction.",
        ln_shrink / math.log10(1 / rho): "the natural log of the shrink over the log10 "
        "of 1/rho: use the same logarithm above and below the fraction.",
    }
    if method == "heavy ball":
        slips[math.sqrt(kappa) / 2 * ln_shrink] = (
            "that is the approximation ln(1/rho) ~ 2/sqrt(kappa), which is a little "
            "too small: compute rho itself and use ln(1/rho) exactly."
        )
        slips[ln_shrink / math.log(1 / rho**2)] = (
            "that uses the momentum beta = rho**2 as the factor per step; the roots' "
            "modulus, the factor, is sqrt(beta)."
        )
    return slips


@_self_check
def check_escape_steps(
    answers,
    derivative,
    x0,
    lr,
    *,
    minimum,
    distance,
    max_steps=10_000,
    names=None,
    name="your number of steps",
):
    """Check the first step at which a diverging descent is farther than ``distance`` from
    ``minimum``: each of ``answers`` (a number, or several, e.g. a prediction and a count)
    is compared with that step, which the check counts itself.

    Introduced for chapter 1's exercises. The check runs ``x <- x - lr * derivative(x)``
    from ``x0`` (step 0 is ``x0``) and finds the first ``t`` with
    ``|x_t - minimum| > distance``. With several answers, the message gives each one's
    status on a line of its own. Recognises: one step too few or too many, not a whole
    number (not rounded up), too large, too small, 0 (``np.argmax`` over a run too short
    to pass ``distance``: no entry is True).
    """
    _require_answer(answers, name)
    check_callable(derivative, "derivative")
    x, truth = float(x0), None
    for t in range(int(max_steps) + 1):
        if abs(x - minimum) > distance:
            truth = t
            break
        x = x - lr * float(derivative(x))
    if truth is None:
        raise ValueError(f"the descent stays within {distance} of {minimum} for {max_steps} steps")
    several = isinstance(answers, (list, tuple))
    if several and names is None:
        names = [f"answer {i}" for i in range(len(answers))]
    for label, answer in zip(names if several else [name], answers if several else [answers]):
        if answer is None:
            raise CheckFailed(
                f"{label} is None. Did you forget to assign the result (or a `return`)?"
            )
    if truth > 1:  # step 0 is the start: an answer of 0 is np.argmax finding no True
        given = list(answers) if several else [answers]
        labels = names if several else [name]
        zero = [lab for lab, a in zip(labels, given) if _is_whole([a]) and float(a) == 0]
        if zero:
            raise CheckFailed(
                f"{' and '.join(zero)} = 0: step 0 is the start, which is within "
                f"{_fmt(distance)} of {_fmt(minimum)}. np.argmax gives 0 when no entry is "
                f"True: your run never passed {_fmt(distance)}; run more steps."
            )
    expected = [truth] * len(answers) if several else truth
    return check_steps.__wrapped__(answers, expected, names=names if several else None, name=name)


@_self_check
def check_step_factors(factors, second_derivatives, lr, *, names=None, name="your factors"):
    """Check the factor by which each coordinate's distance to the minimum shrinks per step
    of gradient descent on a sum of parabolas, ``q = sum_i (d_i / 2) x_i^2``.

    Introduced for chapter 1's exercise 3. Each step maps ``x_i`` to ``(1 - lr d_i) x_i``,
    so the answer is ``1 - lr d_i`` for each second derivative ``d_i``, in order. Recognises
    (besides :func:`check_value`'s wrong order, sign, rounding): the amount a step takes
    off (``lr d_i``) instead of what is left, ``1 + lr d_i`` (a step uphill), and the
    coefficients of ``q`` (``d_i / 2``) used in place of its second derivatives.
    ``names`` label the factors in messages (``["x's factor", "y's factor"]``).
    """
    _require_answer(factors, name)
    d = check_finite_array(second_derivatives, "second_derivatives", ndim=1)
    lr = float(lr)
    expected = 1 - lr * d
    got = _as_array(factors, name)
    if got.shape == expected.shape and np.all(np.isfinite(got)):
        known = [
            (
                lr * d,
                "that is how much a step takes off (the rate times the second "
                "derivative); the factor is what is left: 1 minus that.",
            ),
            (1 + lr * d, "the factor of a step uphill: gradient descent subtracts the step."),
            (
                1 - lr * d / 2,
                "you used the coefficients of q, not its second derivatives (the "
                "derivative of c x^2 is 2 c x, so the second derivative is 2 c).",
            ),
        ]
        for wrong, why in known:
            if not np.allclose(wrong, expected) and _close(got, wrong, 1e-6, 1e-8):
                raise CheckFailed(f"{name} is not right: {why}")
    return check_value.__wrapped__(got, expected, name=name, rtol=1e-6, atol=1e-9, names=names)


# --------------------------------------------------------------------------- derivatives


def _reference(f, reference, numerical, caller, what):
    """``(reference function, rtol, atol)``: the exact one if given, else a numerical one of f,
    compared with looser tolerances since it carries the finite-difference error."""
    if reference is not None:
        return check_callable(reference, "reference"), 1e-7, 1e-9
    if f is None:
        raise ValueError(f"{caller} needs the function f or the exact {what} as reference=")
    check_callable(f, "f")
    return (lambda x: numerical(f, x)), 1e-5, 1e-6


@_self_check
def check_derivative(
    df, f=None, *, reference=None, points=(-2.0, -0.5, 0.0, 1.0, 2.5), name="your derivative"
):
    """Check a learner's derivative function ``df(x)`` at several points.

    Introduced in chapter 1. The reference is ``reference(x)`` when given (the exact
    derivative), otherwise the central difference of ``f``. Recognises: not written yet
    (raises ``NotImplementedError``), returns nothing, the wrong sign, a factor of 2, the
    function's value instead of its slope, off by the same amount everywhere (a constant
    term), a wrong coefficient of x (the difference is a multiple of x), a difference
    quotient with a finite ``h`` instead of the limit. Otherwise it names a point where
    ``df`` is wrong, as ``name(x) = value``.

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
    _require_answer(df, name)
    check_callable(df, "df")
    ref, rtol, atol = _reference(f, reference, central_difference, "check_derivative", "derivative")
    points = check_finite_array(points, "points", ndim=1)
    cases = [(float(p),) for p in points]
    mistakes = []
    if f is not None:
        mistakes.append(
            (lambda x: f(x), "it returns the function's value f(x), not its slope f'(x).")
        )
    n = _run_cases(
        df,
        cases,
        ref,
        what=name,
        mistakes=mistakes,
        rtol=rtol,
        atol=atol,
        describe=lambda x: f"x = {_fmt(x)}",
        offset="a constant term is wrong (the derivative of a x + c is a; of a constant, 0).",
        nearly="is it a difference quotient with a small h? The derivative is its limit as "
        "h goes to 0: simplify the quotient, then let h be 0.",
        diagnose=lambda: _derivative_diagnosis(df, ref, points, name, atol),
    )
    return _passed(f"{name} matches the derivative at {n} points.")


def _derivative_diagnosis(df, ref, points, name, atol):
    """What :func:`check_derivative` says when no listed mistake explains ``df``: a wrong
    coefficient of x, else the first point where it is wrong, read as ``name(x) = value``
    (a learner's function is named by its value at a point, not as if it were a number)."""
    got, exact = [], []
    for x in points:
        value = np.asarray(df(float(x)), dtype=float)
        if value.shape != ():
            return None
        got.append(float(value))
        exact.append(float(np.asarray(ref(float(x)), dtype=float)))
    got, exact = np.array(got), np.array(exact)
    diff = got - exact
    if not np.all(np.isfinite(diff)):
        return None
    nonzero = np.abs(points) > 0
    if np.any(nonzero) and np.all(np.abs(diff[~nonzero]) <= 1e3 * atol):
        k = diff[nonzero] / points[nonzero]
        if abs(k[0]) > 1e3 * atol and np.allclose(k, k[0], rtol=1e-4):
            return (
                f"{name} is not right: the coefficient of x is wrong (it is off by a "
                "multiple of x at every point). The derivative of a x^2 is 2 a x."
            )
    i = int(np.argmax(~np.isclose(got, exact, rtol=1e-5, atol=1e-6)))
    x = _fmt(points[i])
    if name.isidentifier():
        said = f"{name}({x}) = {_fmt(got[i])}"
    else:
        said = f"{name} gives {_fmt(got[i])} at x = {x}, which"
    side = "below" if exact[i] < got[i] else "above"
    return f"{said} is not right: the true slope at x = {x} is {side} that value."


@_self_check
def check_error_ratio(
    predicted, f2, f3, x, h, *, measured=None, rtol=1e-6, name="your predicted ratio"
):
    """Check a predicted ratio of the forward- to the central-difference error at ``x``.

    Introduced for chapter 1's exercise 6. The check computes the prediction of the two
    error terms itself, ``(h / 2) |f2(x)| / ((h^2 / 6) |f3(x)|)``, from the second and
    third derivatives ``f2`` and ``f3``. Recognises (besides :func:`check_value`'s upside
    down, twice, rounded): the ``measured`` ratio copied instead of predicted.
    """
    _require_answer(predicted, name)
    check_callable(f2, "f2")
    check_callable(f3, "f3")
    x, h = float(x), float(h)
    expected = (h / 2) * abs(float(f2(x))) / ((h**2 / 6) * abs(float(f3(x))))
    value = _number(predicted, name)
    if (
        measured is not None
        and not np.isclose(value, expected, rtol=rtol)
        and np.isclose(value, float(measured), rtol=1e-9)
    ):
        raise CheckFailed(
            f"{name} is the measured ratio, copied: the task is to predict it from the "
            "two error terms, then compare with the measurement."
        )
    return check_value.__wrapped__(value, expected, name=name, rtol=rtol, atol=0.0)


def _stationary_points(coefficients):
    """``[(x, kind)]``: the real stationary points of a polynomial (highest power first),
    each a "minimum", "maximum" or "neither", by the first derivative that is not 0."""
    p = np.poly1d(coefficients)
    found = []
    for root in np.roots(p.deriv().coeffs) if p.order > 1 else []:
        x = float(root.real)
        if abs(root.imag) > 1e-7 or any(abs(x - y) < 1e-6 for y, _ in found):
            continue
        kind, d = "neither", p.deriv()
        for order in range(2, p.order + 1):
            d = d.deriv()
            if abs(d(x)) > 1e-8:
                if order % 2 == 0:
                    kind = "minimum" if d(x) > 0 else "maximum"
                break
        found.append((x, kind))
    return sorted(found)


@_self_check
def check_stationary_points(minima, maxima, coefficients, *, names=("minima", "maxima")):
    """Check the local minima and maxima a learner found for a polynomial.

    Introduced for chapter 1's exercise 8. ``coefficients`` are the polynomial's, highest
    power first (as :func:`numpy.roots`): ``[1, 0, -2, 0, 0]`` is ``x^4 - 2 x^2``. The check
    finds the stationary points itself (the real zeros of ``p'``) and classifies each by
    the sign of ``p''``. ``minima`` and ``maxima`` are lists of x values (any order).
    Recognises: not answered yet, a point that is not stationary (``p'`` is not 0 there;
    also a zero of ``p`` itself), a maximum listed as a minimum or the reverse (also the
    two lists swapped), a point listed twice, a missing point.
    """
    _require_answer(minima, names[0], (maxima, names[1]))
    p = np.poly1d(check_finite_array(coefficients, "coefficients", ndim=1))
    dp, d2p = p.deriv(), p.deriv(2)
    truth = _stationary_points(p.coeffs)
    given = {
        label: _as_array(answer, label).ravel() for label, answer in zip(names, (minima, maxima))
    }
    for label, xs in given.items():
        if not np.all(np.isfinite(xs)):
            raise CheckFailed(f"{label} contains NaN or infinite values: {_fmt(xs)}.")
        for x in xs:
            scale = 1e-6 * max(1.0, abs(x) ** p.order)
            if abs(dp(x)) > scale:
                also = (
                    " It is a zero of p itself: the stationary points are the zeros of p'."
                    if abs(p(x)) <= scale
                    else " The stationary points are where p'(x) = 0."
                )
                raise CheckFailed(
                    f"{label} lists {_fmt(x)}, which is not a stationary point: "
                    f"p'({_fmt(x)}) = {_fmt(dp(x))}, not 0.{also}"
                )
            if np.sum(np.isclose(xs, x, rtol=1e-6, atol=1e-6)) > 1:
                raise CheckFailed(f"{label} lists {_fmt(x)} more than once.")

    def kind(x):
        return min(truth, key=lambda point: abs(point[0] - x))[1]

    kinds = {label: [kind(x) for x in xs] for label, xs in given.items()}
    wanted = dict(zip(names, ("minimum", "maximum")))
    extrema = sum(k != "neither" for _, k in truth)
    if len(given[names[0]]) + len(given[names[1]]) == extrema and all(
        len(kinds[label]) and all(k == wanted[other] for k in kinds[label])
        for label, other in zip(names, names[::-1])
    ):
        raise CheckFailed(
            f"{names[0]} and {names[1]} are swapped: p'' > 0 (the curve bends upwards) at a "
            "minimum, p'' < 0 (it bends downwards) at a maximum."
        )
    for label, xs in given.items():
        for x, k in zip(xs, kinds[label]):
            if k == wanted[label]:
                continue
            if k == "neither":
                why = "it is neither a minimum nor a maximum (p'' = 0 there, and p keeps going)"
            else:
                bends = "downwards" if k == "maximum" else "upwards"
                why = (
                    f"p''({_fmt(x)}) = {_fmt(d2p(x))}: the curve bends {bends} there, "
                    f"a {k}, not a {wanted[label]}"
                )
            raise CheckFailed(f"{label} lists {_fmt(x)}, but {why}.")
    for label in names:
        count = sum(k == wanted[label] for _, k in truth)
        if len(given[label]) < count:
            missing = count - len(given[label])
            raise CheckFailed(
                f"{label} is missing {missing} point{'s' if missing > 1 else ''}: p has "
                f"{count} local {wanted[label] if count == 1 else wanted[label][:-2] + 'a'}. Find every real "
                "solution of p'(x) = 0 (factor p'(x) completely)."
            )
    return _passed(
        f"{names[0]} = {_fmt(np.sort(given[names[0]]))}, "
        f"{names[1]} = {_fmt(np.sort(given[names[1]]))}."
    )


@_self_check
def check_gradient(
    grad, f=None, *, reference=None, points=None, dim=2, seed=0, names=None, name="your gradient"
):
    """Check a learner's gradient function ``grad(v)`` of a function of a vector.

    Introduced in chapter 1 (partial derivatives); used again from chapter 3. The
    reference is ``reference(v)`` when given, otherwise the central-difference gradient of
    ``f`` (:func:`descentkit.calculus.numerical_gradient`). Recognises: not written yet,
    wrong shape, the wrong sign or a factor of 2 everywhere, and which partial derivative
    is wrong.

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
    names : sequence of str, optional
        The coordinates' names (``("x", "y")``), for the messages.
    """
    _require_answer(grad, name)
    check_callable(grad, "grad")
    ref, rtol, atol = _reference(f, reference, numerical_gradient, "check_gradient", "gradient")
    if points is None:
        points = np.random.default_rng(seed).uniform(-2, 2, size=(5, dim))
    points = check_finite_array(points, "points", ndim=2)
    cases = [(p.copy(),) for p in points]
    coords = names or [f"coordinate {i}" for i in range(points.shape[1])]
    labels = [f"the partial derivative with respect to {c}" for c in coords]
    swapped = (
        lambda v: np.asarray(ref(v), dtype=float)[::-1],
        "the partial derivatives are in the wrong order: give the one with respect to "
        f"{coords[0]} first.",
    )
    n = _run_cases(
        grad,
        cases,
        ref,
        what=name,
        mistakes=[swapped] if points.shape[1] > 1 else [],
        rtol=rtol,
        atol=atol,
        names=labels,
        describe=lambda v: f"v = {_fmt(v)}",
    )
    return _passed(f"{name} matches the gradient at {n} points.")


# --------------------------------------------------------------------------- training runs


def _replay_losses(loss_fn, initial, lr, num_epochs, zero_grad):
    """The losses of plain gradient descent in torch: before each of ``num_epochs`` steps, and after the last."""
    import torch

    params = torch.as_tensor(initial).detach().clone().requires_grad_()
    out = []
    for epoch in range(num_epochs + 1):
        loss = loss_fn(params)
        out.append(float(loss.item()))
        if epoch == num_epochs:
            break
        loss.backward()
        with torch.no_grad():
            params -= lr * params.grad
            if zero_grad:
                params.grad.zero_()
    return np.array(out)


@_self_check
def check_training_losses(
    losses, loss_fn, initial, lr, *, num_epochs, zero_grad=True, name="your losses"
):
    """Check the losses a learner recorded while training with torch, one per epoch.

    Introduced for chapter 2's exercises. The check replays the training itself: from a
    fresh copy of ``initial``, ``num_epochs`` steps ``p -= lr * p.grad`` on
    ``loss_fn(p)``, recording the loss before each step, and zeroing the gradient after
    each step only when ``zero_grad``. Recognises: the run with (or without) zeroing
    instead, the losses recorded after each step instead of before, a run that does not
    start from ``initial``, the wrong number of epochs.
    """
    _require_answer(losses, name)
    got = _as_array(losses, name).ravel()
    num_epochs = int(num_epochs)
    ref_all = _replay_losses(loss_fn, initial, lr, num_epochs, zero_grad)
    ref = ref_all[:-1]
    # float64 answers must agree to 1e-9; an answer stored in float32 (torch.tensor of the
    # list is float32) to a few of its rounding steps, which no real mistake comes near
    tol = {"rtol": max(1e-9, 8 * _float_eps(losses)), "atol": 1e-12}
    if got.size != num_epochs:
        raise CheckFailed(
            f"{name} has {got.size} values, but {num_epochs} epochs give {num_epochs} "
            f"losses: record one per epoch, before its step."
        )
    if _close(got, ref, **tol):
        return _passed(
            f"{name} match the {num_epochs} epochs of training "
            f"{'with' if zero_grad else 'without'} zeroing the gradient."
        )
    other = _replay_losses(loss_fn, initial, lr, num_epochs, not zero_grad)[:-1]
    if _close(got, other, **tol):
        if zero_grad:
            raise CheckFailed(
                f"{name} are those of training WITHOUT zeroing the gradient: "
                "each backward() adds to .grad, so zero it after every step."
            )
        raise CheckFailed(
            f"{name} are those of training WITH the gradient zeroed after each step: "
            "leave out the zero_() to see what happens without it."
        )
    if _close(got, ref_all[1:], **tol):
        raise CheckFailed(
            f"{name} are shifted by one epoch: you recorded each loss after its step. "
            "Record the loss the gradient was computed from, before the step."
        )
    if not np.isclose(got[0], ref[0], **tol):
        raise CheckFailed(
            f"{name} do not start at the loss of the initial parameters: start from a "
            "fresh copy of them (initial.clone().requires_grad_())."
        )
    k = int(np.argmin(np.isclose(got, ref, **tol)))
    raise CheckFailed(
        f"{name} agree for the first {k} epochs, then differ: check the update step "
        f"(the rate, and the sign of p -= lr * p.grad)."
    )


def _diverged(result) -> bool:
    """Whether a run diverged: its ``diverged`` flag, or losses that end above where they began."""
    if hasattr(result, "diverged"):
        return bool(result.diverged)
    if isinstance(result, tuple) and len(result) == 2:  # (params, losses), as chapter 2's train
        result = result[1]
    values = np.asarray([float(v) for v in result], dtype=float)
    return bool(not np.all(np.isfinite(values)) or values[-1] > values[0])


def _rate_list(answer, name):
    kind = type(answer).__name__
    if isinstance(answer, (int, float, np.number)) and not isinstance(answer, bool):
        answer = [answer]
    try:
        if isinstance(answer, (str, bytes, dict)):
            raise TypeError
        items = list(answer)
    except TypeError:
        raise CheckFailed(
            f"{name} should be a list of learning rates (an empty list [] if none "
            f"diverges), but it is a {kind}."
        ) from None
    rates = []
    for k, r in enumerate(items):
        try:
            if isinstance(r, (str, bytes, bool)):
                raise TypeError
            rates.append(float(r))
        except (TypeError, ValueError):
            raise CheckFailed(
                f"{name} should be a list of learning rates, numbers such as 1e-5 (an "
                f"empty list [] if none diverges), but item {k} of your {kind} is a "
                f"{type(r).__name__}, not a number: list the rates themselves."
            ) from None
    return rates


@_self_check
def check_diverging_rates(answer, rates, run, *, name="your list of diverging rates"):
    """Check which of several learning rates make a run diverge.

    Introduced for chapter 2's exercises; used again in chapter 3. ``run(lr)`` is the
    experiment: it returns a run with a ``diverged`` flag, a sequence of losses, or a
    ``(params, losses)`` pair; a run diverges when its flag says so, or when its loss
    ends above where it began (or is not finite). ``answer`` lists the rates that diverge
    (``[]`` if none). Recognises: the rates that converge listed instead, a slow or
    oscillating rate taken for a diverging one, a diverging rate left out, a rate that was
    not tried.
    """
    _require_answer(answer, name)
    chosen = _rate_list(answer, name)
    rates = [float(r) for r in rates]
    mine = set()
    for r in chosen:
        match = [q for q in rates if np.isclose(r, q, rtol=1e-9, atol=0)]
        if not match:
            raise CheckFailed(
                f"{name} has {_fmt(r)}, which is not one of the rates tried: {rates}."
            )
        mine.add(match[0])
    truth = {q for q in rates if _diverged(_call(run, (q,), "the run"))}
    if mine == truth:
        return _passed(
            f"{name}: {sorted(mine) if mine else 'none'} of the {len(rates)} rates diverge."
        )
    if truth != set(rates) and mine == set(rates) - truth:
        raise CheckFailed(
            f"{name} holds the rates that converge; the question asks for those that diverge."
        )
    messages = []
    extra = sorted(mine - truth)
    if extra:
        one = len(extra) == 1
        messages.append(
            f"{', '.join(_fmt(r) for r in extra)} in your list "
            + (
                "does not diverge: its loss still ends below where it began"
                if one
                else "do not diverge: their losses still end below where they began"
            )
            + " (falling slowly, or while the parameters swing back and forth, is not "
            "diverging)."
        )
    missing = truth - mine
    if missing:
        messages.append(
            (
                "1 rate that diverges is missing"
                if len(missing) == 1
                else f"{len(missing)} rates that diverge are missing"
            )
            + " from your list: look at the loss at the end of each run."
        )
    raise CheckFailed(f"{name} is not right: " + " ".join(messages))


# --------------------------------------------------------------------------- linear regression


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


def _expanded_mse(b, w, x, y, *, two=2.0, mean_xx=None, mean_xy=None, yy=True, y_sign=-1.0):
    """The MSE written as a quadratic in (b, w) from the means of the data (chapter 3)."""
    xx = np.mean(x**2) if mean_xx is None else mean_xx
    xy = np.mean(x * y) if mean_xy is None else mean_xy
    return (
        b**2
        + two * b * w * np.mean(x)
        + w**2 * xx
        + y_sign * two * b * np.mean(y)
        + y_sign * two * w * xy
        + (np.mean(y**2) if yy else 0.0)
    )


def _mse_mistakes():
    return [
        (
            lambda b, w, x, y: np.sum((b + w * x - y) ** 2),
            "it is the SUM of the squared errors. Divide by the number of points (forgot the mean).",
        ),
        (
            lambda b, w, x, y: np.sqrt(np.mean((b + w * x - y) ** 2)),
            "that is the RMSE, the square root of the MSE. Leave out the square root.",
        ),
        (
            lambda b, w, x, y: np.mean(np.abs(b + w * x - y)),
            "that is the mean ABSOLUTE error. Square the errors instead of taking their absolute value.",
        ),
        (
            lambda b, w, x, y: np.mean(b + w * x - y),
            "that is the mean error: positive and negative errors cancel. Square each error before averaging.",
        ),
        (
            lambda b, w, x, y: np.mean(b + w * x - y) ** 2,
            "you squared the mean error; square each error first, then take the mean.",
        ),
        (
            lambda b, w, x, y: _expanded_mse(b, w, x, y, yy=False),
            "the constant term mean(y**2) is missing from the expansion.",
        ),
        (
            lambda b, w, x, y: _expanded_mse(b, w, x, y, two=1.0),
            "the cross terms (b w x, b y, w x y) each need a factor 2, as in (p + q)^2 = p^2 + 2 p q + q^2.",
        ),
        (
            lambda b, w, x, y: _expanded_mse(b, w, x, y, mean_xx=np.mean(x) ** 2),
            "mean(x**2) is not mean(x)**2: average the squares, do not square the average.",
        ),
        (
            lambda b, w, x, y: _expanded_mse(b, w, x, y, mean_xy=np.mean(x) * np.mean(y)),
            "mean(x y) is not mean(x) * mean(y): average the products x_i y_i, do not "
            "multiply the averages.",
        ),
        (
            lambda b, w, x, y: _expanded_mse(b, w, x, y, y_sign=1.0),
            "the terms with y have the wrong sign: (b + w x - y)^2 gives -2 b y and -2 w x y.",
        ),
    ]


#: The terms of the MSE expanded as a quadratic in (b, w): (coefficient, name, value).
_MSE_TERMS = [
    (1.0, "b**2", lambda b, w, x, y: b**2),
    (2.0, "b w mean(x)", lambda b, w, x, y: b * w * np.mean(x)),
    (1.0, "w**2 mean(x**2)", lambda b, w, x, y: w**2 * np.mean(x**2)),
    (-2.0, "b mean(y)", lambda b, w, x, y: b * np.mean(y)),
    (-2.0, "w mean(x y)", lambda b, w, x, y: w * np.mean(x * y)),
    (1.0, "mean(y**2)", lambda b, w, x, y: np.mean(y**2)),
]


def _mse_terms_wrong(mse_fn, name):
    """Name the terms of the expansion that are wrong, when ``mse_fn`` is the expanded MSE
    with one to three coefficients off (a factor 2 missing, a sign, a term left out), or
    ``None``. Compares ``mse_fn`` with the MSE at several lines on each data set and fits
    the difference with the six terms."""
    rng = np.random.default_rng(3)
    rows, diffs = [], []
    for _, _, x, y in _linreg_cases():
        for b, w in rng.normal(0, 1.5, size=(4, 2)):
            try:
                out = float(np.asarray(mse_fn(float(b), float(w), x, y), dtype=float))
            except Exception:
                return None
            rows.append([term(b, w, x, y) for _, _, term in _MSE_TERMS])
            diffs.append(out - losses.mse(b, w, x, y))
    rows, diffs = np.array(rows), np.array(diffs)
    if not np.all(np.isfinite(diffs)):
        return None
    delta = np.linalg.lstsq(rows, diffs, rcond=None)[0]
    if not np.allclose(rows @ delta, diffs, rtol=1e-6, atol=1e-8):
        return None
    parts = []
    for (c, term, _), d in zip(_MSE_TERMS, delta):
        if abs(d) < 1e-6:
            continue
        mine = c + d
        if abs(mine) < 1e-6:
            parts.append(f"the term {term} is missing")
        elif np.isclose(mine, -c):
            parts.append(f"the term {term} has the wrong sign")
        elif np.isclose(mine, c / 2):
            parts.append(
                f"the term {term} is missing a factor 2, as in (p + q)^2 = p^2 + 2 p q + q^2"
            )
        elif np.isclose(mine, 2 * c):
            parts.append(f"the term {term} has a factor 2 too many")
        else:
            parts.append(f"the term {term} has the wrong coefficient")
    if not parts or len(parts) > 3:
        return None
    return f"{name} is not right: {'; '.join(parts)}. The other terms of the expansion are right."


def _mse_sums_or_fixed_data(mse_fn, name):
    """Name the terms of the expansion that use a sum where a mean belongs, or an answer
    that ignores the data it is given (``x_train`` written inside, say), or ``None``."""
    rng = np.random.default_rng(4)
    rows, diffs = [], []
    for _, _, x, y in _linreg_cases():
        for b, w in rng.normal(0, 1.5, size=(4, 2)):
            try:
                out = float(np.asarray(mse_fn(float(b), float(w), x, y), dtype=float))
            except Exception:
                return None
            terms = [term(b, w, x, y) for _, _, term in _MSE_TERMS]
            rows.append(terms + [x.size * t for t in terms[1:]])
            diffs.append(out - losses.mse(b, w, x, y))
    if not np.all(np.isfinite(diffs)):
        return None
    cases = _linreg_cases()
    b, w = 0.4, -0.8
    try:
        got = [float(np.asarray(mse_fn(b, w, x, y), dtype=float)) for _, _, x, y in cases]
    except Exception:
        got = None
    ref = [losses.mse(b, w, x, y) for _, _, x, y in cases]
    if got is not None and np.allclose(got, got[0], rtol=1e-12, atol=0) and not np.allclose(
        ref, ref[0], rtol=1e-6, atol=0
    ):
        return (
            f"{name} gives the same value on different data sets: it ignores the x and y "
            "it is given. Use its arguments x and y inside (np.mean(x), not "
            "np.mean(x_train))."
        )
    rows, diffs = np.array(rows), np.array(diffs)
    delta = np.linalg.lstsq(rows, diffs, rcond=None)[0]
    if not np.allclose(rows @ delta, diffs, rtol=1e-6, atol=1e-8):
        return None
    summed = [
        term
        for (c, term, _), d in zip(_MSE_TERMS[1:], delta[len(_MSE_TERMS):])
        if np.isclose(d, c, rtol=1e-6, atol=1e-6)
    ]
    if not summed:
        return None
    return (
        f"{name} is not right: {', '.join(summed)} "
        + ("uses a sum" if len(summed) == 1 else "use sums")
        + " of the data where the expansion has means: use np.mean (or divide the sum "
        "by len(x))."
    )


class _Traced(np.ndarray):
    """An array that notes whether a parameter (``b``, ``w``) meets the data elementwise.

    For :func:`check_mse` with ``expanded``: the parameters and the data are marked; a
    ufunc that combines a parameter with an unreduced data array (``b + w * x``) sets
    ``log["direct"]``; a reduction of the data (``np.mean(x * y)``) is a summary, unmarked.
    """

    kind = None
    log = None

    def __array_finalize__(self, obj):
        self.kind = getattr(obj, "kind", None)
        self.log = getattr(obj, "log", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        kinds = [(getattr(i, "kind", None), np.size(i)) for i in inputs]
        log = next((i.log for i in inputs if isinstance(i, _Traced)), None)
        raw = [np.asarray(i) if isinstance(i, _Traced) else i for i in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(
                np.asarray(o) if isinstance(o, _Traced) else o for o in kwargs["out"]
            )
        result = getattr(ufunc, method)(*raw, **kwargs)
        param = any(k == "param" for k, _ in kinds)
        if method == "__call__":
            if param and any(k == "data" and size > 1 for k, size in kinds) and log is not None:
                log["direct"] = True
            kind = "param" if param else "data" if any(k == "data" for k, _ in kinds) else None
        else:  # a reduction of the data is one of its summaries
            kind = "param" if param else None
        if isinstance(result, tuple) or result is None:
            return result
        traced = np.asarray(result).view(_Traced)
        traced.kind, traced.log = kind, log
        return traced


def _computes_directly(mse_fn) -> bool:
    """Whether ``mse_fn(b, w, x, y)`` combines ``b`` or ``w`` with the data points one by
    one (the residuals ``b + w x_i - y_i``), rather than with summaries of the data."""
    log = {"direct": False}

    def traced(value, kind):
        arr = np.asarray(value, dtype=float).view(_Traced)
        arr.kind, arr.log = kind, log
        return arr

    x = np.array([0.5, -1.0, 2.0, 3.5, 1.25])
    y = 1.0 - 0.5 * x + np.array([0.1, -0.2, 0.05, 0.0, 0.3])
    try:
        mse_fn(traced(0.3, "param"), traced(-0.7, "param"), traced(x, "data"), traced(y, "data"))
    except Exception:  # the value check has passed; an answer this probe upsets is let be
        pass
    return log["direct"] or _exact_on_far_data(mse_fn)


def _exact_on_far_data(mse_fn) -> bool:
    """Whether ``mse_fn`` stays exact on data far from 0 (x near 1e7), where only the
    residuals computed point by point (in a loop, say) stay exact: in the expansion,
    terms near 1e14 cancel down to an MSE near 0.01, and rounding leaves errors of about
    0.1. True when it is within 0.1 % on all three data sets."""
    from fractions import Fraction

    rng = np.random.default_rng(7)
    for _ in range(3):
        x = 1e7 + rng.uniform(0, 1, 8)
        b, w = 1.0, 2.0
        y = b + w * x + rng.normal(0, 0.1, 8)
        exact = sum(
            (Fraction(b) + Fraction(w) * Fraction(xi) - Fraction(yi)) ** 2
            for xi, yi in zip(x.tolist(), y.tolist())
        ) / len(x)
        try:
            got = float(np.asarray(mse_fn(b, w, x, y), dtype=float))
        except Exception:
            return False
        if not abs(got - float(exact)) <= 1e-3 * float(exact):
            return False
    return True


@_self_check
def check_mse(mse_fn, *, expanded=False, name="your MSE"):
    """Check a learner's mean squared error ``mse_fn(b, w, x, y)`` of the line ``b + w x``.

    Introduced for chapter 3's exercises. Recognises: summing instead of averaging (forgot
    the mean), no square, the root (RMSE), half the MSE, the mean error without squares;
    and in the expansion as a quadratic in ``(b, w)``: the term ``mean(y**2)`` missing,
    the cross terms without their factor 2, ``mean(x)**2`` for ``mean(x**2)``, the wrong
    sign on the terms with ``y``; and which terms are wrong when one to three of them have
    a wrong coefficient (a factor 2 missing, a sign, a term left out). With ``expanded``
    (the exercise asks for the expansion), the right values computed directly from the
    residuals ``b + w x_i - y_i`` are rejected: ``b`` and ``w`` must meet the data only
    through its means.
    """
    _require_answer(mse_fn, name)
    check_callable(mse_fn, "mse_fn")
    n = _run_cases(
        mse_fn,
        _linreg_cases(),
        losses.mse,
        what=name,
        mistakes=_mse_mistakes(),
        factors={0.5: "a factor 1/2 is in your formula; the course's MSE has none."},
        describe=_describe_linreg,
        diagnose=lambda: _mse_terms_wrong(mse_fn, name)
        or _mse_sums_or_fixed_data(mse_fn, name),
    )
    if expanded and _computes_directly(mse_fn):
        raise CheckFailed(
            f"{name} gives the right values, but computes the MSE directly, from the "
            "residuals b + w x_i - y_i of every data point (with arrays or in a loop): "
            "that is not the expansion. "
            "Write it as a quadratic in b and w whose coefficients are the five means "
            "mean(x), mean(x**2), mean(y), mean(x*y), mean(y**2), so that b and w meet "
            "the data only through them."
        )
    return _passed(f"{name} matches the mean squared error on {n} data sets.")


@_self_check
def check_mse_value(value, b, w, x, y, *, fitted=None, other_set=None, name="your MSE"):
    """Check a number: the mean squared error of the line ``b + w x`` on the data ``(x, y)``.

    Introduced for chapter 3's exercises. Recognises the mistakes of :func:`check_mse`
    that show in one number: the sum instead of the mean, the RMSE, the mean absolute
    error, the mean error, the squared mean error, half the MSE; and, when given, the MSE
    of the ``fitted`` line ``(b, w)`` instead, or the MSE on the ``other_set`` ``(x, y)``
    (the validation set for the training set, say).
    """
    _require_answer(value, name)
    got = _as_array(value, name)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ref = np.asarray(losses.mse(b, w, x, y), dtype=float)
    if got.shape != ref.shape:
        raise CheckFailed(_compare(got, ref, what=name))
    if _close(got, ref, 1e-9, 1e-12):
        return _passed(f"{name} = {_fmt(got)}.")
    for wrong_fn, why in _mse_mistakes()[:5]:
        if _close(got, np.asarray(wrong_fn(b, w, x, y), dtype=float), 1e-9, 1e-12):
            raise CheckFailed(f"{name} is not right: {why}")
    line = f"the line b = {_fmt(b)}, w = {_fmt(w)}"
    others = [
        (
            losses.mse(w, b, x, y),
            f"that is the MSE of the line with b and w swapped (b = {_fmt(w)}, "
            f"w = {_fmt(b)}): the order is mse(b, w, x, y), the intercept first.",
        )
    ]
    if fitted is not None:
        others.append(
            (
                losses.mse(*np.asarray(fitted, dtype=float), x, y),
                f"that is the MSE of the fitted line; the question asks for that of {line}.",
            )
        )
    if other_set is not None:
        x_other, y_other = (np.asarray(v, dtype=float) for v in other_set)
        others.append(
            (
                losses.mse(b, w, x_other, y_other),
                "that is the MSE on the other data set: check which x and y (training or "
                "validation) you gave it.",
            )
        )
    for wrong, why in others:
        if _close(got, np.asarray(wrong, dtype=float), 1e-6, 1e-12) and not _close(
            ref, np.asarray(wrong, dtype=float), 1e-6, 1e-12
        ):
            raise CheckFailed(f"{name} = {_fmt(got)} is not right: {why}")
    if got.size == 1 and ref.size == 1 and float(got) != 0:
        one = float(got)
        # a round number, typed, that is not the MSE rounded: a guess
        if float(f"{one:.1g}") == one != float(f"{float(ref):.1g}"):
            raise CheckFailed(
                f"{name} = {_fmt(got)} is a round number, not the MSE of {line}: "
                "compute it with mse(b, w, x, y) rather than guessing (the noise the "
                "data were drawn with only tells you what it is near)."
            )
    raise CheckFailed(
        _compare(
            got,
            ref,
            what=name,
            rtol=1e-9,
            atol=1e-12,
            factors={0.5: "a factor 1/2 is in your formula; the course's MSE has none."},
        )
    )


@_self_check
def check_mse_gradient(grad_fn, *, name="your gradient"):
    """Check a learner's MSE gradient ``grad_fn(b, w, x, y) -> (dL/db, dL/dw)`` for the line ``b + w x``.

    Introduced for chapter 3's exercises. The reference is
    :func:`descentkit.losses.mse_gradient`: ``(2 mean(e), 2 mean(x e))`` with
    ``e = b + w x - y``. Recognises: forgot the factor 2, summed instead of averaged
    (forgot the mean), error taken as ``y - y_hat`` (wrong sign), forgot the ``x`` in the
    slope's component, components swapped.
    """
    _require_answer(grad_fn, name)
    check_callable(grad_fn, "grad_fn")

    ref = losses.mse_gradient

    def err(b, w, x, y):
        return b + w * x - y

    mistakes = [
        (
            lambda b, w, x, y: np.array([np.mean(err(b, w, x, y)), np.mean(x * err(b, w, x, y))]),
            "both components are half the right size: the factor 2 from differentiating the square is missing.",
        ),
        (
            lambda b, w, x, y: np.array(
                [2 * np.sum(err(b, w, x, y)), 2 * np.sum(x * err(b, w, x, y))]
            ),
            "you summed over the data points instead of averaging (forgot the mean): divide by the number of points.",
        ),
        (
            lambda b, w, x, y: np.array([np.sum(err(b, w, x, y)), np.sum(x * err(b, w, x, y))]),
            "you summed instead of averaging (forgot the mean) and the factor 2 is missing.",
        ),
        (
            lambda b, w, x, y: -ref(b, w, x, y),
            "wrong sign: with the error e = y_hat - y the gradient is (2 mean(e), 2 mean(x e)). "
            "Did you use e = y - y_hat without flipping the sign?",
        ),
        (
            lambda b, w, x, y: np.array([2 * np.mean(err(b, w, x, y))] * 2),
            "the slope's component dL/dw is missing the factor x: it is 2 mean(x * e).",
        ),
        (
            lambda b, w, x, y: ref(b, w, x, y)[::-1],
            "the components are swapped: the first is dL/db, the second dL/dw.",
        ),
    ]
    n = _run_cases(
        grad_fn,
        _linreg_cases(),
        ref,
        what=name,
        mistakes=mistakes,
        names=["dL/db", "dL/dw"],
        describe=_describe_linreg,
    )
    return _passed(f"{name} matches the MSE gradient on {n} data sets.")


#: Where the MSE gradient is zero (at the minimum), an answer within this distance of zero
#: is accepted: rounding leaves about 1e-16 there, and a point a hair from the minimum (the
#: end of a gradient-descent run, 4e-7 away in chapter 3) about 1e-7.
NEAR_ZERO_GRADIENT = 1e-6


def _vec(values) -> str:
    return "[" + ", ".join(f"{float(v):.3g}" for v in np.asarray(values).ravel()) + "]"


def _point(bw) -> str:
    b, w = (float(v) for v in np.asarray(bw, dtype=float).ravel())
    return f"(b, w) = ({b:.3g}, {w:.3g})"


@_self_check
def check_mse_gradient_value(
    value, b, w, x, y, *, start=None, end=None, other_set=None, name="your gradient"
):
    """Check a pair of numbers: the MSE gradient ``(dL/db, dL/dw)`` at the line ``(b, w)`` on
    the data ``(x, y)``.

    Introduced for chapter 3's exercises. The reference is the central-difference gradient
    of the MSE (:func:`descentkit.calculus.numerical_gradient`). Where it is zero (at the
    minimum), any answer within :data:`NEAR_ZERO_GRADIENT` of zero passes; the gradient at
    ``end`` (where gradient descent stopped, a hair from the minimum) passes with a note
    naming the point the question asks about. Recognises: the MSE itself (one number), the
    gradient at the ``start`` ``(b, w)`` instead of at ``(b, w)``, the gradient on the
    ``other_set`` ``(x, y)`` (the validation set for the training set), the wrong sign, a
    factor of 2, the sum instead of the mean (when the gradient is not zero), components
    swapped.
    """
    _require_answer(value, name)
    got = _as_array(value, name)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def at(bw, data):
        xs, ys = data
        return numerical_gradient(lambda p: losses.mse(p[0], p[1], xs, ys), np.asarray(bw, float))

    ref = at((b, w), (x, y))
    tol = {"rtol": 1e-6, "atol": 1e-8}
    at_zero = bool(np.all(np.abs(ref) < NEAR_ZERO_GRADIENT / 100))
    if at_zero and got.shape == ref.shape:
        tol["atol"] = NEAR_ZERO_GRADIENT
    if _close(got, ref, **tol):
        note = ""
        if end is not None and at_zero:
            g_end = at(end, (x, y))
            far = float(np.hypot(*(np.asarray(end, float).ravel() - [b, w])))
            if np.allclose(got, g_end, rtol=1e-3, atol=1e-12) and not np.allclose(
                got, ref, rtol=1e-3, atol=1e-12
            ):
                note = (
                    " That is the gradient at gradient descent's end point, "
                    f"{far:.0e} from the minimum; the question asks for it at the minimum "
                    "itself (b_best, w_best), where it is zero up to rounding. Both are "
                    f"within {NEAR_ZERO_GRADIENT:g} of zero."
                )
        typed = isinstance(value, (list, tuple)) and all(
            type(v) in (int, float) and v == 0 for v in value
        )
        if at_zero and typed:  # [0, 0] written out, not computed
            note = (
                " Right, but compute it: call the gradient function at (b_best, w_best) "
                "rather than typing zeros; seeing it vanish is the point."
            )
        return _passed(f"{name} = {_vec(got) if at_zero else _fmt(got)}.{note}")
    wrong = []
    if start is not None:
        wrong.append(
            (
                at(start, (x, y)),
                f"that is the gradient at the start {_point(start)}; the question asks "
                f"for it at {_point((b, w))}.",
            )
        )
    if other_set is not None:
        data = tuple(np.asarray(v, dtype=float) for v in other_set)
        wrong.append(
            (
                at((b, w), data),
                "that is the gradient on the other data set: check which x and y (training "
                "or validation) you gave it.",
            )
        )
    if got.shape == ref.shape and np.any(np.abs(ref) > tol["atol"]):
        wrong.append(
            (
                len(x) * ref,
                "you summed over the data points instead of averaging (forgot the mean).",
            )
        )
    for w_value, why in wrong:
        if (
            got.shape == w_value.shape
            and _close(got, w_value, **tol)
            and not _close(ref, w_value, **tol)
        ):
            raise CheckFailed(f"{name} is not right: {why}")
    raise CheckFailed(_compare(got, ref, names=["dL/db", "dL/dw"], what=name, **tol))


# --------------------------------------------------------------------------- learning rates


def _eigenvalues(hessian):
    lam = np.linalg.eigvalsh(check_hessian(hessian))
    if lam[0] <= 0:
        raise ValueError(f"hessian must be positive definite, got eigenvalues {lam}")
    return lam


def _curvature_words(hessian) -> dict:
    """How to name the curvatures in messages: chapter 1 knows second derivatives, chapter 4 eigenvalues."""
    h = np.atleast_2d(np.asarray(hessian, dtype=float))
    if h.shape == (1, 1):
        return {"max": "the second derivative", "one": True}
    if np.allclose(h, np.diag(np.diag(h))):
        return {
            "max": "the largest second derivative",
            "min": "the smallest second derivative",
            "MIN": "the SMALLEST second derivative",
            "one": False,
        }
    return {
        "max": "lambda_max (the largest eigenvalue)",
        "min": "lambda_min",
        "MIN": "the SMALLEST eigenvalue",
        "one": False,
    }


@_self_check
def check_learning_rate_bound(lr, hessian, *, name="your learning rate"):
    """Check the largest learning rate for which gradient descent on a quadratic converges.

    Introduced for chapter 4's exercises (and chapter 1's, with second derivatives). For a
    quadratic loss with Hessian ``H``, gradient descent converges exactly when
    ``lr < 2 / lambda_max(H)``; the answer is that bound. Recognises: 1/lambda_max (the
    best rate for the most curved direction), lambda_max/2 (upside down), 2/lambda_min and
    1/lambda_min (the smallest curvature), 2 over a diagonal entry of a non-diagonal
    Hessian (a curvature along one axis), the wrong sign. Messages speak of second
    derivatives for a number or a diagonal Hessian, of eigenvalues otherwise.

    Parameters
    ----------
    lr : float
        The learner's bound.
    hessian : float or array_like, shape (d, d)
        The Hessian (a number: the second derivative, for one parameter).
    """
    _require_answer(lr, name)
    lam = _eigenvalues(hessian)
    lmin, lmax = float(lam[0]), float(lam[-1])
    words = _curvature_words(hessian)
    big = words["max"]
    if words["one"]:
        best = (
            f"that is 1 over {big}: the rate that lands on the minimum in one step. Gradient "
            "descent still converges up to twice that."
        )
    else:
        best = (
            f"that is 1 over {big}, the rate that is best for the most curved direction. "
            "Gradient descent still converges up to twice that."
        )
    hints = [
        (1 / lmax, best),
        (lmax / 2, f"the ratio is upside down: the bound is 2 over {big}, not {big} over 2."),
    ]
    if not np.isclose(lmin, lmax):  # with one curvature these would shadow the hints above
        hints += [
            (
                2 / lmin,
                f"you used {words['MIN']}. The most curved direction ({big}) sets the limit.",
            ),
            (
                1 / lmin,
                f"that is 1 over {words['min']}; the limit is set by the most curved "
                f"direction, {big}.",
            ),
        ]
    h = np.atleast_2d(np.asarray(hessian, dtype=float))
    if h.shape[0] > 1 and not np.allclose(h, np.diag(np.diag(h))):
        for entry in sorted(set(np.diag(h).tolist()), reverse=True):
            if entry > 0:
                hints.append((
                    2 / entry,
                    f"that is 2 over a diagonal entry of H ({_fmt(entry)}), the curvature "
                    "along one axis. The bound is 2 over the largest EIGENVALUE, which "
                    "differs from the diagonal entries unless H is diagonal.",
                ))
    # a hint equal to the answer would mark it wrong; on a tie the first listed wins
    hints = dict(reversed([(v, m) for v, m in hints if not np.isclose(v, 2 / lmax)]))
    return check_value.__wrapped__(lr, 2 / lmax, name=name, rtol=1e-4, atol=0, hints=hints)


@_self_check
def check_one_step_rate(lr, hessian, *, name="your one-step rate"):
    """Check the learning rate with which gradient descent reaches a quadratic's minimum in one step.

    Introduced for chapter 1's exercises; used again in chapter 4. For one parameter with
    second derivative ``a`` each step multiplies the distance to the minimum by
    ``1 - lr a``: the one-step rate makes that factor zero. (With several parameters
    there is one only when every eigenvalue of the Hessian is the same.) Recognises: the
    largest stable rate (factor -1, which bounces forever), the second derivative itself,
    half the rate (factor 1/2), the wrong sign.
    """
    _require_answer(lr, name)
    lam = _eigenvalues(hessian)
    if not np.isclose(lam[0], lam[-1]):
        raise ValueError(
            f"no single rate reaches the minimum in one step: the eigenvalues {lam} differ"
        )
    a = float(lam[-1])
    hints = {
        2 / a: (
            "with this rate the factor 1 - lr * (second derivative) is -1: one step lands on the "
            "mirror image of the start, the next one back, and so on forever. That is the largest "
            "rate that does not diverge, not the one that lands in one step."
        ),
        a: (
            "that is the second derivative itself, not a rate: the one-step rate makes the factor "
            "1 - lr * (second derivative) zero."
        ),
        1 / (2 * a): (
            "with this rate the factor 1 - lr * (second derivative) is 1/2: each step covers "
            "only half the way to the minimum (a factor of 2 is missing)."
        ),
    }
    hints = {v: m for v, m in hints.items() if not np.isclose(v, 1 / a)}
    return check_value.__wrapped__(lr, 1 / a, name=name, rtol=1e-6, atol=0, hints=hints)


@_self_check
def check_finder_picks(picks, finder, *, num_steps, rule="min/10", name="your picks"):
    """Check the rates a learner read off learning-rate finder runs of different lengths.

    Introduced for chapter 4's exercises. ``finder(n)`` runs the finder with ``n`` steps
    (an :class:`~descentkit.schedules.LRFinderResult`); ``picks`` maps each ``n`` of
    ``num_steps`` to the rate :func:`~descentkit.schedules.suggest_lr` picks with
    ``rule``. Recognises: the rates of the lowest loss instead of the picks, the picks of
    the other rule, a list instead of a dictionary, missing numbers of steps.
    """
    from .schedules import suggest_lr

    _require_answer(picks, name)
    keys = [int(n) for n in num_steps]
    results = {n: _call(finder, (n,), "the finder") for n in keys}
    expected = {n: suggest_lr(results[n], rule=rule) for n in keys}
    got, ref, names = _mapping_arrays(picks, expected, name)
    if _close(got, ref, 1e-9, 0):
        return _passed(f"{name} = {dict(zip(keys, got.tolist()))}.")
    lowest = np.array([results[n].lrs[np.argmin(results[n].losses)] for n in keys])
    if _close(got, lowest, 1e-9, 0):
        raise CheckFailed(
            f"{name} are the rates of the LOWEST loss; the pick is read from them by the "
            f"rule {rule!r}, with a safety margin."
        )
    other = "steepest" if rule == "min/10" else "min/10"
    try:
        other_picks = np.array([suggest_lr(results[n], rule=other) for n in keys])
    except ValueError:
        other_picks = None
    if other_picks is not None and _close(got, other_picks, 1e-9, 0):
        raise CheckFailed(
            f"{name} are those of the rule {other!r}; this exercise reads the picks with "
            f"rule={rule!r}, as the chapter does."
        )
    problem = _compare(got, ref, what=name, rtol=1e-9, atol=0, names=names)
    first = results[keys[0]]
    if len(first.lrs) > 1 and keys[0] > 1:  # the range, from the growth per step
        lr_min = float(first.lrs[0])
        lr_max = lr_min * float(first.lrs[1] / first.lrs[0]) ** (keys[0] - 1)
        problem += (
            f" The check runs the finder over the rates from lr_min = {lr_min:.3g} to "
            f"lr_max = {lr_max:.3g}: did each of your runs use that same range (and "
            "the number of steps it is stored under)?"
        )
    raise CheckFailed(problem)


@_self_check
def check_best_choice(
    answer, candidates, score, *, lower_is_better=True, what="score", name="your choice"
):
    """Check which of several candidates does best by a measure the check computes.

    Introduced for chapter 4's exercises. ``score(candidate)`` runs the experiment for one
    candidate; the best has the lowest score (the highest with
    ``lower_is_better=False``). Recognises: a value that is not a candidate, a string for
    a number candidate ("0.98"), the worst candidate, a candidate that is not the best
    (with its own score).
    """
    _require_answer(answer, name)
    candidates = list(candidates)
    if isinstance(answer, (str, bytes)) and not any(
        isinstance(c, (str, bytes)) for c in candidates
    ):
        raise CheckFailed(
            f"{name} is a {type(answer).__name__} ({answer!r:.80}); the answer is one of the "
            f"candidates {candidates}, a number (expected numbers): leave out the quotes."
        )

    def same(a, b):
        try:
            return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=0))
        except (TypeError, ValueError):
            return a == b

    index = next((i for i, c in enumerate(candidates) if same(answer, c)), None)
    if index is None:
        raise CheckFailed(f"{name} = {answer!r} is not one of the candidates {candidates}.")
    scores = np.array([float(_call(score, (c,), "the score")) for c in candidates])
    signed = scores if lower_is_better else -scores
    if index == int(np.argmin(signed)):
        return _passed(f"{name} = {candidates[index]!r} does best ({what} {scores[index]:.4g}).")
    if index == int(np.argmax(signed)) and len(candidates) > 2:
        raise CheckFailed(
            f"{name} = {candidates[index]!r} is the WORST of the {len(candidates)}: its "
            f"{what} is {scores[index]:.4g}."
        )
    raise CheckFailed(
        f"{name} = {candidates[index]!r} is not the best: its {what} is "
        f"{scores[index]:.4g}, and another candidate does better."
    )


@_self_check
def check_condition_number(kappa, hessian, *, name="your condition number"):
    """Check the condition number ``lambda_max / lambda_min`` of a Hessian.

    Introduced for chapter 5's exercises. Recognises the inverse ratio, the square root,
    and the ratio of the diagonal entries (which is not the same unless the Hessian is
    diagonal).
    """
    _require_answer(kappa, name)
    lam = _eigenvalues(hessian)
    lmin, lmax = float(lam[0]), float(lam[-1])
    h = np.atleast_2d(np.asarray(hessian, dtype=float))
    diag = np.diag(h)
    hints = {
        lmin / lmax: "the ratio is upside down: kappa = lambda_max / lambda_min is at least 1.",
        np.sqrt(
            lmax / lmin
        ): "that is the square root of the condition number; kappa = lambda_max / lambda_min.",
    }
    ratio = float(diag.max() / diag.min())
    if not np.isclose(ratio, lmax / lmin, rtol=1e-4):
        hints[ratio] = (
            "that is the ratio of the Hessian's DIAGONAL entries. Use its eigenvalues "
            "(np.linalg.eigvalsh), which differ unless the Hessian is diagonal."
        )
    return check_value.__wrapped__(kappa, lmax / lmin, name=name, rtol=1e-4, atol=0, hints=hints)


@_self_check
def check_centred_kappa(kappa, x, *, name="your condition number"):
    """Check the condition number of the MSE's Hessian on the feature ``x`` once centred.

    Introduced for chapter 5's exercises. The check centres ``x`` itself (``x - mean(x)``,
    not divided by the standard deviation) and computes ``lambda_max / lambda_min`` of
    :func:`descentkit.losses.mse_hessian` on it, so the visible check line does not show
    how. Recognises: the condition number of the raw feature (not centred), of the
    standardized feature (divided by the standard deviation too), the inverse ratio, the
    square root.
    """
    _require_answer(kappa, name)
    x = check_finite_array(x, "x", ndim=1, min_size=2)

    kappa_of = _feature_kappa
    centred = x - x.mean()
    expected = kappa_of(centred)
    hints = {
        kappa_of(x): "that is the condition number of the raw feature: centre it first "
        "(subtract its mean), then compute the Hessian.",
        kappa_of(centred / x.std()): "that is the condition number of the standardized "
        "feature; centring only subtracts the mean, without dividing by the standard "
        "deviation.",
        1 / expected: "the ratio is upside down: kappa = lambda_max / lambda_min is at least 1.",
        np.sqrt(expected): "that is the square root of the condition number; "
        "kappa = lambda_max / lambda_min.",
    }
    hints = {v: m for v, m in hints.items() if not np.isclose(v, expected, rtol=1e-4)}
    return check_value.__wrapped__(kappa, expected, name=name, rtol=1e-4, atol=0, hints=hints)


def _feature_kappa(feature) -> float:
    lam = np.linalg.eigvalsh(losses.mse_hessian(feature))
    return float(lam[-1] / lam[0])


@_self_check
def check_scaled_kappa(kappa, scaler, x, *, name="your condition number"):
    """Check the condition number of the MSE's Hessian on ``x`` scaled by ``scaler``.

    Introduced for chapter 5's exercises (the leaky scaler, fitted on all the data, applied
    to the training feature). ``scaler`` is a fitted ``StandardScaler`` or a pair
    ``(mean, scale)``; the check computes ``z = (x - mean) / scale`` and the condition
    number of :func:`descentkit.losses.mse_hessian` on it. Since ``kappa`` is then close
    to 1, it is compared through ``kappa - 1``. Recognises: the raw feature's (the scaler
    skipped), that of ``x`` standardized with its own statistics (exactly 1: the honest
    scaler instead, or kappa taken on all the data the leaky scaler was fitted on), the
    inverse ratio, a rounded value (few digits, within 1 %).
    """
    _require_answer(kappa, name)
    x = check_finite_array(x, "x", ndim=1, min_size=2)
    mean, scale = _scaler_stats(scaler)
    expected = _feature_kappa((x - mean) / scale)
    value = _number(kappa, name)
    hints = [
        (
            _feature_kappa(x),
            "that is the condition number of the raw feature: the scaler was skipped. "
            "Transform the feature with the scaler first, then compute the Hessian.",
        ),
        (
            1.0,
            "exactly 1 is the condition number of a feature standardized with its OWN "
            "statistics: either the scaler was fitted on the very points you took kappa "
            "on (the leaky scaler on all the data), or it is the honest scaler. Take "
            "kappa on the training feature only, transformed by the scaler you are given.",
        ),
        (1 / expected, "the ratio is upside down: kappa = lambda_max / lambda_min is at least 1."),
    ]
    excess = expected - 1
    for wrong, why in hints:
        if not np.isclose(wrong - 1, excess, rtol=1e-3, atol=0) and np.isclose(
            value - 1, wrong - 1, rtol=1e-3, atol=1e-12
        ):
            raise CheckFailed(f"{name} = {_fmt(value)} is not right: {why}")
    if not np.isclose(value - 1, excess, rtol=1e-3, atol=0):
        if _looks_typed(value) and abs(value - expected) <= ROUNDED * expected:
            raise CheckFailed(
                f"{name} = {_fmt(value)} is not right: within 1 % of the right value but "
                "not equal, it looks rounded. Give the exact value: keep all the digits "
                "(compute it rather than type it); since kappa is close to 1, the check "
                "compares kappa - 1, so a few digits are not enough."
            )
        size = "too large" if value > expected else "too small"
        raise CheckFailed(
            f"{name} = {_fmt(value)} is not right: {size} (its distance from 1, which "
            "measures how far the scaling is from a perfect one, is off)."
        )
    return _passed(f"{name} = {value:.6g}.")


@_self_check
def check_memory_steps(answers, betas, *, below=0.01, names=None, name="your steps"):
    """Check after how many steps a gradient's weight in the velocity falls below ``below``
    (a fraction of its original weight), for each momentum in ``betas``.

    Introduced for chapter 7's exercises. The check counts the steps itself in the weights
    of :func:`descentkit.rules.momentum_weights`: the first ``k`` whose weight is below
    ``below``. Each answer gets its own line. Recognises: one step too few or too many,
    not a whole number (not rounded up), too large, too small.
    """
    from .rules import momentum_weights

    _require_answer(answers, name)
    several = isinstance(answers, (list, tuple))
    betas = [float(b) for b in (betas if several else [betas])]
    expected = []
    for beta in betas:
        weights = momentum_weights(beta, 100_000)
        if not np.any(weights < below):
            raise ValueError(f"with momentum {beta} the weight stays above {below}")
        expected.append(int(np.argmax(weights < below)))
    if several and names is None:
        names = [f"beta = {b:g}" for b in betas]
    return check_steps.__wrapped__(
        answers,
        expected if several else expected[0],
        names=names if several else None,
        name=name,
    )


# --------------------------------------------------------------------------- features


@_self_check
def check_standardize(standardize, *, name="your standardization"):
    """Check a learner's ``standardize(X_train, X)``: scale ``X`` with the TRAINING set's statistics.

    Introduced for chapter 5's exercises. The function takes the training features
    ``X_train`` (shape ``(n, d)``) and features ``X`` to transform, and returns
    ``(X - mean) / std`` with the mean and the standard deviation (``ddof=0``, as
    scikit-learn's ``StandardScaler``) of each column of ``X_train``. Recognises:
    statistics taken from ``X`` instead of the training set (each set scaled its own way),
    forgot to subtract the mean, centred but not scaled, divided by the variance, the sample
    standard deviation (``ddof=1``), statistics over all the numbers or over the rows
    (``axis=1``: the shapes do not broadcast), an answer that changes its inputs in place.
    """
    _require_answer(standardize, name)
    check_callable(standardize, "standardize")
    rng = np.random.default_rng(1)
    cases = []
    for n, m in [(20, 7), (11, 5)]:
        X_train = rng.normal([3.0, -1.0], [2.0, 0.5], size=(n, 2))
        X = rng.normal([1.0, 2.0], [1.0, 3.0], size=(m, 2))
        cases.append((X_train, X))
    # two-dimensional feature tables only, as the exercise hands them out: an answer built on
    # StandardScaler, which refuses 1-D arrays, must not crash on a case the learner never sees

    def scaled(mean_of, std_fn):
        return lambda X_train, X: (X - mean_of(X_train, X)) / std_fn(X_train, X)

    ref = scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.std(axis=0))
    mistakes = [
        (
            scaled(lambda t, x: x.mean(axis=0), lambda t, x: x.std(axis=0)),
            "you used the mean and standard deviation of X itself, so each set is scaled with its own "
            "statistics: train and validation get different scales, and the model sees inconsistent inputs. "
            "Use the TRAINING set's statistics for every set.",
        ),
        (lambda t, x: x / t.std(axis=0), "the mean is not subtracted: compute (X - mean) / std."),
        (
            lambda t, x: x - t.mean(axis=0),
            "the features are centred but not scaled: also divide by the training set's "
            "standard deviation of each column.",
        ),
        (
            scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.var(axis=0)),
            "you divided by the variance; divide by the standard deviation (its square root).",
        ),
        (
            scaled(lambda t, x: t.mean(axis=0), lambda t, x: t.std(axis=0, ddof=1)),
            "you used the sample standard deviation (ddof=1). The course, like scikit-learn's StandardScaler, "
            "uses np.std with its default ddof=0.",
        ),
        (
            scaled(lambda t, x: t.mean(), lambda t, x: t.std()),
            "the statistics are taken over ALL the numbers at once; take them per feature, down each column "
            "(axis=0).",
        ),
    ]
    for X_train, X in cases:  # on copies: an answer that changes its inputs is told so
        given = {"X_train": X_train, "X": X}
        copies = {k: v.copy() for k, v in given.items()}
        try:
            _call(standardize, (copies["X_train"], copies["X"]), name)
        except CheckFailed as exc:
            cause = exc.__cause__
            if isinstance(cause, ValueError) and "broadcast" in str(cause):
                raise CheckFailed(
                    f"{str(exc).rstrip(' .')}. The shapes do not fit: statistics over axis=1 are one per "
                    "ROW of X_train (one per example); take them per feature, down each "
                    "column (axis=0), one mean and one standard deviation per column of X."
                ) from cause
            raise
        changed = [k for k in given if not np.array_equal(copies[k], given[k])]
        if changed:
            raise CheckFailed(
                f"{name} changes its input {' and '.join(changed)} in place (X -= ..., "
                "X /= ...): the caller's data are overwritten, so scaling the same set "
                "twice, or using it afterwards, goes wrong. Compute a new array "
                "instead: return (X - mean) / std."
            )
    n = _run_cases(
        standardize,
        cases,
        ref,
        what=name,
        mistakes=mistakes,
        describe=lambda t, x: f"a training set of shape {t.shape}",
    )
    return _passed(f"{name} scales new data with the training statistics ({n} cases).")


@_self_check
def check_centred(X_centred, X_train, *, X_all=None, name="your centred features"):
    """Check centred training features: ``X_train`` minus the mean of each of its columns.

    Introduced for chapter 9's exercises. Only centred, not scaled: each feature keeps its
    spread. ``X_all`` is the whole data set the training part was split from (training and
    validation), if the exercise has one. Recognises: the means of the whole data set
    instead of the training part's (a leak), the whole data set centred instead of the
    training part, one mean of all the numbers (no ``axis=0``), the means of the rows,
    features also divided by their standard deviations (standardized), nothing
    subtracted, and the mean minus the features (the wrong sign).

    Parameters
    ----------
    X_centred : array_like, shape (N, d)
        The learner's answer.
    X_train : array_like, shape (N, d)
        The raw training features.
    X_all : array_like, shape (M, d), optional
        The whole data set, training part included.
    """
    _require_answer(X_centred, name)
    X_train = check_finite_array(X_train, "X_train", ndim=2)
    if X_all is not None:
        X_all = check_finite_array(X_all, "X_all", ndim=2)
        if X_all.shape[1] != X_train.shape[1]:
            raise ValueError(
                f"X_all must have the {X_train.shape[1]} columns of X_train, "
                f"got shape {X_all.shape}"
            )
    got = _as_array(X_centred, name)
    mean = X_train.mean(axis=0)
    expected = X_train - mean
    if X_all is not None and got.shape == X_all.shape != X_train.shape:
        raise CheckFailed(
            f"{name} has {X_all.shape[0]} rows, as many as the whole data set: centre the "
            f"TRAINING features ({X_train.shape[0]} rows) only, with their own means."
        )
    mistakes = [
        (
            X_train - X_train.mean(),
            "one mean of ALL the numbers was subtracted. Each feature has its own mean: "
            "take it down each column (axis=0).",
        ),
        (
            X_train - X_train.mean(axis=1, keepdims=True),
            "those are the means of the rows (one per example); the features' means are "
            "those of the columns (axis=0).",
        ),
        (
            expected / X_train.std(axis=0),
            "the features are also divided by their standard deviations: that is "
            "standardizing. Centring only subtracts the means.",
        ),
        (X_train, "nothing was subtracted: these are the raw features."),
    ]
    if X_all is not None:
        mistakes.insert(
            0,
            (
                X_train - X_all.mean(axis=0),
                "those are the means of the whole data set, validation part included. "
                "Use the training part's means only: the validation data must not leak "
                "into the features the model trains on.",
            ),
        )
    for wrong, why in mistakes:
        if not _close(wrong, expected, 1e-9, 1e-12) and _close(got, wrong, 1e-9, 1e-12):
            raise CheckFailed(f"{name} is not right: {why}")
    problem = _compare(got, expected, what=name, rtol=1e-9, atol=1e-9 * np.abs(mean).max())
    if problem:
        if got.shape == expected.shape and "component" in problem:
            columns = np.flatnonzero(~np.all(np.isclose(got, expected, rtol=1e-9), axis=0))
            problem = (
                f"{name} is not right in {columns.size} of the {got.shape[1]} columns "
                f"(the first is column {columns[0]}): subtract each column's mean over the "
                f"training features."
            )
        raise CheckFailed(problem)
    return _passed(f"{name} are the training features centred with their own means.")


def _scaler_stats(scaler):
    if hasattr(scaler, "mean_") and hasattr(scaler, "scale_"):
        return float(np.ravel(scaler.mean_)[0]), float(np.ravel(scaler.scale_)[0])
    mean, scale = scaler
    return float(mean), float(scale)


@_self_check
def check_unscaled_line(
    line, scaler, x, y, *, rtol=1e-5, start=None, lr=None, name="your line"
):
    """Check a line ``(b, w)`` in the units of ``x``, fitted on the feature scaled by ``scaler``.

    Introduced for chapter 5's exercises. ``scaler`` is a fitted ``StandardScaler`` (or a
    pair ``(mean, scale)``); the model is the least-squares line on
    ``z = (x - mean) / scale`` (what gradient descent converges to), turned back into the
    units of ``x`` (:func:`descentkit.models.unscale_params`). Recognises: the line still
    in the units of ``z``, the mean and the scale swapped when converting back, the scale
    left out of the intercept. The tolerance is relative (``rtol`` of each of ``b`` and
    ``w``): an intercept and a slope in the units of ``x`` can be of any size. The line
    does not depend on the scaler (any affine scaling gives back the same least-squares
    line), so an answer that skips the scaler cannot be told from the right one here:
    check what does depend on it (:func:`check_scaled_kappa`). With ``start`` and ``lr``
    (the run's start in the units of ``z`` and its rate), a line that is the run after only
    a few steps (up to 10) is reported as not converged.
    """
    from .models import least_squares_line, unscale_params

    _require_answer(line, name)
    got = _as_array(line, name)
    if got.shape != (2,):
        raise CheckFailed(f"{name} should be the pair (b, w), but it has shape {got.shape}.")
    mean, scale = _scaler_stats(scaler)
    z = (np.asarray(x, dtype=float) - mean) / scale
    b_z, w_z = least_squares_line(z, np.asarray(y, dtype=float))
    ref = np.array(unscale_params(b_z, w_z, mean, scale))
    if _close(got, ref, rtol, 1e-12):
        return _passed(f"{name} = {_fmt(got)}, in the units of x.")
    wrong = [
        (
            np.array([b_z, w_z]),
            "it is still in the units of z, the scaled feature: convert it back "
            "with unscale_params and the scaler's mean and scale.",
        ),
        (
            np.array([b_z - w_z * scale / mean, w_z / mean]),
            "the mean and the scale are swapped in the conversion back to the units of x.",
        ),
        (
            np.array([b_z - w_z * mean, w_z / scale]),
            "the intercept is missing the division by the scale: b = b_z - w_z * mean / scale.",
        ),
    ]
    for value, why in wrong:
        if _close(got, value, rtol, 1e-12):
            raise CheckFailed(f"{name} is not right: {why}")
    if start is not None and lr is not None:
        from .losses import mse_gradient_of

        grad = mse_gradient_of(z, np.asarray(y, dtype=float))
        theta = np.array(start, dtype=float)
        for steps in range(1, 11):
            theta = theta - lr * np.asarray(grad(theta), dtype=float)
            if _close(got, np.array(unscale_params(*theta, mean, scale)), rtol, 1e-12):
                why = "run until the tolerance."
                if not np.allclose([z.mean(), z.std()], [0, 1], atol=1e-9):
                    why = (
                        "with this scaler the training feature is not exactly "
                        "standardized, so kappa is not 1 and one step no longer lands "
                        "on the minimum: " + why
                    )
                raise CheckFailed(
                    f"{name} is not right: not converged, it is the line after "
                    f"{steps} step{'s' if steps > 1 else ''} at rate {_fmt(lr)}; {why}"
                )
    raise CheckFailed(_compare(got, ref, what=name, rtol=rtol, atol=1e-12, names=["b", "w"]))


# --------------------------------------------------------------------------- mini-batches


@_self_check
def check_batches(
    batches, n, batch_size, *, drop_last=False, shuffled=False, name="your mini-batches"
):
    """Check the mini-batches of one epoch: index arrays that cover ``0..n-1`` once each.

    Introduced for chapter 6's exercises. ``batches`` is a sequence of integer index arrays
    (or the arrays a loop yielded). Every index must appear exactly once; every batch has
    ``batch_size`` indices except possibly the last, smaller one (left out when
    ``drop_last``). Recognises: examples used twice (sampling with replacement), the last
    batch left out, indices out of range, wrong batch sizes, non-integer indices; notes an
    unshuffled order, or, with ``shuffled`` (the task asks for a shuffled epoch), rejects it.
    """
    _require_answer(batches, name)
    n = int(n)
    batch_size = int(batch_size)
    try:
        batches = [np.asarray(b).ravel() for b in batches]
    except TypeError:
        raise CheckFailed(
            f"{name} should be a list of index arrays, but it is a {type(batches).__name__}."
        ) from None
    if not batches:
        raise CheckFailed(f"{name} is empty: one epoch should give at least one batch.")
    if not all(np.issubdtype(b.dtype, np.integer) for b in batches):
        raise CheckFailed(
            f"{name} should contain integer indices into the data (use np.arange / permutation)."
        )
    sizes = [b.size for b in batches]
    full, rest = divmod(n, batch_size)
    expected_sizes = [batch_size] * full + ([] if drop_last or rest == 0 else [rest])
    seen = np.concatenate(batches)
    if np.unique(seen).size != seen.size:
        raise CheckFailed(
            f"{name} use some examples more than once in one epoch. Shuffle the indices "
            "once per epoch and cut them into consecutive slices."
        )
    if seen.min() < 0 or seen.max() >= n:
        raise CheckFailed(f"{name} contain indices outside 0..{n - 1}.")
    if sizes != expected_sizes:
        if sizes[:full] == expected_sizes[:full] and not drop_last and rest and len(sizes) == full:
            raise CheckFailed(
                f"{name} leave out the last, smaller batch: "
                f"{n - seen.size} examples are never used."
            )
        raise CheckFailed(
            f"{name} have sizes {sizes}; with n = {n} and batch_size = {batch_size} "
            f"they are not right."
        )
    if np.array_equal(seen, np.arange(seen.size)) and len(batches) > 1:
        if shuffled:
            raise CheckFailed(
                f"{name} visit the examples in their original order (0, 1, 2, ...): they are "
                "not shuffled. The task cuts one shuffled epoch: permute the indices first "
                "(np.random.default_rng(0).permutation(n)), then cut them into slices."
            )
        print(
            f"Note: {name} visit the examples in their original order. Stochastic gradient descent "
            "usually shuffles them each epoch."
        )
    return _passed(f"{name}: {len(batches)} batches cover every example exactly once.")


@_self_check
def check_minibatch_average(
    average, grad, theta, *, n, batch_size, seed=0, other_points=None, name="your average"
):
    """Check the average of the mini-batch gradients over one epoch, at a fixed point ``theta``.

    Introduced for chapter 6's exercises. ``grad(theta, idx)`` is the gradient on the
    examples ``idx``; the check averages it over the batches of one shuffled epoch
    (:func:`descentkit.stochastic.epoch_batches`, ``batch_size`` dividing ``n``).
    Recognises: the sum of the batch gradients instead of their average, the wrong sign,
    a factor of 2, the gradient of one batch only (of a shuffle seeded 0 to 19, or not
    shuffled), and the gradient at one of ``other_points`` (a dictionary from a name,
    such as ``"theta0"``, to a point) instead of at ``theta``.
    """
    from .stochastic import epoch_batches

    _require_answer(average, name)
    if n % batch_size:
        raise ValueError(f"batch_size {batch_size} must divide n = {n}")
    theta = np.asarray(theta, dtype=float)
    batches = epoch_batches(n, batch_size, rng=np.random.default_rng(seed))
    ref = np.mean([np.asarray(grad(theta, idx), dtype=float) for idx in batches], axis=0)
    got = _as_array(average, name)
    k = n // batch_size
    problem = _compare(
        got,
        ref,
        what=name,
        rtol=1e-9,
        atol=1e-12,
        names=["dL/db", "dL/dw"],
        factors={
            k: f"that is the SUM of the {k} batch gradients; average them "
            "(divide by the number of batches)."
        },
    )
    if problem and "SUM" not in problem and got.shape == ref.shape:
        problem = (
            _minibatch_average_slip(got, grad, theta, n, batch_size, name, other_points)
            or problem
        )
    if problem:
        raise CheckFailed(problem)
    return _passed(f"{name} = {_fmt(got)}.")


def _minibatch_average_slip(got, grad, theta, n, batch_size, name, other_points):
    """Name the slip behind a wrong epoch average: one batch only, or another point."""
    from .stochastic import epoch_batches

    def same(a):
        return np.allclose(got, a, rtol=1e-9, atol=1e-12)

    orders = [epoch_batches(n, batch_size, shuffle=False)]
    orders += [epoch_batches(n, batch_size, rng=np.random.default_rng(s)) for s in range(20)]
    k = n // batch_size
    if any(same(np.asarray(grad(theta, idx), dtype=float)) for b in orders for idx in b):
        return (
            f"{name} is the gradient of ONE batch of {batch_size}, not the average over "
            f"the {k} batches of an epoch: loop over all of them, each gradient at the "
            "same point, and average."
        )
    for label, point in (other_points or {}).items():
        point = np.asarray(point, dtype=float)
        if same(np.asarray(grad(point), dtype=float)) or any(
            same(np.asarray(grad(point, idx), dtype=float)) for b in orders for idx in b
        ):
            return (
                f"{name} is the gradient at {label}, {_point(point)}, not at "
                f"{_point(theta)}: take every batch gradient at the fixed point asked for."
            )
    return None


@_self_check
def check_target(answer, measure, target, *, rtol, what="the result", name="your answer"):
    """Check an answer by what it gives: ``measure(answer)`` must be within ``rtol`` of ``target``.

    Introduced for chapter 6's exercises; used again in chapter 7. ``measure`` runs the
    experiment with the learner's value (a learning rate, say). Recognises: an answer that
    gives too much or too little (by how many times the target), an experiment that does
    not give a finite result.
    """
    _require_answer(answer, name)
    got = _as_array(answer, name)
    if got.ndim != 0:
        raise CheckFailed(f"{name} should be a single number, but it has shape {got.shape}.")
    value = float(got)
    measured = float(np.asarray(_call(measure, (value,), "the experiment"), dtype=float))
    target = float(target)
    if np.isfinite(measured) and abs(measured - target) <= rtol * abs(target):
        close = f"within {rtol:.0%} of" if rtol >= 0.01 else "equal to"
        return _passed(
            f"{name} = {_fmt(value)}: {what} is {measured:.4g}, {close} the target {target:.4g}."
        )
    if not np.isfinite(measured):
        raise CheckFailed(f"with {name} = {_fmt(value)}, {what} is not finite: the run diverged.")
    ratio = measured / target
    size = "too large" if ratio > 1 else "too small"
    raise CheckFailed(
        f"with {name} = {_fmt(value)}, {what} is {measured:.4g}: {ratio:.3g} times the "
        f"target {target:.4g}, {size}."
    )


@_self_check
def check_power_law_rate(
    rate, rates, values, target, *, rtol=1e-3, what="the result", name="your rate"
):
    """Check a rate read off a power law: where the line through ``log(values)`` against
    ``log(rates)`` reaches ``log(target)``.

    Introduced for chapter 6's exercises. The check fits the straight line by least
    squares (:func:`numpy.polyfit`, degree 1, on the logs of the arrays it is given) and
    solves it for the rate whose value is ``target``; the answer must agree within
    ``rtol``, which the messages state. Choose it for the estimate the exercise asks
    for: a line fitted to a table printed with few digits, or a rate read off a plot,
    lands about a percent away from the fit to the full-precision values. Recognises: a rate from the table (no interpolation or extrapolation), the
    line through the two nearest points of the table only, a rounded value, too large, too
    small (with what the fitted line gives at the answer, in times the target).
    """
    _require_answer(rate, name)
    got = _as_array(rate, name)
    if got.ndim != 0:
        raise CheckFailed(f"{name} should be a single number, but it has shape {got.shape}.")
    rates = check_finite_array(rates, "rates", ndim=1, min_size=2)
    values = check_finite_array(values, "values", ndim=1, min_size=2)
    if rates.shape != values.shape or np.any(rates <= 0) or np.any(values <= 0) or target <= 0:
        raise ValueError("rates and values must be positive arrays of the same length, target > 0")
    value = float(got)
    if not np.isfinite(value) or value <= 0:
        raise CheckFailed(f"{name} = {_fmt(value)} is not a learning rate: a rate is positive.")
    slope, intercept = np.polyfit(np.log(rates), np.log(values), 1)
    ref = float(np.exp((math.log(target) - intercept) / slope))
    within = f"within {100 * rtol:.3g} % of"
    if np.isclose(value, ref, rtol=rtol, atol=0):
        return _passed(
            f"{name} = {_fmt(value)}: {within} the rate where the fitted line reaches the target."
        )
    accepts = (
        f" (The check accepts a rate {within} the one where the line through all the "
        "points reaches the target.)"
    )
    how = "interpolate" if rates.min() <= ref <= rates.max() else "extrapolate"
    if any(np.isclose(value, r, rtol=1e-9, atol=0) for r in rates):
        side = "below" if ref < value else "above"
        raise CheckFailed(
            f"{name} = {_fmt(value)} is not right: that is a rate from the table: the target "
            f"lies {side} it, {how} along the line."
        )
    order = np.argsort(np.abs(np.log(values) - math.log(target)))[:2]
    two = np.polyfit(np.log(rates[order]), np.log(values[order]), 1)
    two_ref = float(np.exp((math.log(target) - two[1]) / two[0]))
    if np.isclose(value, two_ref, rtol=rtol, atol=0) and not np.isclose(ref, two_ref, rtol=rtol):
        raise CheckFailed(
            f"{name} = {_fmt(value)} is not right: that is the line through the two nearest "
            "points only. Fit the straight line through all the points (np.polyfit)."
        )
    ratio = math.exp(intercept + slope * math.log(value)) / target
    problem = _compare(got, np.asarray(ref), what=name, rtol=rtol, atol=0)
    if "rounded" in problem:
        raise CheckFailed(problem + accepts)
    raise CheckFailed(
        f"{problem[:-1]} (on the fitted line it gives {what} {ratio:.3g} times the target)."
        + accepts
    )


# --------------------------------------------------------------------------- momentum


@_self_check
def check_momentum_step(step, *, name="your momentum step"):
    """Check one step of gradient descent with momentum, PyTorch's convention.

    Introduced for chapter 7's exercises. ``step(params, velocity, grad, lr, momentum)``
    returns ``(new_params, new_velocity)`` with ``new_velocity = momentum * velocity + grad``
    and ``new_params = params - lr * new_velocity`` (as ``torch.optim.SGD`` with
    ``momentum``, no dampening). Recognises: adding instead of subtracting, stepping with
    the old velocity, the dampened form ``momentum * v + (1 - momentum) * grad``, and
    forgetting the velocity; otherwise says in one sentence which result is wrong, the
    new velocity or (with a right velocity) the new parameters.
    """
    _require_answer(step, name)
    check_callable(step, "step")
    rng = np.random.default_rng(2)
    cases = [
        (rng.normal(size=2), rng.normal(size=2), rng.normal(size=2), lr, mu)
        for lr, mu in [(0.1, 0.9), (0.05, 0.5), (0.3, 0.8)]
    ]

    def pack(p, v):
        return np.concatenate([np.asarray(p, float).ravel(), np.asarray(v, float).ravel()])

    def ref(p, v, g, lr, mu):
        new_p, state = HeavyBall(mu).step(p, g, lr, {"velocity": v})
        return pack(new_p, state["velocity"])

    def learner(p, v, g, lr, mu):
        out = step(p.copy(), v.copy(), g.copy(), lr, mu)
        _require_answer(out, name)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise CheckFailed(f"{name} should return two things, (new_params, new_velocity).")
        return pack(*(_as_array(o, name) for o in out))

    mistakes = [
        (
            lambda p, v, g, lr, mu: pack(p + lr * (mu * v + g), mu * v + g),
            "the parameters move UP the gradient: subtract lr * velocity, do not add it.",
        ),
        (
            lambda p, v, g, lr, mu: pack(p - lr * v, mu * v + g),
            "the parameters move with the OLD velocity. Update the velocity first, then step with the new one.",
        ),
        (
            lambda p, v, g, lr, mu: pack(p - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g),
            "that is the dampened (moving-average) form mu*v + (1 - mu)*g. The course follows PyTorch: v = mu*v + g.",
        ),
        (
            lambda p, v, g, lr, mu: pack(p - lr * g, g),
            "the old velocity is ignored: that is plain gradient descent. Add momentum * velocity to the gradient.",
        ),
    ]

    def diagnose():
        """One sentence: which of the two results is wrong, and for which case."""
        for case in cases:
            got, right = learner(*case), ref(*case)
            lr, mu = case[3], case[4]
            if got.shape != right.shape:
                return None
            if not np.allclose(got[2:], right[2:], rtol=1e-6, atol=1e-8):
                return (
                    f"{name} returns a wrong new velocity (for momentum = {mu}): in "
                    "PyTorch's convention it is momentum * velocity + grad."
                )
            if not np.allclose(got[:2], right[:2], rtol=1e-6, atol=1e-8):
                return (
                    f"{name} returns the right new velocity but wrong new parameters (for "
                    f"lr = {lr}): they move by lr times the new velocity, downhill."
                )
        return None

    n = _run_cases(
        learner,
        cases,
        ref,
        what=name,
        mistakes=mistakes,
        describe=lambda p, v, g, lr, mu: f"lr = {lr}, momentum = {mu}",
        diagnose=diagnose,
    )
    return _passed(f"{name} matches PyTorch's momentum update in {n} cases.")


@_self_check
def check_basin_fraction(
    fraction,
    derivative,
    starts,
    lr,
    num_steps,
    *,
    boundary,
    momentum=0.0,
    nesterov=False,
    name="your fraction",
):
    """Check the fraction of starting points from which a descent ends left of ``boundary``.

    Introduced for chapter 7's exercises. The check runs
    :func:`descentkit.optim.momentum_descent` from every start at once (``momentum``,
    ``nesterov``) and counts the final points below ``boundary`` (the basin on the left).
    Recognises: the fraction that ends on the other side, the fraction of the other
    momentum method (heavy ball for Nesterov and back), of plain gradient descent, a
    percentage instead of a fraction, a count instead of a fraction.
    """
    from .optim import momentum_descent

    _require_answer(fraction, name)
    got = _as_array(fraction, name)
    if got.ndim != 0:
        raise CheckFailed(f"{name} should be a single number, but it has shape {got.shape}.")
    starts = np.asarray(starts, dtype=float)

    def left(mom, nest):
        run = momentum_descent(derivative, starts, lr, num_steps, momentum=mom, nesterov=nest)
        return float(np.mean(np.asarray(run.final) < boundary))

    ref = left(momentum, nesterov)
    value = float(got)
    if np.isclose(value, ref, rtol=1e-9, atol=1e-12):
        return _passed(f"{name} = {value:.4g}.")
    other = "heavy ball (nesterov=False)" if nesterov else "Nesterov momentum (nesterov=True)"
    wrong = [
        (1 - ref, f"that is the fraction that ends on the OTHER side, right of {_fmt(boundary)}.")
    ]
    if momentum:
        wrong.append((left(momentum, not nesterov), f"that is the fraction of {other}."))
        wrong.append(
            (left(0.0, False), "that is the fraction of plain gradient descent, without momentum.")
        )
    wrong += [
        (100 * ref, "that is a percentage; give the fraction, between 0 and 1."),
        (ref * starts.size, "that is a count of starts; divide by the number of starts."),
    ]
    for w, why in wrong:
        if np.isclose(value, w, rtol=1e-9, atol=1e-12) and not np.isclose(
            w, ref, rtol=1e-9, atol=1e-12
        ):
            raise CheckFailed(f"{name} = {value:.4g} is not right: {why}")
    raise CheckFailed(_compare(got, np.asarray(ref), what=name, rtol=1e-9, atol=1e-12))


_install_in_ipython()

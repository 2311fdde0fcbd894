"""Interactive figures for the course website: each widget's problem, exported at build time.

Introduced for chapters 1 to 7, continued in chapters 8 and 9. A chapter calls one
function of this module in a cell right after the static figure the widget extends, with
the chapter's own problem (its function and derivative, or its data and start), e.g.::

    dk.widgets.learning_rate_explorer(f, df, x0=7.0)

The function computes with the package what the widget needs (the minimum, the Hessian,
its eigenvalues, the stable and best rates, Polyak's parameters, ...) and returns a
:class:`Widget`, whose HTML is a container holding that problem as JSON:

- **on the website** (the book executes the notebooks when it is built) the page's
  JavaScript (``book/_static/widgets/``, loaded by ``_ext/widgets.py`` only on pages with
  a widget) turns the container into the interactive figure. The JavaScript computes with
  the same formulas and the same loop as the package (the rules of
  :mod:`descentkit.rules`, the divergence rule of :func:`descentkit.optim.descend`,
  :func:`~descentkit.optim.steps_to_tolerance`); ``tests/test_widgets_browser.py`` drives
  every widget and holds its paths (to 1e-9), numbers and verdicts equal to the package's;
- **in Jupyter** (or with JavaScript off) the output is a short note with a link to the
  interactive version on the course website; the static figure above it stays the figure.

State in the URL: a widget keeps its settings in the page's hash as
``#<widget id>?<key>=<value>&...`` (e.g. ``#ch01-rate?lr=0.7&steps=5``), so a link opens
the page with the widget set that way. :data:`STATE_KEYS` lists the keys of every widget.

The widgets that sample mini-batches (chapter 6) draw them from a small seeded generator
written out in both languages, :func:`widget_batches`, so that a test can replay a
widget's batches through :func:`descentkit.optim.minibatch_sgd`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import numpy as np

from .curvature import (
    curvature,
    gd_optimal,
    heavy_ball_optimal,
    hessian_eigen,
)
from .losses import mse, mse_hessian
from .models import least_squares_line
from .surfaces import grid_around, loss_grid
from .validation import (
    check_callable,
    check_finite_array,
    check_finite_scalar,
    check_int,
    check_positive,
    check_xy,
)

__all__ = [
    "REGIME_WORDS",
    "SITE_URL",
    "STATE_KEYS",
    "Widget",
    "feature_scaling_explorer",
    "heavy_ball_rate",
    "heavy_ball_regime",
    "learning_rate_explorer",
    "learning_rate_map",
    "adaptive_explorer",
    "logistic_rate_explorer",
    "momentum_explorer",
    "noise_ball_explorer",
    "noise_ball_readout",
    "seven_steps_explorer",
    "start_point_explorer",
    "widget_batches",
]

#: Where the course is published (``html.baseurl`` of ``_config.yml``; a test keeps them equal).
SITE_URL = "https://descentkit.github.io/gradient-descent-course/"

#: The settings each widget keeps in the URL hash, ``#<id>?<key>=<value>&...``.
STATE_KEYS = {
    "ch01-rate": {"lr": "learning rate", "steps": "steps taken (Step button)"},
    "ch02-steps": {"lr": "learning rate", "epoch": "epoch shown"},
    "ch03-start": {"b": "start intercept b0", "w": "start slope w0"},
    "ch04-rate": {"lr": "learning rate"},
    "ch05-scaling": {
        "scale": "feature scale s",
        "offset": "feature offset c",
        "standardize": "1 if the feature is standardized",
    },
    "ch06-noise": {
        "lr": "learning rate",
        "batch": "batch size B",
        "sampling": "shuffle or replacement",
        "seed": "seed of the batches",
        "zoom": "1 to zoom in on the minimum",
    },
    "ch07-momentum": {"lr": "learning rate", "beta": "momentum beta", "step": "step shown"},
    "ch08-adaptive": {
        "method": "gd, adagrad, rmsprop or adam",
        "lr": "learning rate",
        "beta1": "Adam's beta1",
        "beta2": "Adam's beta2",
        "alpha": "RMSProp's alpha (its beta2)",
        "bias": "1 if Adam corrects its bias",
        "kappa": "condition number of the two valleys",
    },
    "ch09-logistic": {
        "rate": "learning rate as a multiple of the safe rate",
        "standardize": "1 if the features are standardized",
    },
}

#: The chapters' short names for what :func:`~descentkit.curvature.classify_lr` says.
REGIME_WORDS = {
    "converges from one side": "creeps",
    "converges in one step": "one step",
    "overshoots, converges": "overshoots",
    "oscillates forever": "bounces",
    "diverges": "diverges",
}

#: A run that converges from one side "creeps" when each step removes less than a tenth of
#: the distance (factor 1 - lr f'' of at least 0.9); with a smaller factor it "converges".
CREEP_FACTOR = 0.9


def regime_word(lr: float, curvature: float) -> str:
    """The chapters' short word for a rate on a parabola of second derivative ``curvature``:
    :data:`REGIME_WORDS`, except that a one-sided run creeps only if its factor is at least
    :data:`CREEP_FACTOR` (chapter 1's eta = 0.01, factor 0.98), and otherwise converges
    (eta = 0.4, factor 0.2).

    >>> regime_word(0.01, 2.0), regime_word(0.4, 2.0), regime_word(0.9, 2.0)
    ('creeps', 'converges', 'overshoots')
    """
    from .curvature import classify_lr

    verdict = classify_lr(lr, curvature)
    if verdict == "converges from one side" and 1 - lr * curvature < CREEP_FACTOR:
        return "converges"
    return REGIME_WORDS[verdict]


@dataclass(frozen=True)
class Widget:
    """One interactive figure: its kind, its id (the anchor on its page) and its data.

    In a notebook it shows as a note linking to the page; its HTML (:meth:`html`) is what
    the website turns into the interactive figure. ``data`` is plain JSON-able Python.
    """

    kind: str
    widget_id: str
    title: str
    page: str
    data: dict = field(repr=False)

    @property
    def url(self) -> str:
        """The widget on the course website."""
        return f"{SITE_URL}{self.page}.html#{self.widget_id}"

    def to_json(self) -> str:
        """The data as JSON (exact: floats are written with every digit)."""
        return json.dumps(self.data, allow_nan=False, separators=(",", ":"))

    def html(self) -> str:
        """The container the website's JavaScript turns into the widget."""
        payload = self.to_json().replace("</", "<\\/")
        return (
            f'<div class="dk-widget" id="{self.widget_id}" data-dk-kind="{self.kind}">\n'
            f'<script type="application/json" class="dk-data">{payload}</script>\n'
            f'<div class="dk-note"><p><strong>Interactive figure: '
            f"{html.escape(self.title)}.</strong> "
            f"On the course website this cell is an explorable version of the figure above; "
            f"it runs "
            f'in the browser, with JavaScript on. <a href="{self.url}">Open it on the course '
            f"website</a>.</p></div>\n</div>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"Interactive figure: {self.title}. It runs on the course website: {self.url}"


def _floats(values) -> list:
    return [float(v) for v in np.ravel(values)]


def _nice(value: float) -> float:
    """A rate shown on a slider: 10 significant digits, so 0.07 stays 0.07."""
    return float(f"{value:.10g}")


#: The E24 series of preferred numbers: 24 values a decade, each 8 to 15 % above the last.
_E24 = (1, 1.1, 1.2, 1.3, 1.5, 1.6, 1.8, 2, 2.2, 2.4, 2.7, 3, 3.3, 3.6, 3.9, 4.3, 4.7, 5.1,
       5.6, 6.2, 6.8, 7.5, 8.2, 9.1)


def _nice_log_grid(lo, hi, mantissas=(1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)):
    """Values m * 10**k in [lo, hi], written as decimals (so they read back exactly)."""
    out = []
    for k in range(int(np.floor(np.log10(lo))) - 1, int(np.ceil(np.log10(hi))) + 1):
        for m in mantissas:
            v = float(f"{m}e{k}")
            if lo * (1 - 1e-12) <= v <= hi * (1 + 1e-12):
                out.append(v)
    return sorted(set(out))


def _line_problem(x, y, start):
    x, y = check_xy(x, y)
    start = check_finite_array(start, "start", ndim=1)
    if start.shape != (2,):
        raise ValueError(f"start must be (b, w), got shape {start.shape}")
    return x, y, start


# --------------------------------------------------------------------------- chapter 1


def _parabola(f, df):
    """``(a, b, c)`` with ``f(x) = a x**2 + b x + c`` and ``df(x) = 2 a x + b``, or ValueError."""
    check_callable(f, "f")
    check_callable(df, "df")
    c = float(f(0.0))
    fp, fm = float(f(1.0)), float(f(-1.0))
    a, b = (fp + fm) / 2 - c, (fp - fm) / 2
    if not a > 0:
        raise ValueError(f"f must be a parabola that opens upwards (a > 0), got a = {a:g}")
    for x in (-3.7, -1.3, 0.4, 2.9, 6.1):
        want_f, want_df = a * x * x + b * x + c, 2 * a * x + b
        if abs(float(f(x)) - want_f) > 1e-9 * (1 + abs(want_f)):
            raise ValueError(
                f"f is not a parabola a x^2 + b x + c: f({x}) = {float(f(x))!r}, "
                f"the parabola through f(-1), f(0), f(1) gives {want_f!r}"
            )
        if abs(float(df(x)) - want_df) > 1e-9 * (1 + abs(want_df)):
            raise ValueError(
                f"df is not the derivative of f: df({x}) = {float(df(x))!r}, "
                f"expected 2 a x + b = {want_df!r}"
            )
    return a, b, c


def learning_rate_explorer(
    f,
    df,
    x0,
    *,
    lr=0.1,
    max_steps=60,
    x_range=(-4.0, 8.0),
    widget_id="ch01-rate",
    page="book/01_derivatives",
) -> Widget:
    """A learning-rate slider and a Step button on a parabola: which rates work, and why.

    Introduced in chapter 1, after ``fig-ch01-learning-rates``. The widget shows the steps
    ``x <- x - lr * df(x)`` from ``x0`` on the graph of ``f`` and their distance to the
    minimum on a log scale, with the factor ``1 - lr f''`` and the regime
    (:func:`~descentkit.curvature.classify_lr`, with the chapter's words in
    :data:`REGIME_WORDS`) live.

    Parameters
    ----------
    f, df : callable
        A parabola ``a x**2 + b x + c`` with ``a > 0`` and its derivative (checked: the
        widget computes with ``a``, ``b``, ``c``).
    x0 : float
    lr : float, default 0.1
        The rate the widget opens with.
    max_steps : int, default 60
        How many steps the Step button can take.
    x_range : (float, float)
        The x-axis of the graph.
    """
    a, b, c = _parabola(f, df)
    x0, lr = check_finite_scalar(x0, "x0"), check_positive(lr, "lr")
    max_steps = check_int(max_steps, "max_steps", minimum=1, maximum=500)
    curv = 2 * a
    unit = 2 / curv  # the largest stable rate
    rates = sorted({_nice(i * unit / 100) for i in range(1, 121)} | {_nice(lr)})
    data = {
        "a": a,
        "b": b,
        "c": c,
        "slope": curv,
        "intercept": b,
        "x0": x0,
        "minimum": -b / (2 * a),
        "curvature": curv,
        "lr": lr,
        "rates": rates,
        "max_steps": max_steps,
        "x_range": _floats(x_range),
        "regimes": REGIME_WORDS,
        "creep_factor": CREEP_FACTOR,
    }
    return Widget("rate-1d", widget_id, "a learning rate on the parabola", page, data)


# --------------------------------------------------------------------------- chapter 2


def seven_steps_explorer(
    t,
    speed,
    params0,
    *,
    lr=1e-5,
    epoch=40,
    max_epochs=2000,
    widget_id="ch02-steps",
    page="book/02_autograd",
) -> Widget:
    """The roller coaster's quadratic ``a t**2 + b t + c`` trained with a learning-rate slider.

    Introduced in chapter 2, after ``fig-ch02-loss``: why the rate must be tiny (``t**2``
    dwarfs the other inputs, so the largest stable rate ``2 / lambda_max`` of the MSE's
    Hessian is tiny), and why that leaves ``c`` where it started. The Hessian of the MSE
    of ``X p`` with ``X = [t**2, t, 1]`` is ``2 X^T X / n``.

    Parameters
    ----------
    t, speed : array_like
        The measurements (chapter 2's ``make_roller_coaster``).
    params0 : array_like, shape (3,)
        The random start ``(a, b, c)``.
    lr, epoch : float, int
        What the widget opens with.
    max_epochs : int
        The epoch slider's range.
    """
    t, speed = check_xy(t, speed)
    params0 = check_finite_array(params0, "params0", ndim=1)
    if params0.shape != (3,):
        raise ValueError(f"params0 must be (a, b, c), got shape {params0.shape}")
    lr = check_positive(lr, "lr")
    max_epochs = check_int(max_epochs, "max_epochs", minimum=1, maximum=20_000)
    epoch = check_int(epoch, "epoch", minimum=0, maximum=max_epochs)
    X = np.column_stack([t**2, t, np.ones_like(t)])
    hess = 2 * X.T @ X / t.size
    curv = curvature(hess)
    best = np.linalg.lstsq(X, speed, rcond=None)[0]
    # 24 rates a decade (the E24 series, steps of 8 to 15 %), and the chapter's rates
    rates = _nice_log_grid(1e-6, 6e-5, mantissas=_E24)
    rates = sorted(set(rates) | {1e-5, 2e-5, 3e-5, 3.5e-5, 4e-5, _nice(lr)})
    data = {
        "t": _floats(t),
        "y": _floats(speed),
        "params0": _floats(params0),
        "lr": lr,
        "epoch": epoch,
        "max_epochs": max_epochs,
        "rates": rates,
        "eigenvalues": _floats(curv.eigenvalues),
        "bound": curv.max_stable_lr,
        "best": _floats(best),
        "best_rmse": float(np.sqrt(np.mean((X @ best - speed) ** 2))),
    }
    return Widget("seven-steps", widget_id, "the learning rate of the seven steps", page, data)


# --------------------------------------------------------------------------- chapter 3


def _levels(x, y, center, half_width, low=0.8, high=1.01, num=17):
    b_values, w_values = grid_around(*center, half_width=half_width, num=101)
    losses = loss_grid(x, y, b_values, w_values)
    star = least_squares_line(x, y)
    return {
        "lo": low * mse(*star, x, y),
        "hi": high * float(losses.max()),
        "n": num,
        "b": [float(b_values[0]), float(b_values[-1])],
        "w": [float(w_values[0]), float(w_values[-1])],
    }


def start_point_explorer(
    x,
    y,
    start,
    *,
    lr=0.1,
    num_steps=1000,
    center=(1.0, 2.0),
    half_width=3.0,
    widget_id="ch03-start",
    page="book/03_linear_regression",
) -> Widget:
    """Click or drag the start on the contour map of the MSE; the path and the loss follow.

    Introduced in chapter 3, after ``fig-ch03-path``: does the path always drop into the
    valley first and then follow its floor, wherever it starts? Gradient descent with
    rate ``lr`` for ``num_steps`` epochs on the training data ``(x, y)``, from any start in
    the window ``center +- half_width`` (the chapter's contour map, log-spaced levels).
    """
    x, y, start = _line_problem(x, y, start)
    lr = check_positive(lr, "lr")
    num_steps = check_int(num_steps, "num_steps", minimum=1, maximum=5000)
    half_width = check_positive(half_width, "half_width")
    window = _levels(x, y, center, half_width)
    def ticks(lo, hi):
        return [k / 20 for k in range(int(np.ceil(lo * 20)), int(np.floor(hi * 20)) + 1)]

    data = {
        "x": _floats(x),
        "y": _floats(y),
        "start": _floats(start),
        "lr": lr,
        "num_steps": num_steps,
        "minimum": _floats(least_squares_line(x, y)),
        "window": window,
        "b_values": ticks(*window["b"]),
        "w_values": ticks(*window["w"]),
        "near": 1e-3,
    }
    return Widget("start", widget_id, "start anywhere on the loss surface", page, data)


# --------------------------------------------------------------------------- chapter 4


def learning_rate_map(
    x,
    y,
    start,
    *,
    lr=0.2,
    tol=1e-6,
    max_steps=5000,
    shown_steps=30,
    widget_id="ch04-rate",
    page="book/04_learning_rate",
) -> Widget:
    """A learning-rate slider against ``1/lambda_max`` and ``2/lambda_max``, with the eigenvectors.

    Introduced in chapter 4, after ``fig-ch04-three-rates``: what happens to the path, and
    to each eigen-direction's factor ``1 - lr * lambda``, as the rate crosses
    ``1/lambda_max`` (overshooting starts) and ``2/lambda_max`` (divergence)? The steps
    counted are those of :func:`~descentkit.optim.run_to_tolerance` (distance to the
    minimum below ``tol``, and staying there, within ``max_steps``).
    """
    x, y, start = _line_problem(x, y, start)
    lr, tol = check_positive(lr, "lr"), check_positive(tol, "tol")
    max_steps = check_int(max_steps, "max_steps", minimum=1, maximum=50_000)
    shown_steps = check_int(shown_steps, "shown_steps", minimum=1, maximum=max_steps)
    c = curvature(mse_hessian(x))
    star = least_squares_line(x, y)
    b_values, w_values = grid_around(*star, half_width=3.0, num=101)
    losses = loss_grid(x, y, b_values, w_values)
    rates = sorted({_nice(i / 100) for i in range(1, 121)} | {_nice(lr)})
    data = {
        "x": _floats(x),
        "y": _floats(y),
        "start": _floats(start),
        "minimum": _floats(star),
        "lr": lr,
        "tol": tol,
        "max_steps": max_steps,
        "shown_steps": shown_steps,
        "hessian": c.hessian.tolist(),
        "eigenvalues": _floats(c.eigenvalues),
        "eigenvectors": c.eigenvectors.T.tolist(),
        "bound": c.max_stable_lr,
        "one_step": 1 / c.lam_max,
        "best": c.best_fixed_lr,
        "rates": rates,
        "window": {
            "b": [float(b_values[0]), float(b_values[-1])],
            "w": [float(w_values[0]), float(w_values[-1])],
            "lo": 1.2 * mse(*star, x, y),
            "hi": float(losses.max()),
            "n": 18,
        },
        "regimes": REGIME_WORDS,
    }
    return Widget("rate-2d", widget_id, "the learning rate against the eigenvalues", page, data)


# --------------------------------------------------------------------------- chapter 5


def feature_scaling_explorer(
    x,
    y,
    start,
    *,
    scale=10.0,
    offset=0.0,
    standardize=False,
    tol=1e-6,
    max_steps=50_000,
    shown_steps=30,
    widget_id="ch05-scaling",
    page="book/05_feature_scaling",
) -> Widget:
    """Sliders for a feature's scale and offset, and a standardize switch.

    Introduced in chapter 5, after ``fig-ch05-three-maps``. The feature is ``s * x + c``
    (``x`` the original feature, ``y`` unchanged), or its standardization ``(x' - mean) /
    std`` with the training set's statistics. The contour map, the Hessian's eigenvalues,
    kappa, ``2/lambda_max``, the best fixed rate and the steps that rate needs follow. The
    steps are counted as chapter 5 counts them: ``tol`` is *relative*, the first step from
    which the distance to the minimum stays below ``tol`` times the start's, over
    ``max_steps`` steps (:func:`~descentkit.optim.run_to_tolerance` with ``tol=tol *
    ||start - minimum||``).
    """
    x, y, start = _line_problem(x, y, start)
    scale, offset = check_positive(scale, "scale"), check_finite_scalar(offset, "offset")
    tol = check_positive(tol, "tol")
    max_steps = check_int(max_steps, "max_steps", minimum=1, maximum=200_000)
    scales = sorted(set(_nice_log_grid(0.1, 100, (1, 1.5, 2, 3, 5, 7))) | {_nice(scale)})
    offsets = sorted({k / 2 for k in range(-20, 21)} | {_nice(offset)})
    data = {
        "x": _floats(x),
        "y": _floats(y),
        "start": _floats(start),
        "scale": scale,
        "offset": offset,
        "standardize": bool(standardize),
        "tol": tol,
        "max_steps": max_steps,
        "shown_steps": check_int(shown_steps, "shown_steps", minimum=1),
        "scales": scales,
        "offsets": offsets,
    }
    return Widget("scaling", widget_id, "the units of a feature", page, data)


# --------------------------------------------------------------------------- chapter 6


def _mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def next_u32():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF

    return next_u32


def widget_batches(num_samples, batch_size, num_epochs, *, seed=0, replacement=False):
    """The mini-batches the chapter-6 widget draws, for :func:`~descentkit.optim.minibatch_sgd`.

    Introduced in chapter 6. The website cannot run numpy's generator, so the widget draws
    its batches from mulberry32, a small 32-bit generator written out identically here and
    in ``dk-core.js`` (``DK.batches``): every epoch is a Fisher-Yates shuffle of
    ``0 .. num_samples-1`` cut into batches of ``batch_size`` (``replacement=False``), or
    ``ceil(num_samples / batch_size)`` batches of ``batch_size`` indices drawn
    independently (``replacement=True``). Pass the result as ``batch_order=``.

    Returns
    -------
    list of list of ndarray of int
        ``batches[e]`` is the list of batches of epoch ``e``.
    """
    num_samples = check_int(num_samples, "num_samples", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=num_samples)
    num_epochs = check_int(num_epochs, "num_epochs", minimum=1)
    seed = check_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    nxt = _mulberry32(seed)

    def below(k):  # floor(u * k / 2**32), exact in both languages
        return (nxt() * k) >> 32

    epochs = []
    for _ in range(num_epochs):
        if replacement:
            count = -(-num_samples // batch_size)
            epochs.append(
                [np.array([below(num_samples) for _ in range(batch_size)]) for _ in range(count)]
            )
        else:
            order = list(range(num_samples))
            for i in range(num_samples - 1, 0, -1):
                j = below(i + 1)
                order[i], order[j] = order[j], order[i]
            epochs.append(
                [np.array(order[s : s + batch_size]) for s in range(0, num_samples, batch_size)]
            )
    return epochs


def noise_ball_explorer(
    x,
    y,
    start,
    *,
    lr=0.1,
    batch_size=1,
    num_steps=1600,
    seed=0,
    center=(1.0, 1.0),
    half_width=1.5,
    settle=0.1,
    widget_id="ch06-noise",
    page="book/06_sgd",
) -> Widget:
    """Batch size, learning rate and sampling: watch SGD's noise ball form.

    Introduced in chapter 6, after ``fig-ch06-noise-ball``. Mini-batch SGD from ``start``
    for ``num_steps`` steps; batch sizes are the divisors of ``len(x)`` (so every epoch has
    whole batches), batches are reshuffled every epoch or drawn with replacement
    (:func:`widget_batches`). The noise ball's size is
    :func:`~descentkit.stochastic.distance_to` over the second half of the epochs, reported
    only once the run has arrived (:func:`noise_ball_readout`, with ``settle``). The
    default 1600 steps let every batch size below ``len(x)`` arrive at the default rate
    (with 800, gradient descent's average path over the second half was still 0.00106 from
    the minimum at ``lr=0.1``, more than a tenth of the ball for ``B >= 8``).
    """
    x, y, start = _line_problem(x, y, start)
    n = x.size
    lr = check_positive(lr, "lr")
    num_steps = check_int(num_steps, "num_steps", minimum=2, maximum=5000)
    sizes = [b for b in range(1, n + 1) if n % b == 0]
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=n)
    if batch_size not in sizes:
        raise ValueError(f"batch_size must divide the {n} examples, got {batch_size}")
    if num_steps % n:
        raise ValueError(f"num_steps must be a multiple of the {n} examples, got {num_steps}")
    star = least_squares_line(x, y)
    window = _levels(x, y, center, half_width, low=0.95, high=1.0, num=15)
    settle = check_positive(settle, "settle")
    data = {
        "x": _floats(x),
        "y": _floats(y),
        "start": _floats(start),
        "minimum": _floats(star),
        "lr": lr,
        "batch_size": batch_size,
        "batch_sizes": sizes,
        "num_steps": num_steps,
        "seed": check_int(seed, "seed", minimum=0, maximum=2**32 - 1),
        "rates": sorted(set(_nice_log_grid(0.005, 0.5, (1, 1.5, 2, 3, 5, 7))) | {_nice(lr)}),
        "window": window,
        "zoom": 0.15,
        "settle": settle,
    }
    return Widget("noise-ball", widget_id, "the noise ball of SGD", page, data)


def noise_ball_readout(run, x, y, start, lr, *, settle=0.1) -> dict:
    """SGD's noise ball as the chapter-6 widget reports it: only once the run has arrived.

    Introduced in chapter 6. ``run`` is a mini-batch run of ``T`` steps with a constant
    rate ``lr`` from ``start`` on the MSE of ``(x, y)``. Its RMS distance to the minimum
    over the second half of the epochs (:func:`~descentkit.stochastic.distance_to`)
    measures the noise ball only if the run is no longer on its way there. Averaged over
    the batches, SGD's points follow full-batch gradient descent at the same rate (exactly
    when batches are drawn with replacement, as the gradient is linear in the parameters
    and each batch's gradient is unbiased; nearly so when they are reshuffled), and
    ``E||theta_t - theta*||^2 = ||E theta_t - theta*||^2 + E||theta_t - E theta_t||^2``:
    the way still to go plus the spread. The *drift* is the first part over the same
    steps, the RMS distance of gradient descent's points ``T/2 + 1 .. T`` to the minimum.
    The run counts as *settled* when the drift is at most ``settle`` times the RMS: with
    ``settle=0.1`` the way still to go makes at most 1% of the mean square, and the RMS is
    the spread's to within 0.5%. Otherwise the RMS is no noise ball: the run is still
    travelling (at small rates), or, with the whole training set in every batch, it is
    gradient descent, which has no noise (drift = RMS).

    Returns
    -------
    dict
        ``rms`` (None if the run diverged), ``drift``, ``settled`` and ``radius`` (the RMS
        if settled, else None).
    """
    from .losses import mse_gradient_of
    from .optim import descend
    from .stochastic import distance_to

    x, y, start = _line_problem(x, y, start)
    lr, settle = check_positive(lr, "lr"), check_positive(settle, "settle")
    star = least_squares_line(x, y)
    steps = run.num_steps
    full = descend(mse_gradient_of(x, y), start, lr, num_steps=steps)
    drift = float("inf")
    if not full.diverged:
        ahead = full.params[steps // 2 + 1 :] - star
        drift = float(np.sqrt(np.mean(np.sum(ahead**2, axis=1))))
    rms = None
    if not run.diverged:
        rms = distance_to(run, star, from_epoch=int(run.epochs.max() + 1) // 2)
    settled = rms is not None and drift <= settle * rms
    return {"rms": rms, "drift": drift, "settled": settled, "radius": rms if settled else None}


# --------------------------------------------------------------------------- chapter 7


def _rate_and_regime(lr, momentum, lam):
    """The convergence factor of heavy ball along one eigenvalue, and what the error does.

    A discriminant within 1e-9 of zero (relative) counts as a double root: there the roots
    are so sensitive that rounding alone would otherwise tip it either way.
    """
    a = 1 + momentum - lr * lam
    disc = a * a - 4 * momentum
    edge = 1e-9 * max(a * a, 4 * momentum, 1e-300)
    if abs(disc) <= edge:
        rate, regime = abs(a) / 2, "double root"
    elif disc < 0:
        rate, regime = float(np.sqrt(momentum)), "complex roots"
    else:
        rate = (abs(a) + float(np.sqrt(disc))) / 2
        regime = "real roots" if a > 0 else "negative real roots"
    if rate > 1 + 1e-12:
        regime = "diverges"
    elif rate >= 1 - 1e-12:
        regime = "does not converge"
    return rate, regime


def heavy_ball_rate(lr, momentum, eigenvalues) -> float:
    """The per-step convergence factor of heavy-ball momentum on a quadratic.

    Introduced in chapter 7. Along an eigenvector with eigenvalue ``lam`` the error obeys
    ``e_{t+1} = (1 + beta - lr lam) e_t - beta e_{t-1}`` and shrinks like ``r**t``, ``r``
    the largest root in absolute value of ``z**2 - (1 + beta - lr lam) z + beta``; the
    factor is the largest ``r`` over the eigenvalues (``>= 1``: no convergence).
    ``momentum=0`` gives gradient descent's ``max |1 - lr lam|``. At Polyak's parameters
    (:func:`~descentkit.curvature.heavy_ball_optimal`) it is ``(sqrt(kappa) - 1) /
    (sqrt(kappa) + 1)``.
    """
    return heavy_ball_regime(lr, momentum, eigenvalues)["rate"]


def heavy_ball_regime(lr, momentum, eigenvalues) -> dict:
    """The factor and the regime of heavy-ball momentum, per eigenvalue and overall.

    Introduced in chapter 7 (the phase diagram of the momentum widget). The regimes are
    named as the chapter names the roots of ``z**2 - (1 + beta - lr lam) z + beta`` along
    each eigenvalue: *complex roots* (the error swings and shrinks by ``sqrt(beta)`` per
    step), a *double root* (the edge between complex and real), *real roots* (it shrinks
    without swinging) or *negative real roots* (it flips sign every step), unless the
    factor reaches 1 (*does not converge*) or exceeds it (*diverges*). Overall: the factor
    is the largest, the regime that of the slowest direction (the first of them if several
    are within 1e-12), or "diverges" if any direction diverges.

    Returns
    -------
    dict
        ``rate``, ``regime``, ``slowest`` (index into ``eigenvalues``) and ``directions``,
        a list of ``(rate, regime)`` per eigenvalue.
    """
    lr = check_finite_scalar(lr, "lr")
    if lr < 0:
        raise ValueError(f"lr must be >= 0, got {lr!r}")
    momentum = check_finite_scalar(momentum, "momentum")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    eigenvalues = check_finite_array(eigenvalues, "eigenvalues", ndim=1)
    directions = [_rate_and_regime(lr, momentum, float(lam)) for lam in eigenvalues]
    top = max(r for r, _ in directions)
    slowest = next(i for i, (r, _) in enumerate(directions) if r >= top - 1e-12)
    regime = directions[slowest][1]
    if any(g == "diverges" for _, g in directions):
        regime = "diverges"
    return {"rate": top, "regime": regime, "slowest": slowest, "directions": directions}


def momentum_explorer(
    x,
    y,
    start,
    *,
    lr=None,
    momentum=0.9,
    num_steps=150,
    budget=2000,
    tol=1e-6,
    widget_id="ch07-momentum",
    page="book/07_momentum",
) -> Widget:
    """Gradient descent, heavy ball and Nesterov racing on a valley, and the phase diagram.

    Introduced in chapter 7, after ``fig-ch07-valley``. Sliders for the rate and for
    ``beta``; the three methods run ``num_steps`` steps from ``start`` on the MSE of ``(x,
    y)`` (the chapter's kappa = 112 valley), each counted as the chapter counts it: the step
    from which the distance to the minimum stays below ``tol`` times the start's, within
    ``budget`` steps (:meth:`~descentkit.optim.Trajectory.steps_within`). Beside them, the
    heavy-ball factor (:func:`heavy_ball_rate`) over the ``(lr, beta)`` plane, computed from
    the valley's own eigenvalues, with Polyak's optimum marked and the regime
    (:func:`heavy_ball_regime`) named where the pointer is. ``lr`` defaults to
    ``1/lambda_max``.
    """
    x, y, start = _line_problem(x, y, start)
    (mu, L), _ = hessian_eigen(mse_hessian(x))
    lr = 1 / L if lr is None else check_positive(lr, "lr")
    momentum = check_finite_scalar(momentum, "momentum")
    num_steps = check_int(num_steps, "num_steps", minimum=1, maximum=budget)
    budget = check_int(budget, "budget", minimum=1, maximum=20_000)
    lr_hb, beta_hb, factor_hb = heavy_ball_optimal(mu, L)
    lr_gd, factor_gd = gd_optimal(mu, L)
    lr_max = 2 * (1 + 0.99) / L * 1.05
    rates = sorted({_nice(k / 2000) for k in range(1, int(lr_max * 2000) + 1)} | {lr})
    star = least_squares_line(x, y)
    loss_star = mse(*star, x, y)
    # The map's window: every point of the chapter's three runs (rate 1/L, beta 0.9), as in
    # fig-ch07-valley, and the levels of log10(excess loss + 1e-3) over it.
    from .losses import mse_gradient_of
    from .optim import momentum_descent

    grad = mse_gradient_of(x, y)
    points = np.vstack(
        [
            momentum_descent(
                lambda p: grad(p), start, 1 / L, num_steps, momentum=beta, nesterov=nesterov
            ).params
            for beta, nesterov in ((0.0, False), (0.9, False), (0.9, True))
        ]
    )
    (b_lo, w_lo), (b_hi, w_hi) = points.min(axis=0), points.max(axis=0)
    b_values = np.linspace(b_lo - 0.1, b_hi + 0.1, 201)
    w_values = np.linspace(w_lo - 0.02, w_hi + 0.02, 201)
    heights = np.log10(loss_grid(x, y, b_values, w_values) - loss_star + 1e-3)
    window = {
        "b": [float(b_values[0]), float(b_values[-1])],
        "w": [float(w_values[0]), float(w_values[-1])],
        "lo": float(heights.min()),
        "hi": float(heights.max()),
        "n": 15,
    }
    data = {
        "x": _floats(x),
        "y": _floats(y),
        "start": _floats(start),
        "minimum": _floats(star),
        "start_distance": float(np.linalg.norm(start - star)),
        "loss_star": loss_star,
        "eigenvalues": [float(mu), float(L)],
        "window": window,
        "kappa": float(L / mu),
        "lr": lr,
        "momentum": momentum,
        "num_steps": num_steps,
        "budget": budget,
        "tol": tol,
        "rates": rates,
        "betas": [k / 100 for k in range(100)],
        "lr_max": rates[-1],
        "polyak": {"lr": lr_hb, "momentum": beta_hb, "rate": factor_hb},
        "gd_best": {"lr": lr_gd, "rate": factor_gd},
        "one_over_L": 1 / L,
    }
    return Widget(
        "momentum", widget_id, "momentum on the valley, and its phase diagram", page, data
    )


# --------------------------------------------------------------------------- chapter 8

#: The rules of the chapter-8 widget, by the name its URL state uses.
ADAPTIVE_METHODS = {
    "gd": "gradient descent",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}

#: each method's own default rate in the chapter 8 widget (the slider moves there when
#: the optimiser changes): gradient descent's best fixed rate on the valleys, AdaGrad's
#: and Adam's rates of the chapter's counts, and RMSProp's smallest rate of the grid
#: (at a constant rate it ends in a 2-cycle at lr / sqrt(2) from the minimum)
ADAPTIVE_LRS = {"gd": 0.5, "adagrad": 1.0, "rmsprop": 0.001, "adam": 0.05}


def adaptive_rule(method, *, beta1=0.9, beta2=0.999, alpha=0.99, bias_correction=True):
    """The :mod:`descentkit.rules` rule the chapter-8 widget runs for these settings.

    Introduced in chapter 8: ``method`` is a key of :data:`ADAPTIVE_METHODS`; ``beta1``,
    ``beta2`` and ``bias_correction`` are Adam's, ``alpha`` (RMSProp's beta2) is
    RMSProp's, with torch's defaults; every other setting is the rule's default.
    """
    from .rules import AdaGrad, Adam, GradientStep, RMSProp

    if method not in ADAPTIVE_METHODS:
        raise ValueError(f"method must be one of {sorted(ADAPTIVE_METHODS)}, got {method!r}")
    if method == "gd":
        return GradientStep()
    if method == "adagrad":
        return AdaGrad()
    if method == "rmsprop":
        return RMSProp(alpha=alpha)
    return Adam(beta1=beta1, beta2=beta2, bias_correction=bool(bias_correction))


def _sym2(H, name):
    H = check_finite_array(H, name, ndim=2)
    if H.shape != (2, 2) or H[0, 1] != H[1, 0]:
        raise ValueError(f"{name} must be a symmetric 2 x 2 matrix, got {H.tolist()!r}")
    return H


def adaptive_explorer(
    valleys,
    start_axes,
    start_rot,
    *,
    kappa=100,
    method="adagrad",
    lr=1.0,
    beta1=0.9,
    beta2=0.999,
    alpha=0.99,
    bias_correction=True,
    budget=6200,
    shown_steps=60,
    tol=1e-3,
    half_width=2.4,
    lrs=None,
    widget_id="ch08-adaptive",
    page="book/08_adaptive",
) -> Widget:
    """One optimiser on the valley along the axes and on the rotated one, side by side.

    Introduced in chapter 8, after ``fig-ch08-valleys``: which badness does a
    per-coordinate method undo? Choose gradient descent, AdaGrad, RMSProp or Adam
    (:func:`adaptive_rule`), the rate, Adam's betas and its bias correction, RMSProp's
    ``alpha``, and the condition number; the same optimiser runs from the same start
    (relative to the eigenvectors) on ``1/2 e^T H e`` for both Hessians, counted as the
    chapter counts it (the step from which the distance to the minimum 0 stays below
    ``tol``, within the chapter's ``budget`` of steps, the same for every kappa so that
    the counts compare across kappa: a constant-rate RMSProp or Adam can leave the
    tolerance late in a run).

    Parameters
    ----------
    valleys : dict
        ``{kappa: (H_rot, H_axes)}``, the chapter's ``valleys(kappa)`` for each kappa.
    start_axes, start_rot : array_like, shape (2,)
        The chapter's starts on the two valleys.
    lrs : dict, optional
        Each method's own default rate, the one the rate slider moves to when the
        optimiser changes (the chapter's: gradient descent's best fixed rate 0.5,
        AdaGrad 1, Adam 0.05, RMSProp the grid's smallest rate 0.001).
    """
    if not isinstance(valleys, dict) or not valleys:
        raise TypeError("valleys must be a dict {kappa: (H_rot, H_axes)}")
    kappas = sorted(int(check_int(k, "kappa", minimum=2)) for k in valleys)
    starts = {}
    for name, start in (("axes", start_axes), ("rotated", start_rot)):
        start = check_finite_array(start, name, ndim=1)
        if start.shape != (2,):
            raise ValueError(f"the start on the {name} valley must have 2 entries")
        starts[name] = _floats(start)
    kappa = check_int(kappa, "kappa")
    if kappa not in kappas:
        raise ValueError(f"kappa must be one of {kappas}, got {kappa}")
    adaptive_rule(method, beta1=beta1, beta2=beta2, alpha=alpha, bias_correction=bias_correction)
    lr, tol = check_positive(lr, "lr"), check_positive(tol, "tol")
    budget = check_int(budget, "budget", minimum=1, maximum=100_000)
    shown_steps = check_int(shown_steps, "shown_steps", minimum=1, maximum=1000)
    from .curvature import condition_number
    from .rules import AdaGrad, Adam, RMSProp

    problems = {}
    grid = np.linspace(-half_width, half_width, 161)
    U, V = np.meshgrid(grid, grid)
    for k in kappas:
        H_rot, H_axes = (_sym2(H, "H") for H in valleys[k])
        one = {}
        for name, H in (("axes", H_axes), ("rotated", H_rot)):
            jacobi = H / np.sqrt(np.outer(np.diag(H), np.diag(H)))
            surface = 0.5 * (H[0, 0] * U**2 + 2 * H[0, 1] * U * V + H[1, 1] * V**2)
            one[name] = {
                "hessian": H.tolist(),
                "kappa": condition_number(H),
                "kappa_diag": condition_number(jacobi),
                "hi": float(np.log10(surface.max() + 1e-3)),
            }
        problems[str(k)] = one
    lrs = dict(ADAPTIVE_LRS if lrs is None else lrs)
    if set(lrs) != set(ADAPTIVE_METHODS):
        raise ValueError(f"lrs must give a rate for each of {sorted(ADAPTIVE_METHODS)}")
    lrs = {k: check_positive(v, f"lrs[{k!r}]") for k, v in lrs.items()}
    rates = sorted(set(_nice_log_grid(1e-3, 2.0)) | {0.5, 1.0, _nice(lr)} | set(lrs.values()))
    data = {
        "kappas": kappas,
        "kappa": kappa,
        "problems": problems,
        "starts": starts,
        "methods": ADAPTIVE_METHODS,
        "method": method,
        "lr": lr,
        "beta1": check_finite_scalar(beta1, "beta1"),
        "beta2": check_finite_scalar(beta2, "beta2"),
        "alpha": check_finite_scalar(alpha, "alpha"),
        "bias_correction": bool(bias_correction),
        "rates": rates,
        "lrs": lrs,
        "beta1s": [k / 20 for k in range(20)] + [0.99],
        "beta2s": [0.9, 0.95, 0.99, 0.995, 0.999, 0.9999],
        "eps": {"adagrad": AdaGrad().eps, "rmsprop": RMSProp().eps, "adam": Adam().eps},
        "shown_steps": shown_steps,
        "budget": budget,
        "tol": tol,
        "window": [-half_width, half_width],
    }
    return Widget(
        "adaptive", widget_id, "per-coordinate scaling on a stretched and a rotated valley",
        page, data,
    )


# --------------------------------------------------------------------------- chapter 9


def _logistic_minimum(X, y, l2, num_steps=100):
    """The minimum of the penalised cross-entropy by Newton's method with backtracking."""
    from .losses import cross_entropy, cross_entropy_gradient, cross_entropy_hessian

    theta = np.zeros(X.shape[1] + 1)
    for _ in range(num_steps):
        g = cross_entropy_gradient(theta, X, y, l2)
        if np.linalg.norm(g) < 1e-15:
            break
        step = np.linalg.solve(cross_entropy_hessian(theta, X, y, l2), g)
        size, here = 1.0, cross_entropy(theta, X, y, l2)
        while cross_entropy(theta - size * step, X, y, l2) > here and size > 1e-12:
            size /= 2
        theta = theta - size * step
    return theta


def logistic_rate_explorer(
    X_train_raw,
    y_train,
    X_val_raw,
    y_val,
    scaler,
    l2,
    *,
    rate=0.99,
    standardize=True,
    num_steps=1500,
    widget_id="ch09-logistic",
    page="book/09_beyond_the_line",
) -> Widget:
    """Full-batch gradient descent on logistic regression: the rate against its bounds.

    Introduced in chapter 9, after ``fig-ch09-over-the-bound``: how tight is the safe
    rate ``2 / lambda_max(H(0))`` (about ``8 / lambda_max(X~^T X~ / N)``), and what does
    standardization change? The rate is a multiple of the safe rate of the features
    shown, raw or standardized; gradient descent runs ``num_steps`` steps from 0 on the
    training loss (:func:`~descentkit.losses.cross_entropy` with penalty ``l2``), and the
    excess loss over the minimum, the steps at which the loss rose and the validation
    accuracy (:func:`~descentkit.models.logistic_predict`) and the distance to the minimum
    ``theta*`` (exported) follow; the local limit ``2 / S(theta*)`` is marked. Above it the
    widget says that the minimum repels the run only when the run came near ``theta*``
    (within half its starting distance) and then moved away (ended at least twice as far as
    its closest); on the raw features a run above the limit never comes near.

    The data are exported as they are (the raw measurements, as floats, and the
    scaler's ``mean_`` and ``scale_``): the page standardizes them with the scaler's own
    operations, ``(x - mean) / scale``, which is checked here to give exactly
    ``scaler.transform``'s numbers.
    """
    from .losses import cross_entropy, cross_entropy_hessian
    from .models import logistic_predict

    X_raw = check_finite_array(X_train_raw, "X_train_raw", ndim=2)
    Xv_raw = check_finite_array(X_val_raw, "X_val_raw", ndim=2)
    y = check_finite_array(y_train, "y_train", ndim=1)
    yv = check_finite_array(y_val, "y_val", ndim=1)
    if y.size != X_raw.shape[0] or yv.size != Xv_raw.shape[0]:
        raise ValueError("every example needs one label")
    if Xv_raw.shape[1] != X_raw.shape[1]:
        raise ValueError("the validation examples must have the training examples' features")
    mean = np.asarray(scaler.mean_, dtype=float)
    scale = np.asarray(scaler.scale_, dtype=float)
    for X in (X_raw, Xv_raw):
        if not np.array_equal((X - mean) / scale, scaler.transform(X)):
            raise ValueError("scaler.transform is not (X - mean_) / scale_")
    l2 = check_finite_scalar(l2, "l2")
    rate = check_positive(rate, "rate")
    num_steps = check_int(num_steps, "num_steps", minimum=1, maximum=5000)
    N = X_raw.shape[0]
    sets = {}
    for name, X, Xv in (
        ("standardized", (X_raw - mean) / scale, (Xv_raw - mean) / scale),
        ("raw", X_raw, Xv_raw),
    ):
        lam0 = hessian_eigen(cross_entropy_hessian(np.zeros(X.shape[1] + 1), X, y, l2))[0]
        X1 = np.column_stack([np.ones(N), X])
        gram_top = hessian_eigen(X1.T @ X1 / N)[0][-1]
        star = _logistic_minimum(X, y, l2)
        sharp = hessian_eigen(cross_entropy_hessian(star, X, y, l2))[0][-1]
        sets[name] = {
            "safe_lr": 2 / float(lam0[-1]),
            "kappa0": float(lam0[-1] / lam0[0]),
            "eight_over": 8 / float(gram_top),
            "bound_lr": 2 / (float(gram_top) / 4 + l2),
            "local_lr": 2 / float(sharp),
            "loss_star": cross_entropy(star, X, y, l2),
            "val_acc_star": float(np.mean(logistic_predict(star, Xv) == yv)),
            "theta_star": _floats(star),
        }
    data = {
        "X": X_raw.tolist(),
        "y": _floats(y),
        "X_val": Xv_raw.tolist(),
        "y_val": _floats(yv),
        "mean": _floats(mean),
        "scale": _floats(scale),
        "l2": l2,
        "sets": sets,
        "rate": rate,
        "rates": sorted(set(_nice_log_grid(0.25, 64)) | {0.99, 4.0, 16.0, 32.0, 64.0, rate}),
        "standardize": bool(standardize),
        "num_steps": num_steps,
        "settled": 1e-10,
    }
    return Widget(
        "logistic", widget_id, "the learning rate of logistic regression against its bounds",
        page, data,
    )

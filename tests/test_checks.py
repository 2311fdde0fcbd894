"""Tests of descentkit.checks: right answers pass, each known mistake gets its own message."""

import numpy as np
import pytest

from descentkit import checks, losses
from descentkit.checks import CheckFailed


def fails_with(fragment, fn, *args, **kwargs):
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    assert fragment.lower() in str(info.value).lower(), str(info.value)
    return str(info.value)


# ---------------------------------------------------------------- general behaviour


def test_check_failed_is_an_assertion_error_with_a_short_jupyter_rendering():
    err = CheckFailed("wrong sign\nsecond line")
    assert isinstance(err, AssertionError)
    assert err._render_traceback_() == ["CheckFailed: wrong sign", "second line"]


def test_check_value_right_prints_and_returns_true(capsys):
    result = checks.check_value(0.5, 0.5, name="lr")
    assert result == True and bool(result) is True  # noqa: E712 - an Outcome, equal to True
    assert repr(result) == "True" and hasattr(result, "_ipython_display_")  # not shown as Out[]
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (-0.5, "wrong sign"),
        (1.0, "twice"),
        (0.25, "half"),
        (1.5, "too large"),
        (0.1, "too small"),
        (2.0, "upside down"),
        (None, "forget the `return`"),
        ("abc", "expected numbers"),
        ([0.5, 0.5], "shape"),
        (float("nan"), "nan"),
    ],
)
def test_check_value_diagnoses(answer, fragment):
    fails_with(fragment, checks.check_value, answer, 0.5)


@pytest.mark.parametrize("answer", [0.333, 0.3333, 0.33, 0.3364])
def test_a_rounded_answer_is_reported_as_rounded_not_too_small(answer):
    msg = fails_with("looks rounded", checks.check_value, answer, 1 / 3, name="lr")
    assert "too small" not in msg and "too large" not in msg
    assert "keep all the digits" in msg and "0.3333333" not in msg
    fails_with("looks rounded", checks.check_learning_rate_bound, 0.333, np.diag([2.0, 6.0]))


def test_numbers_copied_at_the_printed_precision_look_rounded():
    """The course prints arrays to 4 decimals: eigenvalues copied from the page
    (1.5279, 10.4721) are rounded, not too large and too small."""
    right = np.array([6 - 20**0.5, 6 + 20**0.5])  # exercise 4.4's eigenvalues
    typed = np.round(right, 4)
    msg = fails_with("looks rounded", checks.check_value, list(typed), right)
    assert "too small" not in msg and "too large" not in msg, msg
    assert checks._looks_typed(-3.9076) and not checks._looks_typed(right[1])


def test_rounded_only_near_the_value_and_not_for_counts():
    fails_with("too small", checks.check_value, 0.32, 1 / 3)  # 4 % off: not a rounding
    fails_with("too large", checks.check_value, 0.34, 1 / 3)
    msg = fails_with("too small", checks.check_steps, 685, 691)  # a count is whole, not rounded
    assert "rounded" not in msg
    # in an array, the rounded component is named
    msg = fails_with("component 1", checks.check_value, [1.0, 0.667], [1.0, 2 / 3])
    assert "looks rounded" in msg and "the others are right" in msg


@pytest.mark.parametrize(
    "answer, right",
    [
        (1 / 3 * (1 - 1e-3), 1 / 3),  # computed, all its digits
        (  # Adam's bias factor at step 11 for that at step 10
            (1 - 0.9**11) / np.sqrt(1 - 0.999**11),
            (1 - 0.9**10) / np.sqrt(1 - 0.999**10),
        ),
    ],
)
def test_a_close_computed_answer_is_not_called_rounded(answer, right):
    """Only a number with few significant digits (something typed) looks rounded; a
    computed one within 1 % is a different quantity: too large or too small."""
    assert abs(answer / right - 1) < 0.01
    msg = fails_with("too", checks.check_value, answer, right)
    assert "rounded" not in msg, msg
    fails_with("looks rounded", checks.check_value, float(f"{right:.3g}"), right)


def test_check_value_hints_take_precedence():
    fails_with("bounces", checks.check_value, 1.0, 0.5, hints={1.0: "that rate bounces forever"})


def test_vector_diagnoses_swapped_and_component():
    fails_with("wrong order", checks.check_value, [2.0, 1.0], [1.0, 2.0])
    msg = fails_with("component 1", checks.check_value, [1.0, 5.0, 3.0], [1.0, 2.0, 3.0])
    assert "component 0" not in msg


def test_torch_tensors_are_accepted():
    torch = pytest.importorskip("torch")
    assert checks.check_value(torch.tensor([1.0, 2.0]), [1.0, 2.0])


# ---------------------------------------------------------------- derivatives and gradients


def f(x):
    return 3 * x**2 + 2 * x - 1


def test_check_derivative_right_against_numerical_and_exact():
    assert checks.check_derivative(lambda x: 6 * x + 2, f)
    assert checks.check_derivative(lambda x: 6 * x + 2, reference=lambda x: 6 * x + 2)


@pytest.mark.parametrize(
    "df, fragment",
    [
        (lambda x: -(6 * x + 2), "wrong sign"),
        (lambda x: 2 * (6 * x + 2), "twice"),
        (lambda x: 3 * x + 1, "half"),
        (lambda x: 6 * x, "same amount at every point"),  # forgot the constant term
        (lambda x: 6 * x + 2 + 3e-3, "difference quotient"),  # (g(x + h) - g(x)) / h, h = 1e-3
        (lambda x: 6 * x**2, "x = "),  # just wrong: reported at a point
        (f, "not its slope"),
        (lambda x: None, "return"),
        (lambda x: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_check_derivative_mistakes(df, fragment):
    fails_with(fragment, checks.check_derivative, df, f)


def test_check_derivative_names_a_wrong_coefficient_of_x_and_reads_df_at_a_point():
    # chapter 1, exercise 1: 3x + 2 for 6x + 2 is off by a multiple of x, as 6x is off by
    # a constant
    fails_with("coefficient of x", checks.check_derivative, lambda x: 3 * x + 2, f)
    msg = fails_with("dg(-2) = 24 is not right", checks.check_derivative,
                     lambda x: 6 * x**2, f, name="dg")
    assert "below" in msg and "too large" not in msg
    fails_with("gives 24 at x = -2", checks.check_derivative, lambda x: 6 * x**2, f)


def test_check_step_factors_right_and_each_mistake():
    # chapter 1, exercise 3: q = x^2 + 3y^2, second derivatives 2 and 6, rate 0.1
    d, lr = [2.0, 6.0], 0.1
    assert checks.check_step_factors([1 - 2 * lr, 1 - 6 * lr], d, lr)
    assert checks.check_step_factors(np.array([0.8, 0.4]), d, lr)
    fails_with("takes off", checks.check_step_factors, [0.2, 0.6], d, lr)
    fails_with("step uphill", checks.check_step_factors, [1.2, 1.6], d, lr)
    fails_with("coefficients of q", checks.check_step_factors, [0.9, 0.7], d, lr)
    fails_with("wrong order", checks.check_step_factors, [0.4, 0.8], d, lr)
    fails_with("wrong shape", checks.check_step_factors, 0.8, d, lr)


def test_check_step_factors_reports_placeholder(capsys):
    assert not checks.check_step_factors(checks.todo("the factors"), [2.0, 6.0], 0.1,
                                         name="factors")
    assert "Not answered yet (factors)" in capsys.readouterr().out


def test_check_derivative_reports_placeholder(capsys):
    def df(x):
        raise NotImplementedError("write f'(x)")

    assert not checks.check_derivative(df, f, name="df")
    assert capsys.readouterr().out == "Not answered yet (df): write f'(x)\n"


def test_check_derivative_needs_a_reference():
    with pytest.raises(ValueError, match="reference"):
        checks.check_derivative(lambda x: x)


def q(v):
    return v[0] ** 2 + 3 * v[1] ** 2


def test_check_gradient_right_and_wrong():
    assert checks.check_gradient(lambda v: np.array([2 * v[0], 6 * v[1]]), q)
    fails_with("coordinate 1", checks.check_gradient, lambda v: np.array([2 * v[0], 3 * v[1]]), q)
    fails_with("wrong sign", checks.check_gradient, lambda v: -np.array([2 * v[0], 6 * v[1]]), q)
    fails_with("shape", checks.check_gradient, lambda v: np.array([[2 * v[0], 6 * v[1]]]), q)


def test_check_gradient_names_swapped_partials():
    # chapter 1, exercise 5: r = x^2 y + y^3
    def r(v):
        return v[0] ** 2 * v[1] + v[1] ** 3

    def swapped(v):
        return np.array([v[0] ** 2 + 3 * v[1] ** 2, 2 * v[0] * v[1]])

    fails_with("wrong order: give the one with respect to x first",
               checks.check_gradient, swapped, r, names=["x", "y"])


def test_component_messages_use_the_names_given():
    # chapter 1, exercises 3 and 5: "y's factor", not "component 1"
    names = ["x's factor", "y's factor"]
    msg = fails_with("y's factor (-0.4) is the wrong sign", checks.check_step_factors,
                     [0.8, -0.4], [2.0, 6.0], 0.1, names=names)
    assert "component" not in msg
    fails_with("x's factor (0.6) is too small", checks.check_step_factors,
               [0.6, 0.2], [2.0, 6.0], 0.1, names=names)
    msg = fails_with("dr/dy (7) is too small", checks.check_value, np.array([4.0, 7.0]),
                     [4.0, 13.0], names=["dr/dx", "dr/dy"], name="autograd_grad")
    assert "component" not in msg


def test_check_escape_steps_says_which_answer_is_none():
    # chapter 1, exercise 4: observed = None (not "contains NaN")
    msg = fails_with("observed is None", checks.check_escape_steps, [67, None],
                     lambda x: 2 * x - 4, 7.0, 1.1, minimum=2.0, distance=1e6,
                     names=["predicted", "observed"])
    assert "NaN" not in msg


def sin2(x):
    return -np.sin(x)


def sin3(x):
    return -np.cos(x)


def test_check_error_ratio_right_and_each_mistake(capsys):
    # chapter 1, exercise 6: sin at x = 1, h = 1e-3; the prediction is 3 tan(1) / h
    h, measured = 1e-3, 4671.9
    right = 3 * np.tan(1.0) / h
    assert checks.check_error_ratio(right, sin2, sin3, 1.0, h, measured=measured)
    fails_with("measured ratio, copied", checks.check_error_ratio, measured, sin2, sin3,
               1.0, h, measured=measured)
    fails_with("upside down", checks.check_error_ratio, 1 / right, sin2, sin3, 1.0, h)
    fails_with("twice", checks.check_error_ratio, 2 * right, sin2, sin3, 1.0, h)
    fails_with("too small", checks.check_error_ratio, right * h / 3, sin2, sin3, 1.0, h)
    fails_with("rounded", checks.check_error_ratio, 4672, sin2, sin3, 1.0, h)
    assert not checks.check_error_ratio(checks.todo("predict it"), sin2, sin3, 1.0, h,
                                        name="predicted_ratio")
    assert "Not answered yet (predicted_ratio): predict it" in capsys.readouterr().out


P = [1, 0, -2, 0, 0]  # chapter 1, exercise 8: x^4 - 2x^2, minima -1 and 1, maximum 0


def test_check_stationary_points_right_in_any_order():
    assert checks.check_stationary_points([-1.0, 1.0], [0.0], P)
    assert checks.check_stationary_points(np.array([1, -1]), [0], P)
    assert checks.check_stationary_points([1.0], [-1.0], [1, 0, -3, 0])  # x^3 - 3x
    assert checks.check_stationary_points([], [], [1, 0, 0, 0])  # x^3: no extremum


@pytest.mark.parametrize(
    "minima, maxima, fragment",
    [
        ([0.0], [-1.0, 1.0], "swapped"),
        ([-1.0, 0.0, 1.0], [], "minima lists 0, but p''(0) = -4: the curve bends downwards"),
        ([-1.0], [0.0, 1.0], "maxima lists 1, but p''(1) = 8: the curve bends upwards"),
        ([1.0], [0.0], "minima is missing 1 point: p has 2 local minima"),
        ([-1.0, 1.0], [], "maxima is missing 1 point: p has 1 local maximum"),
        ([-0.5, 0.5], [0.0], "minima lists -0.5, which is not a stationary point"),
        ([-np.sqrt(2), np.sqrt(2)], [0.0], "zero of p itself"),
        ([1.0, 1.0, -1.0], [0.0], "more than once"),
    ],
)
def test_check_stationary_points_mistakes(minima, maxima, fragment):
    fails_with(fragment, checks.check_stationary_points, minima, maxima, P)


def test_check_stationary_points_neither_and_placeholder(capsys):
    fails_with("neither a minimum nor a maximum", checks.check_stationary_points,
               [0.0], [], [1, 0, 0, 0])
    assert not checks.check_stationary_points(checks.todo("solve p' = 0"),
                                              checks.todo("solve p' = 0"), P)
    assert "Not answered yet (minima): solve p' = 0" in capsys.readouterr().out


# ---------------------------------------------------------------- linear regression


def mse_ok(b, w, x, y):
    return np.mean((b + w * x - y) ** 2)


def grad_ok(b, w, x, y):
    e = b + w * x - y
    return np.array([2 * e.mean(), 2 * (x * e).mean()])


def test_check_mse():
    assert checks.check_mse(mse_ok)
    fails_with("forgot the mean", checks.check_mse, lambda b, w, x, y: np.sum((b + w * x - y) ** 2))
    fails_with("RMSE", checks.check_mse, lambda b, w, x, y: np.sqrt(mse_ok(b, w, x, y)))
    fails_with("absolute", checks.check_mse, lambda b, w, x, y: np.mean(np.abs(b + w * x - y)))
    fails_with("1/2", checks.check_mse, lambda b, w, x, y: mse_ok(b, w, x, y) / 2)


def test_check_mse_gradient_agrees_with_the_package():
    from descentkit.losses import mse_gradient

    assert checks.check_mse_gradient(mse_gradient)
    assert checks.check_mse_gradient(grad_ok)


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda b, w, x, y: grad_ok(b, w, x, y) / 2, "factor 2"),
        (lambda b, w, x, y: grad_ok(b, w, x, y) * x.size, "forgot the mean"),
        (lambda b, w, x, y: -grad_ok(b, w, x, y), "sign"),
        (lambda b, w, x, y: grad_ok(b, w, x, y)[::-1], "swapped"),
        (lambda b, w, x, y: np.array([grad_ok(b, w, x, y)[0]] * 2), "missing the factor x"),
        (lambda b, w, x, y: grad_ok(b, w, x, y)[0], "shape"),
        (lambda b, w, x, y: grad_ok(b, w, x, y) + [0, 0.1], "dL/dw"),
    ],
)
def test_check_mse_gradient_mistakes(fn, fragment):
    fails_with(fragment, checks.check_mse_gradient, fn)


def test_check_mse_gradient_matches_torch_autograd():
    torch = pytest.importorskip("torch")

    def torch_grad(b, w, x, y):
        bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
        loss = ((bt + wt * torch.as_tensor(x) - torch.as_tensor(y)) ** 2).mean()
        loss.backward()
        return [bt.grad.item(), wt.grad.item()]

    assert checks.check_mse_gradient(torch_grad)


# ---------------------------------------------------------------- learning rate, conditioning

H = np.array([[2.0, 1.0], [1.0, 4.0]])


def test_check_learning_rate_bound():
    lam = np.linalg.eigvalsh(H)
    assert checks.check_learning_rate_bound(2 / lam[-1], H)
    assert checks.check_learning_rate_bound(1.0, 2.0)  # f = x^2 - 4x + 5: f'' = 2, bound 1
    fails_with("twice that", checks.check_learning_rate_bound, 1 / lam[-1], H)
    fails_with("SMALLEST", checks.check_learning_rate_bound, 2 / lam[0], H)
    with pytest.raises(ValueError, match="positive definite"):
        checks.check_learning_rate_bound(1.0, [[1.0, 0.0], [0.0, -1.0]])


def test_check_condition_number():
    lam = np.linalg.eigvalsh(H)
    assert checks.check_condition_number(lam[-1] / lam[0], H)
    fails_with("upside down", checks.check_condition_number, lam[0] / lam[-1], H)
    fails_with("DIAGONAL", checks.check_condition_number, 2.0, H)


# ---------------------------------------------------------------- standardization


def standardize_ok(X_train, X):
    return (X - X_train.mean(axis=0)) / X_train.std(axis=0)


def test_check_standardize():
    assert checks.check_standardize(standardize_ok)
    msg = fails_with(
        "TRAINING", checks.check_standardize, lambda t, x: (x - x.mean(axis=0)) / x.std(axis=0)
    )  # noqa: E501
    # each set scaled with its own statistics: inconsistent inputs, not a leak into training
    assert "its own statistics" in msg and "inconsistent" in msg and "leak" not in msg
    fails_with("mean is not subtracted", checks.check_standardize, lambda t, x: x / t.std(axis=0))
    msg = fails_with("centred but not scaled", checks.check_standardize, lambda t, x: x - t.mean(0))
    assert "component" not in msg  # one sentence, not a list of wrong entries
    fails_with(
        "variance", checks.check_standardize, lambda t, x: (x - t.mean(axis=0)) / t.var(axis=0)
    )  # noqa: E501
    fails_with(
        "ddof", checks.check_standardize, lambda t, x: (x - t.mean(axis=0)) / t.std(axis=0, ddof=1)
    )  # noqa: E501


# ---------------------------------------------------------------- centring


@pytest.fixture(scope="module")
def split_features():
    rng = np.random.default_rng(3)
    X_all = rng.normal([5.0, -2.0, 40.0], [1.0, 3.0, 10.0], size=(40, 3))
    return X_all[:30], X_all


def test_check_centred_right_answer_passes(split_features, capsys):
    X_train, X_all = split_features
    assert checks.check_centred(X_train - X_train.mean(axis=0), X_train, X_all=X_all)
    assert checks.check_centred(X_train - X_train.mean(axis=0), X_train)
    assert capsys.readouterr().out.startswith("Correct")


@pytest.mark.parametrize(
    "which, fragment",
    [
        ("whole data means", "whole data set"),
        ("whole data centred", "rows, as many as the whole data set"),
        ("one mean", "axis=0"),
        ("row means", "means of the rows"),
        ("standardized", "standardizing"),
        ("raw", "nothing was subtracted"),
        ("sign", "wrong sign"),
        ("one column", "1 of the 3 columns"),
        ("transposed", "shape"),
    ],
)
def test_check_centred_mistakes(split_features, which, fragment):
    X_train, X_all = split_features
    right = X_train - X_train.mean(axis=0)
    answers = {
        "whole data means": X_train - X_all.mean(axis=0),
        "whole data centred": X_all - X_all.mean(axis=0),
        "one mean": X_train - X_train.mean(),
        "row means": X_train - X_train.mean(axis=1, keepdims=True),
        "standardized": right / X_train.std(axis=0),
        "raw": X_train,
        "sign": -right,
        "one column": right + [0.0, 0.0, 1.0],
        "transposed": right.T,
    }
    message = fails_with(fragment, checks.check_centred, answers[which], X_train, X_all=X_all)
    for mean in X_train.mean(axis=0):
        assert f"{mean:.4g}" not in message


def test_check_centred_placeholder_and_bad_input(split_features, capsys):
    X_train, X_all = split_features
    assert not checks.check_centred(checks.todo("the hint"), X_train, X_all=X_all)
    assert capsys.readouterr().out.startswith("Not answered yet (your centred features): the hint")
    with pytest.raises(ValueError, match="X_train must be 2-dimensional"):
        checks.check_centred(X_train, X_train[:, 0])
    with pytest.raises(TypeError, match="X_train"):
        checks.check_centred(X_train, "X")
    with pytest.raises(ValueError, match="X_all must have the 3 columns"):
        checks.check_centred(X_train, X_train, X_all=X_all[:, :2])
    fails_with("None", checks.check_centred, None, X_train)


def test_check_standardize_agrees_with_scikit_learn():
    from sklearn.preprocessing import StandardScaler

    def with_sklearn(X_train, X):  # a learner's natural answer: StandardScaler wants 2-D input
        return StandardScaler().fit(X_train).transform(X)

    assert checks.check_standardize(with_sklearn)


# ---------------------------------------------------------------- mini-batches, momentum


def test_check_batches():
    perm = np.random.default_rng(0).permutation(10)
    assert checks.check_batches([perm[i : i + 4] for i in range(0, 10, 4)], n=10, batch_size=4)
    assert checks.check_batches([perm[:4], perm[4:8]], n=10, batch_size=4, drop_last=True)
    fails_with("leave out the last", checks.check_batches, [perm[:4], perm[4:8]], 10, 4)
    fails_with("more than once", checks.check_batches, [perm[:4], perm[:4], perm[8:]], 10, 4)
    fails_with("integer", checks.check_batches, [np.array([0.5])], 1, 1)


def test_check_batches_notes_unshuffled(capsys):
    checks.check_batches([np.arange(0, 5), np.arange(5, 10)], n=10, batch_size=5)
    assert "original order" in capsys.readouterr().out


def test_check_batches_rejects_unshuffled_when_the_task_shuffles():
    in_order = [np.arange(0, 5), np.arange(5, 10)]
    fails_with("not shuffled", checks.check_batches, in_order, 10, 5, shuffled=True)
    perm = np.random.default_rng(0).permutation(10)
    assert checks.check_batches([perm[:5], perm[5:]], 10, 5, shuffled=True)


def test_check_value_count_says_what_a_fractional_count_means():
    message = fails_with(
        "ceil(N/B) batches",
        checks.check_value,
        {7: 80 / 7},
        {7: 12},
        count="an epoch needs ceil(N/B) batches, the last one smaller",
    )
    assert "first whole step" not in message
    fails_with("first whole step", checks.check_value, 11.4, 12, count=True)


def momentum_ok(p, v, g, lr, mu):
    v = mu * v + g
    return p - lr * v, v


def test_check_momentum_step_agrees_with_torch():
    torch = pytest.importorskip("torch")

    def torch_step(p, v, g, lr, mu):
        # one torch.optim.SGD step whose momentum buffer starts at v
        pt = torch.tensor(p, requires_grad=True)
        opt = torch.optim.SGD([pt], lr=lr, momentum=mu)
        pt.grad = torch.tensor(v)  # first step: buffer = grad = v
        opt.step()
        opt.state[pt]["momentum_buffer"] = torch.tensor(v)
        with torch.no_grad():
            pt.copy_(torch.tensor(p))
        pt.grad = torch.tensor(g)
        opt.step()
        return pt.detach().numpy(), opt.state[pt]["momentum_buffer"].numpy()

    assert checks.check_momentum_step(torch_step)
    assert checks.check_momentum_step(momentum_ok)


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda p, v, g, lr, mu: (p + lr * (mu * v + g), mu * v + g), "UP the gradient"),
        (lambda p, v, g, lr, mu: (p - lr * v, mu * v + g), "OLD velocity"),
        (lambda p, v, g, lr, mu: (p - lr * g, g), "plain gradient descent"),
        (lambda p, v, g, lr, mu: p - lr * g, "two things"),
    ],
)
def test_check_momentum_step_mistakes(fn, fragment):
    fails_with(fragment, checks.check_momentum_step, fn)


# ---------------------------------------------------------------- not answered yet; no spoilers


@pytest.mark.parametrize(
    "placeholder, shown",
    [
        (checks.todo("the factor must be zero"), "Not answered yet (lr): the factor must be zero"),
        (..., "Not answered yet (lr): replace the placeholder `...`"),
        ([checks.todo("first"), checks.todo("second")], "Not answered yet (lr): first; second"),
        ({1: checks.todo("count them")}, "Not answered yet (lr): count them"),
    ],
)
def test_a_placeholder_is_reported_as_not_answered(placeholder, shown, capsys):
    result = checks.check_value(placeholder, 0.5, name="lr")
    assert not result and repr(result) == "False"
    assert capsys.readouterr().out.startswith(shown)


def test_every_check_reports_a_placeholder_without_raising(capsys):
    todo = checks.todo("hint")

    def unwritten(*args):
        raise NotImplementedError("hint")

    calls = [
        lambda: checks.check_value(todo, 1.0),
        lambda: checks.check_value(1.0, todo),  # a reference the learner computes, as in 1.4
        lambda: checks.check_steps(todo, 3),
        lambda: checks.check_derivative(unwritten, f),
        lambda: checks.check_derivative(todo, f),
        lambda: checks.check_gradient(unwritten, q),
        lambda: checks.check_mse(unwritten),
        lambda: checks.check_mse_value(todo, 1, 2, [1.0], [3.0]),
        lambda: checks.check_mse_gradient(unwritten),
        lambda: checks.check_learning_rate_bound(todo, 2.0),
        lambda: checks.check_one_step_rate(todo, 2.0),
        lambda: checks.check_condition_number(todo, H),
        lambda: checks.check_standardize(unwritten),
        lambda: checks.check_centred(todo, [[1.0, 2.0], [3.0, 5.0]]),
        lambda: checks.check_unscaled_line(todo, (1.0, 2.0), [1.0, 2.0], [1.0, 2.0]),
        lambda: checks.check_batches(todo, 4, 2),
        lambda: checks.check_minibatch_average(
            todo, lambda t, i: t, np.zeros(2), n=4, batch_size=2
        ),
        lambda: checks.check_target(todo, lambda v: v, 1.0, rtol=0.1),
        lambda: checks.check_power_law_rate(todo, [1.0, 2.0], [1.0, 2.0], 1.5),
        lambda: checks.check_mse_gradient_value(todo, 1, 2, [1.0, 2.0], [3.0, 5.0]),
        lambda: checks.check_momentum_step(unwritten),
        lambda: checks.check_diverging_rates(todo, [0.1], lambda lr: [1.0, 0.5]),
        lambda: checks.check_best_choice(todo, [1, 2], lambda c: c),
        lambda: checks.check_finder_picks(todo, lambda n: None, num_steps=[30]),
        lambda: checks.check_basin_fraction(todo, lambda x: x, [0.0], 0.1, 1, boundary=0.0),
    ]
    for call in calls:
        assert not call()
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(calls) and all(line.startswith("Not answered yet") for line in out), out


def test_messages_never_show_the_reference_value():
    secret = 0.123456
    for wrong in [0.2, -secret, 2 * secret, secret / 2, 1 / secret, [secret, 1.0], 7.5]:
        msg = fails_with("", checks.check_value, wrong, secret)
        assert "0.123456" not in msg and "0.1235" not in msg, msg
    msg = fails_with("", checks.check_value, [1.0, 5.0], [1.0, 2.345678])
    assert "2.345678" not in msg and "2.346" not in msg, msg
    msg = fails_with("x = ", checks.check_derivative, lambda x: 6 * x**2, f)
    assert "should be" not in msg


def test_check_value_compares_dictionaries_and_counts(capsys):
    assert checks.check_value({1: 80, 7: 12}, {1: 80, 7: 12}, count=True)
    # the confirmation shows the dictionary with its keys, counts as whole numbers
    assert "= {1: 80, 7: 12}." in capsys.readouterr().out
    fails_with(
        "the value for 7 (11) is one too few",
        checks.check_value,
        {1: 80, 7: 11},
        {1: 80, 7: 12},
        count=True,
    )
    fails_with("missing: [7]", checks.check_value, {1: 80}, {1: 80, 7: 12})
    fails_with("should be a dictionary", checks.check_value, [80, 12], {1: 80, 7: 12})
    fails_with(
        "- dL_dw = -4: the wrong sign\n- dL_db = -4: right",
        checks.check_value,
        [-4.0, -4.0],
        [4.0, -4.0],
        names=["dL_dw", "dL_db"],
    )


def test_check_value_square_root_and_square():
    fails_with("square root", checks.check_value, 3.0, 9.0)
    fails_with("square of the right value", checks.check_value, 81.0, 9.0)


@pytest.mark.parametrize(
    "answer, fragment",
    [
        (66, "one too few"),
        (68, "one too many"),
        (66.9, "round up"),
        (134, "twice"),
        (10, "too small"),
    ],
)
def test_check_steps_diagnoses(answer, fragment):
    fails_with(fragment, checks.check_steps, answer, 67)


@pytest.mark.parametrize(
    "answer, method, fragment",
    [
        (70, "heavy ball", "approximation ln(1/rho) ~ 2/sqrt(kappa)"),  # sqrt(100)/2 ln 1e6
        (69.0776, "heavy ball", "approximation"),  # the same, not rounded up
        (35, "heavy ball", "beta = rho**2 as the factor"),
        (30, "heavy ball", "log10 of the shrink over the natural log"),
        (159, "heavy ball", "natural log of the shrink over the log10"),
        (300, "gradient descent", "log10 of the shrink over the natural log"),
        (692, "gradient descent", "one too many"),
    ],
)
def test_check_steps_names_the_kappa_slips(answer, method, fragment):
    fails_with(fragment, checks.check_steps, answer, kappa=100, method=method, shrink=1e6)


def test_check_steps_from_a_run_a_factor_a_hessian_or_kappa():
    from descentkit.optim import run_to_tolerance

    run = run_to_tolerance(lambda x: 10 * x - 3, 4.0, 0.15, minimum=0.3)
    assert checks.check_steps(22, run)
    assert checks.check_steps(20, factor=0.5, shrink=1e6)  # 0.5**20 < 1e-6 < 0.5**19
    assert checks.check_steps(20, hessian=10.0, lr=0.15, shrink=1e6)
    assert checks.check_steps(691, kappa=100, method="gradient descent", shrink=1e6)
    assert checks.check_steps(69, kappa=100, method="heavy ball", shrink=1e6)
    assert checks.check_steps(19.93, factor=0.5, shrink=1e6, rtol=0.01)  # an estimate
    # several answers: one line each, the right ones included
    msg = fails_with("k = 2: one too few", checks.check_steps, [1, 2], [1, 3], names=["j", "k"])
    assert "1 of the 2 answers is not right" in msg and "- j = 1: right" in msg
    with pytest.raises(ValueError, match="needs expected"):
        checks.check_steps(3)


def test_check_learning_rate_bound_speaks_of_second_derivatives_in_chapter_1():
    # a number or a diagonal Hessian: second derivatives, not eigenvalues (chapter 4's words)
    msg = fails_with(
        "1 over the second derivative", checks.check_learning_rate_bound, 0.1, hessian=10.0
    )
    assert "lambda" not in msg
    msg = fails_with(
        "SMALLEST second derivative", checks.check_learning_rate_bound, 1.0, np.diag([2.0, 6.0])
    )
    assert "lambda" not in msg
    fails_with("upside down", checks.check_learning_rate_bound, 5.0, hessian=10.0)


@pytest.mark.parametrize(
    "lr, fragment",
    [
        (1.0, "mirror image"),
        (2.0, "second derivative itself"),
        (0.25, "half the way"),
        (-0.5, "wrong sign"),
    ],
)
def test_check_one_step_rate(lr, fragment):
    assert checks.check_one_step_rate(0.5, 2.0)
    fails_with(fragment, checks.check_one_step_rate, lr, 2.0)


def test_check_one_step_rate_needs_one_curvature():
    with pytest.raises(ValueError, match="no single rate"):
        checks.check_one_step_rate(0.5, H)


def test_check_mse_recognises_mistakes_of_the_expansion():
    def expanded(b, w, x, y, two=2, xx=None, yy=True, sign=-1):
        xx = np.mean(x**2) if xx is None else xx
        return (
            b**2
            + two * b * w * np.mean(x)
            + w**2 * xx
            + sign * two * b * np.mean(y)
            + sign * two * w * np.mean(x * y)
            + (np.mean(y**2) if yy else 0)
        )

    assert checks.check_mse(expanded)
    fails_with(
        "mean(y**2) is missing", checks.check_mse, lambda b, w, x, y: expanded(b, w, x, y, yy=False)
    )
    fails_with("factor 2", checks.check_mse, lambda b, w, x, y: expanded(b, w, x, y, two=1))
    fails_with(
        "not mean(x)**2",
        checks.check_mse,
        lambda b, w, x, y: expanded(b, w, x, y, xx=np.mean(x) ** 2),
    )
    fails_with("terms with y", checks.check_mse, lambda b, w, x, y: expanded(b, w, x, y, sign=1))

    def product_of_means(b, w, x, y):
        return (b**2 + 2 * b * w * np.mean(x) + w**2 * np.mean(x**2) - 2 * b * np.mean(y)
                - 2 * w * np.mean(x) * np.mean(y) + np.mean(y**2))

    # within 1 % on some data sets: a different quantity, not "looks rounded"
    msg = fails_with("mean(x y) is not mean(x) * mean(y)", checks.check_mse, product_of_means)
    assert "rounded" not in msg


def test_check_mse_names_the_wrong_term_of_the_expansion():
    def expanded(b, w, x, y, c=(1, 2, 1, -2, -2, 1)):
        terms = [b**2, b * w * np.mean(x), w**2 * np.mean(x**2), b * np.mean(y),
                 w * np.mean(x * y), np.mean(y**2)]
        return sum(k * t for k, t in zip(c, terms))

    msg = fails_with(
        "the term b w mean(x) is missing a factor 2",
        checks.check_mse,
        lambda b, w, x, y: expanded(b, w, x, y, c=(1, 1, 1, -2, -2, 1)),
    )
    assert "too large" not in msg and "too small" not in msg
    fails_with(
        "the term w mean(x y) has the wrong sign",
        checks.check_mse,
        lambda b, w, x, y: expanded(b, w, x, y, c=(1, 2, 1, -2, 2, 1)),
    )
    fails_with(
        "the term b**2 is missing",
        checks.check_mse,
        lambda b, w, x, y: expanded(b, w, x, y, c=(0, 2, 1, -2, -2, 1)),
    )
    # the listed mistakes keep their own words
    fails_with("forgot the mean", checks.check_mse, lambda b, w, x, y: np.sum((b + w * x - y) ** 2))


def test_check_mse_gradient_value():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 20)
    y = 1 + 2 * x + rng.normal(0, 0.1, 20)
    x_val = rng.uniform(0, 1, 10)
    y_val = 1 + 2 * x_val + rng.normal(0, 0.1, 10)
    w_best, b_best = np.polyfit(x, y, 1)
    kw = {"start": (0.5, -0.1), "other_set": (x_val, y_val), "name": "g"}
    check = checks.check_mse_gradient_value
    assert check(losses.mse_gradient(b_best, w_best, x, y), b_best, w_best, x, y, **kw)
    assert check(losses.mse_gradient(0.3, 1.0, x, y), 0.3, 1.0, x, y, **kw)
    fails_with(
        "gradient at the start", check, losses.mse_gradient(0.5, -0.1, x, y), b_best, w_best,
        x, y, **kw,
    )
    fails_with(
        "other data set", check, losses.mse_gradient(b_best, w_best, x_val, y_val), b_best,
        w_best, x, y, **kw,
    )
    fails_with("shape", check, losses.mse(b_best, w_best, x, y), b_best, w_best, x, y)
    g = losses.mse_gradient(0.3, 1.0, x, y)
    fails_with("forgot the mean", check, 20 * g, 0.3, 1.0, x, y)
    fails_with("half", check, g / 2, 0.3, 1.0, x, y)
    fails_with("wrong sign", check, -g, 0.3, 1.0, x, y)
    # the start is named as a point, not printed as if it were a gradient
    msg = fails_with(
        "at the start (b, w) = (0.5, -0.1)", check, losses.mse_gradient(0.5, -0.1, x, y),
        b_best, w_best, x, y, **kw,
    )
    assert f"asks for it at (b, w) = ({b_best:.3g}, {w_best:.3g})" in msg


def test_check_mse_gradient_value_is_tolerant_at_the_minimum(capsys):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, 30)
    y = 1 + 2 * x + rng.normal(0, 0.1, 30)
    w_best, b_best = np.polyfit(x, y, 1)
    end = (b_best + 3e-7, w_best - 2e-7)  # where a gradient-descent run stopped
    kw = {"start": (0.5, -0.1), "end": end, "name": "g"}
    check = checks.check_mse_gradient_value
    capsys.readouterr()
    assert check([0.0, 0.0], b_best, w_best, x, y, **kw)  # zero, as expected
    assert check([0, 0], b_best, w_best, x, y, **kw)
    said = capsys.readouterr().out  # typed zeros pass, with a nudge (review r2)
    assert said.count("Correct") == 2 and said.count("Right, but compute it") == 2
    assert check(losses.mse_gradient(b_best, w_best, x, y), b_best, w_best, x, y, **kw)
    assert check(np.zeros(2), b_best, w_best, x, y, **kw)
    assert "compute it" not in capsys.readouterr().out  # computed: no nudge
    # the gradient at gradient descent's end point: about 1e-7, accepted, with a note
    g_end = losses.mse_gradient(*end, x, y)
    assert 1e-8 < np.abs(g_end).max() < checks.NEAR_ZERO_GRADIENT
    capsys.readouterr()
    assert check(g_end, b_best, w_best, x, y, **kw)
    said = capsys.readouterr().out
    assert "Correct" in said and "gradient descent's end point" in said
    assert "(b_best, w_best)" in said
    # a real mistake still fails near zero
    fails_with("too large", check, [1e-5, 0.0], b_best, w_best, x, y, **kw)
    fails_with("gradient at the start", check, losses.mse_gradient(0.5, -0.1, x, y), b_best,
               w_best, x, y, **kw)
    # away from the minimum the tolerance stays tight
    g = losses.mse_gradient(0.3, 1.0, x, y)
    fails_with("too large", check, g + [1e-4, 0.0], 0.3, 1.0, x, y)


def test_check_mse_value_recognises_the_fitted_line_and_the_other_set():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.2, 2.7, 5.1, 6.9])
    x_val, y_val = np.array([0.5, 1.5, 2.2]), np.array([2.3, 3.6, 5.9])
    w_fit, b_fit = np.polyfit(x, y, 1)
    kw = {"fitted": (b_fit, w_fit), "other_set": (x_val, y_val)}
    right = losses.mse(1, 2, x, y)
    assert checks.check_mse_value(right, 1, 2, x, y, **kw)
    fails_with("fitted line", checks.check_mse_value, losses.mse(b_fit, w_fit, x, y), 1, 2, x, y,
               **kw)
    fails_with("other data set", checks.check_mse_value, losses.mse(1, 2, x_val, y_val), 1, 2,
               x, y, **kw)
    fails_with("looks rounded", checks.check_mse_value, 0.0374, 1, 2, x, y, **kw)  # typed
    msg = fails_with("too small", checks.check_mse_value, 0.995 * right, 1, 2, x, y, **kw)
    assert "rounded" not in msg  # computed, all its digits: a different quantity
    # b and w swapped, mse(2, 1, ...), and a guessed round number (review r2)
    fails_with("b and w swapped", checks.check_mse_value, losses.mse(2, 1, x, y), 1, 2, x, y,
               **kw)
    msg = fails_with("round number", checks.check_mse_value, 0.01, 1, 2, x, y, **kw)
    assert "rather than guessing" in msg
    msg = fails_with("not right", checks.check_mse_value, float(f"{right:.1g}"), 1, 2, x, y)
    assert "guessing" not in msg  # the MSE rounded to one digit is no guess


def test_check_mse_value():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.5, 5.0])
    right = np.mean((1 + 2 * x - y) ** 2)
    assert checks.check_mse_value(right, 1, 2, x, y)
    fails_with("RMSE", checks.check_mse_value, np.sqrt(right), 1, 2, x, y)
    fails_with("forgot the mean", checks.check_mse_value, 3 * right, 1, 2, x, y)
    fails_with("1/2", checks.check_mse_value, right / 2, 1, 2, x, y)


# ---------------------------------------------------------------- runs and experiments


def test_check_training_losses():
    torch = pytest.importorskip("torch")
    t = torch.linspace(0, 1, 5, dtype=torch.float64)
    y = 3 * t + 1

    def loss_fn(p):
        return ((p[0] * t + p[1] - y) ** 2).mean()

    initial = torch.tensor([0.0, 0.0], dtype=torch.float64)

    def train(zero, after=False, epochs=6, start=initial):
        p = start.clone().requires_grad_()
        out = []
        for _ in range(epochs):
            loss = loss_fn(p)
            loss.backward()
            if not after:
                out.append(loss.item())
            with torch.no_grad():
                p -= 0.1 * p.grad
                if zero:
                    p.grad.zero_()
            if after:
                out.append(loss_fn(p).item())
        return out

    kw = dict(loss_fn=loss_fn, initial=initial, lr=0.1, num_epochs=6)
    assert checks.check_training_losses(train(False), zero_grad=False, **kw)
    assert checks.check_training_losses(train(True), zero_grad=True, **kw)
    fails_with(
        "WITH the gradient zeroed", checks.check_training_losses, train(True), zero_grad=False, **kw
    )
    fails_with("WITHOUT zeroing", checks.check_training_losses, train(False), zero_grad=True, **kw)
    fails_with(
        "shifted by one epoch",
        checks.check_training_losses,
        train(False, after=True),
        zero_grad=False,
        **kw,
    )
    fails_with(
        "7 values", checks.check_training_losses, train(False, epochs=7), zero_grad=False, **kw
    )
    fails_with(
        "initial parameters",
        checks.check_training_losses,
        train(False, start=torch.tensor([1.0, 0.0], dtype=torch.float64)),
        zero_grad=False,
        **kw,
    )


def test_check_training_losses_accepts_float32_but_not_a_mistake_in_float32():
    torch = pytest.importorskip("torch")
    t = torch.linspace(0, 19, 20, dtype=torch.float64)
    y = 0.4 * (t - 9.5) ** 2 + 5  # losses in the thousands, as in chapter 2

    def loss_fn(p):
        return ((p[0] * t**2 + p[1] * t + p[2] - y) ** 2).mean()

    initial = torch.tensor([0.3, -0.2, 1.0], dtype=torch.float64)

    def train(zero, lr=1e-5, epochs=40):
        p = initial.clone().requires_grad_()
        out = []
        for _ in range(epochs):
            loss = loss_fn(p)
            loss.backward()
            out.append(loss.item())
            with torch.no_grad():
                p -= lr * p.grad
                if zero:
                    p.grad.zero_()
        return out

    kw = dict(loss_fn=loss_fn, initial=initial, lr=1e-5, num_epochs=40, zero_grad=False)
    right = train(False)
    # torch.tensor of the list is float32: rounded to about 6e-8, and still right
    as32 = torch.tensor(right)
    assert as32.dtype == torch.float32
    assert not np.allclose(as32.numpy(), right, rtol=1e-9, atol=1e-12)  # 1e-9 would fail it
    assert checks.check_training_losses(as32, **kw)
    assert checks.check_training_losses(np.array(right, dtype=np.float32), **kw)
    assert checks.check_training_losses([torch.tensor(v) for v in right], **kw)
    # float32 does not hide the mistakes
    fails_with("WITH the gradient zeroed", checks.check_training_losses,
               torch.tensor(train(True)), **kw)
    fails_with("update step", checks.check_training_losses,
               torch.tensor(train(False, lr=1.001e-5)), **kw)
    fails_with("initial parameters", checks.check_training_losses,
               torch.tensor([right[0] * 1.00001, *right[1:]]), **kw)
    # and float64 answers keep the tight tolerance
    fails_with("initial parameters", checks.check_training_losses,
               [right[0] * (1 + 1e-7), *right[1:]], **kw)


def test_check_diverging_rates():
    def run(lr):  # a quadratic with curvature 2: diverges above lr = 1
        x, losses = 1.0, []
        for _ in range(20):
            losses.append(x**2)
            x -= lr * 2 * x
        return losses

    rates = [0.1, 0.9, 1.1]
    assert checks.check_diverging_rates([1.1], rates, run)
    assert checks.check_diverging_rates(1.1, rates, run)  # one rate on its own
    fails_with("rates that converge", checks.check_diverging_rates, [0.1, 0.9], rates, run)
    fails_with(
        "0.9 in your list does not diverge", checks.check_diverging_rates, [0.9, 1.1], rates, run
    )
    fails_with(
        "0.1, 0.9 in your list do not diverge: their losses still end",
        checks.check_diverging_rates, [0.1, 0.9, 1.1], rates, run,
    )
    fails_with("1 rate that diverges is missing", checks.check_diverging_rates, [], rates, run)
    fails_with("not one of the rates tried", checks.check_diverging_rates, [2.0], rates, run)
    fails_with("list of learning rates", checks.check_diverging_rates, "1.1", rates, run)
    # a list of non-rates: the message names the items' type, not the list's
    for bad, kind in (([[1.1]], "list"), ([run(1.1)], "list"), ([None], "NoneType")):
        msg = fails_with(f"item 0 of your list is a {kind}, not a number",
                         checks.check_diverging_rates, bad, rates, run)
        assert "but it is a list." not in msg


def test_check_finder_picks():
    from descentkit.schedules import lr_finder, suggest_lr

    def finder(n):
        return lr_finder(
            lambda x: 2 * x,
            lambda x: float(x @ x),
            np.array([1.0, -2.0]),
            lr_min=1e-3,
            lr_max=10.0,
            num_steps=n,
        )

    picks = {n: suggest_lr(finder(n), rule="min/10") for n in (30, 60)}
    assert checks.check_finder_picks(picks, finder, num_steps=[30, 60])
    lowest = {n: 10 * p for n, p in picks.items()}
    fails_with("LOWEST loss", checks.check_finder_picks, lowest, finder, num_steps=[30, 60])
    fails_with(
        "dictionary", checks.check_finder_picks, list(picks.values()), finder, num_steps=[30, 60]
    )
    wrong_range = {  # the finder's default lr_min, not the exercise's
        n: suggest_lr(
            lr_finder(lambda x: 2 * x, lambda x: float(x @ x), np.array([1.0, -2.0]),
                      lr_max=10.0, num_steps=n),
            rule="min/10",
        )
        for n in (30, 60)
    }
    msg = fails_with(
        "same range", checks.check_finder_picks, wrong_range, finder, num_steps=[30, 60]
    )
    assert "lr_min = 0.001" in msg and "lr_max = 10" in msg, msg


def test_check_best_choice():
    def score(c):
        return (c - 2) ** 2

    assert checks.check_best_choice(2, [1, 2, 4], score)
    fails_with("WORST", checks.check_best_choice, 4, [1, 2, 4], score)
    fails_with("not the best", checks.check_best_choice, 1, [1, 2, 4], score)
    fails_with("not one of the candidates", checks.check_best_choice, 3, [1, 2, 4], score)


def test_check_target():
    assert checks.check_target(0.01, lambda lr: 30 * lr, target=0.3, rtol=1e-9)
    fails_with(
        "10 times the target", checks.check_target, 0.1, lambda lr: 30 * lr, target=0.3, rtol=1e-9
    )
    fails_with("too small", checks.check_target, 0.001, lambda lr: 30 * lr, target=0.3, rtol=0.1)
    fails_with(
        "not finite", checks.check_target, 1.0, lambda lr: float("inf"), target=0.3, rtol=0.1
    )


def test_check_power_law_rate():
    rates = np.array([0.02, 0.05, 0.1, 0.2])
    values = 0.3 * rates**0.72 * np.exp([0.05, -0.03, 0.02, -0.04])  # a noisy power law
    target = 0.3 * 0.014**0.72
    slope, intercept = np.polyfit(np.log(rates), np.log(values), 1)
    rate = float(np.exp((np.log(target) - intercept) / slope))
    check = checks.check_power_law_rate
    assert check(rate, rates, values, target, name="lr")
    assert check(rate * (1 + 5e-4), rates, values, target, name="lr")
    fails_with("that is a rate from the table: the target lies below it, extrapolate along",
               check, 0.02, rates, values, target)
    fails_with("too small", check, 0.0125, rates, values, target)
    fails_with("too large", check, 0.05 * 1.01 ** 50, rates, values, target)
    msg = fails_with("looks rounded", check, round(rate, 3), rates, values, target)
    assert f"{rate:.6g}" not in msg
    fails_with("two nearest points", check, 0.02 * (target / values[0]) ** (
        np.log(0.05 / 0.02) / np.log(values[1] / values[0])), rates, values, target)
    fails_with("interpolate", check, 0.05, rates, values, 0.3 * 0.07**0.72)
    fails_with("not a learning rate", check, -0.01, rates, values, target)
    fails_with("single number", check, [0.01, 0.02], rates, values, target)


def test_check_minibatch_average():
    X = np.arange(8.0)

    def grad(theta, idx=None):
        idx = np.arange(8) if idx is None else idx
        return np.array([np.mean(theta[0] - X[idx]), np.mean(X[idx] * (theta[1] - X[idx]))])

    theta = np.array([0.5, -1.0])
    assert checks.check_minibatch_average(grad(theta), grad, theta, n=8, batch_size=2)
    fails_with(
        "SUM of the 4 batch gradients",
        checks.check_minibatch_average,
        4 * grad(theta),
        grad,
        theta,
        n=8,
        batch_size=2,
    )
    with pytest.raises(ValueError, match="divide"):
        checks.check_minibatch_average(grad(theta), grad, theta, n=8, batch_size=3)
    # one batch only, from a shuffle of its own
    from descentkit.stochastic import epoch_batches

    batch = epoch_batches(8, 2, rng=np.random.default_rng(2))[-1]
    fails_with(
        "ONE batch of 2", checks.check_minibatch_average,
        grad(theta, batch), grad, theta, n=8, batch_size=2,
    )
    # the full gradient at the exercise's start instead of at theta
    start = np.array([2.25, 3.0])
    fails_with(
        "gradient at theta0, (b, w) = (2.25, 3)", checks.check_minibatch_average,
        grad(start), grad, theta, n=8, batch_size=2, other_points={"theta0": start},
    )
    # another wrong value keeps the comparison's message
    fails_with(
        "dL/db", checks.check_minibatch_average,
        grad(theta) + [1.0, 0.0], grad, theta, n=8, batch_size=2,
        other_points={"theta0": start},
    )


def test_check_unscaled_line():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 30)
    y = 1 + 0.2 * x + rng.normal(0, 0.1, 30)
    mean, scale = 4.0, 2.5  # any affine scaling gives back the least-squares line in x
    from descentkit.models import least_squares_line

    b, w = least_squares_line(x, y)
    b_z, w_z = least_squares_line((x - mean) / scale, y)
    assert checks.check_unscaled_line([b, w], (mean, scale), x, y)
    fails_with("units of z", checks.check_unscaled_line, [b_z, w_z], (mean, scale), x, y)
    fails_with(
        "swapped",
        checks.check_unscaled_line,
        [b_z - w_z * scale / mean, w_z / mean],
        (mean, scale),
        x,
        y,
    )
    fails_with("pair (b, w)", checks.check_unscaled_line, [b, w, 0.0], (mean, scale), x, y)
    # the tolerance is relative: a line in large units is judged like one in small units
    big = 1e6
    assert checks.check_unscaled_line([b * big, w * big], (mean, scale), x, y * big)
    fails_with("not right", checks.check_unscaled_line, [b * big + 100.0, w * big],
               (mean, scale), x, y * big)
    small = 1e-6
    fails_with("not right", checks.check_unscaled_line, [b * small * 1.001, w * small],
               (mean, scale), x, y * small)


def test_check_scaled_kappa_tells_a_skipped_scaler():
    """Chapter 5, exercise 3: the line does not depend on the scaler (so skipping it gives
    the right line); the condition number on the scaled feature does, and is checked."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 30)
    mean, scale = x.mean() - 0.3, x.std() * 1.05  # a leaky scaler: other data's statistics

    def kappa(feature):
        lam = np.linalg.eigvalsh(losses.mse_hessian(feature))
        return lam[-1] / lam[0]

    right = kappa((x - mean) / scale)
    assert right > 1.01
    assert checks.check_scaled_kappa(right, (mean, scale), x)
    fails_with("the scaler was skipped", checks.check_scaled_kappa, kappa(x), (mean, scale), x)
    fails_with("its OWN statistics", checks.check_scaled_kappa, 1.0, (mean, scale), x)
    fails_with("upside down", checks.check_scaled_kappa, 1 / right, (mean, scale), x)
    fails_with("too large", checks.check_scaled_kappa, 1 + 1.5 * (right - 1), (mean, scale), x)
    # rounded to 4 significant digits: named as rounded, not "too small"
    typed = float(f"{right:.3e}")
    assert typed != right and abs(typed - right) < 0.01 * right
    fails_with("looks rounded", checks.check_scaled_kappa, typed, (mean, scale), x)
    # kappa on all the points the leaky scaler was fitted on: exactly 1, the set is wrong
    everything = np.concatenate([x, rng.uniform(0, 10, 20)])
    all_mean, all_scale = everything.mean(), everything.std()
    on_all = kappa((everything - all_mean) / all_scale)
    fails_with("training feature only", checks.check_scaled_kappa, on_all,
               (all_mean, all_scale), x)


def test_check_basin_fraction():
    from descentkit.functions import double_well_derivative

    starts = np.linspace(-2.5, 2.5, 101)
    from descentkit.optim import momentum_descent

    run = momentum_descent(double_well_derivative, starts, 0.01, 300, momentum=0.9, nesterov=True)
    frac = float(np.mean(np.asarray(run.final) < 0.1))
    kw = dict(
        derivative=double_well_derivative,
        starts=starts,
        lr=0.01,
        num_steps=300,
        boundary=0.1,
        momentum=0.9,
        nesterov=True,
    )
    assert checks.check_basin_fraction(frac, **kw)
    fails_with("OTHER side", checks.check_basin_fraction, 1 - frac, **kw)
    fails_with("percentage", checks.check_basin_fraction, 100 * frac, **kw)
    fails_with("count of starts", checks.check_basin_fraction, frac * starts.size, **kw)


def test_report_in_a_kernel_is_text_and_json_except_in_the_site_build(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(checks, "_kernel_display", lambda: lambda obj, raw: shown.append(obj))
    monkeypatch.delenv(checks.REPORT_ENV, raising=False)
    checks._report("correct", "Correct!")
    assert shown == [{"text/plain": "Correct!", checks.MIME: {"status": "correct",
                                                              "message": "Correct!"}}]
    monkeypatch.setenv(checks.REPORT_ENV, "text")  # scripts/build_site.py
    checks._report("correct", "Correct!")
    assert len(shown) == 1 and capsys.readouterr().out == "Correct!\n"


# ---------------------------------------------------------------- checks that count themselves


def test_check_escape_steps_counts_the_step_itself_and_judges_each_answer():
    """Chapter 1, exercise 4: each answer is compared with the step the check finds by
    running the descent, not with the other answer (5, 5 agree, and are both wrong)."""

    def df(x):
        return 2 * x - 4

    kw = {"minimum": 2.0, "distance": 1e6, "names": ["predicted", "observed"]}
    assert checks.check_escape_steps([67, 67], df, 7.0, 1.1, **kw)
    msg = fails_with("2 of the 2 answers are not right", checks.check_escape_steps,
                     [5, 5], df, 7.0, 1.1, **kw)
    assert "- predicted = 5: too small" in msg and "- observed = 5: too small" in msg
    msg = fails_with("- observed = 66: one too few", checks.check_escape_steps,
                     [67, 66], df, 7.0, 1.1, **kw)
    assert "- predicted = 67: right" in msg
    fails_with("round up", checks.check_escape_steps, np.log(2e5) / np.log(1.2), df, 7.0, 1.1,
               minimum=2.0, distance=1e6)
    # np.argmax over a run that never passed 1e6 gives 0: say so, not "too small"
    msg = fails_with("never passed 1e+06; run more steps", checks.check_escape_steps,
                     [67, 0], df, 7.0, 1.1, **kw)
    assert msg.startswith("observed = 0") and "too small" not in msg


def test_check_centred_kappa_centres_the_feature_itself():
    x = np.random.default_rng(0).normal(10.0, 3.0, 50)
    c = x - x.mean()
    lam = np.linalg.eigvalsh(losses.mse_hessian(c))
    right = lam[-1] / lam[0]
    assert checks.check_centred_kappa(right, x)
    lam_raw = np.linalg.eigvalsh(losses.mse_hessian(x))
    fails_with("raw feature", checks.check_centred_kappa, lam_raw[-1] / lam_raw[0], x)
    fails_with("standardized", checks.check_centred_kappa, 1.0, x)
    fails_with("upside down", checks.check_centred_kappa, 1 / right, x)
    fails_with("square root", checks.check_centred_kappa, np.sqrt(right), x)


def test_check_memory_steps_counts_in_the_weights():
    kw = {"names": ["k_09", "k_099"], "name": "(k_09, k_099)"}
    assert checks.check_memory_steps([44, 459], [0.9, 0.99], **kw)
    msg = fails_with("k_099 = 458: one too few", checks.check_memory_steps, [44, 458],
                     [0.9, 0.99], **kw)
    assert "- k_09 = 44: right" in msg
    fails_with("round up", checks.check_memory_steps, [43.7, 459], [0.9, 0.99], **kw)
    assert checks.check_memory_steps(44, 0.9)


def test_check_momentum_step_says_in_one_sentence_which_result_is_wrong():
    def no_momentum_in_velocity(params, velocity, grad, lr, momentum):
        new_velocity = velocity + grad
        return params - lr * new_velocity, new_velocity

    def steps_with_the_gradient(params, velocity, grad, lr, momentum):
        new_velocity = momentum * velocity + grad
        return params - lr * grad, new_velocity

    for wrong, words in [
        (no_momentum_in_velocity, "returns a wrong new velocity (for momentum = 0.9)"),
        (steps_with_the_gradient, "right new velocity but wrong new parameters (for lr = 0.1)"),
    ]:
        msg = fails_with(words, checks.check_momentum_step, wrong)
        assert "component" not in msg and msg.count(".") <= 2, msg


def test_check_value_close_names_the_slip_of_a_close_computed_answer():
    right = np.array([0.9186, 2.0675])
    other_batches = right * np.array([1 - 0.0146, 1 + 0.0032]) + 1e-9
    msg = fails_with("within 3 %), but not equal: other batches?", checks.check_value,
                     other_batches, right, close="other batches?", close_within=0.03)
    assert "rounded" not in msg
    # farther than close_within: the generic message, not the guess
    far = right * np.array([1.0578, 1.0021]) + 1e-9
    msg = fails_with("is not right", checks.check_value, far, right, close="other batches?",
                     close_within=0.03)
    assert "other batches" not in msg


def test_check_power_law_rate_states_its_tolerance_and_takes_an_honest_one():
    """Chapter 6, exercise 3: the same fit to the table as printed (4 decimals), or a rate
    rounded to 3 digits, lands about 1 % away from the full-precision fit; with the
    exercise's rtol=0.02 such estimates pass, and every message states the tolerance."""
    rates = np.array([0.02, 0.05, 0.1, 0.2])
    values = np.array([0.011041, 0.021388, 0.034211, 0.057734])  # chapter 6's B = 1 row
    target = 0.0086526
    slope, intercept = np.polyfit(np.log(rates), np.log(values), 1)
    exact = float(np.exp((np.log(target) - intercept) / slope))
    printed = np.round(values, 4)
    s4, i4 = np.polyfit(np.log(rates), np.log(printed), 1)
    from_printed = float(np.exp((np.log(round(target, 4)) - i4) / s4))
    assert 0.003 < abs(from_printed / exact - 1) < 0.015
    check = checks.check_power_law_rate
    for estimate in (exact, round(exact, 4), from_printed, round(from_printed, 4)):
        assert check(estimate, rates, values, target, rtol=0.02)
    msg = fails_with("too small", check, 0.0135, rates, values, target, rtol=0.02)
    assert "accepts a rate within 2 % of" in msg
    # with the tight default, a rounded estimate is told so, with the tolerance
    fails_with("within 0.1 % of", check, round(exact, 3), rates, values, target)


def test_a_cell_with_several_check_lines_reports_every_answer_before_failing():
    """In a notebook cell with several self-check lines, every check runs: one CheckFailed
    at the end gives each check's status on its own line (IPython AST transformer)."""
    import ast

    cell = (
        "from descentkit.checks import check_value\n"
        "check_value(0.5, 0.5, name='a')\n"
        "check_value(0.3, 0.25, name='b')\n"
        "check_value(todo('the hint'), 1.0, name='c')\n"
    )
    tree = checks._EveryCheckLine().visit(ast.parse(cell))
    with pytest.raises(CheckFailed) as info:
        exec(compile(tree, "<cell>", "exec"), {"todo": checks.todo})
    msg = str(info.value)
    assert msg.splitlines() == [
        "1 of the 3 self-checks of this cell is not right:",
        "- Correct: a = 0.5.",
        "- Not right: b = 0.3 is not right: too large.",
        "- Not answered yet (c): the hint",
    ]
    assert checks._CELL is None
    # all right: nothing raised; one check line: left as it is
    ok = checks._EveryCheckLine().visit(ast.parse(cell.replace("0.3", "0.25").replace(
        "todo('the hint')", "1.0")))
    exec(compile(ok, "<cell>", "exec"), {})
    one = "check_value(0.3, 0.25)"
    assert ast.dump(checks._EveryCheckLine().visit(ast.parse(one))) == ast.dump(ast.parse(one))


def test_check_learning_rate_bound_names_a_diagonal_entry():
    hessian = np.array([[2.0, 2.0], [2.0, 10.0]])
    fails_with("diagonal entry", checks.check_learning_rate_bound, 0.2, hessian)
    assert checks.check_learning_rate_bound(2 / (6 + np.sqrt(20)), hessian)


def test_check_best_choice_rejects_a_string_for_a_number():
    def score(gamma):
        return abs(gamma - 0.98)

    message = fails_with("is a str", checks.check_best_choice, "0.98", [0.95, 0.98], score)
    assert "'0.98'" in message
    assert checks.check_best_choice(0.98, [0.95, 0.98], score)
    assert checks.check_best_choice("b", ["a", "b"], lambda c: c != "b")


def test_check_steps_whole_requires_a_whole_prediction():
    hessian = np.diag([1.0, 100.0])
    lr = 2 / 101
    exact = np.log(1e6) / np.log(101 / 99)
    fails_with(
        "not a whole number",
        checks.check_steps, exact, hessian=hessian, lr=lr, shrink=1e6, rtol=0.05, whole=True,
    )
    assert checks.check_steps(
        int(np.ceil(exact)), hessian=hessian, lr=lr, shrink=1e6, rtol=0.05, whole=True
    )
    assert checks.check_steps(exact, hessian=hessian, lr=lr, shrink=1e6, rtol=0.05)
    fails_with(
        "twice",
        checks.check_steps, 2 * exact, hessian=hessian, lr=lr, shrink=1e6, rtol=0.05, whole=True,
    )


def test_check_steps_names_the_flat_factor_at_the_best_rate():
    """Chapter 5, exercise 2: rho = 1 - 1/kappa counts about twice the steps."""
    hessian = np.diag([1.0, 100.0])
    flat = int(np.ceil(np.log(1e6) / np.log(1 / (1 - 1 / 100))))
    kw = dict(hessian=hessian, lr=2 / 101, shrink=1e6, rtol=0.05, whole=True)
    fails_with("(kappa - 1)/(kappa + 1)", checks.check_steps, flat, **kw)
    # at another rate the factor 1 - 1/kappa is not the mistake named
    with pytest.raises(checks.CheckFailed) as info:
        checks.check_steps(flat, hessian=hessian, lr=1.5 / 101, shrink=1e6, rtol=0.05)
    assert "(kappa - 1)/(kappa + 1)" not in str(info.value)


def test_check_standardize_names_an_answer_that_changes_its_inputs():
    def in_place(X_train, X):
        X -= X_train.mean(axis=0)
        X /= X_train.std(axis=0)
        return X

    fails_with("in place", checks.check_standardize, in_place)


def test_check_standardize_gives_the_axis_hint_for_axis_1():
    """axis=1 takes the statistics of the rows, which do not broadcast against X."""

    def by_rows(X_train, X):
        return (X - X_train.mean(axis=1)) / X_train.std(axis=1)

    fails_with("down each column (axis=0)", checks.check_standardize, by_rows)


def test_check_mse_expanded_rejects_the_direct_mse():
    def direct(b, w, x, y):
        return np.mean((b + w * x - y) ** 2)

    def expanded(b, w, x, y):
        mx, mxx, my, mxy, myy = (np.mean(v) for v in (x, x**2, y, x * y, y**2))
        return b**2 + 2 * b * w * mx + w**2 * mxx - 2 * b * my - 2 * w * mxy + myy

    assert checks.check_mse(direct)  # as the plain MSE it is right
    fails_with("computes the MSE directly", checks.check_mse, direct, expanded=True)
    fails_with(
        "computes the MSE directly",
        checks.check_mse,
        lambda b, w, x, y: ((b + w * x - y) ** 2).mean(),
        expanded=True,
    )
    assert checks.check_mse(expanded, expanded=True)
    assert checks.check_mse(
        lambda b, w, x, y: (
            b * b + 2 * b * w * x.mean() + w * w * np.dot(x, x) / len(x)
            - 2 * b * y.mean() - 2 * w * np.dot(x, y) / len(x) + np.dot(y, y) / len(y)
        ),
        expanded=True,
    )
    # the residuals point by point, in a loop, are direct too (review r2)
    def loop(b, w, x, y):
        total = 0.0
        for xi, yi in zip(x, y):
            r = b + w * xi - yi
            total += r * r
        return total / len(x)

    def loop_floats(b, w, x, y):
        errors = [b + w * float(x[i]) - float(y[i]) for i in range(len(x))]
        return sum(e**2 for e in errors) / len(errors)

    assert checks.check_mse(loop)
    for fn in (loop, loop_floats):
        msg = fails_with("computes the MSE directly", checks.check_mse, fn, expanded=True)
        assert "in a loop" in msg
    # a loop that only sums the data (the five means) is the expansion
    def loop_means(b, w, x, y):
        mx = mxx = my = mxy = myy = 0.0
        for xi, yi in zip(x, y):
            mx, mxx, my = mx + xi, mxx + xi * xi, my + yi
            mxy, myy = mxy + xi * yi, myy + yi * yi
        mx, mxx, my, mxy, myy = (v / len(x) for v in (mx, mxx, my, mxy, myy))
        return b**2 + 2 * b * w * mx + w**2 * mxx - 2 * b * my - 2 * w * mxy + myy

    assert checks.check_mse(loop_means, expanded=True)


def test_check_mse_expanded_names_sums_and_fixed_data():
    def expanded(b, w, x, y, avg=np.mean, sums=()):
        m = {k: (np.sum if k in sums else avg)(v)
             for k, v in {"x": x, "xx": x**2, "y": y, "xy": x * y, "yy": y**2}.items()}
        return (b**2 + 2 * b * w * m["x"] + w**2 * m["xx"] - 2 * b * m["y"]
                - 2 * w * m["xy"] + m["yy"])

    assert checks.check_mse(expanded, expanded=True)
    msg = fails_with("use sums of the data where the expansion has means",
                     checks.check_mse, lambda b, w, x, y: expanded(b, w, x, y, avg=np.sum),
                     expanded=True)
    assert "np.mean" in msg
    fails_with("w mean(x y) uses a sum", checks.check_mse,
               lambda b, w, x, y: expanded(b, w, x, y, sums=("xy",)), expanded=True)
    x_train = np.linspace(0, 1, 7)
    y_train = 1 + 2 * x_train
    fails_with("ignores the x and y it is given", checks.check_mse,
               lambda b, w, x, y: expanded(b, w, x_train, y_train), expanded=True)


def test_check_unscaled_line_names_a_run_that_stopped_too_early():
    from descentkit.losses import mse_gradient_of
    from descentkit.models import least_squares_line, unscale_params

    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 30)
    y = 1 + 0.2 * x + rng.normal(0, 0.1, 30)
    mean, scale = x.mean() + 0.3, 1.1 * x.std()  # a leaky scaler: z not standard
    z, start = (x - mean) / scale, np.zeros(2)
    theta = start - 0.5 * mse_gradient_of(z, y)(start)
    one_step = unscale_params(*theta, mean, scale)
    msg = fails_with(
        "not converged", checks.check_unscaled_line, one_step, (mean, scale), x, y,
        start=start, lr=0.5,
    )
    assert "1 step at rate 0.5" in msg and "not exactly standardized" in msg, msg
    assert checks.check_unscaled_line(least_squares_line(x, y), (mean, scale), x, y,
                                      start=start, lr=0.5)

"""Tests of descentkit.checks: right answers pass, each known mistake gets its own message."""

import numpy as np
import pytest

from descentkit import checks
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
    assert checks.check_value(0.5, 0.5, name="lr") is True
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize("answer, fragment", [
    (-0.5, "wrong sign"),
    (1.0, "twice"),
    (0.25, "half"),
    (1.5, "3 times"),
    (None, "forget the `return`"),
    ("abc", "expected numbers"),
    ([0.5, 0.5], "shape"),
    (float("nan"), "nan"),
])
def test_check_value_diagnoses(answer, fragment):
    fails_with(fragment, checks.check_value, answer, 0.5)


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


@pytest.mark.parametrize("df, fragment", [
    (lambda x: -(6 * x + 2), "wrong sign"),
    (lambda x: 2 * (6 * x + 2), "twice"),
    (lambda x: 3 * x + 1, "half"),
    (lambda x: 6 * x, "x = "),               # forgot the constant term: reported at a point
    (f, "not its slope"),
    (lambda x: None, "return"),
    (lambda x: 1 / 0, "ZeroDivisionError"),
])
def test_check_derivative_mistakes(df, fragment):
    fails_with(fragment, checks.check_derivative, df, f)


def test_check_derivative_reports_placeholder():
    def df(x):
        raise NotImplementedError("write f'(x)")
    fails_with("not written yet", checks.check_derivative, df, f)


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


@pytest.mark.parametrize("fn, fragment", [
    (lambda b, w, x, y: grad_ok(b, w, x, y) / 2, "factor 2"),
    (lambda b, w, x, y: grad_ok(b, w, x, y) * x.size, "forgot the mean"),
    (lambda b, w, x, y: -grad_ok(b, w, x, y), "sign"),
    (lambda b, w, x, y: grad_ok(b, w, x, y)[::-1], "swapped"),
    (lambda b, w, x, y: np.array([grad_ok(b, w, x, y)[0]] * 2), "missing the factor x"),
    (lambda b, w, x, y: grad_ok(b, w, x, y)[0], "shape"),
    (lambda b, w, x, y: grad_ok(b, w, x, y) + [0, 0.1], "dL/dw"),
])
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
    fails_with("TRAINING", checks.check_standardize, lambda t, x: (x - x.mean(axis=0)) / x.std(axis=0))  # noqa: E501
    fails_with("mean is not subtracted", checks.check_standardize, lambda t, x: x / t.std(axis=0))
    fails_with("variance", checks.check_standardize, lambda t, x: (x - t.mean(axis=0)) / t.var(axis=0))  # noqa: E501
    fails_with("ddof", checks.check_standardize, lambda t, x: (x - t.mean(axis=0)) / t.std(axis=0, ddof=1))  # noqa: E501


def test_check_standardize_agrees_with_scikit_learn():
    from sklearn.preprocessing import StandardScaler

    def with_sklearn(X_train, X):
        shape = X.shape
        scaler = StandardScaler().fit(X_train.reshape(len(X_train), -1))
        return scaler.transform(X.reshape(len(X), -1)).reshape(shape)

    assert checks.check_standardize(with_sklearn)


# ---------------------------------------------------------------- mini-batches, momentum

def test_check_batches():
    perm = np.random.default_rng(0).permutation(10)
    assert checks.check_batches([perm[i:i + 4] for i in range(0, 10, 4)], n=10, batch_size=4)
    assert checks.check_batches([perm[:4], perm[4:8]], n=10, batch_size=4, drop_last=True)
    fails_with("leave out the last", checks.check_batches, [perm[:4], perm[4:8]], 10, 4)
    fails_with("more than once", checks.check_batches, [perm[:4], perm[:4], perm[8:]], 10, 4)
    fails_with("integer", checks.check_batches, [np.array([0.5])], 1, 1)


def test_check_batches_notes_unshuffled(capsys):
    checks.check_batches([np.arange(0, 5), np.arange(5, 10)], n=10, batch_size=5)
    assert "original order" in capsys.readouterr().out


def momentum_ok(p, v, g, lr, mu):
    v = mu * v + g
    return p - lr * v, v


def test_check_momentum_step_agrees_with_torch():
    torch = pytest.importorskip("torch")

    def torch_step(p, v, g, lr, mu):
        # one torch.optim.SGD step whose momentum buffer starts at v
        pt = torch.tensor(p, requires_grad=True)
        opt = torch.optim.SGD([pt], lr=lr, momentum=mu)
        pt.grad = torch.tensor(v)            # first step: buffer = grad = v
        opt.step()
        opt.state[pt]["momentum_buffer"] = torch.tensor(v)
        with torch.no_grad():
            pt.copy_(torch.tensor(p))
        pt.grad = torch.tensor(g)
        opt.step()
        return pt.detach().numpy(), opt.state[pt]["momentum_buffer"].numpy()

    assert checks.check_momentum_step(torch_step)
    assert checks.check_momentum_step(momentum_ok)


@pytest.mark.parametrize("fn, fragment", [
    (lambda p, v, g, lr, mu: (p + lr * (mu * v + g), mu * v + g), "UP the gradient"),
    (lambda p, v, g, lr, mu: (p - lr * v, mu * v + g), "OLD velocity"),
    (lambda p, v, g, lr, mu: (p - lr * g, g), "plain gradient descent"),
    (lambda p, v, g, lr, mu: p - lr * g, "two things"),
])
def test_check_momentum_step_mistakes(fn, fragment):
    fails_with(fragment, checks.check_momentum_step, fn)

"""Tests of descentkit.checks_adaptive (chapter 8's self-checks): the right answer passes,
the student notebook's placeholder is reported as not answered yet (with its hint), each
named mistake is recognised, bad input is a TypeError or ValueError naming the argument,
and no failure message reveals the reference value."""

import numpy as np
import pytest

from check_tools import not_answered, unwritten
from descentkit import checks_adaptive as ca
from descentkit.checks import CheckFailed, todo
from descentkit.curvature import condition_number


def fails_with(check, *args, match, secret=None, **kwargs):
    with pytest.raises(CheckFailed, match=match) as info:
        check(*args, **kwargs)
    if secret is not None:
        for text in (f"{secret:.6g}", f"{secret:.4g}", f"{secret:.3g}"):
            assert text not in str(info.value), f"the message reveals the answer: {info.value}"
    return str(info.value)


# --------------------------------------------------------------------------- RMSProp step


def rmsprop_right(params, mean_sq, grad, lr, beta2, eps):
    new = beta2 * mean_sq + (1 - beta2) * grad**2
    return params - lr * grad / (np.sqrt(new) + eps), new


def test_rmsprop_step_right_answer_passes(capsys):
    assert ca.check_rmsprop_step(rmsprop_right)
    assert "Correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, match",
    [
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / ((b * a + (1 - b) * g**2) + e),
                b * a + (1 - b) * g**2,
            ),
            "square root",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(a) + e), b * a + (1 - b) * g**2),
            "old mean square",
        ),
        (
            lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(b * a + g**2) + e), b * a + g**2),
            r"\(1 - beta2\)",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt((1 - b) * a + b * g**2) + e),
                (1 - b) * a + b * g**2,
            ),
            "swapped",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / np.sqrt(b * a + (1 - b) * g**2 + e),
                b * a + (1 - b) * g**2,
            ),
            "outside the square root",
        ),
        (lambda p, a, g, lr, b, e: (p - lr * g / (np.sqrt(a + g**2) + e), a + g**2), "AdaGrad"),
        (
            lambda p, a, g, lr, b, e: (
                p + lr * g / (np.sqrt(b * a + (1 - b) * g**2) + e),
                b * a + (1 - b) * g**2,
            ),
            "uphill",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / np.sqrt(b * a + (1 - b) * g**2),
                b * a + (1 - b) * g**2,
            ),
            "eps is left out",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt((b * a + (1 - b) * g**2) / (1 - b)) + e),
                b * a + (1 - b) * g**2,
            ),
            "the step divides mean_sq by 1 - beta2, a bias correction",
        ),
        (
            lambda p, a, g, lr, b, e: (
                p - lr * g / (np.sqrt((b * a + (1 - b) * g**2) / (1 - b)) + e),
                (b * a + (1 - b) * g**2) / (1 - b),
            ),
            "the new mean_sq is divided by 1 - beta2, a bias correction",
        ),
    ],
)
def test_rmsprop_step_mistakes_are_named(wrong, match):
    fails_with(ca.check_rmsprop_step, wrong, match=match)


def test_rmsprop_step_other_failures_say_what_is_wrong():
    fails_with(ca.check_rmsprop_step, lambda *args: None, match="return")
    fails_with(ca.check_rmsprop_step, lambda *args: 1.0, match="pair")

    fails_with(
        ca.check_rmsprop_step,
        lambda p, a, g, lr, b, e: (rmsprop_right(p, a, g, lr, b, e)[0], a),
        match="new mean_sq is wrong",
    )
    fails_with(
        ca.check_rmsprop_step,
        lambda p, a, g, lr, b, e: (p, rmsprop_right(p, a, g, lr, b, e)[1]),
        match="new params are wrong",
    )
    message = fails_with(
        ca.check_rmsprop_step,
        lambda p, a, g, lr, b, e: rmsprop_right(p, a, g, lr, b, e)[::-1],
        match="wrong order",
    )
    assert "mean_sq is wrong" not in message


def test_rmsprop_step_changed_in_place_passes_with_a_warning(capsys):
    def in_place(p, a, g, lr, b, e):
        a *= b
        a += (1 - b) * g**2
        p -= lr * g / (np.sqrt(a) + e)
        return p, a

    assert ca.check_rmsprop_step(in_place)
    out = capsys.readouterr().out
    assert "Correct" in out
    assert "Warning: it changes its input params and mean_sq in place" in out

    def params_only(p, a, g, lr, b, e):
        a = b * a + (1 - b) * g**2
        p -= lr * g / (np.sqrt(a) + e)
        return p, a

    assert ca.check_rmsprop_step(params_only)
    assert "its input params in place" in capsys.readouterr().out

    # the inputs the caller kept are not changed by the check itself
    assert ca.check_rmsprop_step(rmsprop_right)
    assert "Warning" not in capsys.readouterr().out


def test_rmsprop_step_in_torch():
    torch = pytest.importorskip("torch")

    def on_tensors(p, a, g, lr, b, e):
        p, a, g = (torch.as_tensor(v) for v in (p, a, g))
        a = b * a + (1 - b) * g**2
        return p - lr * g / (torch.sqrt(a) + e), a

    assert ca.check_rmsprop_step(on_tensors)  # lr, beta2, eps reach it as floats

    def torch_sqrt_on_arrays(p, a, g, lr, b, e):
        a = b * a + (1 - b) * g**2
        return p - lr * g / (torch.sqrt(a) + e), a

    fails_with(ca.check_rmsprop_step, torch_sqrt_on_arrays, match="numpy's functions")


def test_rmsprop_step_placeholder_and_bad_input(capsys):
    not_answered(ca.check_rmsprop_step, unwritten, capsys=capsys)
    not_answered(ca.check_rmsprop_step, todo("the hint"), capsys=capsys)
    with pytest.raises(TypeError, match="rmsprop_step"):
        ca.check_rmsprop_step(0.5)


# ------------------------------------------------------------------------ bias factor

FACTOR_10 = (1 - 0.9**10) / np.sqrt(1 - 0.999**10)


def test_bias_factor_right_answer_passes():
    assert ca.check_bias_factor(FACTOR_10)
    np.testing.assert_allclose(ca.bias_factor(10), FACTOR_10)


@pytest.mark.parametrize(
    "wrong, match",
    [
        (1 / FACTOR_10, "inverse"),
        ((1 - 0.9**10) / (1 - 0.999**10), "square root"),
        ((1 - 0.9) / np.sqrt(1 - 0.999), "step 1"),
        # one step off: within 1 % and full of digits, not "looks rounded"
        ((1 - 0.9**11) / np.sqrt(1 - 0.999**11), "step 11, one step late"),
        ((1 - 0.9**9) / np.sqrt(1 - 0.999**9), "step 9, one step early"),
        (1.0, "with bias correction on both sides"),
        (6.6, "PEAK"),  # the peak as the text prints it
        (float(ca.bias_factor(12)), "PEAK"),
    ],
)
def test_bias_factor_mistakes_are_named(wrong, match):
    fails_with(ca.check_bias_factor, wrong, match=match, secret=FACTOR_10)


@pytest.mark.parametrize("wrong, match", [(7.5, "too large"), (5.0, "too small")])
def test_bias_factor_unknown_answers_get_a_direction_not_the_value(wrong, match):
    fails_with(ca.check_bias_factor, wrong, match=match, secret=FACTOR_10)


@pytest.mark.parametrize(
    "wrong, match",
    [
        (None, "None"),
        ("six", "expected numbers"),
        ([1.0, 2.0], "one number"),
        (float("nan"), "finite"),
    ],
)
def test_bias_factor_rejects_non_numbers(wrong, match):
    fails_with(ca.check_bias_factor, wrong, match=match)


def test_bias_factor_placeholder(capsys):
    not_answered(ca.check_bias_factor, todo("the hint"), capsys=capsys)
    not_answered(ca.check_bias_factor, ..., capsys=capsys, hint="placeholder")


# ------------------------------------------------------------------------ diagonal kappa

H_EX = np.array([[4.0, 1.8], [1.8, 1.0]])


def test_diagonal_kappa_right_answer_passes():
    assert ca.check_diagonal_kappa(19.0, H_EX)
    np.testing.assert_allclose(condition_number(ca.jacobi_scaled(H_EX)), 19.0)


@pytest.mark.parametrize(
    "wrong, match",
    [
        (condition_number(H_EX), "before any scaling"),
        (1 / 19.0, "at least 1"),
        (4.0, "diagonal entries"),
        ((1 + 0.45) / (1 - 0.45), "square root is missing"),
        (0.9, "the correlation, not a condition number"),
        (25.0, "too large"),
        (12.0, "too small"),
    ],
)
def test_diagonal_kappa_mistakes_are_named(wrong, match):
    fails_with(ca.check_diagonal_kappa, wrong, H_EX, match=match, secret=19.0)


def test_diagonal_kappa_p_h_p_mistake_is_caught_as_unscaled():
    d = np.diag(1 / np.diag(H_EX))
    message = fails_with(
        ca.check_diagonal_kappa,
        condition_number(d @ H_EX @ d),
        H_EX,
        match="before any scaling",
        secret=19.0,
    )
    assert "P^(1/2) H P^(1/2)" in message


def test_diagonal_kappa_one_square_root_too_many_is_named():
    # the chapter's diagonal_scaled(H, p) takes the square root of p itself
    root = (1 / np.sqrt(np.diag(H_EX))) ** 0.5
    wrong = condition_number(root[:, None] * H_EX * root[None, :])
    np.testing.assert_allclose(wrong, 21.638, rtol=1e-4)
    message = fails_with(
        ca.check_diagonal_kappa, wrong, H_EX, match="already", secret=19.0
    )
    assert "diagonal_scaled" in message and "1 / np.diag(H)" in message


def test_diagonal_kappa_scan_finds_nothing_better():
    for H in (H_EX, np.array([[2.0, 9.0], [9.0, 66.0]]), 2 * np.array([[1.0, 0.9], [0.9, 1.0]])):
        best = condition_number(ca.jacobi_scaled(H))
        for q in np.geomspace(1e-3, 1e3, 301):
            d = np.sqrt([1.0, q])
            assert condition_number(d[:, None] * H * d) >= best * (1 - 1e-12)


def test_diagonal_kappa_placeholder_and_bad_hessians(capsys):
    not_answered(ca.check_diagonal_kappa, todo("the hint"), H_EX, capsys=capsys)
    with pytest.raises(ValueError, match="hessian must be 2 by 2"):
        ca.check_diagonal_kappa(1.0, np.eye(3))
    with pytest.raises(ValueError, match="hessian must be symmetric"):
        ca.check_diagonal_kappa(1.0, [[4.0, 1.8], [0.0, 1.0]])
    with pytest.raises(ValueError, match="hessian must be positive definite"):
        ca.check_diagonal_kappa(1.0, [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(TypeError, match="hessian"):
        ca.check_diagonal_kappa(1.0, "H")


# ------------------------------------------------------------------------ warm-up + cosine


def schedule_right(t, lr0=0.01, warmup_steps=10, num_steps=100):
    if t < warmup_steps:
        return lr0 * (0.1 + 0.9 * t / warmup_steps)
    return lr0 * (1 + np.cos(np.pi * (t - warmup_steps) / (num_steps - warmup_steps))) / 2


def test_warmup_cosine_right_answer_passes():
    assert ca.check_warmup_cosine(schedule_right)


def test_warmup_cosine_matches_torch_sequential_lr():
    torch = pytest.importorskip("torch")
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.01)
    sched = torch.optim.lr_scheduler.SequentialLR(
        opt,
        [
            torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=10),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=90),
        ],
        milestones=[10],
    )
    rates = []
    for _ in range(100):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    np.testing.assert_allclose([schedule_right(t) for t in range(100)], rates, rtol=1e-12)


def cos_part(s, length, lr0=0.01):
    return lr0 * (1 + np.cos(np.pi * min(s, length) / length)) / 2


@pytest.mark.parametrize(
    "wrong, match",
    [
        (lambda t: 0.01 * t / 10 if t < 10 else cos_part(t - 10, 90), "starts at 0"),
        (lambda t: schedule_right(t) if t < 10 else cos_part(t, 90), "end of the warm-up"),
        (
            lambda t: schedule_right(t) if t < 10 else 0.005 * (1 + np.cos(np.pi * t / 90)),
            "end of the warm-up",
        ),
        (lambda t: schedule_right(t) if t < 10 else cos_part(t, 100), "not over all"),
        (
            lambda t: schedule_right(t) if t < 10 else cos_part(t - 10, 100),
            r"divide s = t - warmup_steps by 90, .*reach 0 at t = 100, just after",
        ),
        (lambda t: schedule_right(t) if t < 10 else 2 * cos_part(t - 10, 90), "twice lr0"),
        (lambda t: cos_part(t, 100), "no warm-up"),
        (
            lambda t: 0.01 * (0.1 + 0.9 * t / 9) if t < 10 else cos_part(t - 10, 90),
            r"divides t by warmup_steps - 1 = 9, so it reaches lr0 at step 9",
        ),
        (
            lambda t: schedule_right(t) if t < 10 else cos_part(t - 10, 89),
            r"divides s = t - warmup_steps by 89 .*reaches 0 at the run's last step, 99",
        ),
        (
            lambda t: schedule_right(t) * (1.5 if t == 50 else 1.0),
            r"warmup_cosine\(50\).*too large",
        ),
        (lambda t: schedule_right(t) * (0.5 if t == 3 else 1.0), r"too small.*warm-up"),
    ],
)
def test_warmup_cosine_mistakes_are_named(wrong, match):
    fails_with(ca.check_warmup_cosine, wrong, match=match)


def test_warmup_cosine_placeholder_and_bad_values(capsys):
    not_answered(ca.check_warmup_cosine, unwritten, capsys=capsys)
    fails_with(ca.check_warmup_cosine, lambda t: None, match="None")
    fails_with(ca.check_warmup_cosine, lambda t: [t, t], match=r"warmup_cosine\(0\).*one number")
    fails_with(ca.check_warmup_cosine, lambda t: 1 / 0, match="ZeroDivisionError")
    with pytest.raises(TypeError, match="warmup_cosine"):
        ca.check_warmup_cosine([0.01] * 100)


def test_warmup_cosine_reaches_0_only_after_the_last_step():
    """The exercise's schedule is 0 at t = num_steps, one past the last step the run uses
    (as torch's CosineAnnealingLR with T_max = 90): the last rate is small but not 0."""
    assert schedule_right(99) > 0 and schedule_right(99) < 1e-5
    assert schedule_right(100) == pytest.approx(0, abs=1e-18)
    assert ca.check_warmup_cosine(schedule_right, num_steps=100)


def test_warmup_cosine_is_tried_at_other_arguments():
    """A schedule right at the exercise's numbers must also use its arguments: one that
    hard-codes them, uses only some, or takes none is named."""

    def hard_coded(t, lr0=0.01, warmup_steps=10, num_steps=100):
        return schedule_right(t)

    def decay_typed_in(t, lr0=0.01, warmup_steps=10, num_steps=100):
        if t < warmup_steps:
            return lr0 * (0.1 + 0.9 * t / warmup_steps)
        return cos_part(t - warmup_steps, 90, lr0)

    fails_with(ca.check_warmup_cosine, hard_coded, match="ignores its arguments")
    fails_with(ca.check_warmup_cosine, decay_typed_in,
               match=r"right with the exercise's numbers but not with lr0=0\.1.*cosine decay")
    fails_with(ca.check_warmup_cosine, lambda t: schedule_right(t),
               match="keep the arguments lr0, warmup_steps and num_steps")

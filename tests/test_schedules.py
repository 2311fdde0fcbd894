"""Tests for descentkit.schedules: the schedules (equal to torch.optim.lr_scheduler) and the
learning-rate finder."""

import numpy as np
import pytest
import torch

from descentkit import schedules as lrmod
from descentkit.optim import descend


def df(x):
    return 2 * x - 4


def f(x):
    return x**2 - 4 * x + 5


# --- learning-rate finder ----------------------------------------------------------------


def test_exponential_rates_grow_by_a_constant_factor():
    rates = lrmod.exponential_rates(1e-3, 10.0, 5)
    np.testing.assert_allclose(rates, [1e-3, 1e-2, 1e-1, 1.0, 10.0])


def test_lr_finder_follows_the_update_rule_and_stops_when_the_loss_explodes():
    result = lrmod.lr_finder(df, f, 7.0, lr_min=1e-3, lr_max=100.0, num_steps=60)
    rates = lrmod.exponential_rates(1e-3, 100.0, 60)
    x, losses = 7.0, []
    for rate in rates[: result.lrs.size]:
        x = x - rate * df(x)
        losses.append(f(x))
    np.testing.assert_allclose(result.losses, losses)
    assert result.initial_loss == f(7.0)
    assert result.stopped_early and result.lrs.size < 60
    assert result.losses[-1] > 4 * result.losses.min()


def test_suggest_lr_rules():
    res = lrmod.LRFinderResult(
        lrs=np.array([0.01, 0.1, 1.0, 10.0]),
        losses=np.array([1.0, 0.9, 0.1, 0.5]),
        initial_loss=1.0,
        stopped_early=False,
    )
    assert lrmod.suggest_lr(res, "min/10") == pytest.approx(0.1)
    assert lrmod.suggest_lr(res, "steepest") in (0.1, 1.0)
    finder = lrmod.lr_finder(df, f, 7.0, lr_min=1e-3, lr_max=100.0, num_steps=80)
    pick = lrmod.suggest_lr(finder, "min/10")
    assert 0 < pick < 1.0  # below 2 / f'' = 1 for this parabola


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lrmod.exponential_rates(0.0, 1.0, 10), "lr_min"),
        (lambda: lrmod.exponential_rates(1.0, 0.5, 10), "lr_max"),
        (lambda: lrmod.exponential_rates(1e-3, 1.0, 1), "num_steps"),
        (lambda: lrmod.lr_finder(df, "f", 7.0), "f"),
        (lambda: lrmod.lr_finder(df, f, 7.0, stop_factor=1.0), "stop_factor"),
        (lambda: lrmod.suggest_lr("result"), "result"),
        (lambda: lrmod.suggest_lr(lrmod.lr_finder(df, f, 7.0), rule="max"), "rule"),
        (lambda: lrmod.StepDecay(0.1, factor=1.5), "factor"),
        (lambda: lrmod.StepDecay(0.1, every=0), "every"),
        (lambda: lrmod.StepDecay(-0.1), "lr0"),
        (lambda: lrmod.ExponentialDecay(0.1, gamma=0.0), "gamma"),
        (lambda: lrmod.ExponentialDecay(0.1)(-1), "step"),
    ],
)
def test_lr_module_bad_input(call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call()


def test_schedules():
    step = lrmod.StepDecay(0.4, factor=0.5, every=10)
    assert [step(t) for t in (0, 9, 10, 19, 20)] == [0.4, 0.4, 0.2, 0.2, 0.1]
    expo = lrmod.ExponentialDecay(0.4, gamma=0.9)
    np.testing.assert_allclose([expo(t) for t in range(4)], 0.4 * 0.9 ** np.arange(4))
    assert "StepDecay" in repr(step) and "gamma=0.9" in repr(expo)
    inv = lrmod.InverseTimeDecay(0.2, decay=0.05)
    np.testing.assert_allclose([inv(t) for t in range(5)], 0.2 / (1 + 0.05 * np.arange(5)))
    np.testing.assert_allclose(lrmod.rates_of(inv, 5), [inv(t) for t in range(5)])
    np.testing.assert_array_equal(lrmod.rates_of(0.3, 3), [0.3, 0.3, 0.3])


def torch_rates(make_scheduler, lr0, num_steps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = make_scheduler(opt)
    rates = []
    for _ in range(num_steps):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(rates)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (
            lrmod.StepDecay(0.4, factor=0.5, every=10),
            lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.5),
        ),
        (
            lrmod.ExponentialDecay(0.4, gamma=0.97),
            lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.97),
        ),
        (
            lrmod.LinearWarmup(0.4, warmup_steps=20, start_factor=0.1),
            lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=20),
        ),
        (
            lrmod.CosineDecay(0.4, num_steps=50, lr_min=0.01),
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=50, eta_min=0.01),
        ),
    ],
)
def test_schedules_equal_torch_lr_scheduler_at_every_step(ours, theirs):
    np.testing.assert_allclose(
        lrmod.rates_of(ours, 50), torch_rates(theirs, 0.4, 50), rtol=1e-12, atol=1e-15
    )


def test_warmup_hands_over_to_the_next_schedule():
    sched = lrmod.LinearWarmup(
        1.0, warmup_steps=4, start_factor=0.25, then=lrmod.CosineDecay(1.0, num_steps=8)
    )
    rates = lrmod.rates_of(sched, 14)
    np.testing.assert_allclose(rates[:5], [0.25, 0.4375, 0.625, 0.8125, 1.0])
    assert rates[12] == pytest.approx(0.0, abs=1e-15) and np.all(np.diff(rates[4:]) <= 0)


def test_a_schedule_drives_any_rule():
    from descentkit.rules import Adam

    sched = lrmod.CosineDecay(0.1, num_steps=30)
    run = descend(lambda x: 2 * x, 3.0, sched, num_steps=30, rule=Adam())
    np.testing.assert_allclose(run.lrs, lrmod.rates_of(sched, 30))


def test_steepest_refuses_non_positive_losses_instead_of_clamping():
    res = lrmod.LRFinderResult(
        lrs=np.array([0.01, 0.1, 1.0]),
        losses=np.array([1.0, -0.5, 2.0]),
        initial_loss=1.0,
        stopped_early=True,
    )
    with pytest.raises(ValueError, match="positive losses"):
        lrmod.suggest_lr(res, "steepest")
    assert lrmod.suggest_lr(res, "min/10") == pytest.approx(0.01)

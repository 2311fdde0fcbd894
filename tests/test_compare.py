"""Tests of descentkit.compare: tuned, same-budget, multi-seed races."""

import numpy as np
import pytest

from descentkit import compare, rules
from descentkit.optim import descend, gradient_descent

H = np.diag([1.0, 10.0])


def score(rule, lr, seed, budget=300):
    start = np.random.default_rng(seed).normal(size=2)
    run = descend(lambda v: H @ v, start, lr, rule=rule, num_steps=budget)
    return compare.steps_or_inf(run, run.steps_within(1e-6, minimum=[0.0, 0.0]))


def test_steps_or_inf():
    ok = gradient_descent(lambda x: 2 * x, 1.0, 0.25, 40)
    assert compare.steps_or_inf(ok, ok.steps_within(1e-6, minimum=0.0)) == 20
    slow = gradient_descent(lambda x: 2 * x, 1.0, 0.001, 40)
    assert compare.steps_or_inf(slow, slow.steps_within(1e-6, minimum=0.0)) == np.inf
    wild = gradient_descent(lambda x: 2 * x, 1.0, 5.0, 40)
    assert compare.steps_or_inf(wild, 3) == np.inf


def test_tuning_finds_the_best_rate_of_the_grid_for_gradient_descent():
    rates = np.array([0.01, 0.1, 2 / 11, 0.19, 0.3])  # 2/11 = 2/(lambda_min + lambda_max)
    best, medians = compare.tune_rate(score, rules.GradientStep(), rates, [0, 1, 2])
    assert best == pytest.approx(2 / 11)
    assert medians[-1] == np.inf  # 0.3 > 2/lambda_max diverges
    assert np.argmin(medians) == 2


def test_race_measures_on_fresh_seeds_and_reports_failures():
    rates = np.array([0.05, 0.1, 0.18])
    out = compare.race(
        score,
        {"gd": rules.GradientStep(), "hb": rules.HeavyBall(0.5)},
        rates,
        tune_seeds=[0, 1],
        test_seeds=[5, 6, 7],
    )
    assert set(out) == {"gd", "hb"}
    for result in out.values():
        assert result.tuned and result.fails == 0 and result.steps.shape == (3,)
        assert result.steps.tolist() == [
            score(
                rules.HeavyBall(0.5) if result is out["hb"] else rules.GradientStep(), result.lr, s
            )
            for s in (5, 6, 7)
        ]
    never = compare.race(score, {"gd": rules.GradientStep()}, [5.0], [0], [1, 2])
    assert not never["gd"].tuned and never["gd"].fails == 2 and np.isnan(never["gd"].lr)


def test_tuning_and_test_seeds_must_differ():
    with pytest.raises(ValueError, match="disjoint"):
        compare.race(score, {"gd": rules.GradientStep()}, [0.1], [0, 1], [1, 2])
    with pytest.raises(TypeError, match="score"):
        compare.tune_rate(None, rules.GradientStep(), [0.1], [0])

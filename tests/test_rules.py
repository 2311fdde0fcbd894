"""Tests of descentkit.rules: every update rule equals its torch.optim class step for step."""

import numpy as np
import pytest
import torch

from descentkit import rules
from descentkit.optim import descend

A = np.diag([1.0, 25.0])
B = np.array([[3.0, 1.2], [1.2, 0.8]])  # a rotated valley, off-diagonal curvature
X0 = np.array([3.0, -2.0])


def torch_points(optimizer_cls, matrix, x0, num_steps, lrs=None, **kwargs):
    """The points of torch.optim's optimizer on 0.5 x^T A x + x_1, in float64."""
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = optimizer_cls([p], **kwargs)
    at = torch.tensor(matrix)
    points = [x0.copy()]
    for t in range(num_steps):
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[t]
        opt.zero_grad()
        (0.5 * p @ at @ p + p[0]).backward()
        opt.step()
        points.append(p.detach().clone().numpy())
    return np.array(points)


def ours(rule, matrix, x0, num_steps, lr):
    def grad(x):
        return matrix @ x + np.array([1.0, 0.0])

    return descend(grad, x0, lr, num_steps=num_steps, rule=rule).params


CASES = [
    # (our rule, torch class, torch keyword arguments, lr)
    (rules.GradientStep(), torch.optim.SGD, {}, 0.03),
    (rules.GradientStep(weight_decay=0.1), torch.optim.SGD, {"weight_decay": 0.1}, 0.03),
    (rules.HeavyBall(0.0), torch.optim.SGD, {"momentum": 0.0}, 0.03),
    (rules.HeavyBall(0.5), torch.optim.SGD, {"momentum": 0.5}, 0.03),
    (rules.HeavyBall(0.9), torch.optim.SGD, {"momentum": 0.9}, 0.01),
    (
        rules.HeavyBall(0.9, weight_decay=0.05),
        torch.optim.SGD,
        {"momentum": 0.9, "weight_decay": 0.05},
        0.01,
    ),
    (rules.Nesterov(0.5), torch.optim.SGD, {"momentum": 0.5, "nesterov": True}, 0.03),
    (rules.Nesterov(0.9), torch.optim.SGD, {"momentum": 0.9, "nesterov": True}, 0.01),
    (rules.AdaGrad(), torch.optim.Adagrad, {}, 0.5),
    (
        rules.AdaGrad(eps=1e-6, initial_accumulator_value=0.1, weight_decay=0.01),
        torch.optim.Adagrad,
        {"eps": 1e-6, "initial_accumulator_value": 0.1, "weight_decay": 0.01},
        0.3,
    ),
    (rules.RMSProp(), torch.optim.RMSprop, {}, 0.01),
    (
        rules.RMSProp(alpha=0.9, eps=1e-6, weight_decay=0.02),
        torch.optim.RMSprop,
        {"alpha": 0.9, "eps": 1e-6, "weight_decay": 0.02},
        0.05,
    ),
    (rules.Adam(), torch.optim.Adam, {}, 0.1),
    (
        rules.Adam(beta1=0.8, beta2=0.99, eps=1e-6),
        torch.optim.Adam,
        {"betas": (0.8, 0.99), "eps": 1e-6},
        0.05,
    ),
    (rules.Adam(weight_decay=0.1), torch.optim.Adam, {"weight_decay": 0.1}, 0.1),
    (rules.AdamW(), torch.optim.AdamW, {}, 0.1),
    (
        rules.AdamW(weight_decay=0.3, beta1=0.5),
        torch.optim.AdamW,
        {"weight_decay": 0.3, "betas": (0.5, 0.999)},
        0.02,
    ),
]


@pytest.mark.parametrize("matrix", [A, B], ids=["axis-aligned", "rotated"])
@pytest.mark.parametrize("rule, cls, kwargs, lr", CASES, ids=[repr(c[0]) for c in CASES])
def test_rule_equals_torch_optim_step_for_step(rule, cls, kwargs, lr, matrix):
    mine = ours(rule, matrix, X0, 60, lr)
    ref = torch_points(cls, matrix, X0, 60, lr=lr, **kwargs)
    np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize(
    "rule, cls, kwargs",
    [
        (rules.HeavyBall(0.9), torch.optim.SGD, {"momentum": 0.9}),
        (rules.Adam(), torch.optim.Adam, {}),
    ],
)
def test_rule_equals_torch_with_a_changing_rate(rule, cls, kwargs):
    lrs = 0.05 / (1 + 0.1 * np.arange(40))

    def grad(x):
        return A @ x + np.array([1.0, 0.0])

    mine = descend(grad, X0, lambda t: lrs[t], num_steps=40, rule=rule).params
    ref = torch_points(cls, A, X0, 40, lrs=lrs, lr=lrs[0], **kwargs)
    np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-13)


def test_rules_do_not_change_their_inputs_and_can_be_reused():
    rule = rules.Adam()
    x, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
    state = rule.init(x)
    new_x, new_state = rule.step(x, g, 0.1, state)
    assert state["step"] == 0 and np.all(state["m"] == 0) and new_state["step"] == 1
    np.testing.assert_array_equal(x, [1.0, 2.0])
    first = ours(rule, A, X0, 10, 0.1)
    np.testing.assert_array_equal(first, ours(rule, A, X0, 10, 0.1))


def test_zero_momentum_is_the_plain_step_number_for_number():
    np.testing.assert_array_equal(
        ours(rules.HeavyBall(0.0), B, X0, 30, 0.1), ours(rules.GradientStep(), B, X0, 30, 0.1)
    )


def test_heavy_ball_is_polyaks_two_step_recursion():
    """p_{t+1} = p_t - eta g_t + beta (p_t - p_{t-1}), an independent form of the same method."""

    def g(v):
        return 3.0 * v + 1.0

    run = descend(g, 2.0, 0.1, num_steps=20, rule=rules.HeavyBall(0.6))
    p = [2.0, 2.0 - 0.1 * g(2.0)]
    for _ in range(19):
        p.append(p[-1] - 0.1 * g(p[-1]) + 0.6 * (p[-1] - p[-2]))
    np.testing.assert_allclose(run.params, p, rtol=1e-12)


def test_adam_bias_correction_makes_the_first_step_lr_in_size():
    """With bias correction, Adam's first step is lr * sign(g) (up to eps); without it,
    the step is (1 - beta1) / sqrt(1 - beta2) = 3.16 times larger for the defaults."""
    g = np.array([1e-3, -50.0])
    x0 = np.zeros(2)
    with_bc, _ = rules.Adam().step(x0, g, 0.1, rules.Adam().init(x0))
    np.testing.assert_allclose(with_bc, -0.1 * np.sign(g), rtol=1e-4)
    raw = rules.Adam(bias_correction=False)
    without, _ = raw.step(x0, g, 0.1, raw.init(x0))
    np.testing.assert_allclose(without / with_bc, 0.1 / np.sqrt(0.001), rtol=1e-3)


def test_adaptive_rules_are_invariant_to_a_per_coordinate_scale():
    """Scaling coordinate 2 of the gradient by 1000 leaves Adam's and RMSProp's steps the same
    (up to eps): the per-coordinate rescaling of chapter 8."""
    g = np.array([0.3, -0.2])
    for rule in (rules.Adam(eps=1e-12), rules.RMSProp(eps=1e-12), rules.AdaGrad(eps=1e-12)):
        a, _ = rule.step(np.zeros(2), g, 0.1, rule.init(np.zeros(2)))
        b, _ = rule.step(np.zeros(2), g * [1, 1000], 0.1, rule.init(np.zeros(2)))
        np.testing.assert_allclose(a, b, rtol=1e-9)


def test_momentum_weights_sum_to_the_effective_memory():
    for beta in (0.5, 0.9, 0.99):
        w = rules.momentum_weights(beta, 20_000)
        assert w[0] == 1.0 and w[3] == pytest.approx(beta**3)
        np.testing.assert_allclose(w.sum(), rules.effective_memory(beta), rtol=1e-9)


def test_velocity_of_a_constant_gradient_tends_to_g_over_one_minus_beta():
    run = descend(lambda p: np.array([2.0]), [0.0], 0.01, num_steps=300, rule=rules.HeavyBall(0.9))
    np.testing.assert_allclose(run.state["velocity"], 2.0 / (1 - 0.9), rtol=1e-10)


@pytest.mark.parametrize(
    "make, exc, name",
    [
        (lambda: rules.HeavyBall(1.0), ValueError, "momentum"),
        (lambda: rules.HeavyBall(-0.1), ValueError, "momentum"),
        (lambda: rules.HeavyBall("0.9"), TypeError, "momentum"),
        (lambda: rules.Nesterov(0.0), ValueError, "momentum"),
        (lambda: rules.GradientStep(weight_decay=-1), ValueError, "weight_decay"),
        (lambda: rules.AdaGrad(eps=0), ValueError, "eps"),
        (lambda: rules.RMSProp(alpha=1.0), ValueError, "alpha"),
        (lambda: rules.Adam(beta1=1.0), ValueError, "beta1"),
        (lambda: rules.Adam(beta2=None), TypeError, "beta2"),
        (lambda: rules.Adam(bias_correction="yes"), TypeError, "bias_correction"),
        (lambda: rules.momentum_weights(0.9, 0), ValueError, "num_terms"),
    ],
)
def test_bad_settings_raise_naming_the_argument(make, exc, name):
    with pytest.raises(exc, match=name):
        make()

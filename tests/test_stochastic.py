"""Tests of descentkit.stochastic: batching, SGD, momentum and Nesterov against torch.optim.SGD."""

import numpy as np
import pytest
import torch

from descentkit import linreg
from descentkit.data import make_linear_data
from descentkit.optim import DivergenceError, gradient_descent
from descentkit.stochastic import (
    epoch_batches,
    inverse_time_decay,
    linreg_batch_gradient,
    linreg_loss,
    minibatch_sgd,
    momentum_descent,
    distance_to,
    sgd,
    shuffled_batches,
)

DATA = make_linear_data()
X, Y = DATA.x_train, DATA.y_train
N = X.size
THETA0 = np.array([0.49671415, -0.1382643])


def torch_run(batch_order, lr, momentum, nesterov, x=X, y=Y, theta0=THETA0, lrs=None):
    """Reference: the same batches through torch.optim.SGD in float64, returning every point."""
    xt, yt = torch.tensor(x), torch.tensor(y)
    params = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([params], lr=lr, momentum=momentum, nesterov=nesterov)
    points = [params.detach().clone().numpy()]
    step = 0
    for epoch in batch_order:
        for idx in epoch:
            if lrs is not None:
                for group in opt.param_groups:
                    group["lr"] = lrs[step]
            idx = torch.as_tensor(np.asarray(idx))
            opt.zero_grad()
            loss = torch.mean((params[0] + params[1] * xt[idx] - yt[idx]) ** 2)
            loss.backward()
            opt.step()
            points.append(params.detach().clone().numpy())
            step += 1
    return np.array(points)


# --- batching --------------------------------------------------------------------------------

@pytest.mark.parametrize("batch_size", [1, 7, 16, 80])
def test_epoch_batches_cover_every_index_once(batch_size):
    batches = epoch_batches(N, batch_size, rng=np.random.default_rng(3))
    assert all(len(b) == batch_size for b in batches[:-1])
    assert 1 <= len(batches[-1]) <= batch_size
    assert len(batches) == -(-N // batch_size)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(N))


def test_epoch_batches_without_shuffle_is_in_order():
    batches = epoch_batches(10, 4, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(batches), np.arange(10))
    assert [len(b) for b in batches] == [4, 4, 2]


def test_shuffled_batches_are_seeded_and_reshuffled_each_epoch():
    a = shuffled_batches(N, 8, 3, seed=5)
    b = shuffled_batches(N, 8, 3, seed=5)
    c = shuffled_batches(N, 8, 3, seed=6)
    for ea, eb in zip(a, b):
        np.testing.assert_array_equal(np.concatenate(ea), np.concatenate(eb))
    assert not np.array_equal(np.concatenate(a[0]), np.concatenate(c[0]))
    assert not np.array_equal(np.concatenate(a[0]), np.concatenate(a[1]))  # reshuffled


# --- bad input -------------------------------------------------------------------------------

GRAD = linreg_batch_gradient(X, Y)


@pytest.mark.parametrize("kwargs, name", [
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size=N + 1), "batch_size"),
    (dict(batch_size=2.5), "batch_size"),
    (dict(momentum=1.0), "momentum"),
    (dict(momentum=-0.1), "momentum"),
    (dict(momentum=float("nan")), "momentum"),
    (dict(lr=0.0), "lr"),
    (dict(lr=-0.1), "lr"),
    (dict(num_epochs=0), "num_epochs"),
    (dict(nesterov=True, momentum=0.0), "nesterov"),
    (dict(x0=[np.nan, 0.0]), "x0"),
    (dict(batch_order=[[np.array([0, 99])]]), "batch_order"),
])
def test_bad_input_raises_value_error_naming_the_argument(kwargs, name):
    args = dict(x0=THETA0, lr=0.1, num_samples=N, batch_size=8, num_epochs=2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        minibatch_sgd(GRAD, **args)


def test_momentum_descent_rejects_bad_input():
    with pytest.raises(ValueError, match="num_steps"):
        momentum_descent(lambda x: x, [1.0], 0.1, 0)
    with pytest.raises(ValueError, match="momentum"):
        momentum_descent(lambda x: x, [1.0], 0.1, 5, momentum=1.5)
    with pytest.raises(ValueError, match="grad"):
        momentum_descent(lambda x: np.zeros(3), [1.0, 2.0], 0.1, 5)
    with pytest.raises(ValueError, match="decay"):
        inverse_time_decay(0.1, -1)


# --- agreement with torch.optim.SGD ------------------------------------------------------------

@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.5, False), (0.9, False), (0.99, False),
                                                (0.5, True), (0.9, True), (0.99, True)])
@pytest.mark.parametrize("batch_size", [N, 16, 1])
def test_matches_torch_sgd_step_for_step(momentum, nesterov, batch_size):
    order = shuffled_batches(N, batch_size, 3, seed=11)
    ours = minibatch_sgd(GRAD, THETA0, 0.1, num_samples=N, batch_size=batch_size, num_epochs=3,
                         batch_order=order, momentum=momentum, nesterov=nesterov)
    ref = torch_run(order, 0.1, momentum, nesterov)
    assert ours.status == "completed"
    assert ours.params.shape == ref.shape == (3 * len(order[0]) + 1, 2)
    np.testing.assert_allclose(ours.params, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_matches_torch_with_a_changing_learning_rate(momentum, nesterov):
    order = shuffled_batches(N, 8, 4, seed=2)
    schedule = inverse_time_decay(0.2, 0.05)
    ours = minibatch_sgd(GRAD, THETA0, 0.2, num_samples=N, batch_size=8, num_epochs=4, batch_order=order,
                         momentum=momentum, nesterov=nesterov, lr_schedule=schedule)
    ref = torch_run(order, 0.2, momentum, nesterov, lrs=[schedule(t) for t in range(40)])
    np.testing.assert_allclose(ours.params, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.extra["lrs"], 0.2 / (1 + 0.05 * np.arange(40)))


def test_matches_torch_dataloader_order():
    """The batch order of a seeded DataLoader, replayed through minibatch_sgd, gives torch's numbers."""
    from torch.utils.data import DataLoader, TensorDataset

    ds = TensorDataset(torch.tensor(X), torch.tensor(Y), torch.arange(N))
    loader = DataLoader(ds, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(0))
    params = torch.tensor(THETA0, requires_grad=True)
    opt = torch.optim.SGD([params], lr=0.1, momentum=0.8)
    order = []
    for _ in range(3):
        epoch = []
        for xb, yb, idx in loader:
            opt.zero_grad()
            torch.mean((params[0] + params[1] * xb - yb) ** 2).backward()
            opt.step()
            epoch.append(idx.numpy())
        order.append(epoch)
    ours = minibatch_sgd(GRAD, THETA0, 0.1, num_samples=N, batch_size=16, num_epochs=3,
                         batch_order=order, momentum=0.8)
    np.testing.assert_allclose(ours.final, params.detach().numpy(), rtol=1e-12)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.7, False), (0.7, True)])
def test_momentum_descent_matches_torch_on_a_quadratic(momentum, nesterov):
    a = np.diag([1.0, 25.0])
    x0 = np.array([3.0, -2.0])
    run = momentum_descent(lambda x: a @ x, x0, 0.03, 50, momentum=momentum, nesterov=nesterov)
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.03, momentum=momentum, nesterov=nesterov)
    at = torch.tensor(a)
    ref = [x0]
    for _ in range(50):
        opt.zero_grad()
        (0.5 * p @ at @ p).backward()
        opt.step()
        ref.append(p.detach().clone().numpy())
    np.testing.assert_allclose(run.params, np.array(ref), rtol=1e-12, atol=1e-14)


# --- other properties ----------------------------------------------------------------------

def test_zero_momentum_equals_plain_gradient_descent():
    f = lambda v: (v[0] - 1) ** 2 + 10 * v[1] ** 2
    g = lambda v: np.array([2 * (v[0] - 1), 20 * v[1]])
    ours = momentum_descent(g, [4.0, 1.0], 0.04, 30, momentum=0.0, f=f)
    ref = gradient_descent(g, [4.0, 1.0], 0.04, 30, f=f)
    np.testing.assert_allclose(ours.params, ref.params, rtol=0, atol=1e-15)
    np.testing.assert_allclose(ours.losses, ref.losses, rtol=0, atol=1e-15)


def test_heavy_ball_is_polyaks_two_step_recursion():
    """p_{t+1} = p_t - eta g_t + beta (p_t - p_{t-1}), an independent form of the same method."""
    g = lambda v: np.array([3.0 * v[0] + 1.0])
    run = momentum_descent(g, [2.0], 0.1, 20, momentum=0.6)
    p = [np.array([2.0])]
    p.append(p[0] - 0.1 * g(p[0]))
    for _ in range(19):
        p.append(p[-1] - 0.1 * g(p[-1]) + 0.6 * (p[-1] - p[-2]))
    np.testing.assert_allclose(run.params, np.array(p), rtol=1e-12)


def test_full_batch_minibatch_sgd_equals_gradient_descent():
    full = minibatch_sgd(GRAD, THETA0, 0.1, num_samples=N, batch_size=N, num_epochs=25, f=linreg_loss(X, Y))
    ref = gradient_descent(lambda t: linreg.mse_gradient(t[0], t[1], X, Y), THETA0, 0.1, 25,
                           f=lambda t: linreg.mse(t[0], t[1], X, Y))
    np.testing.assert_allclose(full.params, ref.params, rtol=1e-12)
    np.testing.assert_allclose(full.losses, ref.losses, rtol=1e-12)


def test_linreg_helpers_equal_linreg_module():
    grad, loss = linreg_batch_gradient(X, Y), linreg_loss(X, Y)
    idx = np.array([3, 17, 42])
    theta = np.array([0.3, 1.7])
    np.testing.assert_allclose(grad(theta, idx), linreg.mse_gradient(0.3, 1.7, X[idx], Y[idx]), rtol=1e-14)
    np.testing.assert_allclose(grad(theta), linreg.mse_gradient(0.3, 1.7, X, Y), rtol=1e-14)
    assert loss(theta) == pytest.approx(linreg.mse(0.3, 1.7, X, Y), rel=1e-14)


def test_epoch_averaged_minibatch_gradient_is_the_full_gradient():
    theta = np.array([0.2, 0.5])
    for batch_size in (1, 8, 16):
        batches = epoch_batches(N, batch_size, rng=np.random.default_rng(0))
        mean = np.mean([GRAD(theta, idx) for idx in batches], axis=0)
        np.testing.assert_allclose(mean, GRAD(theta), rtol=1e-12)


def test_bookkeeping_of_epochs_and_gradient_evaluations():
    run = minibatch_sgd(GRAD, THETA0, 0.05, num_samples=N, batch_size=30, num_epochs=2, seed=1)
    assert run.num_steps == 6  # 30 + 30 + 20 per epoch
    np.testing.assert_array_equal(run.extra["epoch"], [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(run.extra["grad_evals"], [0, 30, 60, 80, 110, 140, 160])


def test_divergence_is_reported_not_nan():
    run = minibatch_sgd(GRAD, THETA0, 5.0, num_samples=N, batch_size=8, num_epochs=50,
                        momentum=0.9, f=linreg_loss(X, Y))
    assert run.diverged and "diverged" in run.message
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))
    with pytest.raises(DivergenceError):
        momentum_descent(lambda x: 2 * x, [1.0], 3.0, 200, momentum=0.9, on_divergence="raise")


def test_tol_stops_early_with_converged_status():
    run = momentum_descent(lambda x: 2 * x, [1.0], 0.1, 1000, momentum=0.5, tol=1e-8)
    assert run.converged and run.num_steps < 1000
    assert abs(run.final[0]) < 1e-8


def test_distance_to_measures_rms_distance_over_chosen_epochs():
    order = [[np.array([0])], [np.array([1])], [np.array([2])]]
    run = sgd(lambda x, idx: np.array([-1.0, 0.0]), [0.0, 0.0], 1.0, order)  # steps to (1,0), (2,0), (3,0)
    assert distance_to(run, [0.0, 0.0]) == pytest.approx(np.sqrt((1 + 4 + 9) / 3))
    assert distance_to(run, [0.0, 0.0], from_epoch=2) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="from_epoch"):
        distance_to(run, [0.0, 0.0], from_epoch=3)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_a_non_finite_gradient_stops_the_run_before_the_bad_point(bad, momentum):
    # one gradient step is fine; the second gradient is NaN or infinite
    calls = []

    def grad(x, _batch):
        calls.append(1)
        return np.array([1.0, 1.0]) if len(calls) == 1 else np.array([bad, 0.0])

    run = sgd(grad, [0.0, 0.0], 0.1, [[None]] * 5, momentum=momentum)
    assert run.diverged and run.num_steps == 1
    np.testing.assert_allclose(run.final, [-0.1, -0.1])
    assert np.all(np.isfinite(run.params))


"""Tests of descentkit.stochastic: mini-batches as the engine's gradient source, against
torch.optim.SGD and a PyTorch DataLoader, and the noise ball."""

import numpy as np
import pytest
import torch

from descentkit import losses
from descentkit.data import make_linear_data
from descentkit.optim import descend, gradient_descent, minibatch_sgd
from descentkit.rules import HeavyBall, Nesterov
from descentkit.schedules import InverseTimeDecay
from descentkit.stochastic import MiniBatches, distance_to, epoch_batches, shuffled_batches

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
    for ea, eb in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.concatenate(ea), np.concatenate(eb))
    assert not np.array_equal(np.concatenate(a[0]), np.concatenate(c[0]))
    assert not np.array_equal(np.concatenate(a[0]), np.concatenate(a[1]))  # reshuffled


def make_rule(momentum, nesterov):
    return Nesterov(momentum) if nesterov else HeavyBall(momentum)


def test_minibatches_with_replacement_draw_independent_batches():
    batches = MiniBatches(N, 4, num_epochs=3, seed=1, replacement=True).epochs()
    assert len(batches) == 3 and all(len(e) == N // 4 for e in batches)
    drawn = np.concatenate([np.concatenate(e) for e in batches])
    assert len(np.unique(drawn)) < drawn.size  # some examples come twice
    again = MiniBatches(N, 4, num_epochs=3, seed=1, replacement=True).epochs()
    np.testing.assert_array_equal(np.concatenate(again[2]), np.concatenate(batches[2]))


# --- bad input -------------------------------------------------------------------------------

GRAD = losses.mse_gradient_of(X, Y)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=N + 1), "batch_size"),
        (dict(lr=0.0), "lr"),
        (dict(lr=-0.1), "lr"),
        (dict(num_epochs=0), "num_epochs"),
        (dict(x0=[np.nan, 0.0]), "x0"),
        (dict(batch_order=[[np.array([0, 99])]]), "order"),
        (dict(batch_order=[[np.array([0.5])]]), "order"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(kwargs, name):
    args = dict(x0=THETA0, lr=0.1, num_samples=N, batch_size=8, num_epochs=2)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        minibatch_sgd(GRAD, **args)


def test_bad_flags_are_type_errors():
    with pytest.raises(TypeError, match="replacement"):
        MiniBatches(N, 4, replacement="yes")
    with pytest.raises(TypeError, match="batch_size"):
        MiniBatches(N, 2.5)
    with pytest.raises(TypeError, match="rng"):
        epoch_batches(N, 4, rng=3)


# --- agreement with torch.optim.SGD ------------------------------------------------------------


@pytest.mark.parametrize(
    "momentum, nesterov",
    [
        (0.0, False),
        (0.5, False),
        (0.9, False),
        (0.99, False),
        (0.5, True),
        (0.9, True),
        (0.99, True),
    ],
)
@pytest.mark.parametrize("batch_size", [N, 16, 1])
def test_matches_torch_sgd_step_for_step(momentum, nesterov, batch_size):
    order = shuffled_batches(N, batch_size, 3, seed=11)
    ours = minibatch_sgd(
        GRAD,
        THETA0,
        0.1,
        num_samples=N,
        batch_size=batch_size,
        num_epochs=3,
        batch_order=order,
        rule=make_rule(momentum, nesterov),
    )
    ref = torch_run(order, 0.1, momentum, nesterov)
    assert ours.status == "completed"
    assert ours.params.shape == ref.shape == (3 * len(order[0]) + 1, 2)
    np.testing.assert_allclose(ours.params, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_matches_torch_with_a_changing_learning_rate(momentum, nesterov):
    order = shuffled_batches(N, 8, 4, seed=2)
    schedule = InverseTimeDecay(0.2, 0.05)
    ours = minibatch_sgd(
        GRAD,
        THETA0,
        schedule,
        num_samples=N,
        batch_size=8,
        num_epochs=4,
        batch_order=order,
        rule=make_rule(momentum, nesterov),
    )
    ref = torch_run(order, 0.2, momentum, nesterov, lrs=[schedule(t) for t in range(40)])
    np.testing.assert_allclose(ours.params, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.lrs, 0.2 / (1 + 0.05 * np.arange(40)))


def test_matches_torch_dataloader_order():
    """A seeded DataLoader's batch order, replayed through minibatch_sgd, gives torch's numbers."""
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
    ours = minibatch_sgd(
        GRAD,
        THETA0,
        0.1,
        num_samples=N,
        batch_size=16,
        num_epochs=3,
        batch_order=order,
        rule=HeavyBall(0.8),
    )
    np.testing.assert_allclose(ours.final, params.detach().numpy(), rtol=1e-12)


def test_full_batch_minibatch_sgd_equals_gradient_descent():
    full = minibatch_sgd(
        GRAD, THETA0, 0.1, num_samples=N, batch_size=N, num_epochs=25, f=losses.mse_of(X, Y)
    )
    ref = gradient_descent(
        lambda t: losses.mse_gradient(t[0], t[1], X, Y),
        THETA0,
        0.1,
        25,
        f=lambda t: losses.mse(t[0], t[1], X, Y),
    )
    np.testing.assert_allclose(full.params, ref.params, rtol=1e-12)
    np.testing.assert_allclose(full.losses, ref.losses, rtol=1e-12)


def test_closures_equal_the_loss_functions():
    grad, loss = losses.mse_gradient_of(X, Y), losses.mse_of(X, Y)
    idx = np.array([3, 17, 42])
    theta = np.array([0.3, 1.7])
    np.testing.assert_allclose(
        grad(theta, idx), losses.mse_gradient(0.3, 1.7, X[idx], Y[idx]), rtol=1e-14
    )
    np.testing.assert_allclose(grad(theta), losses.mse_gradient(0.3, 1.7, X, Y), rtol=1e-14)
    assert loss(theta) == pytest.approx(losses.mse(0.3, 1.7, X, Y), rel=1e-14)


def test_epoch_averaged_minibatch_gradient_is_the_full_gradient():
    theta = np.array([0.2, 0.5])
    for batch_size in (1, 8, 16):
        batches = epoch_batches(N, batch_size, rng=np.random.default_rng(0))
        mean = np.mean([GRAD(theta, idx) for idx in batches], axis=0)
        np.testing.assert_allclose(mean, GRAD(theta), rtol=1e-12)


def test_bookkeeping_of_epochs_and_gradient_evaluations():
    run = minibatch_sgd(GRAD, THETA0, 0.05, num_samples=N, batch_size=30, num_epochs=2, seed=1)
    assert run.num_steps == 6  # 30 + 30 + 20 per epoch
    np.testing.assert_array_equal(run.epochs, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(run.grad_evals, [0, 30, 60, 80, 110, 140, 160])


def test_divergence_is_reported_not_nan():
    run = minibatch_sgd(
        GRAD,
        THETA0,
        5.0,
        num_samples=N,
        batch_size=8,
        num_epochs=50,
        rule=HeavyBall(0.9),
        f=losses.mse_of(X, Y),
    )
    assert run.diverged and "diverged" in run.message
    assert np.all(np.isfinite(run.params)) and np.all(np.isfinite(run.losses))


def test_distance_to_measures_rms_distance_over_chosen_epochs():
    order = [[np.array([0])], [np.array([1])], [np.array([2])]]
    # steps to (1, 0), (2, 0), (3, 0)
    run = descend(lambda x, idx: np.array([-1.0, 0.0]), [0.0, 0.0], 1.0, batches=order)
    assert distance_to(run, [0.0, 0.0]) == pytest.approx(np.sqrt((1 + 4 + 9) / 3))
    assert distance_to(run, [0.0, 0.0], from_epoch=2) == pytest.approx(3.0)
    with pytest.raises(ValueError, match="from_epoch"):
        distance_to(run, [0.0, 0.0], from_epoch=3)
    with pytest.raises(ValueError, match="mini-batch"):
        distance_to(gradient_descent(lambda x: x, [1.0], 0.1, 3), [0.0])

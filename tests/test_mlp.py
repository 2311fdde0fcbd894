"""Tests for chapter 9's small networks: the flat layout against nn.Sequential, PyTorch's
initialisation, independent networks in one batch, the sharpness by Hessian-vector
products against the full Hessian, and filter-normalised directions."""

import numpy as np
import pytest
import torch

from descentkit.losses import mlp_cross_entropy, sharpness
from descentkit.models import (
    filter_normalized_direction,
    mlp_filters,
    mlp_init,
    mlp_layers,
    mlp_logits,
    mlp_num_params,
    mlp_to_module,
)


@pytest.fixture(scope="module")
def data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(50, 2, generator=gen, dtype=torch.float64)
    y = (X[:, 0] * X[:, 1] > 0).to(torch.float64)
    return X, y


def test_init_draws_what_nn_linear_draws_under_the_same_seed():
    for seed in (0, 3, 12345):
        torch.manual_seed(seed)
        first, second = torch.nn.Linear(2, 16), torch.nn.Linear(16, 1)
        expected = torch.cat(
            [first.weight.T.reshape(-1), first.bias, second.weight.reshape(-1), second.bias]
        ).detach()
        torch.manual_seed(999)  # the global state must not matter, nor change
        state = torch.get_rng_state()
        row = mlp_init([seed], hidden=16)[0]
        assert torch.equal(torch.get_rng_state(), state)
        assert torch.equal(row, expected)
    thetas = mlp_init([0, 1], hidden=4, scale=0.01, dtype=torch.float64)
    assert thetas.shape == (2, mlp_num_params(2, 4)) == (2, 17) and thetas.dtype == torch.float64
    single = mlp_init([0], hidden=4)[0].double().numpy()
    np.testing.assert_allclose(thetas[0].numpy(), 0.01 * single)


def test_flat_network_is_the_sequential_network(data):
    X, _ = data
    thetas = mlp_init(range(4), hidden=8, dtype=torch.float64)
    z = mlp_logits(thetas, X)
    assert z.shape == (4, 50)
    for k in range(4):
        module = mlp_to_module(thetas[k])
        torch.testing.assert_close(module(X)[:, 0], z[k], rtol=1e-13, atol=1e-13)
        W1, b1, w2, b2 = mlp_layers(thetas[k])
        manual = torch.tanh(X @ W1 + b1) @ w2 + b2
        torch.testing.assert_close(manual, z[k], rtol=1e-13, atol=1e-13)


def test_layers_are_views_in_the_documented_order():
    theta = np.arange(mlp_num_params(3, 2), dtype=float)
    W1, b1, w2, b2 = mlp_layers(theta, num_inputs=3)
    assert W1.shape == (3, 2) and b1.shape == w2.shape == (2,) and b2.shape == (1,)
    np.testing.assert_array_equal(W1, [[0, 1], [2, 3], [4, 5]])
    b1[0] = -1
    assert theta[6] == -1
    many = np.arange(2 * 9, dtype=float).reshape(2, 9)
    W1, b1, w2, b2 = mlp_layers(many)
    assert W1.shape == (2, 2, 2) and b2.shape == (2, 1)
    W1[1, 0, 0] = -5
    assert many[1, 0] == -5
    with pytest.raises(ValueError, match="parameters"):
        mlp_layers(np.zeros(10))


def test_networks_in_one_batch_train_independently(data):
    X, y = data
    thetas = mlp_init(range(3), hidden=8, dtype=torch.float64).requires_grad_()
    losses = mlp_cross_entropy(thetas, X, y)
    losses.sum().backward()
    for k in range(3):
        single = thetas[k].detach().clone().requires_grad_()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            mlp_to_module(thetas[k].detach())(X)[:, 0], y
        )
        torch.testing.assert_close(losses[k], loss, rtol=1e-13, atol=0)
        (g,) = torch.autograd.grad(mlp_cross_entropy(single[None], X, y)[0], single)
        torch.testing.assert_close(thetas.grad[k], g, rtol=1e-12, atol=1e-14)


def test_sharpness_by_hessian_vector_products_equals_the_top_eigenvalue(data):
    X, y = data
    thetas = mlp_init(range(3), hidden=6, dtype=torch.float64)
    found = sharpness(lambda t: mlp_cross_entropy(t, X, y), thetas, num_iters=500)
    for k in range(3):
        H = torch.autograd.functional.hessian(
            lambda t: mlp_cross_entropy(t[None], X, y)[0], thetas[k]
        )
        top = torch.linalg.eigvalsh(H)[-1]
        torch.testing.assert_close(found[k], top, rtol=1e-6, atol=1e-9)
    # a quadratic with known eigenvalues, two points at once
    A = torch.diag(torch.tensor([3.0, -1.0, 0.5], dtype=torch.float64))
    quad = sharpness(
        lambda t: 0.5 * torch.einsum("ki,ij,kj->k", t, A, t),
        torch.ones(2, 3, dtype=torch.float64),
        num_iters=200,
    )
    torch.testing.assert_close(quad, torch.tensor([3.0, 3.0], dtype=torch.float64))
    # the negative curvature is stronger: the shifted iteration still finds the top
    B = torch.diag(torch.tensor([-3.0, 1.0, 0.5], dtype=torch.float64))
    starts = torch.tensor([[1.0, 1.0, 1.0], [0.0, 2.0, 0.0]], dtype=torch.float64)
    found = sharpness(
        lambda t: 0.5 * torch.einsum("ki,ij,kj->k", t, B, t), starts, num_iters=200
    )
    torch.testing.assert_close(found, torch.tensor([1.0, 1.0], dtype=torch.float64))


def test_sharpness_validates_its_arguments(data):
    X, y = data
    thetas = mlp_init([0], hidden=4, dtype=torch.float64)
    with pytest.raises(TypeError, match="losses_of"):
        sharpness("loss", thetas)
    with pytest.raises(TypeError, match="thetas"):
        sharpness(lambda t: t.sum(1), thetas.numpy())
    with pytest.raises(ValueError, match="losses_of must return"):
        sharpness(lambda t: t.sum(), thetas)
    with pytest.raises(ValueError, match="num_iters"):
        sharpness(lambda t: t.sum(1), thetas, num_iters=0)


def test_filters_and_filter_normalized_directions():
    filters = mlp_filters(num_inputs=2, hidden=3)
    assert [f.tolist() for f in filters] == [[0, 3], [1, 4], [2, 5], [9, 10, 11]]
    theta = mlp_init([0], hidden=3, dtype=torch.float64)[0].numpy()
    d = filter_normalized_direction(theta, filters, rng=np.random.default_rng(0))
    for f in filters:
        np.testing.assert_allclose(np.linalg.norm(d[f]), np.linalg.norm(theta[f]), rtol=1e-12)
    np.testing.assert_array_equal(d[[6, 7, 8, 12]], 0.0)  # the biases
    again = filter_normalized_direction(theta, filters, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(d, again)  # seeded
    with pytest.raises(TypeError, match="rng"):
        filter_normalized_direction(theta, filters, rng=0)
    with pytest.raises(ValueError, match="disjoint"):
        filter_normalized_direction(theta, [[0, 1], [1, 2]], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="index arrays"):
        filter_normalized_direction(theta, [[0, 99]], rng=np.random.default_rng(0))


def test_mlp_validation_names_the_argument(data):
    X, y = data
    with pytest.raises(TypeError, match="seeds"):
        mlp_init(3)
    with pytest.raises(ValueError, match="seeds"):
        mlp_init([-1])
    with pytest.raises(ValueError, match="hidden"):
        mlp_init([0], hidden=0)
    with pytest.raises(TypeError, match="dtype"):
        mlp_init([0], dtype=torch.int64)
    thetas = mlp_init([0], hidden=4)
    with pytest.raises(TypeError, match="same dtype"):
        mlp_logits(thetas, X)
    with pytest.raises(ValueError, match="thetas must be 2-dimensional"):
        mlp_logits(thetas[0], X.float())
    with pytest.raises(TypeError, match="X must be a torch tensor"):
        mlp_logits(thetas, X.numpy())
    with pytest.raises(ValueError, match="same number of examples"):
        mlp_cross_entropy(thetas, X.float(), y[:-1].float())
    assert mlp_num_params(3, 10) == 51

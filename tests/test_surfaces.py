"""Tests for descentkit.surfaces: loss grids by sufficient statistics, against the naive way."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descentkit.losses import sufficient_statistics
from descentkit.surfaces import cross_sections, grid_around, loss_grid, naive_loss_grid


def brute_force(x, y, b_values, w_values):
    """Loop over the cells with the textbook formula: independent of both implementations."""
    out = np.empty((len(w_values), len(b_values)))
    for i, w in enumerate(w_values):
        for j, b in enumerate(b_values):
            out[i, j] = np.mean((b + w * np.asarray(x) - np.asarray(y)) ** 2)
    return out


@pytest.fixture
def small():
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, 30)
    y = 1 + 2 * x + 0.1 * rng.standard_normal(30)
    return x, y, np.linspace(-2, 4, 7), np.linspace(-1, 5, 5)


def test_loss_grid_matches_naive_and_brute_force(small):
    x, y, bs, ws = small
    expected = brute_force(x, y, bs, ws)
    np.testing.assert_allclose(loss_grid(x, y, bs, ws), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(naive_loss_grid(x, y, bs, ws), expected, rtol=1e-12)


@pytest.mark.parametrize("chunk_size", [1, 7, 30, 1000])
def test_naive_chunking_does_not_change_the_result(small, chunk_size):
    x, y, bs, ws = small
    np.testing.assert_allclose(
        naive_loss_grid(x, y, bs, ws, chunk_size=chunk_size),
        naive_loss_grid(x, y, bs, ws),
        rtol=1e-12,
    )


def test_layout_is_meshgrid(small):
    x, y, bs, ws = small
    grid = loss_grid(x, y, bs, ws)
    assert grid.shape == (ws.size, bs.size)
    assert grid[3, 2] == pytest.approx(np.mean((bs[2] + ws[3] * x - y) ** 2), rel=1e-12)


def test_single_point():
    x, y = np.array([0.5]), np.array([2.0])
    bs, ws = np.linspace(-1, 3, 9), np.linspace(-2, 2, 5)
    expected = (bs[None, :] + ws[:, None] * 0.5 - 2.0) ** 2
    np.testing.assert_allclose(loss_grid(x, y, bs, ws), expected, atol=1e-12)
    np.testing.assert_allclose(naive_loss_grid(x, y, bs, ws), expected, atol=1e-12)


def test_constant_x():
    x = np.full(10, 3.0)
    y = np.arange(10.0)
    bs, ws = np.linspace(-2, 2, 5), np.linspace(0, 1, 3)
    expected = brute_force(x, y, bs, ws)
    np.testing.assert_allclose(loss_grid(x, y, bs, ws), expected, rtol=1e-12)
    np.testing.assert_allclose(naive_loss_grid(x, y, bs, ws), expected, rtol=1e-12)


def test_perfect_fit_gives_zero_not_negative():
    x = np.linspace(0, 1, 50)
    y = 1 + 2 * x
    grid = loss_grid(x, y, np.array([0.0, 1.0]), np.array([2.0, 3.0]))
    assert grid.min() >= 0
    assert grid[0, 1] == pytest.approx(0, abs=1e-14)


def test_large_offset_stays_accurate():
    """Far from the origin, uncentred moments would cancel catastrophically; centred ones do not."""
    rng = np.random.default_rng(2)
    x = 1e6 + rng.uniform(0, 1, 200)
    y = 3 + 0.5 * (x - 1e6) + 0.01 * rng.standard_normal(200)
    bs = np.array([3 - 0.5e6, 3 - 0.5e6 + 0.01])
    ws = np.array([0.5, 0.5 + 1e-8])
    np.testing.assert_allclose(loss_grid(x, y, bs, ws), brute_force(x, y, bs, ws), rtol=1e-5)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-10, 10), st.floats(-10, 10)), min_size=1, max_size=20),
    st.floats(-5, 5),
    st.floats(-5, 5),
)
def test_random_data_matches_brute_force(points, b0, w0):
    x, y = np.array(points).T
    bs, ws = np.array([b0, b0 + 1.5]), np.array([w0, w0 - 0.5, w0 + 2])
    expected = brute_force(x, y, bs, ws)
    np.testing.assert_allclose(loss_grid(x, y, bs, ws), expected, rtol=1e-9, atol=1e-9)


def test_sufficient_statistics_values():
    stats = sufficient_statistics([1.0, 2.0, 3.0], [2.0, 4.0, 9.0])
    assert stats["mean_x"] == 2 and stats["mean_y"] == 5
    assert stats["var_x"] == pytest.approx(2 / 3)
    assert stats["cov_xy"] == pytest.approx((3 + 0 + 4) / 3)
    assert stats["var_y"] == pytest.approx((9 + 1 + 16) / 3)


def test_cross_sections_are_rows_and_columns_of_the_grid(small):
    x, y, bs, ws = small
    grid = loss_grid(x, y, bs, ws)
    along_b, along_w = cross_sections(x, y, bs, ws, b_fixed=bs[4], w_fixed=ws[1])
    np.testing.assert_allclose(along_b, grid[1, :], rtol=1e-12)
    np.testing.assert_allclose(along_w, grid[:, 4], rtol=1e-12)


def test_grid_around():
    b, w = grid_around(1, 2, half_width=3, num=101)
    assert b[0] == -2 and b[-1] == 4 and w[0] == -1 and w[-1] == 5 and b.size == 101
    assert b[1] - b[0] == pytest.approx(0.06)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(x=[1.0, 2.0], y=[1.0]), "x and y"),
        (dict(x=[], y=[]), "x"),
        (dict(x=[1.0, np.nan], y=[1.0, 2.0]), "x"),
        (dict(x=[1.0, 2.0], y=[1.0, np.inf]), "y"),
        (dict(b_values=[1.0]), "b_values"),
        (dict(w_values=[0.5]), "w_values"),
        (dict(b_values=[0.0, np.nan]), "b_values"),
    ],
)
@pytest.mark.parametrize("func", [loss_grid, naive_loss_grid])
def test_bad_input_raises_naming_the_argument(func, kwargs, name):
    args = dict(x=[0.0, 1.0], y=[1.0, 3.0], b_values=[0.0, 1.0], w_values=[0.0, 1.0, 2.0])
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        func(**args)


def test_bad_input_other_functions():
    with pytest.raises(ValueError, match="chunk_size"):
        naive_loss_grid([0.0], [1.0], [0.0, 1.0], [0.0, 1.0], chunk_size=0)
    with pytest.raises(ValueError, match="b_fixed"):
        cross_sections([0.0], [1.0], [0.0, 1.0], [0.0, 1.0], b_fixed=np.nan, w_fixed=0.0)
    with pytest.raises(ValueError, match="num"):
        grid_around(0, 0, num=1)
    with pytest.raises(ValueError, match="half_width"):
        grid_around(0, 0, half_width=0)

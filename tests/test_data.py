"""Tests for descentkit.data: the reference data set, splits and the roller-coaster data."""

import numpy as np
import pytest

from descentkit.data import (
    make_linear_data,
    make_roller_coaster,
    reference_initial_params,
    train_val_split,
)


def test_reproduces_the_reference_data_generation():
    """Rebuild the reference book's data with its own recipe (legacy global generator)."""
    np.random.seed(42)
    x = np.random.rand(100, 1)
    y = 1 + 2 * x + 0.1 * np.random.randn(100, 1)
    idx = np.arange(100)
    np.random.shuffle(idx)
    data = make_linear_data()
    np.testing.assert_array_equal(data.x, x.ravel())
    np.testing.assert_array_equal(data.y, y.ravel())
    np.testing.assert_array_equal(data.train_idx, idx[:80])
    np.testing.assert_array_equal(data.val_idx, idx[80:])
    np.testing.assert_array_equal(data.x_train, x.ravel()[idx[:80]])
    np.testing.assert_array_equal(data.y_val, y.ravel()[idx[80:]])


def test_reference_initial_params_match_the_printed_values():
    b, w = reference_initial_params()
    # Printed in the reference book as [0.49671415] [-0.1382643].
    assert round(b, 8) == 0.49671415
    assert round(w, 8) == -0.1382643  # numpy drops the trailing zero of -0.13826430


def test_same_seed_same_data_different_seed_different_data():
    a, b = make_linear_data(seed=3), make_linear_data(seed=3)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, make_linear_data(seed=4).x)


def test_split_is_a_partition():
    data = make_linear_data(n=37, train_fraction=0.7)
    assert data.train_idx.size == int(37 * 0.7)
    assert sorted(np.concatenate([data.train_idx, data.val_idx])) == list(range(37))


def test_x_scale_and_noise_free_line():
    data = make_linear_data(n=50, noise=0.0, x_scale=10, true_b=-1, true_w=0.5)
    assert data.x.min() >= 0 and data.x.max() <= 10 and data.x.max() > 1
    np.testing.assert_allclose(data.y, -1 + 0.5 * data.x)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(n=1), "n"),
        (dict(n=2.5), "n"),
        (dict(noise=-1), "noise"),
        (dict(noise=np.nan), "noise"),
        (dict(x_scale=0), "x_scale"),
        (dict(true_b=np.inf), "true_b"),
        (dict(train_fraction=1.0), "train_fraction"),
        (dict(seed=-1), "seed"),
    ],
)
def test_make_linear_data_bad_input(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        make_linear_data(**kwargs)


def test_train_val_split_bad_input():
    with pytest.raises(ValueError, match="n"):
        train_val_split(0)
    with pytest.raises(ValueError, match="train_fraction"):
        train_val_split(3, train_fraction=0.1)  # leaves no training point


def test_roller_coaster_shape_and_noise_free_values():
    t, speed = make_roller_coaster(noise=0.0)
    np.testing.assert_array_equal(t, np.arange(20.0))
    np.testing.assert_allclose(speed, 0.75 * (t - 9.5) ** 2 + 1)


def test_roller_coaster_noise_is_seeded_and_has_the_right_size():
    t, s1 = make_roller_coaster(seed=5, num_seconds=2000)
    _, s2 = make_roller_coaster(seed=5, num_seconds=2000)
    np.testing.assert_array_equal(s1, s2)
    residual = s1 - (0.75 * (t - 9.5) ** 2 + 1)
    assert 2.8 < residual.std() < 3.2


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(num_seconds=2), "num_seconds"),
        (dict(noise=-0.1), "noise"),
        (dict(a=np.nan), "a"),
        (dict(seed=1.5), "seed"),
    ],
)
def test_roller_coaster_bad_input(kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        make_roller_coaster(**kwargs)


@pytest.mark.parametrize(
    "x, y, name",
    [
        ([1.0, 2.0], [1.0], "x and y"),
        ([], [], "x"),
        ([np.nan], [1.0], "x"),
        ([1.0], [np.inf], "y"),
        ([[1.0]], [1.0], "x"),
    ],
)
def test_check_xy_rejects_bad_data_naming_the_argument(x, y, name):
    from descentkit.validation import check_xy

    with pytest.raises((TypeError, ValueError), match=name):
        check_xy(x, y)

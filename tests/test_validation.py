"""Tests of descentkit.validation: TypeError for a wrong type, ValueError for a wrong value."""

import numpy as np
import pytest

from descentkit import validation as v


@pytest.mark.parametrize(
    "call, exc, fragment",
    [
        (lambda: v.check_positive("0.1", "lr"), TypeError, "lr must be a real number"),
        (lambda: v.check_positive(None, "lr"), TypeError, "lr"),
        (lambda: v.check_positive(True, "lr"), TypeError, "lr"),
        (lambda: v.check_positive([0.1, 0.2], "lr"), ValueError, "single number"),
        (lambda: v.check_positive(-1, "lr"), ValueError, "lr must be > 0"),
        (lambda: v.check_positive(np.nan, "lr"), ValueError, "finite"),
        (lambda: v.check_int(2.5, "num_steps"), TypeError, "whole number"),
        (lambda: v.check_int(0, "num_steps", minimum=1), ValueError, "at least 1"),
        (lambda: v.check_int(9, "batch_size", maximum=8), ValueError, "at most 8"),
        (lambda: v.check_callable(3, "grad"), TypeError, "grad must be a function"),
        (lambda: v.check_finite_array("abc", "x0"), TypeError, "x0"),
        (lambda: v.check_finite_array([[1.0], [2.0, 3.0]], "x0"), TypeError, "x0"),
        (lambda: v.check_finite_array([1.0, np.inf], "x0"), ValueError, "finite"),
        (lambda: v.check_finite_array([1.0], "x", ndim=2), ValueError, "2-dimensional"),
        (lambda: v.check_xy([1.0, 2.0], [1.0]), ValueError, "same length"),
        (lambda: v.check_grid([0.0, 1.0], [0.0, 1.0, 2.0], np.zeros((2, 3))), ValueError, "shape"),
        (lambda: v.check_hessian([[1.0, 2.0], [0.0, 1.0]]), ValueError, "symmetric"),
        (lambda: v.check_hessian([1.0, 2.0]), ValueError, "square"),
        (lambda: v.check_fraction(1.0, "momentum"), ValueError, r"\[0, 1\)"),
        (
            lambda: v.check_choice("ignore", "on_divergence", ("stop", "raise")),
            ValueError,
            "'stop', 'raise'",
        ),
    ],
)
def test_errors_have_the_right_type_and_name_the_argument(call, exc, fragment):
    with pytest.raises(exc, match=fragment):
        call()


def test_valid_values_pass_through_converted():
    assert v.check_positive(np.float32(0.5), "lr") == 0.5
    assert v.check_finite_scalar(np.array(2.0), "x") == 2.0
    assert v.check_int(np.int64(3), "n") == 3
    assert v.check_hessian(4.0).shape == (1, 1)
    b, w, losses = v.check_grid([0, 1], [0, 1, 2], np.ones((3, 2)))
    assert b.dtype == float and losses.shape == (3, 2)

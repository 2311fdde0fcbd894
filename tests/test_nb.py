"""Tests for descentkit.nb (the notebooks' glue) and the package's lazy submodules."""

import numpy as np
import pytest

import descentkit
from descentkit.nb import glue, plain


def test_glue_turns_numpy_scalars_into_python_numbers():
    value = plain(np.float64(1.5))
    assert type(value) is float and value == 1.5
    assert plain("text") == "text"
    assert glue("test_value", np.float64(1.5)) is None  # returns nothing: no stray cell output
    with pytest.raises(ValueError, match="name"):
        glue("", 1.0)


def test_submodules_load_lazily_and_unknown_names_fail():
    assert descentkit.optim.gradient_descent is not None
    assert "optim" in dir(descentkit)
    assert {"plots", "animation"} <= set(descentkit.SUBMODULES)
    with pytest.raises(AttributeError):
        descentkit.no_such_module  # noqa: B018

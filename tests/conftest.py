"""Shared test set-up: matplotlib draws off screen, and plot tests leave no figure open.

As in scikit-learn's ``sklearn/conftest.py``: the non-interactive Agg backend is chosen here,
when pytest loads this file and before any test module imports ``matplotlib.pyplot``, and
plot tests take the ``pyplot`` fixture, which closes every figure before and after the test.
"""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def pyplot():
    """The ``matplotlib.pyplot`` module, with all figures closed before and after the test.

    Returns
    -------
    module
        ``matplotlib.pyplot``.
    """
    import matplotlib.pyplot as plt

    plt.close("all")
    yield plt
    plt.close("all")

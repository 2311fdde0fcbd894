"""Plot helpers draw on the Axes they are given and return it; style is applied only on request."""

import importlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import descentkit  # noqa: E402
from descentkit import plots  # noqa: E402
from descentkit.nb import glue, plain  # noqa: E402


def test_import_does_not_change_matplotlib_style():
    before = dict(plt.rcParams)
    importlib.reload(plots)
    assert dict(plt.rcParams) == before


def test_use_style_gives_opaque_white_backgrounds_and_viridis():
    with plt.rc_context():
        plots.use_style()
        assert plt.rcParams["figure.facecolor"] == "white"
        assert plt.rcParams["savefig.transparent"] is False
        assert plt.rcParams["image.cmap"] == "viridis"


def test_helpers_use_the_given_axes():
    fig, ax = plt.subplots()
    xs = np.array([7.0, 6.0, 5.2])
    assert plots.plot_function_path(lambda x: x**2, xs, ax=ax) is ax
    assert plots.plot_values([3.0, 2.0, 1.0], ax=ax, logy=True) is ax
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_helpers_create_a_figure_when_no_axes_given():
    ax = plots.plot_gradient_field(lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y), xlim=(-1, 1), ylim=(-1, 1))
    assert ax.figure is not None
    plt.close(ax.figure)


def test_difference_error_plot_skips_zero_errors():
    ax = plots.plot_difference_errors([1e-3, 1e-2], [1e-3, 1e-2], [0.0, 1e-4])
    central_line = ax.get_lines()[1]
    assert len(central_line.get_xdata()) == 1
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: plots.plot_function_path(1, [1.0]), "f"),
        (lambda: plots.plot_values([1.0, np.nan]), "values"),
        (lambda: plots.plot_difference_errors([1e-3], [1e-3, 1e-2], [1e-3]), "same length"),
        (lambda: plots.plot_loss_contours([0, 1], [0, 1], np.zeros((3, 2))), "losses"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


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
    with pytest.raises(AttributeError):
        descentkit.no_such_module  # noqa: B018

"""Tests for descentkit.plots (the figure style and helpers) and descentkit.animation.

Every helper draws on the Axes it is given and returns it, passes keyword arguments on to
matplotlib, and validates its input; the style is applied only on request. The ``pyplot``
fixture (tests/conftest.py) closes the figures after each test.
"""

import base64
import io
import re
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.colors import LogNorm, to_rgba
from matplotlib.ticker import NullLocator

from descentkit import animation, plots
from descentkit.surfaces import cross_sections, grid_around, loss_grid


@pytest.fixture
def surface(pyplot):
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, 40)
    y = 1 + 2 * x + 0.1 * rng.standard_normal(40)
    bs, ws = grid_around(1, 2, num=21)
    return x, y, bs, ws, loss_grid(x, y, bs, ws)


def _same_colour(a, b):
    return to_rgba(a) == to_rgba(b)


# --- style (chapter 1) and the boxed legend ----------------------------------------------


def test_import_does_not_change_matplotlib_style(pyplot):
    # in a fresh interpreter: reloading here would replace the classes other tests hold
    code = (
        "import matplotlib; before = dict(matplotlib.rcParams); "
        "import descentkit.plots, descentkit.animation; "
        "assert dict(matplotlib.rcParams) == before, 'importing changed rcParams'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_use_style_gives_opaque_white_backgrounds_and_viridis(pyplot):
    with pyplot.rc_context():
        plots.use_style()
        assert pyplot.rcParams["figure.facecolor"] == "white"
        assert pyplot.rcParams["savefig.transparent"] is False
        assert pyplot.rcParams["image.cmap"] == "viridis"


def test_boxed_legend_applies_the_style_and_keywords_override_it(pyplot):
    fig, ax = pyplot.subplots()
    ax.plot([0, 1], [0, 1], label="a path")
    legend = plots.boxed_legend(ax)
    assert legend is ax.get_legend()
    assert legend.get_frame_on()
    assert legend.get_frame().get_facecolor() == to_rgba("white", plots.BOXED_LEGEND["framealpha"])
    assert legend.get_texts()[0].get_fontsize() == plots.BOXED_LEGEND["fontsize"] == 9
    legend = plots.boxed_legend(ax, fontsize=6, facecolor="yellow", loc="upper left")
    assert ax.get_legend() is legend  # one legend: the new one replaced the first
    assert legend.get_texts()[0].get_fontsize() == 6
    assert legend.get_frame().get_facecolor() == to_rgba("yellow", 0.9)
    assert plots.BOXED_LEGEND["fontsize"] == 9  # the shared style was not changed


# --- chapter 1 helpers ----------------------------------------------------------------------


def test_helpers_use_the_given_axes(pyplot):
    fig, ax = pyplot.subplots()
    xs = np.array([7.0, 6.0, 5.2])
    assert plots.plot_function_path(lambda x: x**2, xs, ax=ax) is ax
    assert plots.plot_values([3.0, 2.0, 1.0], ax=ax, logy=True) is ax
    assert ax.get_yscale() == "log"
    assert len(pyplot.get_fignums()) == 1


def test_helpers_create_a_figure_when_no_axes_given(pyplot):
    ax = plots.plot_gradient_field(
        lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y), xlim=(-1, 1), ylim=(-1, 1)
    )
    assert ax.figure is not None and pyplot.get_fignums() == [ax.figure.number]


def test_function_path_draws_curve_path_and_start_in_that_order(pyplot):
    xs = np.array([7.0, 6.0, 5.2])
    ax = plots.plot_function_path(lambda x: x**2, xs, label="steps")
    curve, path, start = ax.get_lines()
    assert [curve.get_label(), path.get_label(), start.get_label()] == ["f(x)", "steps", "start"]
    np.testing.assert_allclose(path.get_ydata(), xs**2)


def test_difference_error_plot_skips_zero_errors(pyplot):
    ax = plots.plot_difference_errors([1e-3, 1e-2], [1e-3, 1e-2], [0.0, 1e-4])
    central_line = ax.get_lines()[1]
    assert len(central_line.get_xdata()) == 1


# --- diagrams (chapters 2 and 4) -------------------------------------------------------------


def test_computation_graph_draws_boxes_arrows_labels_and_notes(pyplot):
    fig, ax = pyplot.subplots()
    nodes = {"w": (0, 1, "w = 2"), "x": (0, 0, "x = 3"), "wx": (2, 0.5, "w x = 6")}
    edges = [("w", "wx", "x = 3"), ("x", "wx", None)]
    out = plots.plot_computation_graph(nodes, edges, notes={"w": "dL/dw = -18"}, ax=ax, fontsize=13)
    assert out is ax and not ax.axison
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["w = 2", "x = 3", "w x = 6", "x = 3", "dL/dw = -18"]
    assert ax.texts[0].get_fontsize() == 13  # keywords reach the boxes
    assert ax.texts[0].get_bbox_patch() is not None  # values sit in boxes
    assert ax.texts[-1].get_color() == "C3"  # notes in the note colour
    assert len(ax.patches) == len(edges)  # one arrow an edge


@pytest.mark.parametrize(
    "nodes, edges, notes, argument",
    [
        ({}, [], None, "nodes"),
        ({"a": (0, 0)}, [], None, "nodes"),
        ({"a": (0, 0, "a")}, [("a", "b", None)], None, "edge"),
        ({"a": (0, 0, "a")}, [], {"b": "?"}, "notes"),
        ({"a": (0, np.nan, "a")}, [], None, "nodes"),
    ],
)
def test_computation_graph_bad_input(pyplot, nodes, edges, notes, argument):
    with pytest.raises(ValueError, match=argument):
        plots.plot_computation_graph(nodes, edges, notes=notes)


def test_matrix_action_draws_the_circle_its_image_and_the_eigenvectors(pyplot):
    A = np.array([[2.0, 1.0], [1.0, 2.0]])
    ax = plots.plot_matrix_action(A, color="C4")
    circle, image = ax.lines[:2]
    np.testing.assert_allclose(np.hypot(circle.get_xdata(), circle.get_ydata()), 1)
    points = np.vstack([image.get_xdata(), image.get_ydata()])
    np.testing.assert_allclose(points, A @ np.vstack([circle.get_xdata(), circle.get_ydata()]))
    assert ax.get_aspect() == 1.0
    assert _same_colour(image.get_color(), "C4")  # keywords reach the image
    pairs = ax.lines[2 : 2 + 3 * 8]  # for each vector: u, A u, the tip of A u
    for u, Au in zip(pairs[0::3], pairs[1::3]):
        tip_u = np.array([u.get_xdata()[1], u.get_ydata()[1]])
        tip_Au = np.array([Au.get_xdata()[1], Au.get_ydata()[1]])
        np.testing.assert_allclose(tip_Au, A @ tip_u)
    labels = [t.get_text() for t in ax.texts]
    assert labels == [r"$u_{\min}$: $\lambda = 1.00$", r"$u_{\max}$: $\lambda = 3.00$"]


def test_matrix_action_refuses_a_matrix_that_is_not_symmetric_2_by_2(pyplot):
    with pytest.raises(ValueError, match="matrix"):
        plots.plot_matrix_action([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="matrix"):
        plots.plot_matrix_action(np.eye(3))


# --- loss surfaces (chapter 3) ----------------------------------------------------------------


def test_plot_loss_contours_legend_and_log_norm(surface):
    x, y, bs, ws, losses = surface
    ax = plots.plot_loss_contours(
        bs,
        ws,
        losses,
        path=[[0, 0], [0.5, 1], [1, 2]],
        start=(0, 0),
        minimum=(1, 2),
        norm=LogNorm(),
        levels=np.geomspace(losses.min() + 1e-3, losses.max(), 8),
    )
    legend = ax.get_legend()
    assert legend is not None and legend.get_frame_on()
    assert [t.get_text() for t in legend.get_texts()] == ["gradient descent", "start", "minimum"]
    assert legend.get_frame().get_facecolor() == to_rgba("white", 0.9)  # the boxed style
    ax2 = plots.plot_loss_contours(bs, ws, losses, legend=False, start=(0, 0))
    assert ax2.get_legend() is None


def test_legend_kw_reaches_the_contour_legend(surface):
    x, y, bs, ws, losses = surface
    ax = plots.plot_loss_contours(
        bs, ws, losses, minimum=(1, 2), legend_kw={"fontsize": 5, "edgecolor": "none"}
    )
    legend = ax.get_legend()
    assert legend.get_texts()[0].get_fontsize() == 5
    assert legend.get_frame().get_edgecolor()[3] == 0  # no edge
    assert legend.get_frame().get_facecolor() == to_rgba("white", 0.9)  # the rest is kept


def test_paths_draw_one_line_per_path_with_its_label_in_c0_c1_order(surface):
    x, y, bs, ws, losses = surface
    a = np.array([[0.0, 0.0], [0.5, 1.0], [1.0, 2.0]])
    b = SimpleNamespace(params=np.array([[2.0, 3.0], [1.0, 2.0]]))  # like a Trajectory
    ax = plots.plot_loss_contours(bs, ws, losses, paths={"plain": a, "momentum": b})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["plain", "momentum"]
    np.testing.assert_allclose(np.c_[lines[0].get_data()], a)
    np.testing.assert_allclose(np.c_[lines[1].get_data()], b.params)
    assert _same_colour(lines[0].get_color(), "C0") and _same_colour(lines[1].get_color(), "C1")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["plain", "momentum"]


def test_path_kw_styles_every_path_and_a_path_style_overrides_it(surface):
    x, y, bs, ws, losses = surface
    a, b = [[0, 0], [1, 2]], [[2, 3], [1, 2]]
    ax = plots.plot_loss_contours(
        bs,
        ws,
        losses,
        path=a,
        path_kw={"markersize": 0, "linewidth": 0.5},
        paths={"heavy ball": b, "gd": (b, {"color": "C3", "linewidth": 2.5, "zorder": 4})},
    )
    single, heavy, gd = ax.get_lines()
    assert single.get_label() == "gradient descent" and _same_colour(single.get_color(), "C3")
    assert [line.get_markersize() for line in (single, heavy, gd)] == [0, 0, 0]
    assert heavy.get_linewidth() == 0.5 and _same_colour(heavy.get_color(), "C0")
    assert gd.get_linewidth() == 2.5 and _same_colour(gd.get_color(), "C3")
    assert gd.get_zorder() == 4


def test_minimum_and_start_are_drawn_above_every_path(surface):
    x, y, bs, ws, losses = surface
    b = [[2, 3], [1, 2]]
    ax = plots.plot_loss_contours(
        bs,
        ws,
        losses,
        path=b,
        start=(2, 3),
        minimum=(1, 2),
        paths={"low": b, "high": (b, {"zorder": 7})},
    )
    by_label = {line.get_label(): line for line in ax.get_lines()}
    top_path = max(by_label[name].get_zorder() for name in ("gradient descent", "low", "high"))
    assert top_path == 7
    assert by_label["start"].get_zorder() > top_path
    assert by_label["minimum"].get_zorder() > by_label["start"].get_zorder()
    star = by_label["minimum"]
    assert star.get_marker() == "*" and _same_colour(star.get_markerfacecolor(), "white")


def test_plot_loss_surface_3d(surface, pyplot):
    x, y, bs, ws, losses = surface
    ax = plots.plot_loss_surface_3d(bs, ws, losses, start=(0, 0), start_loss=5.0, minimum=(1, 2))
    assert ax.name == "3d"
    start = [line for line in ax.get_lines() if line.get_label() == "start"][0]
    assert start.get_data_3d()[2][0] == 5.0
    with pytest.raises(ValueError, match="ax"):
        plots.plot_loss_surface_3d(bs, ws, losses, ax=pyplot.subplots()[1])


def test_loss_surface_3d_drops_a_line_to_the_floor_under_each_point_with_a_height(surface):
    x, y, bs, ws, losses = surface
    ax = plots.plot_loss_surface_3d(bs, ws, losses, start=(0, 0), start_loss=5.0, minimum=(1, 2))
    drop, ring, start, minimum = ax.get_lines()  # the minimum has no height: no drop line
    np.testing.assert_allclose(drop.get_data_3d()[2], [0.0, 5.0])
    np.testing.assert_allclose([c[0] for c in drop.get_data_3d()[:2]], [0.0, 0.0])
    assert ring.get_data_3d()[2][0] == 0.0 and start.get_label() == "start"
    ax = plots.plot_loss_surface_3d(bs, ws, losses, start=(0, 0), start_loss=5.0, drop_lines=False)
    assert len(ax.get_lines()) == 1


def test_loss_surface_3d_draws_a_path_at_its_losses(surface, pyplot):
    x, y, bs, ws, losses = surface
    path = np.array([[0.0, 0.0], [0.5, 1.0], [1.0, 2.0]])
    ax = plots.plot_loss_surface_3d(
        bs, ws, losses, path=path, path_losses=[3.0, 1.0, 0.1], path_kw={"color": "C1"}
    )
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_data_3d()[2], [3.0, 1.0, 0.1])
    assert _same_colour(line.get_color(), "C1") and line.get_label() == "gradient descent"
    with pytest.raises(ValueError, match="path_losses"):
        plots.plot_loss_surface_3d(bs, ws, losses, path=path)
    with pytest.raises(ValueError, match="path_losses"):
        plots.plot_loss_surface_3d(bs, ws, losses, path=path, path_losses=[1.0, 2.0])


def test_plot_cross_sections_draws_tangents_with_the_given_slopes(surface):
    x, y, bs, ws, _ = surface
    along_b, along_w = cross_sections(x, y, bs, ws, b_fixed=0.0, w_fixed=0.0)
    axes = plots.plot_cross_sections(bs, ws, along_b, along_w, 0.0, 0.0, slopes=(-3.0, -1.5))
    assert len(axes) == 2
    tangent = axes[1].get_lines()[-1]
    xs, ys = tangent.get_data()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(-1.5)
    with pytest.raises(ValueError, match="loss_vs_b"):
        plots.plot_cross_sections(bs, ws, along_b[:-1], along_w, 0.0, 0.0)
    with pytest.raises(ValueError, match="slopes"):
        plots.plot_cross_sections(bs, ws, along_b, along_w, 0.0, 0.0, slopes=(1.0,))


def test_plot_cross_sections_uses_the_given_axes(surface, pyplot):
    x, y, bs, ws, _ = surface
    along_b, along_w = cross_sections(x, y, bs, ws, b_fixed=0.0, w_fixed=0.0)
    fig, given = pyplot.subplots(2, 1)
    axes = plots.plot_cross_sections(bs, ws, along_b, along_w, 0.0, 0.0, axes=given)
    assert list(axes) == list(given)
    np.testing.assert_allclose(given[1].get_lines()[0].get_ydata(), along_w)


def test_plot_fit_errors_draws_one_segment_per_point(pyplot):
    ax = plots.plot_fit_errors([0.0, 1.0, 2.0], [1.0, 2.0, 2.0], b=1.0, w=0.5)
    segments = ax.collections[0].get_segments()
    assert len(segments) == 3
    np.testing.assert_allclose(segments[2], [[2.0, 2.0], [2.0, 2.0]])  # on the line: zero length
    with pytest.raises(ValueError, match="same length"):
        plots.plot_fit_errors([0.0, 1.0], [1.0], b=0.0, w=1.0)


# --- excess loss (chapters 6 and 7) -------------------------------------------------------------


def test_plot_excess_loss_draws_the_excess_on_a_log_axis_with_the_tolerance(pyplot):
    runs = {
        "gd": np.array([3.0, 1.1, 1.01, 1.001]),
        "momentum": SimpleNamespace(losses=np.array([3.0, 1.5, 1.0001])),
    }
    ax = plots.plot_excess_loss(runs, loss_star=1.0, tol=1e-2)
    assert ax.get_yscale() == "log"
    gd, momentum, tol = ax.get_lines()
    np.testing.assert_allclose(gd.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(gd.get_ydata(), [2.0, 0.1, 0.01, 0.001])
    np.testing.assert_allclose(momentum.get_ydata(), [2.0, 0.5, 1e-4], rtol=1e-9)
    assert [gd.get_label(), momentum.get_label()] == ["gd", "momentum"]
    assert _same_colour(gd.get_color(), "C0") and _same_colour(momentum.get_color(), "C1")
    assert tol.get_linestyle() == ":" and list(tol.get_ydata()) == [1e-2, 1e-2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["gd", "momentum"]


def test_plot_excess_loss_major_ticks_only_over_many_decades(pyplot):
    many = plots.plot_excess_loss({"a": [1.0 + 1e2, 1.0 + 1e-8]}, loss_star=1.0)
    assert isinstance(many.yaxis.get_minor_locator(), NullLocator)
    few = plots.plot_excess_loss({"a": [1.5, 1.1]}, loss_star=1.0)
    assert not isinstance(few.yaxis.get_minor_locator(), NullLocator)
    plots.plot_excess_loss({"b": [1.2, 1.15]}, loss_star=1.0, ax=many, colors=["C1"])
    assert isinstance(many.yaxis.get_minor_locator(), NullLocator)  # a 2nd call keeps it
    plots.plot_excess_loss({"b": [1.0 + 1e-6]}, loss_star=1.0, ax=few)
    assert isinstance(few.yaxis.get_minor_locator(), NullLocator)  # now many decades


def test_plot_excess_loss_colours_kwargs_and_non_positive_values(pyplot):
    fig, ax = pyplot.subplots()
    runs = {"B = 1": [2.0, 1.0, 0.5], "B = 16": [3.0, 2.0, 1.5]}
    assert (
        plots.plot_excess_loss(
            runs,
            0.5,
            ax=ax,
            colors={"B = 16": "C4", "B = 1": "C2"},
            linestyle="--",
            marker="o",
            markersize=3,
        )
        is ax
    )
    first, second = ax.get_lines()
    assert _same_colour(first.get_color(), "C2") and _same_colour(second.get_color(), "C4")
    assert first.get_linestyle() == "--" and first.get_markersize() == 3
    assert np.isnan(first.get_ydata()[2])  # an excess of 0 cannot be shown on a log axis
    plots.plot_excess_loss({"more": [1.0, 0.75]}, 0.5, ax=ax, colors=["C5"], legend=False)
    assert len(ax.get_lines()) == 3  # a second group on the same Axes


@pytest.mark.parametrize(
    "args, error, argument",
    [
        (([1.0, 2.0], 0.0), TypeError, "runs"),
        (({}, 0.0), ValueError, "runs"),
        (({"a": [1.0, np.inf]}, 0.0), ValueError, r"runs\['a'\]"),
        (({"a": [1.0]}, np.nan), ValueError, "loss_star"),
    ],
)
def test_plot_excess_loss_bad_input(pyplot, args, error, argument):
    with pytest.raises(error, match=argument):
        plots.plot_excess_loss(*args)


@pytest.mark.parametrize(
    "kwargs, argument",
    [({"tol": 0.0}, "tol"), ({"colors": ["C0", "C1"]}, "colors"), ({"colors": {}}, "colors")],
)
def test_plot_excess_loss_bad_options(pyplot, kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        plots.plot_excess_loss({"a": [2.0, 1.5]}, 1.0, **kwargs)


# --- keyword pass-through and validation, for every helper -----------------------------------


def _grid():
    bs, ws = np.linspace(-1, 1, 5), np.linspace(-2, 2, 6)
    return bs, ws, np.add.outer(ws**2, bs**2)


def _kwargs_cases():
    bs, ws, losses = _grid()
    quadratic = (lambda x, y: x**2 + y**2, lambda x, y: (2 * x, 2 * y))
    return [
        (
            "path",
            lambda: plots.plot_function_path(np.square, [2.0, 1.0], markersize=9),
            lambda ax: ax.get_lines()[1].get_markersize() == 9,
        ),
        (
            "values",
            lambda: plots.plot_values([2.0, 1.0], linestyle="--"),
            lambda ax: ax.get_lines()[0].get_linestyle() == "--",
        ),
        (
            "differences",
            lambda: plots.plot_difference_errors(
                [1e-2, 1e-1], [1e-2, 1e-1], [1e-4, 1e-2], markersize=9
            ),
            lambda ax: [line.get_markersize() for line in ax.get_lines()] == [9, 9],
        ),
        (
            "field",
            lambda: plots.plot_gradient_field(*quadratic, xlim=(-1, 1), ylim=(-1, 1), color="C2"),
            lambda ax: _same_colour(ax.collections[-1].get_facecolor()[0], "C2"),
        ),
        (
            "contours",
            lambda: plots.plot_loss_contours(bs, ws, losses, alpha=0.5),
            lambda ax: ax.collections[0].get_alpha() == 0.5,
        ),
        (
            "contour lines",
            lambda: plots.plot_loss_contours(bs, ws, losses, filled=False, colors="k"),
            lambda ax: _same_colour(ax.collections[0].get_edgecolor()[0], "k"),
        ),
        (
            "surface",
            lambda: plots.plot_loss_surface_3d(bs, ws, losses, alpha=0.5),
            lambda ax: ax.collections[0].get_alpha() == 0.5,
        ),
        (
            "cross sections",
            lambda: plots.plot_cross_sections(bs, ws, bs**2, ws**2, 0.0, 0.0, linewidth=0.5)[1],
            lambda ax: ax.get_lines()[0].get_linewidth() == 0.5,
        ),
        (
            "fit errors",
            lambda: plots.plot_fit_errors([0.0, 1.0], [1.0, 2.0], 1.0, 0.5, markersize=9),
            lambda ax: ax.get_lines()[0].get_markersize() == 9,
        ),
        (
            "excess loss",
            lambda: plots.plot_excess_loss({"a": [2.0, 1.5]}, 1.0, linewidth=0.5),
            lambda ax: ax.get_lines()[0].get_linewidth() == 0.5,
        ),
    ]


@pytest.mark.parametrize("name, draw, reached", _kwargs_cases(), ids=lambda c: c)
def test_keyword_arguments_reach_the_artists(pyplot, name, draw, reached):
    ax = draw()
    assert reached(ax), f"{name}: the keyword did not reach the artist"


def _grid_callers():
    bs, ws, _ = _grid()
    path = [[0.0, 0.0], [0.5, 0.5]]
    return {
        "contours": lambda b, w, z: plots.plot_loss_contours(b, w, z),
        "surface": lambda b, w, z: plots.plot_loss_surface_3d(b, w, z),
        "animation": lambda b, w, z: animation.animate_path_on_contours(b, w, z, path),
        "cross sections": lambda b, w, z: plots.plot_cross_sections(b, w, b, w, 0.0, 0.0),
    }


@pytest.mark.parametrize(
    "caller, bad",
    [
        (caller, bad)
        for caller in sorted(_grid_callers())
        for bad in ("b_values", "w_values", "losses")
        if (caller, bad) != ("cross sections", "losses")
    ],  # it takes no losses grid
)
def test_invalid_grids_raise_value_error_naming_the_argument(pyplot, caller, bad):
    bs, ws, losses = _grid()
    broken = {
        "b_values": (bs[:1], ws, losses[:, :1]),
        "w_values": (bs, np.r_[ws[:-1], np.nan], losses),
        "losses": (bs, ws, losses[:-1]),
    }[bad]
    with pytest.raises(ValueError, match=bad):
        _grid_callers()[caller](*broken)


@pytest.mark.parametrize(
    "call, error, argument",
    [
        (lambda: plots.plot_function_path(1, [1.0]), TypeError, "f"),
        (lambda: plots.plot_values([1.0, np.nan]), ValueError, "values"),
        (
            lambda: plots.plot_difference_errors([1e-3], [1e-3, 1e-2], [1e-3]),
            ValueError,
            "same length",
        ),
        (lambda: plots.plot_loss_contours(*_grid(), path=[[0, 0, 0]]), ValueError, "path"),
        (
            lambda: plots.plot_loss_contours(*_grid(), paths={"A": [1.0, 2.0]}),
            ValueError,
            r"paths\['A'\]",
        ),
        (lambda: plots.plot_loss_contours(*_grid(), paths=[[0, 0], [1, 1]]), TypeError, "paths"),
        (lambda: plots.plot_fit_errors([0.0], [1.0], b="one", w=1.0), TypeError, "b"),
    ],
)
def test_bad_input_names_the_argument(pyplot, call, error, argument):
    with pytest.raises(error, match=argument):
        call()


# --- animations for the web (descentkit.animation, chapter 3) ---------------------------------

PNG = re.compile(r"data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)+)")


def _frames(page):
    from PIL import Image

    found = PNG.findall(page)
    return [Image.open(io.BytesIO(base64.b64decode(f.replace("\\\n", "")))) for f in found]


@pytest.fixture
def tiny(surface):
    x, y, bs, ws, losses = surface
    path = np.c_[np.linspace(-1, 1, 50), np.linspace(0, 2, 50)]

    def make(**kwargs):
        return animation.animate_path_on_contours(
            bs,
            ws,
            losses,
            path,
            minimum=(1, 2),
            **{"num_frames": 4, "figsize": (2, 2), "dpi": 30, **kwargs},
        )

    return make


def test_animation_returns_the_animation_and_its_figure(tiny, pyplot):
    result = tiny(num_frames=5, path_kw={"color": "C1", "label": "momentum"})
    anim, fig = result
    assert result.anim is anim and result.fig is fig and pyplot.fignum_exists(fig.number)
    frames = list(anim.new_frame_seq())
    assert frames[0] == 0 and frames[-1] == 49 and len(frames) <= 5
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["start", "minimum", "momentum"]
    path = [line for line in ax.get_lines() if line.get_label() == "momentum"][0]
    assert _same_colour(path.get_color(), "C1")
    assert "<img alt=" in result.to_html(alt="path")  # rendered, and the figure closed
    assert not pyplot.fignum_exists(fig.number)


def test_animation_html_has_the_alt_text_once_and_closes_the_figure(tiny, pyplot):
    result = tiny()
    page = animation.animation_to_html(result, alt='a path "growing"')
    assert page.count('alt="a path &quot;growing&quot;"') == 1
    assert page.count(" alt=") == 1  # one image, one alt text
    assert '<img id="_anim_img' not in page  # no frame image is left without alt text
    assert not pyplot.fignum_exists(result.fig.number)  # the still figure was closed
    assert result.to_html(alt="path") == animation.animation_to_html(result, alt="path")


def test_animation_html_with_a_caption(tiny):
    captioned = tiny().to_html(alt="path", caption="The path <grows>.")
    assert captioned.startswith('<figure class="descentkit-animation">')
    assert "<figcaption><p>The path &lt;grows&gt;.</p></figcaption>" in captioned
    assert captioned.count("The path") == 1  # the caption is not the alt text


def test_a_bare_matplotlib_animation_closes_the_figure_it_is_given(tiny, pyplot):
    anim, fig = tiny()
    animation.animation_to_html(anim, alt="path")
    assert pyplot.fignum_exists(fig.number)  # not given: left open
    animation.animation_to_html(anim, alt="path", fig=fig)
    assert not pyplot.fignum_exists(fig.number)


@pytest.mark.parametrize(
    "kwargs, error, argument",
    [
        ({"alt": " "}, ValueError, "alt"),
        ({"alt": None}, TypeError, "alt"),
        ({"alt": "path", "caption": ""}, ValueError, "caption"),
        ({"alt": "path", "default_mode": "bounce"}, ValueError, "default_mode"),
        ({"alt": "path", "colors": 1}, ValueError, "colors"),
        ({"alt": "path", "colors": 300}, ValueError, "colors"),
        ({"alt": "path", "colors": 16.0}, TypeError, "colors"),
    ],
)
def test_animation_html_bad_input(tiny, kwargs, error, argument):
    result = tiny()
    with pytest.raises(error, match=argument):
        animation.animation_to_html(result, **kwargs)
    assert result.to_html(alt="path")  # the arguments are checked before any rendering


def test_animation_bad_input(tiny):
    with pytest.raises(TypeError, match="anim"):
        animation.animation_to_html("not an animation", alt="path")
    with pytest.raises(ValueError, match="path"):
        animation.animate_path_on_contours(*_grid(), [[0.0], [1.0]])  # shape (k, 1)
    with pytest.raises(ValueError, match="num_frames"):
        tiny(num_frames=1)


def test_animation_frames_at_equal_distances_along_the_path(surface, pyplot):
    x, y, bs, ws, losses = surface
    # a path that moves fast for 3 steps, then crawls for 96
    path = np.r_[
        np.c_[np.linspace(-1, 0.9, 4), np.zeros(4)],
        np.c_[np.linspace(0.9, 1.0, 97)[1:], np.zeros(96)],
    ]
    early = animation.animate_path_on_contours(
        bs, ws, losses, path, num_frames=6, figsize=(2, 2), dpi=30
    )
    even = animation.animate_path_on_contours(
        bs, ws, losses, path, num_frames=6, spacing="distance", figsize=(2, 2), dpi=30
    )
    assert list(early.anim.new_frame_seq()) == [0, 4, 16, 36, 63, 99]
    steps = list(even.anim.new_frame_seq())
    assert steps[0] == 0 and steps[-1] == 99 and steps[1:4] == [1, 2, 3]  # the fast part
    assert early.to_html(alt="path") and even.to_html(alt="path")


def test_animation_with_data_draws_the_current_line_and_its_errors(surface, pyplot):
    x, y, bs, ws, losses = surface
    path = np.c_[np.linspace(0, 1, 10), np.linspace(0, 2, 10)]
    anim, fig = animation.animate_path_on_contours(
        bs,
        ws,
        losses,
        path,
        num_frames=3,
        data=(x, y),
        aspect="equal",
        title="b = {b:.1f}",
        figsize=(4, 2),
        dpi=30,
    )
    ax, ax_data = fig.axes
    assert ax.get_aspect() == 1.0
    anim._func(4)  # draw the frame of step 4
    model = [line for line in ax_data.get_lines() if line.get_label() == "the line b + w x"][0]
    b, w = path[4]
    np.testing.assert_allclose(model.get_ydata(), b + w * np.array([x.min(), x.max()]))
    (errors,) = ax_data.collections
    segments = errors.get_segments()
    assert len(segments) == x.size
    np.testing.assert_allclose([seg[1][1] for seg in segments], b + w * x)
    assert fig.texts[-1].get_text() == f"b = {b:.1f}"
    page = animation.animation_to_html(animation.PathAnimation(anim, fig), alt="fit")
    assert len(_frames(page)) == 3
    with pytest.raises(ValueError, match="data"):
        animation.animate_path_on_contours(bs, ws, losses, path, data=(x,))
    with pytest.raises(ValueError, match="spacing"):
        animation.animate_path_on_contours(bs, ws, losses, path, spacing="late")


def test_animation_frames_are_palette_pngs_and_show_the_path_growing(tiny):
    small = animation.animation_to_html(tiny(), alt="path", colors=16)
    full = animation.animation_to_html(tiny(), alt="path", colors=None)
    small_frames, full_frames = _frames(small), _frames(full)
    assert len(small_frames) == len(full_frames) == 4
    for frame in small_frames:
        assert frame.mode == "P" and len(frame.getcolors()) <= 16
    assert all(frame.mode != "P" for frame in full_frames)
    assert len(small) < len(full)
    # the background is the same in every frame, the path makes them differ
    first, last = (np.asarray(f.convert("RGB"), dtype=int) for f in full_frames[::3])
    assert first.shape == last.shape and np.abs(first - last).sum() > 0

"""Diagrams for the chapters: a computation graph, and what a 2 x 2 matrix does to vectors.

Like every figure helper, each takes ``ax=None``, returns the Axes it drew on and passes
extra keyword arguments to matplotlib.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> nodes = {"x": (0, 0, "x = 3"), "y": (2, 0, "y = x**2 = 9")}
>>> ax = plot_computation_graph(nodes, [("x", "y", "2x = 6")], notes={"x": "dy/dx = 6"})
>>> sorted(t.get_text() for t in ax.texts)
['2x = 6', 'dy/dx = 6', 'x = 3', 'y = x**2 = 9']
>>> plt.close(ax.figure)
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch

from ..validation import check_finite_array

__all__ = ["plot_computation_graph", "plot_matrix_action"]


def _axes(ax, **subplots):
    if ax is None:
        _, ax = plt.subplots(**subplots)
    return ax


def plot_computation_graph(
    nodes, edges, *, notes=None, ax=None, note_color="C3", edge_labels_color="0.35", **kwargs
):
    """A computation graph: values in boxes, arrows from inputs to results.

    Introduced in chapter 2, to draw the graph that PyTorch records for a loss, with the
    forward values in the boxes, the local derivatives on the arrows and, under the boxes,
    the derivatives of the loss that ``backward()`` computes.

    Parameters
    ----------
    nodes : dict
        ``{name: (x, y, text)}``: where each box goes (data coordinates) and what it says.
    edges : sequence of (str, str, str or None)
        ``(from, to, label)``: an arrow from one node to another, with an optional label
        (such as a local derivative) written at its middle.
    notes : dict, optional
        ``{name: text}``: a second line under a node's box, in ``note_color`` (such as the
        derivative of the loss with respect to that node).
    ax : Axes, optional
    note_color, edge_labels_color : colour
        Colours of the notes and of the arrow labels.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.text` for the boxes (e.g. ``fontsize=12``);
        they override the defaults.

    Returns
    -------
    Axes
        Its texts, in order: the boxes (in the order of ``nodes``), the arrow labels, the
        notes; its patches: the arrows, in the order of ``edges``. The axis is switched
        off.
    """
    if not isinstance(nodes, Mapping) or not nodes:
        raise ValueError("nodes must be a non-empty dict {name: (x, y, text)}")
    places = {}
    for name, spec in nodes.items():
        if len(spec) != 3:
            raise ValueError(f"nodes[{name!r}] must be (x, y, text), got {spec!r}")
        places[name] = check_finite_array(spec[:2], f"nodes[{name!r}]", ndim=1)
    edges = list(edges)
    for edge in edges:
        if len(edge) != 3 or edge[0] not in nodes or edge[1] not in nodes:
            raise ValueError(
                f"each edge must be (from, to, label) between known nodes, got {edge!r}"
            )
    notes = dict(notes or {})
    unknown = sorted(set(notes) - set(nodes))
    if unknown:
        raise ValueError(f"notes name unknown nodes: {unknown}")
    ax = _axes(ax, figsize=(8, 3))
    box = {"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "0.3"}
    style = {"ha": "center", "va": "center", "fontsize": 11, "bbox": box, "zorder": 3, **kwargs}
    boxes = {name: ax.text(x, y, text, **style) for name, (x, y, text) in nodes.items()}
    for start, end, label in edges:
        a, b = places[start], places[end]
        # patchA/patchB clip the arrow at the edges of the two boxes, whatever their size
        ax.add_patch(
            FancyArrowPatch(
                a,
                b,
                arrowstyle="-|>",
                mutation_scale=14,
                color="0.3",
                linewidth=1.2,
                zorder=2,
                patchA=boxes[start].get_bbox_patch(),
                patchB=boxes[end].get_bbox_patch(),
                shrinkA=1,
                shrinkB=1,
            )
        )
        if label:
            mid = (a + b) / 2
            ax.text(
                mid[0],
                mid[1],
                label,
                ha="center",
                va="bottom",
                fontsize=9,
                color=edge_labels_color,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    for name, text in notes.items():
        x, y = places[name]
        ax.annotate(
            text,
            (x, y),
            xytext=(0, -24),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=10,
            color=note_color,
        )
    xs = np.array([p[0] for p in places.values()])
    ys = np.array([p[1] for p in places.values()])
    ax.set(xlim=(xs.min() - 0.9, xs.max() + 0.9), ylim=(ys.min() - 0.55, ys.max() + 0.35))
    ax.axis("off")
    return ax


def plot_matrix_action(
    matrix,
    *,
    ax=None,
    num_vectors=8,
    eigenvectors=True,
    labels=("u_{\\min}", "u_{\\max}"),
    **kwargs,
):
    """What a symmetric 2 x 2 matrix does to vectors: the unit circle and its image.

    Introduced in chapter 4. A few unit vectors ``u`` (thin, dashed, on the grey unit
    circle) and their images ``A u`` (solid, same colour, on the ellipse that is the image
    of the circle). Most change direction; along the two eigenvectors (thick) ``A u`` keeps
    the direction of ``u`` and is only stretched, by the eigenvalue.

    Parameters
    ----------
    matrix : array_like, shape (2, 2)
        A symmetric matrix.
    ax : Axes, optional
    num_vectors : int, default 8
        How many unit vectors, at equal angles, to send through the matrix.
    eigenvectors : bool, default True
        Also draw the two eigenvectors ``u`` and their images ``A u = lambda u``, thick and
        labelled with their eigenvalues.
    labels : (str, str)
        TeX names of the eigenvectors of the smaller and the larger eigenvalue.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the images of the unit circle
        (e.g. ``color="C4"``).

    Returns
    -------
    Axes
        With equal aspect, so that right angles look right. Its lines: the unit circle, its
        image, then for each unit vector the pair ``u``, ``A u``.
    """
    matrix = check_finite_array(matrix, "matrix", ndim=2)
    if matrix.shape != (2, 2) or not np.allclose(matrix, matrix.T):
        raise ValueError(f"matrix must be a symmetric 2 x 2 matrix, got {matrix.tolist()}")
    ax = _axes(ax)
    angles = np.linspace(0, 2 * np.pi, 400)
    circle = np.vstack([np.cos(angles), np.sin(angles)])
    ax.plot(*circle, color="0.6", linewidth=1, label="unit vectors $u$")
    ax.plot(
        *(matrix @ circle),
        **{"color": "C0", "linewidth": 1.5, "label": "their images $Au$", **kwargs},
    )
    shown = np.linspace(0, 2 * np.pi, num_vectors, endpoint=False) + np.pi / num_vectors
    palette = plt.get_cmap("tab10")([4, 5, 6, 8, 9, 1, 7, 0])
    for k, angle in enumerate(shown):
        u = np.array([np.cos(angle), np.sin(angle)])
        colour = palette[k % len(palette)]
        ax.plot([0, u[0]], [0, u[1]], "--", color=colour, linewidth=1)
        image = matrix @ u
        ax.plot([0, image[0]], [0, image[1]], "-", color=colour, linewidth=1.2, alpha=0.8)
        ax.plot(*image, "o", color=colour, markersize=3)
    if eigenvectors:
        values, vectors = np.linalg.eigh(matrix)
        for value, vector, label, colour in zip(values, vectors.T, labels, ("C2", "C3")):
            ax.plot([0, vector[0]], [0, vector[1]], "--", color=colour, linewidth=2)
            ax.add_patch(
                FancyArrowPatch(
                    (0, 0),
                    value * vector,
                    arrowstyle="-|>",
                    mutation_scale=16,
                    color=colour,
                    linewidth=2.5,
                    shrinkA=0,
                    shrinkB=0,
                    zorder=3,
                )
            )
            tip = value * vector if abs(value) >= 1 else vector
            # the label just beyond the tip, on the outer side, clear of the other vectors
            # (which all end inside the circle or on the ellipse)
            outward = np.sign(tip) + (tip == 0)
            ax.annotate(
                rf"${label}$: $\lambda = {value:.2f}$",
                tip,
                xytext=4 * outward,
                textcoords="offset points",
                ha="left" if outward[0] > 0 else "right",
                va="bottom" if outward[1] > 0 else "top",
                color=colour,
                fontsize=10,
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "facecolor": "white",
                    "edgecolor": "none",
                    "alpha": 0.8,
                },
            )
    ax.set_aspect("equal")
    ax.axhline(0, color="0.85", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.85", linewidth=0.8, zorder=0)
    return ax

"""Small conveniences for the chapter notebooks.

Defined in chapter 1. :func:`glue` lets the prose of a chapter quote a number the code
computed: on the website the number is pasted into the text by MyST-NB; in a notebook
running anywhere else (Jupyter, Colab) it is simply shown.
"""

from __future__ import annotations

__all__ = ["glue", "plain"]


def plain(value):
    """Turn a numpy scalar into the plain Python number it holds; leave anything else alone.

    Numpy scalars print as ``np.float64(...)`` under numpy 2, which the book's
    ``{glue:text}`key:.2f``` formatting cannot parse; plain Python numbers can.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        return value.item()
    return value


def glue(name: str, value, display: bool = False) -> None:
    """Record ``value`` under ``name`` for the book's ``{glue:text}`` roles.

    Numpy scalars are turned into plain Python numbers first.

    Uses :func:`myst_nb.glue` when MyST-NB is installed (the book build). Elsewhere,
    prints ``name = value`` so a learner still sees the number the text refers to.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty string, got {name!r}")
    value = plain(value)
    try:
        from myst_nb import glue as _glue
    except ImportError:
        print(f"{name} = {value}")
    else:
        _glue(name, value, display=display)

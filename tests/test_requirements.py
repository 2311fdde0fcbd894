"""The pins: exact, each package in one file, and closed under dependencies.

requirements/runtime.txt is what a learner's notebook needs (the course archive and the
chapters' setup cells are made from it); requirements.txt includes it and adds the tools
that build and test the book. "Closed" means that every dependency of a pinned package is
pinned in the same set, so that pip installs nothing unpinned. The dependencies are read
from the metadata of the packages installed in this environment (.venv).
"""

import importlib.metadata as md

import pytest
from packaging.requirements import Requirement

from course_tree import REQUIREMENTS, ROOT, RUNTIME, normalize, pins

#: Installed by venv itself, not by the requirements.
NOT_PINNED = {"pip"}


def written_pins(path) -> set[str]:
    """The packages pinned in the file itself (not through ``-r``)."""
    lines = (line.split(" #", 1)[0].strip() for line in path.read_text().splitlines())
    return {
        normalize(line.partition("==")[0])
        for line in lines
        if "==" in line and not line.startswith("#")
    }


def dependencies(name: str) -> set[str]:
    """What pip installs with ``name`` here: its requirements whose markers hold, no extras."""
    try:
        requires = md.distribution(name).requires or []
    except md.PackageNotFoundError:
        pytest.fail(
            f"{name} is pinned but not installed: run `make .venv/.installed`", pytrace=False
        )
    found = set()
    for text in requires:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            found.add(normalize(req.name))
    return found


def test_every_line_is_an_exact_pin_and_each_package_has_one_home():
    runtime, everything = (
        pins(RUNTIME),
        pins(REQUIREMENTS),
    )  # pins() raises on a line that is not a pin
    twice = written_pins(REQUIREMENTS) & written_pins(RUNTIME)
    assert not twice, (
        f"pinned in both requirements.txt and requirements/runtime.txt: {sorted(twice)}"
    )
    assert set(runtime) <= set(everything), (
        "requirements.txt does not include requirements/runtime.txt"
    )
    assert {"numpy", "matplotlib", "torch", "scikit-learn", "ipykernel"} <= set(runtime)
    assert not {"jupyter-book", "sphinx", "pytest", "playwright", "ruff"} & set(runtime)
    assert "-e ." in REQUIREMENTS.read_text().splitlines(), (
        "requirements.txt no longer installs the package"
    )


@pytest.mark.parametrize("path", [RUNTIME, REQUIREMENTS], ids=["runtime", "everything"])
def test_every_dependency_of_a_pin_is_pinned(path):
    pinned = pins(path)
    missing = sorted(
        f"{dep} (for {name})"
        for name in pinned
        for dep in dependencies(name) - set(pinned) - NOT_PINNED
    )
    assert not missing, f"{path.relative_to(ROOT)} does not pin: {missing}"

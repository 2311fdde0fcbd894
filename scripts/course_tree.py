"""The course's source tree, read in one place by the build tools, the tests and the benchmarks.

- :func:`chapters`: the chapter notebooks ``book/NN_name.ipynb``;
- :func:`toc_documents`: every document of ``_toc.yml`` (root, chapters, nested sections);
- :func:`cell_source`: the text of a notebook cell, whether stored as a string or a list;
- :func:`pins`: the exact pins of a requirements file (``RUNTIME``: what a learner's
  notebook needs; ``REQUIREMENTS``: the whole course environment).

The tests import it as ``course_tree`` (pyproject.toml puts scripts/ on pytest's path);
scripts run from scripts/ import it directly.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
RUNTIME = ROOT / "requirements" / "runtime.txt"
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks, ``book/NN_snake_case.ipynb``, in order."""
    return sorted(p for p in (root / "book").glob("*.ipynb") if CHAPTER.match(p.name))


def toc_documents(root: Path = ROOT) -> list[str]:
    """Every document of the table of contents: the root, chapters and nested sections,
    as paths without suffix (``book/01_derivatives``)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                docs.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [d.removesuffix(".md").removesuffix(".ipynb") for d in docs]


def cell_source(cell: dict) -> str:
    """A notebook cell's text (nbformat stores it as a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def normalize(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): ``Jinja2`` -> ``jinja2``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path = RUNTIME) -> dict[str, str]:
    """The exact pins of a requirements file and of the files it includes with ``-r``.

    Returns ``{normalized name: "Name==version"}`` in the order of the files. Comments,
    blank lines and ``-e`` lines are skipped; any other line must be an exact pin.
    """
    found: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-e")):
            continue
        if line.startswith("-r"):
            found.update(pins(path.parent / line.removeprefix("-r").strip()))
            continue
        name, sep, version = line.partition("==")
        if not sep or not version.strip() or re.search(r"[<>!~=;\[ ]", name):
            raise ValueError(f"{path.name}: not an exact pin: {raw!r}")
        found[normalize(name)] = f"{name.strip()}=={version.strip()}"
    return found

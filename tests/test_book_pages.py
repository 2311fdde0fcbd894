"""The reference pages and the instructor's pages: glossary, bibliography, instructor guide.

- every chapter links the glossary, and only to terms it defines;
- every citation is in the bibliography;
- the instructor guide (book/instructors.md) lists every chapter, and its Sphinx extension
  (_ext/course_guide.py) reads objectives and exercises from the chapters and draws a valid,
  described dependency diagram.
"""

from __future__ import annotations

import json
import re

import pytest

import course_guide as guide  # _ext/course_guide.py
from course_tree import ROOT, chapters
from course_tree import cell_source as source
from notebook_tools import md, notebook

CHAPTERS = chapters()


def is_placeholder_chapter(nb) -> bool:
    """A chapter still being written: only a title and a 'Placeholder' line."""
    text = " ".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    return "Placeholder: this chapter is being written" in text


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_links_the_glossary(path):
    nb = notebook(path)
    if is_placeholder_chapter(nb):
        pytest.skip(f"{path.name} is a placeholder")
    glossary = (ROOT / "book" / "glossary.md").read_text()
    defined = {
        line.strip().lower()
        for line in glossary.splitlines()
        if line and not line.startswith((" ", "#", "`", "T"))
    }
    terms = re.findall(
        r"\{term\}`([^`]*)`",
        " ".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown"),
    )
    assert len(terms) >= 3, (
        f"{path.name} links only {len(terms)} glossary terms; link the first use of each term"
    )
    targets = {
        " ".join((re.search(r"<([^>]*)>", t).group(1) if "<" in t else t).split()).lower()
        for t in terms
    }
    assert targets <= defined, (
        f"{path.name} links terms missing from the glossary: {sorted(targets - defined)}"
    )


def test_every_citation_is_in_the_bibliography():
    from pybtex.database import parse_file

    keys = set(parse_file(str(ROOT / "book" / "references.bib")).entries)
    texts = [p.read_text() for p in (ROOT / "book").glob("*.md")]
    texts += [
        source(c) for p in CHAPTERS for c in notebook(p)["cells"] if c["cell_type"] == "markdown"
    ]
    cited = {
        k.strip()
        for t in texts
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]*)`", t)
        for k in group.split(",")
    }
    assert cited, "no chapter cites the references"
    assert cited <= keys, f"cited but not in book/references.bib: {sorted(cited - keys)}"


# ------------------------------------------------------------------------------- instructor guide


def guide_table() -> dict:
    import yaml

    text = (ROOT / "book" / "instructors.md").read_text()
    block = re.search(r"```\{course-guide\}\n(.*?)```", text, re.S)
    assert block, "book/instructors.md has no course-guide block"
    return yaml.safe_load(block.group(1))


def test_instructor_guide_covers_every_chapter():
    table = guide_table()
    stems = [p.stem for p in CHAPTERS]
    assert set(table) == set(stems), (
        f"instructor guide: missing {set(stems) - set(table)}, unknown {set(table) - set(stems)}"
    )
    for stem, entry in table.items():
        assert entry["minutes"] > 0
        for req in entry["requires"]:
            assert req in stems and req < stem, (
                f"{stem} requires {req}, which is not an earlier chapter"
            )


def test_course_guide_reads_objectives_and_exercises_from_the_chapter(tmp_path):
    nb = {
        "cells": [
            md(
                "# A chapter\n\n:::{admonition} Learning objectives\n:class: tip\n"
                "By the end you can\n1. do one thing;\n2. do another.\n:::"
            ),
            md(
                "```{exercise-start}\n:label: ch09-ex-1\n```\n"
                "First sentence here. Second one.\n```{exercise-end}\n```"
            ),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "09_a_chapter.ipynb"
    path.write_text(json.dumps(nb))
    info = guide.read_chapter(path)
    assert info == {
        "title": "A chapter",
        "objectives": ["1. do one thing;", "2. do another."],
        "exercises": [("ch09-ex-1", "First sentence here.")],
    }


def test_course_guide_diagram_is_valid_svg_with_a_text_alternative():
    import xml.etree.ElementTree as ET

    svg = guide.dependency_svg(
        ["01_a", "02_b", "03_c"],
        {"02_b": ["01_a"], "03_c": ["01_a", "02_b"]},
        {"01_a": "A", "02_b": "B & co", "03_c": "C"},
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert "chapter 3 needs chapter 1, chapter 2" in root.get("aria-label")
    assert svg.count("marker-end=") == 3  # arrows 1->2, 2->3 straight; 1->3 round the side
    assert svg.count(" C ") == 1

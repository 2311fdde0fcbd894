"""Checks of the source tree that a new contributor or CI would trip over."""

import json
from pathlib import Path

import pytest

from course_tree import toc_documents

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(notebook):
    nb = json.loads(notebook.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{notebook.name}: code cells {dirty} have outputs or execution counts; clear them "
        "(jupyter nbconvert --clear-output --inplace) before committing"
    )


@pytest.mark.parametrize("entry", toc_documents())
def test_every_toc_entry_has_a_source_file(entry):
    candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")] + [ROOT / entry]
    assert any(c.is_file() for c in candidates), (
        f"_toc.yml lists {entry!r} but no such .md or .ipynb exists"
    )


def test_chapter_files_follow_the_naming_convention():
    for entry in toc_documents():
        name = Path(entry).name
        if name[:2].isdigit():
            assert (
                name[2] == "_" and name[3:].replace("_", "").isalnum() and name == name.lower()
            ), name


def test_every_chapter_notebook_is_in_the_toc():
    listed = set(toc_documents())
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in listed, f"{nb.name} is not in _toc.yml"


def test_visible_code_fits_the_pages_column():
    """Every code cell a learner sees on the page (not removed) fits 79 characters a line,
    and none calls glue() (build plumbing goes in hidden cells)."""
    import json

    problems = []
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] != "code" or {"remove-cell", "remove-input"} & set(tags):
                continue
            text = "".join(cell["source"])
            problems += [f"{path.name} cell {i}: {len(line)} characters: {line.strip()[:50]}"
                         for line in text.splitlines() if len(line) > 79]
            if "glue(" in text:
                problems.append(f"{path.name} cell {i}: glue() in a visible cell")
    assert not problems, "\n".join(problems)

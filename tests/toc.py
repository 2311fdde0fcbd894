"""The documents listed in _toc.yml, shared by the tree, site and browser tests."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


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

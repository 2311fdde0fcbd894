"""Build a quick preview of some chapters, away from the main _build/.

Copies the repository (without _build and .venv) to a temporary folder, replaces every
numbered chapter not chosen by a one-cell stub with the same title (so links still resolve
and nothing else executes), and builds it with warnings as errors. Useful when several
chapters are being written at once and one wants to see one's own pages.

Usage: python scripts/preview.py book/03_linear_regression [more chapters] [--out DIR]
Prints the path of the built index.html.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from course_tree import ROOT, toc_documents

NUMBERED = re.compile(r"^book/\d\d_")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "chapters", nargs="+", help="chapter paths as written in _toc.yml, e.g. book/01_derivatives"
    )
    parser.add_argument("--out", help="folder to build in (default: a new temporary folder)")
    args = parser.parse_args()
    wanted = {c.removesuffix(".ipynb") for c in args.chapters}
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="preview-"))
    ignore = shutil.ignore_patterns(
        ".venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints", "node_modules"
    )
    if out.exists():
        shutil.rmtree(out / "book", ignore_errors=True)
    shutil.copytree(ROOT, out, ignore=ignore, dirs_exist_ok=True)
    # the build's own npm packages (KaTeX, d3), installed by `make site`, come along: the
    # preview builds with the same assets instead of failing on a missing stylesheet
    for modules in ROOT.glob("_ext/*/node_modules"):
        shutil.copytree(modules, out / modules.relative_to(ROOT), dirs_exist_ok=True)
    # Chapters not asked for become one-cell stubs with the same title, so that links to them
    # still resolve and nothing in them executes.
    for doc in toc_documents(ROOT):
        if NUMBERED.match(doc) and doc not in wanted:
            path = out / f"{doc}.ipynb"
            nb = nbformat.read(path, as_version=4)
            title = next(
                (
                    c.source.splitlines()[0]
                    for c in nb.cells
                    if c.cell_type == "markdown" and c.source.startswith("# ")
                ),
                "# Chapter",
            )
            stub = nbformat.v4.new_notebook(metadata=nb.metadata)
            stub.cells = [nbformat.v4.new_markdown_cell(f"{title}\n\n(Left out of this preview.)")]
            nbformat.write(stub, path)
    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    # the kernels import the copy's package, not whichever one the environment installed
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(out / "src"), os.environ.get("PYTHONPATH")])),
    )
    result = subprocess.run(cmd, cwd=out, env=env)
    status = "OK" if result.returncode == 0 else "FAILED"
    print(f"[preview] {status}: {out / '_build' / 'html' / 'index.html'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())

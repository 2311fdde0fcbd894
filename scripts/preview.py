"""Build a quick preview of some chapters, away from the main _build/.

Copies the repository (without _build and .venv) to a temporary folder, trims _toc.yml to
the chosen chapters plus every page that is not a numbered chapter (introduction, glossary,
...), and builds it with warnings as errors. Useful when several chapters are being written
at once and one wants to see one's own pages.

Usage: python scripts/preview.py book/03_linear_regression [more chapters] [--out DIR]
Prints the path of the built index.html.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NUMBERED = re.compile(r"^book/\d\d_")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("chapters", nargs="+", help="chapter paths as written in _toc.yml, e.g. book/01_derivatives")
    parser.add_argument("--out", help="folder to build in (default: a new temporary folder)")
    args = parser.parse_args()
    wanted = {c.removesuffix(".ipynb") for c in args.chapters}
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="preview-"))
    ignore = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints")
    if out.exists():
        shutil.rmtree(out / "book", ignore_errors=True)
    shutil.copytree(ROOT, out, ignore=ignore, dirs_exist_ok=True)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    parts = []
    for part in toc["parts"]:
        kept = [c for c in part["chapters"] if not NUMBERED.match(c["file"]) or c["file"] in wanted]
        if kept:
            parts.append({**part, "chapters": kept})
    toc["parts"] = parts
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    cmd = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(out), "-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, cwd=out)
    print(f"[preview] {'OK' if result.returncode == 0 else 'FAILED'}: {out / '_build' / 'html' / 'index.html'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())

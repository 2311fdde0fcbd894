"""Build the course website into _build/html, failing on any warning or execution error.

Jupyter Book's execution cache keys only on a notebook's code cells, so a change to the
shared package under src/ would otherwise leave stale outputs on the site. This script
keeps that cache honest, and fills it on both cores:

1. **What each chapter depends on.** Each chapter notebook's imports of ``descentkit``
   (``from descentkit.optim import ...``, ``dk.plots....``) are followed through the
   package's own imports (``from .validation import ...``) to the set of package files
   the chapter really runs; its fingerprint is their SHA-256 together with the pins
   (``requirements*.txt``, ``pyproject.toml``). A chapter whose fingerprint changed since
   the last good build loses its cache entry and is marked for Sphinx to read again, so
   a change in ``src/descentkit/rules.py`` re-executes only the chapters that use it.
2. **Parallel execution.** Every chapter without a valid cache entry is executed by
   jupyter-cache's ``local-parallel`` executor (one kernel per core) into the cache that
   the book build reads (``_build/.jupyter_cache``); the build then executes nothing.
3. **The book**, with ``jupyter-book build -W -n --keep-going``, then
   ``scripts/post_build.py`` (the downloads).

KaTeX, which renders the math when the site is built, and the d3 modules the widgets draw
with are installed from ``_ext/katex/package-lock.json`` and ``_ext/d3/package-lock.json``
with ``npm ci`` when they are missing or older than their lock.
With nothing changed the build executes nothing.

Usage: python scripts/build_site.py [--all] [--quiet] [--serial]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
STAMP = BUILD / ".chapter-fingerprints.json"
PACKAGE = ROOT / "src" / "descentkit"
KATEX = ROOT / "_ext" / "katex"
D3 = ROOT / "_ext" / "d3"
CHAPTER = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")


def chapters() -> list[Path]:
    return sorted(p for p in (ROOT / "book").glob("*.ipynb") if CHAPTER.match(p.name))


# --------------------------------------------------------------------- what depends on what


def _module_file(name: str) -> Path | None:
    """The file of ``descentkit.<name>`` (a module or a subpackage's __init__)."""
    parts = name.split(".")
    for candidate in (
        PACKAGE.joinpath(*parts).with_suffix(".py"),
        PACKAGE.joinpath(*parts, "__init__.py"),
    ):
        if candidate.exists():
            return candidate
    return None


def _package_imports(path: Path) -> set[str]:
    """The descentkit modules (dotted, below the package) that one package file imports."""
    package = path.relative_to(PACKAGE).parts[:-1]  # the subpackage the file is in
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)] if node.level > 1 else package)
            target = base + (node.module.split(".") if node.module else [])
            if node.module:
                found.add(".".join(target))
            for alias in node.names:  # from . import losses / from .plots import style
                dotted = ".".join([*target, alias.name])
                if _module_file(dotted):
                    found.add(dotted)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("descentkit."):
            found.add(node.module.removeprefix("descentkit."))
    return {m for m in found if m and _module_file(m)}


def _notebook_imports(path: Path) -> set[str]:
    """The descentkit modules a chapter uses: imported by name or reached as ``dk.<module>``."""
    code = "\n".join(
        "".join(cell["source"])
        for cell in json.loads(path.read_text())["cells"]
        if cell["cell_type"] == "code"
    )
    found = set(re.findall(r"\bdescentkit\.([a-z_]+(?:\.[a-z_]+)?)", code))
    for group in re.findall(r"\bfrom descentkit import ([a-z_, ]+)", code):
        found |= {name.strip() for name in group.split(",")}
    found |= set(re.findall(r"\bdk\.([a-z_]+)\b", code))
    return {m for m in found if _module_file(m)}


def chapter_dependencies(path: Path) -> set[Path]:
    """Every package file a chapter runs: its imports, followed through the package."""
    todo, seen = list(_notebook_imports(path)) + [""], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        file = _module_file(name) if name else PACKAGE / "__init__.py"
        parent = name.rpartition(".")[0]
        if parent:  # importing plots.figures runs plots/__init__.py first
            todo.append(parent)
        todo.extend(_package_imports(file))
    return {_module_file(n) if n else PACKAGE / "__init__.py" for n in seen}


def chapter_fingerprint(path: Path) -> str:
    pins = [
        ROOT / "pyproject.toml",
        ROOT / "requirements.txt",
        *sorted((ROOT / "requirements").glob("*.txt")),
    ]
    digest = hashlib.sha256()
    for file in sorted(chapter_dependencies(path)) + pins:
        digest.update(str(file.relative_to(ROOT)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- the cache


def invalidate_changed(fingerprints: dict[str, str], quiet: bool) -> list[str]:
    """Drop the cache entry of every chapter whose dependencies changed; mark it for Sphinx."""
    from jupyter_cache import get_cache

    old = json.loads(STAMP.read_text()) if STAMP.exists() else {}
    changed = [name for name, fp in fingerprints.items() if old.get(name) != fp]
    if not changed or not CACHE.exists():
        return changed
    cache = get_cache(str(CACHE))
    for name in changed:
        path = ROOT / "book" / name
        try:
            cache.remove_cache(cache.match_cache_file(str(path)).pk)
        except KeyError:
            pass
        os.utime(path)  # Sphinx reads a page again when its source is newer than the build
    if not quiet:
        print(f"[build] package code or pins changed for: {', '.join(changed)}")
    return changed


def execute_in_parallel(serial: bool) -> list[str]:
    """Execute every chapter without a valid cache entry, one kernel per core."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(CACHE))
    todo = []
    for path in chapters():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(str(path))
    if not todo:
        return []
    for uri in todo:
        cache.add_nb_to_project(uri)
    executor = load_executor("local-serial" if serial else "local-parallel", cache=cache)
    start = time.perf_counter()
    result = executor.run_and_cache(filter_uris=todo, timeout=600, allow_errors=False)
    for uri in result.succeeded:
        seconds = cache.match_cache_file(uri).data.get("execution_seconds", float("nan"))
        print(f"[build] {Path(uri).name}: executed in {seconds:.2f} seconds")
    print(
        f"[build] executed {len(result.succeeded)} chapter(s) in "
        f"{time.perf_counter() - start:.1f} s ({'serial' if serial else 'parallel'})"
    )
    failed = result.errored + result.excepted
    if failed:
        for uri in failed:
            tb = cache.get_project_record(uri).traceback or ""
            print(f"[build] FAILED executing {uri}:\n{tb[-3000:]}", file=sys.stderr)
        raise SystemExit(1)
    return todo


def ensure_npm(folder: Path, what: str) -> None:
    """``npm ci`` in ``folder`` when its node_modules is missing or older than the lock."""
    installed = folder / "node_modules" / ".package-lock.json"
    lock = folder / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"[build] npm (Node.js) is needed: {what}")
    print(f"[build] installing {folder.name} from {lock.relative_to(ROOT)} (npm ci)")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(folder)], check=True, cwd=folder
    )


def ensure_katex() -> None:
    """``npm ci`` in _ext/katex when its node_modules is missing or older than the lock."""
    ensure_npm(KATEX, "KaTeX renders the math at build time")


def ensure_d3() -> None:
    """``npm ci`` in _ext/d3 (the widgets' d3 modules) when missing or older than the lock."""
    ensure_npm(D3, "the widgets' d3 modules come from npm")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--all", action="store_true", help="re-execute every notebook and rebuild every page"
    )
    parser.add_argument("--quiet", action="store_true", help="less output from Sphinx")
    parser.add_argument("--serial", action="store_true", help="execute on one core")
    args = parser.parse_args()

    ensure_katex()
    ensure_d3()
    if args.all:
        print("[build] --all given: clearing the execution cache so every notebook runs again")
        for folder in (".jupyter_cache", ".doctrees", "jupyter_execute"):
            shutil.rmtree(BUILD / folder, ignore_errors=True)
        STAMP.unlink(missing_ok=True)
    BUILD.mkdir(exist_ok=True)
    fingerprints = {path.name: chapter_fingerprint(path) for path in chapters()}
    invalidate_changed(fingerprints, args.quiet)
    # The pages show each self-check's result as text: the JSON report beside it is for
    # `python -m descentkit.grade` (see descentkit.checks.REPORT_ENV). The kernels inherit it.
    os.environ["DESCENTKIT_CHECK_REPORT"] = "text"
    execute_in_parallel(args.serial)

    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(ROOT),
        "-W",
        "-n",
        "--keep-going",
    ]
    if args.all:
        cmd.append("--all")
    if args.quiet:
        cmd.append("-q")
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        print("[build] FAILED: see the warnings or errors above.", file=sys.stderr)
        return result.returncode

    # After Sphinx: the downloads (package wheel, student notebooks, course archive).
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "post_build.py")], cwd=ROOT)
    if result.returncode != 0:
        print("[build] FAILED in scripts/post_build.py", file=sys.stderr)
        return result.returncode

    STAMP.write_text(json.dumps(fingerprints, indent=1, sort_keys=True) + "\n")
    index = BUILD / "html" / "index.html"
    print(
        f"[build] done. Open {index} in a browser, or run `make serve` and visit http://localhost:8000"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

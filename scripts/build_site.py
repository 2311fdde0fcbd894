"""Build the course website into _build/html, failing on any warning or execution error.

Jupyter Book's execution cache keys only on a notebook's code cells, so a change to the
shared package under src/ would otherwise leave stale outputs on the site. This script
fingerprints src/, pyproject.toml and the requirement files (requirements.txt and
requirements/*.txt); when the fingerprint differs from the last successful build, it
clears the execution cache and rebuilds every page, so every notebook runs again against
the new package. With nothing changed it executes nothing. Then it runs
scripts/post_build.py, which makes the downloads.

Usage: python scripts/build_site.py [--all] [--quiet]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STAMP = BUILD / ".package-fingerprint"


def package_fingerprint() -> str:
    """SHA-256 over the package sources and the pinned requirements."""
    files = [
        *sorted((ROOT / "src").rglob("*.py")),
        ROOT / "pyproject.toml",
        ROOT / "requirements.txt",
        *sorted((ROOT / "requirements").glob("*.txt")),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--all", action="store_true", help="re-execute every notebook and rebuild every page"
    )
    parser.add_argument("--quiet", action="store_true", help="less output from Sphinx")
    args = parser.parse_args()

    fingerprint = package_fingerprint()
    stale = not STAMP.exists() or STAMP.read_text().strip() != fingerprint
    full = args.all or stale
    if full:
        reason = (
            "--all given"
            if args.all
            else "the package under src/ or its pins changed since the last build"
        )
        print(f"[build] {reason}: clearing the execution cache so every notebook runs again")
        shutil.rmtree(BUILD / ".jupyter_cache", ignore_errors=True)
        shutil.rmtree(BUILD / ".doctrees", ignore_errors=True)
        shutil.rmtree(BUILD / "jupyter_execute", ignore_errors=True)
        STAMP.unlink(missing_ok=True)

    cmd = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(ROOT),
        "-W",
        "-n",
        "--keep-going",
    ]
    if full:
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

    BUILD.mkdir(exist_ok=True)
    STAMP.write_text(fingerprint + "\n")
    index = BUILD / "html" / "index.html"
    print(
        f"[build] done. Open {index} in a browser, or run `make serve` and visit http://localhost:8000"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

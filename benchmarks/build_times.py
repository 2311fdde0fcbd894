"""Benchmark the site build: clean build, rebuild with nothing changed, rebuild after a
change under src/, and each notebook's execution time. Prints markdown tables.

Runs on a temporary copy of the repository (so the real _build/ is untouched), importing
the package from the copy's src/. Usage: python benchmarks/build_times.py
Targets (issue 2): a rebuild with nothing changed executes no notebook and takes < 10 s;
chapter 1 executes in < 20 s.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = re.compile(r"(\S+\.ipynb): Executed notebook in ([\d.]+) seconds")


def build(copy: Path) -> tuple[float, list[str], str]:
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "scripts/build_site.py"], cwd=copy, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stderr.write(log[-5000:])
        raise SystemExit(f"build failed in {copy}")
    return seconds, [Path(m.group(1)).name for m in EXECUTED.finditer(log)], log


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        copy = Path(tmp) / "course"
        ignore = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", "node_modules")
        shutil.copytree(ROOT, copy, ignore=ignore)
        rows = []
        seconds, executed, log = build(copy)
        rows.append(("clean build", seconds, len(executed)))
        per_notebook = [(Path(m.group(1)).name, float(m.group(2))) for m in EXECUTED.finditer(log)]
        seconds, executed, _ = build(copy)
        rows.append(("rebuild, nothing changed", seconds, len(executed)))
        target = copy / "src" / "descentkit" / "calculus.py"
        target.write_text(target.read_text() + "\n# benchmark: a change under src/\n")
        seconds, executed, _ = build(copy)
        rows.append(("rebuild after changing src/descentkit/calculus.py", seconds, len(executed)))

    print("| build | wall time (s) | notebooks executed |")
    print("| --- | ---: | ---: |")
    for name, seconds, count in rows:
        print(f"| {name} | {seconds:.1f} | {count} |")
    print()
    print("| notebook | execution time (s), clean build |")
    print("| --- | ---: |")
    for name, seconds in per_notebook:
        print(f"| {name} | {seconds:.1f} |")
    ok = rows[1][2] == 0 and rows[1][1] < 10 and all(s < 20 for _, s in per_notebook)
    print()
    print("targets met" if ok else "TARGETS MISSED: see the tables above")
    return 0


if __name__ == "__main__":
    sys.exit(main())

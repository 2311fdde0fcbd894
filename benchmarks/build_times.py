"""Benchmark the site build. Prints markdown tables.

Runs on a temporary copy of the repository (so the real _build/ is untouched), importing
the package from the copy's src/. Usage: python benchmarks/build_times.py

Rows: a clean build (notebooks executed in parallel, one kernel per core); a rebuild with
nothing changed; a rebuild after editing one chapter; after editing a module only one
chapter imports (functions.py, chapter 7); after editing a module every chapter imports
(calculus.py); and, side by side, the same notebooks executed one after another
(``--all --serial``), whose summed execution time is the serial reference.

Targets (issue 17): clean build <= 0.8 x the serial execution time; a rebuild with nothing
changed <= 3 s and 0 executions; editing one chapter or one module executes only the
chapters that depend on it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = re.compile(r"\[build\] (\S+\.ipynb): executed in ([\d.]+) seconds")


def build(copy: Path, *flags: str) -> tuple[float, dict[str, float]]:
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "scripts/build_site.py", "--quiet", *flags],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.stderr.write(log[-5000:])
        raise SystemExit(f"build failed in {copy}")
    return seconds, {m.group(1): float(m.group(2)) for m in EXECUTED.finditer(log)}


def touch_code(path: Path) -> None:
    """Append a comment to a file (a module) or to a notebook's last code cell."""
    if path.suffix == ".py":
        path.write_text(path.read_text() + "\n# benchmark: an edit\n")
        return
    nb = json.loads(path.read_text())
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    cell["source"] = "".join(cell["source"]) + "\n# benchmark: an edit\n"
    path.write_text(json.dumps(nb, indent=1) + "\n")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        copy = Path(tmp) / "course"
        ignore = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__")
        shutil.copytree(ROOT, copy, ignore=ignore)
        rows = []
        seconds, executed = build(copy)
        rows.append(("clean build (parallel)", seconds, executed))
        rows.append(("rebuild, nothing changed", *build(copy)))
        touch_code(copy / "book" / "07_momentum.ipynb")
        rows.append(("rebuild after editing chapter 7", *build(copy)))
        touch_code(copy / "src" / "descentkit" / "functions.py")
        rows.append(("rebuild after editing src/descentkit/functions.py", *build(copy)))
        touch_code(copy / "src" / "descentkit" / "calculus.py")
        rows.append(("rebuild after editing src/descentkit/calculus.py", *build(copy)))
        serial_wall, serial = build(copy, "--all", "--serial")
        rows.append(("clean build, serial (--all --serial)", serial_wall, serial))

    print("| build | wall time (s) | chapters executed |")
    print("| --- | ---: | --- |")
    for name, seconds, executed in rows:
        names = ", ".join(sorted(n[:2] for n in executed)) or "none"
        print(f"| {name} | {seconds:.1f} | {len(executed)} ({names}) |")
    print()
    print("| notebook | execution time (s), serial |")
    print("| --- | ---: |")
    for name, seconds in sorted(serial.items()):
        print(f"| {name} | {seconds:.1f} |")
    serial_sum = sum(serial.values())
    ratio = rows[0][1] / serial_sum
    print()
    print(
        f"clean parallel build {rows[0][1]:.1f} s / notebooks one after another "
        f"{serial_sum:.1f} s = {ratio:.2f} (target <= 0.8)"
    )
    ok = (
        ratio <= 0.8
        and rows[1][1] <= 3
        and not rows[1][2]
        and set(rows[2][2]) == {"07_momentum.ipynb"}
        and set(rows[3][2]) == {"07_momentum.ipynb"}
    )
    print("targets met" if ok else "TARGETS MISSED: see the tables above")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Notebook helpers shared by the tests of the downloads: read, write and run notebooks.

Used by test_setup_cell.py, test_student_version.py, test_archive.py, test_book_pages.py
and test_site.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from local_site import SITE


def notebook(path) -> dict:
    return json.loads(Path(path).read_text())


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text, **metadata):
    return {"cell_type": "code", "metadata": metadata, "source": text, "outputs": [], "execution_count": None}


def need_site():
    if not (SITE / "downloads").is_dir():
        pytest.fail(f"no downloads in {SITE}: run `make site` (scripts/post_build.py makes them)", pytrace=False)


def run_notebook(path: Path, python: str | Path = sys.executable, timeout: int = 900, env=None):
    """Execute a notebook in its folder with the given Python's kernel; returns (error name, value, cell index)."""
    runner = (
        "import json, sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "from nbclient.exceptions import CellExecutionError\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "client = NotebookClient(nb, timeout=%d, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}})\n"
        "try:\n"
        "    client.execute()\n"
        "    print(json.dumps(None))\n"
        "except CellExecutionError as exc:\n"
        "    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and any(o.get('output_type') == 'error' for o in c.get('outputs', [])))\n"
        "    print(json.dumps([exc.ename, exc.evalue, index]))\n" % timeout
    )
    env = {**os.environ, **(env or {})}
    env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([str(python), "-c", runner, str(path), str(path.parent)],
                            capture_output=True, text=True, env=env, timeout=timeout + 120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])

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
    return {
        "cell_type": "code",
        "metadata": metadata,
        "source": text,
        "outputs": [],
        "execution_count": None,
    }


def need_site():
    if not (SITE / "downloads").is_dir():
        pytest.fail(
            f"no downloads in {SITE}: run `make site` (scripts/post_build.py makes them)",
            pytrace=False,
        )


#: Run by the given Python: execute the notebook at argv[1] in the folder argv[2], each cell
#: within argv[3] seconds; print null, or [error name, error value, index of the failed cell].
RUNNER = """\
import json, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path, folder, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                        resources={"metadata": {"path": folder}})
try:
    client.execute()
    print(json.dumps(None))
except CellExecutionError as exc:
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                 and any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    print(json.dumps([exc.ename, exc.evalue, index]))
"""


def run_notebook(path: Path, python: str | Path = sys.executable, timeout: int = 900, env=None):
    """Execute a notebook in its folder with the given Python's kernel.

    Returns None, or (error name, error value, index of the cell that failed)."""
    env = {**os.environ, **(env or {})}
    env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(
        [str(python), "-c", RUNNER, str(path), str(path.parent), str(timeout)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout + 120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])

"""The hidden setup cell that lets a chapter notebook run anywhere (scripts/add_setup_cell.py).

Tree checks (run with the unit tests):
- every chapter notebook starts with the current setup cell;
- the cell does nothing where descentkit is installed, and stops with a clear message where
  it cannot install it.

Built-site check (marker ``site``, run after the build):
- a chapter notebook downloaded from the site runs in an empty folder with a fresh
  environment that has only pip, nbclient and ipykernel (the setup cell installs the rest
  from the site's wheel, served on localhost).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import add_setup_cell as setup_script
from course_tree import REQUIREMENTS, ROOT, chapters
from course_tree import pins as requirement_pins
from local_site import SITE, serve
from notebook_tools import need_site, notebook, run_notebook

CHAPTERS = chapters()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_starts_with_the_current_setup_cell(path):
    nb = notebook(path)
    assert nb["cells"] and setup_script.is_setup_cell(nb["cells"][0]), (
        f"{path.name} does not start with the setup cell: "
        "run .venv/bin/python scripts/add_setup_cell.py"
    )
    assert setup_script.updated(nb) == nb, (
        f"{path.name} has an outdated setup cell (version or script changed): "
        "run scripts/add_setup_cell.py"
    )
    assert "remove-cell" in nb["cells"][0]["metadata"]["tags"]


def test_add_setup_cell_is_idempotent():
    nb = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    once = setup_script.updated(nb)
    assert setup_script.updated(once) == once
    assert [c["cell_type"] for c in once["cells"]] == ["code", "markdown"]
    assert nb["cells"][0]["source"] == "# Title"


def setup_code() -> str:
    return "".join(setup_script.setup_cell()["source"])


def test_setup_cell_pins_the_book_version_and_libraries():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    code = setup_code()
    assert f'DESCENTKIT_VERSION = "{version}"' in code
    constants = {}
    exec(code.split("def _course_setup")[0], constants)  # the assignments at the top
    url = constants["DESCENTKIT_WHEEL_URL"]
    assert url.endswith(f"downloads/descentkit-{version}-py3-none-any.whl"), url
    for pin in ("numpy==", "matplotlib==", "torch==", "scikit-learn=="):
        assert pin in code


def test_setup_cell_does_nothing_where_the_package_is_installed(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", setup_code()], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def fresh_venv(path: Path) -> Path:
    """A new virtual environment with only pip; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def test_setup_cell_stops_with_a_clear_message_when_it_cannot_install(tmp_path):
    python = fresh_venv(tmp_path / "venv")
    env = {
        **os.environ,
        "DESCENTKIT_WHEEL": str(tmp_path / "missing" / "descentkit-0.0.0-py3-none-any.whl"),
    }
    code = setup_code().replace(
        "PINS = {", "PINS = {} or {"
    )  # do not install the big libraries here
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode != 0
    assert "RuntimeError: Could not set up this notebook" in result.stderr
    assert "it is not installed" in result.stderr and "archive" in result.stderr


# =============================================================================== built site


@pytest.fixture()
def served_site():
    """The built site on http://127.0.0.1:<port>/, as a learner's browser would fetch it."""
    need_site()
    with serve(SITE) as url:
        yield url


def pins(*names):
    everything = requirement_pins(REQUIREMENTS)
    return [everything[n] for n in names]


@pytest.mark.site
def test_downloaded_chapter_runs_in_an_empty_folder(tmp_path, served_site):
    """The first chapter's page download, in an empty folder, with a fresh environment: it runs."""
    import urllib.request

    chapter = CHAPTERS[0]
    folder = tmp_path / "learner"
    folder.mkdir()
    with urllib.request.urlopen(
        f"{served_site}_sources/book/{chapter.name}"
    ) as response:  # the page's download button
        (folder / chapter.name).write_bytes(response.read())
    python = fresh_venv(tmp_path / "venv")
    # The learner's Jupyter: only what executes a notebook. numpy, torch... are NOT installed.
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            *pins("nbclient", "ipykernel", "nbformat"),
        ],
        check=True,
    )
    version = setup_script.config()[0]
    wheel_url = f"{served_site}downloads/descentkit-{version}-py3-none-any.whl"
    try:
        error = run_notebook(folder / chapter.name, python, env={"DESCENTKIT_WHEEL": wheel_url})
        assert error is None, f"{chapter.name} downloaded from the site failed: {error}"
        check = subprocess.run(
            [str(python), "-c", "import descentkit, torch; print(descentkit.__version__)"],
            capture_output=True,
            text=True,
        )
        assert check.stdout.strip() == version
    finally:
        shutil.rmtree(tmp_path / "venv", ignore_errors=True)  # about 1 GB with torch

"""The whole-course archive (scripts/post_build.py): every notebook, the wheel, the pins, a README.

Tree check (run with the unit tests):
- the archive's requirements are the runtime pins (requirements/runtime.txt), a pinned
  Jupyter front end and the package wheel, without the tools that build the website;
- the introduction's instructions to run a chapter are the README's.

Built-site check (marker ``site``, run after the build; slow: a few minutes):
- the archive, extracted into an empty folder, sets up a fresh environment with its
  README's first step and runs every notebook in it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import post_build
from local_site import SITE
from notebook_tools import need_site, run_notebook


def test_archive_requirements_are_the_runtime_pins():
    reqs = post_build.archive_requirements("descentkit-0.1.0-py3-none-any.whl").splitlines()
    names = {
        re.split(r"[=<>]", line)[0].lower()
        for line in reqs
        if line and not line.startswith(("#", "./"))
    }
    assert {"numpy", "matplotlib", "torch", "scikit-learn", "ipykernel", "jupyterlab"} <= names
    assert not names & {"jupyter-book", "sphinx", "nbval", "pytest", "playwright"}
    assert reqs[-1] == "./descentkit-0.1.0-py3-none-any.whl"


def test_the_introduction_tells_the_archives_steps():
    """The intro's "How to read it" gives the archive README's set-up, for a real notebook."""
    from course_tree import ROOT

    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    block = re.search(r"To run a chapter yourself.*?```bash\n(.*?)\n```", intro, re.S)
    assert block, "the introduction shows no commands to run a chapter"
    setup, open_it = block.group(1).splitlines()
    readme = post_build.ARCHIVE_README.format(wheel="w.whl", python="3.10", version="0")
    assert setup == readme_setup_command(readme)
    notebook = open_it.removeprefix(".venv/bin/jupyter lab ")
    assert notebook.startswith("student/") and (ROOT / "book" / notebook[8:]).is_file()


# =============================================================================== built site


def readme_setup_command(readme: str) -> str:
    """The command of step 1 in the archive's README (the first bash block)."""
    block = re.search(r"```bash\n(.*?)\n\s*```", readme, re.S)
    assert block, "the archive's README has no bash block for step 1"
    return " ".join(line.strip() for line in block.group(1).splitlines())


@pytest.mark.site
def test_archive_sets_up_and_runs_every_notebook(tmp_path):
    """Extract the archive into an empty folder, follow its README, execute every notebook."""
    need_site()
    with zipfile.ZipFile(SITE / "downloads" / f"{post_build.ARCHIVE_NAME}.zip") as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / post_build.ARCHIVE_NAME
    readme = (folder / "README.md").read_text()
    step1 = readme_setup_command(readme)
    assert ".venv/bin/jupyter lab" in readme  # step 2, which opens the notebooks for a person
    python3 = (
        Path(sys.executable).resolve().parent / "python3"
    )  # the README's `python3`, from this machine
    env = {**os.environ, "PATH": str(python3.parent) + os.pathsep + os.environ.get("PATH", "")}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(["bash", "-c", step1], cwd=folder, check=True, env=env, timeout=1800)
    venv_python = folder / ".venv" / "bin" / "python"
    failures = []
    try:
        for nb in sorted(folder.glob("*.ipynb")):
            error = run_notebook(nb, venv_python)
            if error is not None:
                failures.append(f"{nb.name}: {error}")
    finally:
        shutil.rmtree(folder / ".venv", ignore_errors=True)  # about 1 GB with torch
    assert not failures, "notebooks failed in the archive's environment:\n" + "\n".join(failures)

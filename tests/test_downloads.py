"""Downloads that run anywhere, self-checking exercises, and the instructor's pages.

Tree checks (run with the unit tests):
- every chapter notebook starts with the current hidden setup cell (scripts/add_setup_cell.py);
- the setup cell does nothing where descentkit is installed, and stops with a clear message
  where it cannot install it;
- student versions: each answer of the solution code becomes a placeholder with its hint
  (dk.checks.todo), solution prose goes, the self-check lines stay;
- every chapter's solutions use a self-check, every chapter links the glossary, the
  instructor guide lists every chapter, every citation is in the bibliography.

Built-site checks (marker ``site``, run after the build):
- the wheel, the student notebooks and the archive exist, and every chapter page offers the
  student version next to the full notebook;
- each student version is the one tests/test_exercises.py runs (placeholder, mistakes and
  reference of every exercise);
- a chapter notebook downloaded from the site runs in an empty folder with a fresh
  environment that has only pip, nbclient and ipykernel (the setup cell installs the rest
  from the site's wheel, served on localhost);
- the archive, extracted into an empty folder, sets up a fresh environment with its
  README's first step and runs every notebook in it. (Slow: a few minutes.)
"""

from __future__ import annotations

import copy
import functools
import http.server
import shutil
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html"))
CHAPTERS = sorted(p for p in (ROOT / "book").glob("*.ipynb") if re.match(r"^\d\d_[a-z0-9_]+\.ipynb$", p.name))


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup_script = load_script("add_setup_cell")
post_build = load_script("post_build")


def source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook(path) -> dict:
    return json.loads(Path(path).read_text())


def solution_code_cells(nb):
    """Code cells between a solution-start and a solution-end."""
    inside, found = False, []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                if post_build.SOLUTION_START.match(line):
                    inside = True
                elif post_build.SOLUTION_END.match(line):
                    inside = False
        elif inside:
            found.append(cell)
    return found


def is_placeholder_chapter(nb) -> bool:
    """A chapter still being written: only a title and a 'Placeholder' line."""
    text = " ".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    return "Placeholder: this chapter is being written" in text


# =============================================================================== tree checks

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_starts_with_the_current_setup_cell(path):
    nb = notebook(path)
    assert nb["cells"] and setup_script.is_setup_cell(nb["cells"][0]), (
        f"{path.name} does not start with the setup cell: run .venv/bin/python scripts/add_setup_cell.py")
    assert setup_script.updated(nb) == nb, (
        f"{path.name} has an outdated setup cell (version or script changed): run scripts/add_setup_cell.py")
    assert "remove-cell" in nb["cells"][0]["metadata"]["tags"]


def test_add_setup_cell_is_idempotent():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
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
    assert f"downloads/descentkit-{version}-py3-none-any.whl" in code
    for pin in ("numpy==", "matplotlib==", "torch==", "scikit-learn=="):
        assert pin in code


def test_setup_cell_does_nothing_where_the_package_is_installed(tmp_path):
    result = subprocess.run([sys.executable, "-c", setup_code()], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def fresh_venv(path: Path) -> Path:
    """A new virtual environment with only pip; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def test_setup_cell_stops_with_a_clear_message_when_it_cannot_install(tmp_path):
    python = fresh_venv(tmp_path / "venv")
    env = {**os.environ, "DESCENTKIT_WHEEL": str(tmp_path / "missing" / "descentkit-0.0.0-py3-none-any.whl")}
    code = setup_code().replace("PINS = {", "PINS = {} or {")  # do not install the big libraries here
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode != 0
    assert "RuntimeError: Could not set up this notebook" in result.stderr
    assert "it is not installed" in result.stderr and "archive" in result.stderr


# ------------------------------------------------------------------------------- student versions

def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text, **metadata):
    return {"cell_type": "code", "metadata": metadata, "source": text, "outputs": [], "execution_count": None}


SAMPLE = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    md("# Chapter\n\nSome prose."),
    code("x = 1"),
    md("## Exercises\n\n```{exercise-start}\n:label: ch09-ex-1\n```\nCompute the answer.\n```{exercise-end}\n```\n\n"
       "```{solution-start} ch09-ex-1\n:class: dropdown\n```\nThe SECRET reasoning."),
    code("answer = 42\nprint(answer)\ncheck_value(answer, 42)", descentkit={"hint": "think of 6 * 7"}),
    code("more_secret = 1\ncheck_mse_gradient(\n    my_gradient,\n)\nif True:\n    check_value(1, 1)"),
    md("```{solution-end}\n```\n\n```{exercise-start}\n:label: ch09-ex-2\n```\nAnother one.\n```{exercise-end}\n```\n"
       "```{solution-start} ch09-ex-2\n:class: dropdown\n```\nOnly prose: SECRET too.\n```{solution-end}\n```"),
    code("after = 2"),
]}


def test_student_version_replaces_solutions_and_keeps_the_rest():
    student = post_build.student_notebook(SAMPLE, chapter="09_sample")
    text = json.dumps(student)
    assert "SECRET" not in text and "answer = 42" not in text and "more_secret" not in text
    codes = [source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert codes[0] == "x = 1" and codes[-1] == "after = 2"
    first = codes[1]
    assert 'answer = dk.checks.todo("think of 6 * 7")' in first  # the answer's placeholder, with the hint
    assert first.rstrip().endswith("check_value(answer, 42)")  # the self-check stays
    assert "# Your code here." in codes[2]  # no answer the check reads: a plain placeholder
    assert codes[2].rstrip().endswith("check_mse_gradient(\n    my_gradient,\n)")  # a multi-line check, whole
    compile(codes[2], "<cell>", "exec")
    prose = " ".join(source(c) for c in student["cells"] if c["cell_type"] == "markdown")
    assert "Compute the answer." in prose and "Another one." in prose
    assert "**Exercise ch09-ex-1**" in prose and "{exercise-start}" not in prose
    assert SAMPLE["cells"][3]["source"].startswith("answer = 42")  # the input is not changed


def test_student_version_records_what_the_grader_needs():
    student = post_build.student_notebook(SAMPLE, chapter="09_sample")
    meta = student["metadata"]["descentkit"]
    assert meta["student_version"] and meta["chapter"] == "09_sample"
    assert meta["course_version"] == post_build.version()
    assert meta["exercises"] == ["ch09-ex-1", "ch09-ex-2"]
    cell = [c for c in student["cells"] if c["cell_type"] == "code"][1]
    assert cell["metadata"] == {"descentkit": {"placeholder": True, "exercise": "ch09-ex-1",
                                               "answers": ["answer"], "checks": 1}}
    heading = next(c for c in student["cells"] if "**Exercise ch09-ex-1**" in source(c))
    assert heading["metadata"]["descentkit"]["exercises"] == ["ch09-ex-1"]


def test_student_placeholder_runs_and_reports_not_answered_with_the_hint(capsys):
    import descentkit as dk
    from descentkit.checks import check_value
    student = post_build.student_notebook(SAMPLE)
    placeholder = source([c for c in student["cells"] if c["cell_type"] == "code"][1])
    exec(compile(placeholder, "<cell>", "exec"), {"dk": dk, "check_value": check_value})
    assert capsys.readouterr().out == "Not answered yet (your answer): think of 6 * 7\n"


def test_placeholder_of_a_function_keeps_its_signature_and_the_imports():
    original = ("from math import pi\n\ndef area(r):\n    \"\"\"The area.\"\"\"\n    return pi * r**2\n\n"
                "total = area(2.0)\n\ncheck_value(total, 4 * pi)\ncheck_value(area(1.0), pi)")
    imports, answer, checks = post_build.split_solution(original)
    assert imports == ["from math import pi"] and checks == ["check_value(total, 4 * pi)", "check_value(area(1.0), pi)"]
    assert post_build.answer_names(original) == ["area", "total"]
    cell = post_build.placeholder("ch09-ex-3", {"hint": {"area": "pi r squared", "total": "call it"}}, original)
    assert cell.splitlines()[1:6] == ["from math import pi", "def area(r):",
                                      '    raise NotImplementedError("pi r squared")', "",
                                      'total = dk.checks.todo("call it")']
    assert "return pi" not in cell
    done = post_build.answered("ch09-ex-3", original, post_build.reference_answer(original))
    assert "return pi * r**2" in done and done.count("from math import pi") == 1
    assert done.rstrip().endswith("check_value(area(1.0), pi)")


def test_long_hints_are_wrapped_to_the_page():
    original = "lr = 0.5\ncheck_value(lr, 0.5)"
    cell = post_build.placeholder("ch09-ex-1", {"hint": "word " * 40}, original)
    assert all(len(line) <= post_build.WIDTH for line in cell.splitlines())
    compile(cell, "<cell>", "exec")


def test_build_only_cells_of_a_solution_are_left_out():
    nb = copy.deepcopy(SAMPLE)
    nb["cells"].insert(4, code("glue('secret_number', 42)", tags=["remove-cell"]))
    text = json.dumps(post_build.student_notebook(nb))
    assert "secret_number" not in text


# ------------------------------------------------------------------------------- chapters

@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_solutions_use_the_self_checks(path):
    cells = solution_code_cells(notebook(path))
    if not cells:
        pytest.skip(f"{path.name} has no solution code yet")
    calls = [c for c in cells if post_build.check_statements(source(c))]
    assert calls, f"no solution of {path.name} calls a descentkit.checks function (check_...)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_links_the_glossary(path):
    nb = notebook(path)
    if is_placeholder_chapter(nb):
        pytest.skip(f"{path.name} is a placeholder")
    glossary = (ROOT / "book" / "glossary.md").read_text()
    defined = {line.strip().lower() for line in glossary.splitlines() if line and not line.startswith((" ", "#", "`", "T"))}
    terms = re.findall(r"\{term\}`([^`]*)`", " ".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown"))
    assert len(terms) >= 3, f"{path.name} links only {len(terms)} glossary terms; link the first use of each term"
    targets = {" ".join((re.search(r"<([^>]*)>", t).group(1) if "<" in t else t).split()).lower() for t in terms}
    assert targets <= defined, f"{path.name} links terms missing from the glossary: {sorted(targets - defined)}"


def guide_table() -> dict:
    import yaml
    text = (ROOT / "book" / "instructors.md").read_text()
    block = re.search(r"```\{course-guide\}\n(.*?)```", text, re.S)
    assert block, "book/instructors.md has no course-guide block"
    return yaml.safe_load(block.group(1))


def test_instructor_guide_covers_every_chapter():
    table = guide_table()
    stems = [p.stem for p in CHAPTERS]
    assert set(table) == set(stems), f"instructor guide: missing {set(stems) - set(table)}, unknown {set(table) - set(stems)}"
    for stem, entry in table.items():
        assert entry["minutes"] > 0
        for req in entry["requires"]:
            assert req in stems and req < stem, f"{stem} requires {req}, which is not an earlier chapter"


def test_every_citation_is_in_the_bibliography():
    from pybtex.database import parse_file
    keys = set(parse_file(str(ROOT / "book" / "references.bib")).entries)
    texts = [p.read_text() for p in (ROOT / "book").glob("*.md")]
    texts += [source(c) for p in CHAPTERS for c in notebook(p)["cells"] if c["cell_type"] == "markdown"]
    cited = {k.strip() for t in texts for group in re.findall(r"\{cite(?::\w+)?\}`([^`]*)`", t) for k in group.split(",")}
    assert cited, "no chapter cites the references"
    assert cited <= keys, f"cited but not in book/references.bib: {sorted(cited - keys)}"


def test_archive_requirements_are_the_runtime_pins():
    reqs = post_build.archive_requirements("descentkit-0.1.0-py3-none-any.whl").splitlines()
    names = {re.split(r"[=<>]", line)[0].lower() for line in reqs if line and not line.startswith(("#", "./"))}
    assert {"numpy", "matplotlib", "torch", "scikit-learn", "ipykernel", "jupyterlab"} <= names
    assert not names & {"jupyter-book", "sphinx", "nbval", "pytest", "playwright"}
    assert reqs[-1] == "./descentkit-0.1.0-py3-none-any.whl"


# =============================================================================== built site

site = pytest.mark.site


def need_site():
    if not (SITE / "downloads").is_dir():
        pytest.fail(f"no downloads in {SITE}: run `make site` (scripts/post_build.py makes them)", pytrace=False)


@site
def test_site_has_the_downloads():
    need_site()
    wheels = list((SITE / "downloads").glob("descentkit-*.whl"))
    assert len(wheels) == 1
    for path in CHAPTERS:
        assert (SITE / "downloads" / "student" / path.name).exists()
        page = SITE / "book" / f"{path.stem}.html"
        if page.exists():
            text = page.read_text()
            assert f"_sources/book/{path.name}" in text and f"downloads/student/{path.name}" in text, (
                f"{page.name} does not offer both the full and the student notebook")
    with zipfile.ZipFile(SITE / "downloads" / f"{post_build.ARCHIVE_NAME}.zip") as zf:
        names = set(zf.namelist())
    top = post_build.ARCHIVE_NAME
    assert {f"{top}/README.md", f"{top}/requirements.txt", f"{top}/{wheels[0].name}"} <= names
    for path in CHAPTERS:
        assert {f"{top}/{path.name}", f"{top}/student/{path.name}"} <= names


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


@site
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_site_student_version_is_the_one_the_exercise_tests_ran(path):
    """The student notebook on the site is the one tests/test_exercises.py ran exercise by exercise."""
    need_site()
    built = notebook(SITE / "downloads" / "student" / path.name)
    assert built == post_build.student_notebook(notebook(path), chapter=path.stem), (
        f"the site's student {path.name} is out of date: rebuild the site")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def served_site():
    """The built site on http://127.0.0.1:<port>/, as a learner's browser would fetch it."""
    need_site()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def pins(*names):
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = line.split("==")[0].strip().lower()
        if name in names:
            found[name] = line.strip()
    return [found[n] for n in names]


@site
def test_downloaded_chapter_runs_in_an_empty_folder(tmp_path, served_site):
    """The first chapter's page download, in an empty folder, with a fresh environment: it runs."""
    import urllib.request
    chapter = CHAPTERS[0]
    folder = tmp_path / "learner"
    folder.mkdir()
    with urllib.request.urlopen(f"{served_site}_sources/book/{chapter.name}") as response:  # the page's download button
        (folder / chapter.name).write_bytes(response.read())
    python = fresh_venv(tmp_path / "venv")
    # The learner's Jupyter: only what executes a notebook. numpy, torch... are NOT installed.
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins("nbclient", "ipykernel", "nbformat")], check=True)
    version = setup_script.config()[0]
    wheel_url = f"{served_site}downloads/descentkit-{version}-py3-none-any.whl"
    try:
        error = run_notebook(folder / chapter.name, python, env={"DESCENTKIT_WHEEL": wheel_url})
        assert error is None, f"{chapter.name} downloaded from the site failed: {error}"
        check = subprocess.run([str(python), "-c", "import descentkit, torch; print(descentkit.__version__)"],
                               capture_output=True, text=True)
        assert check.stdout.strip() == version
    finally:
        shutil.rmtree(tmp_path / "venv", ignore_errors=True)  # about 1 GB with torch


def readme_setup_command(readme: str) -> str:
    """The command of step 1 in the archive's README (the first bash block)."""
    block = re.search(r"```bash\n(.*?)\n\s*```", readme, re.S)
    assert block, "the archive's README has no bash block for step 1"
    return " ".join(line.strip() for line in block.group(1).splitlines())


@site
def test_archive_sets_up_and_runs_every_notebook(tmp_path):
    """Extract the archive into an empty folder, follow its README, execute every notebook."""
    need_site()
    with zipfile.ZipFile(SITE / "downloads" / f"{post_build.ARCHIVE_NAME}.zip") as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / post_build.ARCHIVE_NAME
    readme = (folder / "README.md").read_text()
    step1 = readme_setup_command(readme)
    assert ".venv/bin/jupyter lab" in readme  # step 2, which opens the notebooks for a person
    python3 = Path(sys.executable).resolve().parent / "python3"  # the README's `python3`, from this machine
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


# ------------------------------------------------------------------------------- instructor guide

def test_course_guide_reads_objectives_and_exercises_from_the_chapter(tmp_path):
    import course_guide as guide  # _ext/course_guide.py
    nb = {"cells": [md("# A chapter\n\n:::{admonition} Learning objectives\n:class: tip\nBy the end you can\n"
                       "1. do one thing;\n2. do another.\n:::"),
                    md("```{exercise-start}\n:label: ch09-ex-1\n```\nFirst sentence here. Second one.\n```{exercise-end}\n```")],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "09_a_chapter.ipynb"
    path.write_text(json.dumps(nb))
    info = guide.read_chapter(path)
    assert info == {"title": "A chapter", "objectives": ["1. do one thing;", "2. do another."],
                    "exercises": [("ch09-ex-1", "First sentence here.")]}


def test_course_guide_diagram_is_valid_svg_with_a_text_alternative():
    import xml.etree.ElementTree as ET
    import course_guide as guide  # _ext/course_guide.py
    svg = guide.dependency_svg(["01_a", "02_b", "03_c"], {"02_b": ["01_a"], "03_c": ["01_a", "02_b"]},
                               {"01_a": "A", "02_b": "B & co", "03_c": "C"})
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert "chapter 3 needs chapter 1, chapter 2" in root.get("aria-label")
    assert svg.count("marker-end=") == 3  # arrows 1->2, 2->3 straight; 1->3 round the side
    assert svg.count(" C ") == 1

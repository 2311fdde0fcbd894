"""Steps after Sphinx: the downloads that let a learner run the course anywhere.

Run by scripts/build_site.py after a successful `jupyter-book build`. Writes, under
_build/html/downloads/ (a folder Sphinx does not manage, without a leading underscore so
that static hosts such as GitHub Pages serve it as is):

* ``descentkit-<version>-py3-none-any.whl``: the course package, installed by the hidden
  setup cell of every chapter notebook (see scripts/add_setup_cell.py);
* ``student/NN_name.ipynb``: the student version of every chapter: the same notebook with
  the solutions taken out (solution prose removed, each answer of the solution code
  replaced by a placeholder with a hint, ``dk.checks.todo(hint)``; self-check lines are
  kept, and report "Not answered yet" until the learner answers);
* ``gradient-descent-course.zip``: every chapter notebook (full and student versions), the
  package wheel, the requirements and a README with the two steps to run them;
* ``_sources/book/NN_name.ipynb`` (the page's ".ipynb" download), rewritten: every notebook
  a learner downloads has its Markdown rendered from the build, numbers, references and
  terms inlined, no MyST left (scripts/learner_notebooks.py);

and adds a "Student version" entry next to ".ipynb" in the download menu of every chapter
page. Everything is derived from book/NN_*.ipynb, so new chapters are picked up with no
change here.

Usage: python scripts/post_build.py [--html _build/html]
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import tomllib

from course_tree import ROOT, RUNTIME, cell_source, chapters, pins
from learner_notebooks import book_refs, learner_notebook, renderer_for

# CPython 3.11's parser keeps its recursion depth in interpreter-wide state: two threads
# parsing at once (tests/test_exercises.py makes student notebooks in a thread pool) can
# fail with "SystemError: AST constructor recursion depth mismatch". One at a time.
_PARSE_LOCK = threading.Lock()


def _parse(code: str) -> ast.Module:
    with _PARSE_LOCK:
        return ast.parse(code)


ARCHIVE_NAME = "gradient-descent-course"
#: The front end the archive's README opens, pinned (it is not in the book's requirements).
FRONT_END = "jupyterlab==4.6.6"

SOLUTION_START = re.compile(r"^\s*```+\s*\{solution-start\}\s*(\S*)")
SOLUTION_END = re.compile(r"^\s*```+\s*\{solution-end\}")
EXERCISE_START = re.compile(r"^\s*```+\s*\{exercise-start\}")
EXERCISE_END = re.compile(r"^\s*```+\s*\{exercise-end\}")
FENCE_CLOSE = re.compile(r"^\s*```+\s*$")
OPTION = re.compile(r"^\s*:(\w[\w-]*):\s*(.*)$")
DIRECTIVES = (
    (SOLUTION_START, "solution-start"),
    (SOLUTION_END, "solution-end"),
    (EXERCISE_START, "exercise-start"),
    (EXERCISE_END, "exercise-end"),
)
#: Lines of a solution cell that call a self-check: kept in the student version.
CHECK_LINE = re.compile(r"^\s*(?:(?:dk\.)?checks\.)?check_\w+\(")


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


# --------------------------------------------------------------------------- student versions
#
# A solution code cell is the learner's part (the reference answer) followed by the
# self-check lines. Its metadata.descentkit says how to make the student's placeholder:
#
#   {"hint": "one hint" or {"answer_name": "its hint", ...},
#    "stub": "optional: the placeholder code, if the generated one does not fit",
#    "mistakes": [{"code": "what a learner might write instead", "expect": "words of the
#                  check's diagnosis"}, ...]}
#
# The answers are the names the check lines read that the learner's part defines; the
# placeholder defines each as dk.checks.todo(hint), or, for a function, keeps its `def`
# line and raises NotImplementedError(hint). Every self-check reports such a placeholder
# as "Not answered yet: <hint>", so the student notebook runs top to bottom.
# tests/test_exercises.py runs each exercise of each student notebook with its placeholder,
# each listed mistake and the reference answer in its place.

#: The width of the code column on the page and in the notebooks (book/ruff.toml).
WIDTH = 79


def _check_call_name(node) -> str:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
    return ""


def check_statements(code: str) -> list[str]:
    """The top-level self-check calls (``check_...(...)``, possibly over several lines)."""
    try:
        tree = _parse(code)
    except SyntaxError:  # IPython syntax, say: fall back to single lines
        return [line for line in code.splitlines() if CHECK_LINE.match(line)]
    return [
        ast.get_source_segment(code, node)
        for node in tree.body
        if _check_call_name(node).startswith("check_")
    ]


def split_solution(code: str) -> tuple[list[str], str, list[str]]:
    """``(imports, the learner's part, the self-check lines)`` of a solution cell.

    The learner's part is the cell without its top-level imports and self-check calls; it
    is what the placeholder stands for. The imports stay in the student's cell (they
    name tools, not answers), before the placeholder.
    """
    try:
        tree = _parse(code)
    except SyntaxError:
        checks = check_statements(code)
        return (
            [],
            "\n".join(line for line in code.splitlines() if line not in checks).strip("\n"),
            checks,
        )
    lines = code.splitlines()
    drop, imports, checks = set(), [], []
    for node in tree.body:
        if _check_call_name(node).startswith("check_"):
            checks.append(ast.get_source_segment(code, node))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(ast.get_source_segment(code, node))
        else:
            continue
        drop.update(range(node.lineno - 1, node.end_lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return imports, re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n"), checks


def _bound_names(node) -> list[str]:
    """Names a statement binds (assignments, def, class), also inside its loops, ifs and withs."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.For, ast.While, ast.If, ast.With, ast.Try)):
        inner = [
            *getattr(node, "body", []),
            *getattr(node, "orelse", []),
            *getattr(node, "finalbody", []),
        ]
        return [name for child in inner for name in _bound_names(child)]
    targets = (
        node.targets
        if isinstance(node, ast.Assign)
        else [node.target]
        if isinstance(node, (ast.AnnAssign, ast.AugAssign))
        else []
    )
    names = []
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.append(sub.id)
    return names


def answer_names(code: str) -> list[str]:
    """The answers of a solution cell: names its self-checks read that its learner's part
    defines, in the order the learner's part defines them."""
    _, answer, checks = split_solution(code)
    read = set()
    for check in checks:
        for node in ast.walk(_parse(check)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                read.add(node.id)
    names = []
    for node in _parse(answer).body if answer else []:
        for name in _bound_names(node):
            if name in read and name not in names:
                names.append(name)
    return names


def _quote(text: str) -> str:
    """A double-quoted Python string literal, as the course writes them."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _string_lines(prefix: str, text: str, suffix: str, indent: int) -> list[str]:
    """``prefix + _quote(text) + suffix`` on one line if it fits WIDTH, else the string on
    the next lines, indented by ``indent``, cut into adjacent literals that fit."""
    one = f"{prefix}{_quote(text)}{suffix}"
    if len(one) <= WIDTH:
        return [one]
    room = WIDTH - indent - len(suffix)
    pieces, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(_quote(candidate + " ")) > room:
            pieces.append(current + " ")
            current = word
        else:
            current = candidate
    pieces.append(current)
    return [
        prefix.rstrip(),
        *(" " * indent + _quote(piece) for piece in pieces[:-1]),
        " " * indent + _quote(pieces[-1]) + suffix,
    ]


def _hint_for(hint, name: str) -> str:
    if isinstance(hint, dict):
        return hint.get(name) or next(iter(hint.values()), "") or f"write {name}"
    return hint or f"write {name}"


def stub(code: str, hint=None) -> str:
    """The placeholder that stands for a solution cell's learner's part (its answers undone)."""
    _, answer, _ = split_solution(code)
    names = answer_names(code)
    if not names:
        return (
            f"# Your code here. Hint: {hint}"
            if isinstance(hint, str) and hint
            else "# Your code here."
        )
    tree = _parse(answer)
    lines = answer.splitlines()
    defs = {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    out = []
    for name in names:
        text = _hint_for(hint, name)
        if name in defs:
            node = defs[name]
            header = lines[node.lineno - 1 : node.body[0].lineno - 1] or [lines[node.lineno - 1]]
            if (
                isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
                and node.body[0].lineno == node.lineno
            ):
                header = [lines[node.lineno - 1].split(":", 1)[0] + ":"]  # a one-line def
            if out:
                out.append("")
            out += header
            out += _string_lines("    raise NotImplementedError(", text, ")", 8)
            out.append("")
        else:
            out += _string_lines(f"{name} = dk.checks.todo(", text, ")", 4)
    return "\n".join(out).strip("\n")


def _header(label: str) -> str:
    return (
        f"# Exercise {label}: your answer in place of the placeholder."
        if label
        else "# Your answer."
    )


def _assemble(label: str, imports: list[str], code: str, checks: list[str]) -> str:
    lines = [_header(label), *imports, code]
    if checks:
        lines += ["", "# The self-check: it says whether your answer is right.", *checks]
    return "\n".join(lines) + "\n"


def placeholder(label: str, metadata: dict | None, original: str) -> str:
    """The code a student sees instead of a solution: the placeholder, then the self-checks."""
    metadata = metadata or {}
    imports, _, checks = split_solution(original)
    return _assemble(
        label, imports, metadata.get("stub") or stub(original, metadata.get("hint")), checks
    )


def answered(label: str, original: str, code: str) -> str:
    """The student's cell once a learner has written ``code`` in place of the placeholder.

    ``answered(label, original, reference_answer(original))`` is the cell with the
    reference solution; with a mistake's ``code``, the cell a learner who made it has.
    """
    imports, _, checks = split_solution(original)
    return _assemble(label, imports, code.strip("\n"), checks)


def reference_answer(original: str) -> str:
    """The reference solution's learner's part: what a right answer writes for the placeholder."""
    return split_solution(original)[1]


def _student_markdown(text: str, state: dict) -> str:
    """Remove solution prose and turn exercise directives into plain Markdown headings."""
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        found = next(
            ((m, kind) for pattern, kind in DIRECTIVES if (m := pattern.match(line))), None
        )
        if found is None:
            if not state["in_solution"]:
                out.append(line)
            i += 1
            continue
        match, kind = found
        # a gated directive: its option lines, then a closing fence
        options, i = {}, i + 1
        while i < len(lines) and OPTION.match(lines[i]):
            key, value = OPTION.match(lines[i]).groups()
            options[key] = value
            i += 1
        if i < len(lines) and FENCE_CLOSE.match(lines[i]):
            i += 1
        if kind == "exercise-start":
            state["label"] = options.get("label", "")
            state["started"].append(state["label"])
            out.append(
                f"**Exercise {state['label']}**".rstrip() if state["label"] else "**Exercise**"
            )
            out.append("")
        elif kind == "solution-start":
            state["in_solution"] = True
            state["label"] = match.group(1) or state.get("label", "")
            out.append(
                "*Your answer: in the next cell, in place of the placeholder. Its self-check "
                "says whether it is right.*"
            )
        elif kind == "solution-end":
            state["in_solution"] = False
    return "\n".join(out).strip("\n")


#: Methods that change their object: a hidden cell calling one changes what later cells see.
_IN_PLACE = set(
    "append extend insert update setdefault pop popitem remove clear sort reverse seed "
    "manual_seed step zero_grad backward add_ sub_ mul_ copy_ fill_ zero_ requires_grad_ "
    "fit".split()
)


def _mentioned_names(code: str) -> set[str]:
    try:
        tree = _parse(code)
    except SyntaxError:
        return set(re.findall(r"[A-Za-z_]\w*", code))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _build_only_cells(cells: list) -> set[int]:
    """Indices of the ``remove-cell`` code cells a student version can do without.

    The course setup cell stays (it installs descentkit), and so does a hidden cell that
    binds (assigns, imports, defines) a name that any later kept code cell mentions: going
    from the last cell back, a kept cell's names count for the cells before it. The test is
    generous, a name mentioned anywhere later keeps the cell, so that no kept cell can meet
    a NameError.
    """
    drop, needed = set(), set()
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        if cell["cell_type"] != "code":
            continue
        code = cell_source(cell)
        meta = cell.get("metadata", {})
        hidden = "remove-cell" in meta.get("tags", [])
        if hidden and not meta.get("descentkit", {}).get("setup"):
            try:
                tree = _parse(code)
            except SyntaxError:
                tree = None
            bound = set()
            for node in tree.body if tree else []:
                bound.update(_bound_names(node))
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            for node in ast.walk(tree) if tree else []:  # changed in place: x[k] = .., x.append
                changed = None
                if isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(
                    node.ctx, ast.Load
                ):
                    changed = node.value
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr in _IN_PLACE:
                        changed = node.func.value
                while isinstance(changed, (ast.Subscript, ast.Attribute)):
                    changed = changed.value
                if isinstance(changed, ast.Name):
                    bound.add(changed.id)
            if tree is not None and not bound & needed:
                drop.add(index)
                continue
        needed |= _mentioned_names(code)
    return drop


def student_notebook(nb: dict, chapter: str | None = None) -> dict:
    """The student version of a chapter notebook (a new dict; ``nb`` is not changed).

    Code cells inside a solution (between ``solution-start`` and ``solution-end``) get a
    placeholder (see :func:`placeholder`) followed by the cell's self-checks; the cell keeps
    its ``id`` and gets ``metadata.descentkit = {"placeholder": true, "exercise": label,
    "answers": [...], "checks": n}``. Solution prose is dropped; a markdown cell that starts
    exercises gets ``metadata.descentkit.exercises``. Outputs are cleared. The notebook's
    ``metadata.descentkit`` records the chapter, the course version, the exercises and the
    ids of all cells, so that ``python -m descentkit.grade`` can tell a learner's notebook
    from another chapter's or version's, and cells that were deleted. Build-only cells
    (tagged ``remove-cell``: the page's glue and asserts) are left out too, except the
    course setup cell and any that binds a name a later cell of the student version
    mentions (see :func:`_build_only_cells`).
    """
    nb = copy.deepcopy(nb)
    state = {"in_solution": False, "label": "", "started": []}
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            state["started"] = []
            text = _student_markdown(cell_source(cell), state)
            if text.strip():
                new = {**cell, "source": text}
                if state["started"]:
                    new["metadata"] = {
                        **cell.get("metadata", {}),
                        "descentkit": {"exercises": state["started"]},
                    }
                cells.append(new)
            continue
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
            if state["in_solution"] and "remove-cell" in cell.get("metadata", {}).get("tags", []):
                continue  # build-only code of a solution
            if state["in_solution"]:
                meta = cell.get("metadata", {}).get("descentkit", {})
                original = cell_source(cell)
                cell["source"] = placeholder(state["label"], meta, original)
                cell["metadata"] = {
                    "descentkit": {
                        "placeholder": True,
                        "exercise": state["label"],
                        "answers": answer_names(original),
                        "checks": len(split_solution(original)[2]),
                    }
                }
        cells.append(cell)
    drop = _build_only_cells(cells)
    nb["cells"] = cells = [c for i, c in enumerate(cells) if i not in drop]
    exercises = []
    for cell in cells:
        for label in cell.get("metadata", {}).get("descentkit", {}).get("exercises", []):
            if label and label not in exercises:
                exercises.append(label)
    nb.setdefault("metadata", {})["descentkit"] = {
        "student_version": True,
        "chapter": chapter,
        "course_version": version(),
        "exercises": exercises,
        "cells": [c.get("id") for c in cells if c.get("id")],
    }
    return nb


# --------------------------------------------------------------------------- wheel and archive


def build_wheel(dest: Path) -> Path:
    """Build the descentkit wheel into ``dest`` from a clean copy of the package (no build/
    folder is left in the repository)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("descentkit-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.copytree(
            ROOT / "src", tmp / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, tmp / name)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--no-deps",
                str(tmp),
                "-w",
                str(dest),
            ],
            check=True,
            cwd=tmp,
        )
    wheel = dest / f"descentkit-{version()}-py3-none-any.whl"
    if not wheel.exists():
        raise SystemExit(
            f"[post_build] expected {wheel.name}, found {[p.name for p in dest.glob('*.whl')]}"
        )
    return wheel


def archive_requirements(wheel_name: str) -> str:
    """The archive's requirements: the runtime pins, a pinned Jupyter, the package wheel."""
    lines = [
        "# Exact pins of what the course's notebooks need (the book's requirements/runtime.txt),",
        "# a Jupyter front end, and the course package itself.",
        f"{FRONT_END}",
        *pins(RUNTIME).values(),
        f"./{wheel_name}",
    ]
    return "\n".join(lines) + "\n"


ARCHIVE_README = """\
# Gradient Descent, Step by Step: the whole course

This folder has every chapter of the course as a Jupyter notebook, the course's Python
package `descentkit` ({wheel}), and the exact versions of everything they need
(`requirements.txt`).

- `NN_name.ipynb`: the chapters, with the solutions of the exercises.
- `student/NN_name.ipynb`: the same chapters without the solutions, for working the
  exercises yourself. Each exercise has a cell with a placeholder and a hint, and ends
  with a self-check that tells you whether your answer is right.
- `with-outputs/NN_name.ipynb`: the chapters as the website ran them, every figure and
  number in place, to read without running anything.

## Run it: two steps

You need Python {python} or newer. Open a terminal in this folder, then

1. create an environment with everything installed (a few minutes, once):

   ```bash
   python3 -m venv .venv && .venv/bin/python -m pip install -r requirements.txt
   ```

2. open the notebooks:

   ```bash
   .venv/bin/jupyter lab
   ```

On Windows, write `py -m venv .venv` and `.venv\\Scripts\\python` (and `.venv\\Scripts\\jupyter`)
instead. Run each notebook from the top (*Run > Run All Cells*).

Code under the MIT licence; text under CC BY 4.0. Course version {version}.
"""


def build_archive(
    html: Path,
    wheel: Path,
    students: dict[str, dict],
    full: dict[str, dict],
    executed: dict[str, dict],
) -> Path:
    """Zip the chapters, their student versions, the wheel, the requirements and a README."""
    out = html / "downloads" / f"{ARCHIVE_NAME}.zip"
    top = ARCHIVE_NAME
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get(
        "requires-python", ">=3.10"
    )
    readme = ARCHIVE_README.format(wheel=wheel.name, python=py.lstrip(">="), version=version())
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{top}/README.md", readme)
        zf.writestr(f"{top}/requirements.txt", archive_requirements(wheel.name))
        zf.write(wheel, f"{top}/{wheel.name}")
        for path in chapters():
            zf.writestr(f"{top}/{path.name}", _dump(full[path.name]))
            zf.writestr(f"{top}/with-outputs/{path.name}", _dump(executed[path.name]))
            zf.writestr(f"{top}/student/{path.name}", _dump(students[path.name]))
    return out


# --------------------------------------------------------------------------- chapter pages

MENU_MARK = "descentkit-student-download"


#: The branch the built site is published on (``ghp-import -n -p -f _build/html``): the
#: Colab and Binder buttons open the rendered notebook there, not the MyST source on main.
PAGES_BRANCH = "gh-pages"
LAUNCH = re.compile(
    r'href="(https://colab\.research\.google\.com/github/[^/]+/[^/]+/blob/)[^/"]+/'
    r'book/([^"]+\.ipynb)"|href="(https://mybinder\.org/v2/gh/[^/]+/[^/]+/)[^?"]+'
    r'\?urlpath=tree/book/([^"]+\.ipynb)"'
)


def launch_rendered_notebooks(html: Path) -> int:
    """Point the Colab and Binder buttons of every chapter page at the rendered notebook
    (``_sources/book/NN.ipynb`` of the published site) instead of the MyST source."""

    def swap(m):
        if m.group(1):
            return f'href="{m.group(1)}{PAGES_BRANCH}/_sources/book/{m.group(2)}"'
        return f'href="{m.group(3)}{PAGES_BRANCH}?urlpath=tree/_sources/book/{m.group(4)}"'

    count = 0
    for path in chapters():
        page = html / "book" / (path.stem + ".html")
        if page.exists():
            text, n = LAUNCH.subn(swap, page.read_text())
            page.write_text(text)
            count += n
    return count


def link_student_versions(html: Path) -> int:
    """Add a "Student version" entry after ".ipynb" in the download menu of every chapter page."""
    count = 0
    for path in chapters():
        page = html / "book" / (path.stem + ".html")
        if not page.exists():
            continue
        text = page.read_text()
        if MENU_MARK in text:
            count += 1
            continue
        # the theme's download menu item for the source notebook:
        # <li><a href="../_sources/book/NN.ipynb" ...>...</li>
        pattern = re.compile(
            r'(<li><a href="[^"]*_sources/book/'
            + re.escape(path.name)
            + r'"[^>]*>.*?</a>\s*</li>)',
            re.S,
        )
        item = (
            f'<li class="{MENU_MARK}"><a href="../downloads/student/{path.name}" download '
            'class="btn btn-sm dropdown-item" '
            'title="Student version: exercises without solutions" '
            'data-bs-placement="left" data-bs-toggle="tooltip"><span class="btn__icon-container">'
            '<i class="fas fa-pencil-alt"></i></span>'
            '<span class="btn__text-container">student .ipynb</span></a></li>'
        )
        new, n = pattern.subn(lambda m, item=item: m.group(1) + item, text, count=1)
        if n:
            page.write_text(new)
            count += 1
        else:
            print(f"[post_build] warning: no download menu found in {page.name}", file=sys.stderr)
    return count


def _dump(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def executed_notebook(path: Path, cache_dir: Path) -> dict:
    """The chapter as written, with the outputs of its run in the build's execution cache.

    Not ``_build/jupyter_execute/``: when the cache already holds the run (build_site.py
    executes in parallel before Sphinx), myst-nb merges the outputs into a copy and writes
    the notebook there without them.
    """
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(str(cache_dir)).merge_match_into_notebook(
            nbformat.read(path, as_version=4)
        )
    except KeyError:
        raise SystemExit(f"{path.name}: no executed copy in {cache_dir}; build first") from None
    return json.loads(nbformat.writes(merged))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args()
    html = args.html
    downloads = html / "downloads"
    shutil.rmtree(downloads / "student", ignore_errors=True)
    (downloads / "student").mkdir(parents=True)
    wheel = build_wheel(downloads)
    # What a learner downloads reads like the page: Markdown rendered from the build
    # (scripts/learner_notebooks.py). The page's ".ipynb" button serves _sources/.
    refs = book_refs(html.parent, ROOT / "_config.yml")
    students, full, executed = {}, {}, {}
    for path in chapters():
        source = json.loads(path.read_text())
        renderer = renderer_for(path, html.parent, refs)
        full[path.name] = learner_notebook(source, renderer)
        run = executed_notebook(path, html.parent / ".jupyter_cache")
        executed[path.name] = learner_notebook(run, renderer, keep_outputs=True)
        student = student_notebook(source, chapter=path.stem)
        students[path.name] = learner_notebook(student, renderer)
        (html / "_sources" / "book" / path.name).write_text(_dump(full[path.name]))
        (downloads / "student" / path.name).write_text(_dump(students[path.name]))
    archive = build_archive(html, wheel, students, full, executed)
    linked = link_student_versions(html)
    launch_rendered_notebooks(html)
    print(
        f"[post_build] {wheel.relative_to(html)}, {len(students)} student notebooks, "
        f"{archive.relative_to(html)} ({archive.stat().st_size / 1e6:.1f} MB), "
        f"student links on {linked} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

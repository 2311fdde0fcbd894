"""Every exercise of every chapter, tried from the learner's side, in its student notebook.

Each chapter's student notebook (scripts/post_build.py's student version of
book/NN_name.ipynb, no build needed) runs once, top to bottom, in one Jupyter kernel (a
chapter cell tagged ``raises-exception`` must raise, every other one must not). At every
exercise the kernel runs, in its student cell:

1. the placeholder as it is: every self-check reports "Not answered yet" with its hint,
   and nothing raises (no NameError, no traceback);
2. each typical mistake listed in the solution cell's ``metadata.descentkit.mistakes``,
   written in place of the placeholder: the self-check raises ``CheckFailed`` and names
   the mistake (the listed ``expect`` words);
3. the reference solution in place of the placeholder: every self-check says "Correct",
   and the cells after it see a right state.

The mistakes live next to each exercise as data, so adding an exercise (or a mistake)
adds its tests. Static checks of the same notebooks: every exercise ends with a
self-check; the exercise text names each answer the check reads; the checks read the
answers directly (so a placeholder reaches them); the student cells fit the page's code
column; the student version holds no solution.

The chapters run two at a time (DESCENTKIT_EXERCISE_JOBS, default 2): about two
minutes on two cores.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import tokenize
from concurrent.futures import ThreadPoolExecutor

import pytest

import post_build
from course_tree import cell_source, chapters
from descentkit.checks import MIME
from descentkit.grade import Kernel

CHAPTERS = chapters()


def on_protocol(*not_yet):
    """The chapters, those in ``not_yet`` marked strict xfail: for a chapter whose exercises
    are not yet written to the learner-side protocol (answers as dk.checks.todo
    placeholders, mistakes as data), while it is being converted. Every chapter is on the
    protocol now, so no test names one; strict, so a chapter named here that passes fails."""
    mark = pytest.mark.xfail(strict=True, reason="not yet on the protocol")
    return [pytest.param(p, marks=mark) if p.stem in not_yet else p
            for p in CHAPTERS]


LABEL = re.compile(r":label: (ch\d\d-ex-\d+)")


def student(path):
    return post_build.student_notebook(json.loads(path.read_text()), chapter=path.stem)


def exercise_cells(path):
    """``[(label, solution cell of the source notebook, its student cell)]`` of a chapter."""
    source = json.loads(path.read_text())
    originals = {c.get("id"): c for c in source["cells"]}
    found = []
    for cell in student(path)["cells"]:
        meta = cell.get("metadata", {}).get("descentkit", {})
        if meta.get("placeholder"):
            found.append((meta["exercise"], originals[cell["id"]], cell))
    return found


def statements(path):
    """``{label: text of the exercise statement}`` from the source notebook's markdown."""
    text = "\n".join(
        cell_source(c)
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == "markdown"
    )
    found = {}
    for match in re.finditer(
        r"```\{exercise-start\}\n:label: (\S+)\n```\n(.*?)```\{exercise-end\}", text, re.S
    ):
        found[match.group(1)] = match.group(2)
    return found


def hints(original, name):
    hint = original.get("metadata", {}).get("descentkit", {}).get("hint")
    if isinstance(hint, dict):
        return hint.get(name, "")
    return hint or ""


# =============================================================================== static checks


@pytest.mark.parametrize("path", on_protocol(), ids=lambda p: p.stem)
def test_every_exercise_ends_with_a_self_check_on_named_answers(path):
    labels = list(statements(path))
    cells = exercise_cells(path)
    if not labels:
        pytest.skip(f"{path.name} has no exercises yet")
    with_checks = {
        label for label, original, _ in cells if post_build.split_solution(cell_source(original))[2]
    }
    assert set(labels) <= with_checks, (
        f"exercises without a self-check: {sorted(set(labels) - with_checks)}"
    )
    text = statements(path)
    for label, _, cell in cells:
        answers = cell["metadata"]["descentkit"]["answers"]
        assert answers, f"{label}: its self-check reads no answer the solution defines"
        for name in answers:
            assert f"`{name}" in text[label], f"{label}: the exercise text does not name `{name}`"


def _direct(node, answers):
    """Whether every answer in a check call is an argument, or an item of a list/tuple/dict."""
    call = node.value
    allowed = set()
    for arg in [*call.args, *(k.value for k in call.keywords)]:
        allowed.add(id(arg))
        if isinstance(arg, (ast.List, ast.Tuple)):
            allowed.update(id(e) for e in arg.elts)
        if isinstance(arg, ast.Dict):
            allowed.update(id(v) for v in arg.values)
    return all(
        id(n) in allowed
        for n in ast.walk(call)
        if isinstance(n, ast.Name) and n.id in answers and isinstance(n.ctx, ast.Load)
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_checks_read_the_answers_directly_and_cells_fit_the_page(path):
    for label, original, cell in exercise_cells(path):
        answers = set(cell["metadata"]["descentkit"]["answers"])
        for check in post_build.split_solution(cell_source(original))[2]:
            node = ast.parse(check).body[0]
            assert _direct(node, answers), (
                f"{label}: {check!r} computes with an answer; pass each answer itself, so that its "
                f"placeholder reaches the check"
            )
        for mistake in original["metadata"]["descentkit"].get("mistakes", []):
            assert set(mistake) == {"code", "expect"}, f"{label}: a mistake is {{'code', 'expect'}}"
        for line in cell_source(cell).splitlines():
            assert len(line) <= post_build.WIDTH, f"{label}: student line too long: {line!r}"


def code_only(source: str) -> str:
    """``source`` with its string literals and comments blanked out (the hints are strings)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):  # a line cut from a longer statement
        return source
    kept = [
        (
            t.type,
            "''" if t.type == tokenize.STRING else "" if t.type == tokenize.COMMENT else t.string,
        )
        for t in tokens
    ]
    return tokenize.untokenize(kept)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_version_holds_no_solution(path):
    for label, original, cell in exercise_cells(path):
        reference = post_build.reference_answer(cell_source(original))
        placeholder = cell_source(cell)
        for check in post_build.split_solution(cell_source(original))[2]:
            placeholder = placeholder.replace(check, "")
        text = " ".join(code_only(placeholder).split())
        for line in reference.splitlines():
            line = " ".join(code_only(line.strip() + "\n").split()) if line.strip() else ""
            if line and not line.startswith("def ") and len(line) > 12:
                assert line not in text, (
                    f"{label}: the student cell shows the solution line {line!r}"
                )
        assert "mistakes" not in json.dumps(cell["metadata"]), (
            f"{label}: the mistakes leak into the student cell"
        )


# =============================================================================== in a kernel


def run_chapter(path):
    """Run a chapter's student notebook with each exercise's placeholder, mistakes, reference."""
    records = []
    with Kernel(cwd=path.parent) as kernel:
        originals = {c.get("id"): c for c in json.loads(path.read_text())["cells"]}
        for index, cell in enumerate(student(path)["cells"]):
            if cell["cell_type"] != "code" or cell.get("id") == "course-setup":
                continue
            meta = cell.get("metadata", {}).get("descentkit", {})
            if not meta.get("placeholder"):
                records.append(
                    {
                        "kind": "cell",
                        "index": index,
                        "raises": "raises-exception" in cell.get("metadata", {}).get("tags", []),
                        "run": kernel.run(cell_source(cell), 600),
                    }
                )
                continue
            label, original = meta["exercise"], originals[cell["id"]]
            src = cell_source(original)
            records.append(
                {
                    "kind": "stub",
                    "label": label,
                    "meta": meta,
                    "original": original,
                    "run": kernel.run(cell_source(cell), 600),
                }
            )
            for mistake in original["metadata"].get("descentkit", {}).get("mistakes", []):
                records.append(
                    {
                        "kind": "mistake",
                        "label": label,
                        "mistake": mistake,
                        "run": kernel.run(post_build.answered(label, src, mistake["code"]), 600),
                    }
                )
            records.append(
                {
                    "kind": "reference",
                    "label": label,
                    "meta": meta,
                    "run": kernel.run(
                        post_build.answered(label, src, post_build.reference_answer(src)), 600
                    ),
                }
            )
    return records


class Runs:
    """The chapters' runs, started on demand, ``jobs`` at a time (the next one is prefetched)."""

    def __init__(self, jobs):
        self.pool = ThreadPoolExecutor(max_workers=jobs)
        self.jobs = jobs
        self.futures = {}

    def submit(self, path):
        if path not in self.futures:
            self.futures[path] = self.pool.submit(run_chapter, path)

    def get(self, path):
        self.submit(path)
        if self.jobs > 1:
            later = [p for p in CHAPTERS if p > path and p not in self.futures]
            for p in later[: self.jobs - 1]:
                self.submit(p)
        return self.futures[path].result()


@pytest.fixture(scope="module")
def runs():
    jobs = (
        1
        if os.environ.get("PYTEST_XDIST_WORKER")
        else int(os.environ.get("DESCENTKIT_EXERCISE_JOBS", "2"))
    )
    r = Runs(jobs)
    yield r
    r.pool.shutdown(wait=True, cancel_futures=True)


def reports(run):
    out = []
    for o in run.outputs:
        if o["output_type"] in ("display_data", "execute_result") and MIME in o.get("data", {}):
            out.append(o["data"][MIME])
    return out


def text(run):
    parts = []
    for o in run.outputs:
        parts.append(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def describe(record):
    run = record["run"]
    return f"error {run.error}, timed out {run.timed_out}, output:\n{text(run)[-2000:]}"


@pytest.mark.parametrize("path", on_protocol(), ids=lambda p: p.stem)
def test_every_exercise_from_the_learners_side(path, runs):
    records = runs.get(path)
    failures = []
    for record in records:
        run = record["run"]
        kind = record["kind"]
        if run.timed_out or run.died:
            failures.append(
                f"{record.get('label', record.get('index'))} {kind}: {describe(record)}"
            )
            continue
        if kind == "cell":
            if record["raises"] and not run.error:
                failures.append(f"cell {record['index']} (raises-exception) did not raise")
            elif run.error and not record["raises"]:
                failures.append(f"cell {record['index']} failed: {run.error}")
        elif kind == "stub":
            label, meta = record["label"], record["meta"]
            got = reports(run)
            if run.error or [r["status"] for r in got] != ["unanswered"] * meta["checks"]:
                failures.append(
                    f"{label} placeholder: expected {meta['checks']} 'Not answered yet', "
                    f"got {describe(record)}"
                )
                continue
            messages = " ".join(r["message"] for r in got)
            for name in meta["answers"]:
                hint = " ".join(hints(record["original"], name).split())
                if hint and hint[:40] not in " ".join(messages.split()):
                    failures.append(
                        f"{label} placeholder: the hint for {name} is not shown: {messages!r}"
                    )
        elif kind == "mistake":
            label, mistake = record["label"], record["mistake"]
            if not run.error or run.error[0] != "CheckFailed":
                failures.append(
                    f"{label} mistake {mistake['code']!r}: expected CheckFailed, "
                    f"got {describe(record)}"
                )
            elif mistake["expect"].lower() not in run.error[1].lower():
                failures.append(
                    f"{label} mistake {mistake['code']!r}: the check says {run.error[1]!r}, "
                    f"without {mistake['expect']!r}"
                )
        elif kind == "reference":
            label, meta = record["label"], record["meta"]
            got = reports(run)
            if run.error or [r["status"] for r in got] != ["passed"] * meta["checks"]:
                failures.append(
                    f"{label} reference: expected {meta['checks']} 'Correct', "
                    f"got {describe(record)}"
                )
    assert not failures, f"{path.name}:\n" + "\n".join(failures)
    exercises = [r for r in records if r["kind"] == "reference"]
    mistakes = [r for r in records if r["kind"] == "mistake"]
    print(f"{path.stem}: {len(exercises)} exercises, {len(mistakes)} mistakes")

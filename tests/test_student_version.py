"""The student version of every chapter (scripts/post_build.py): exercises without solutions.

Tree checks (run with the unit tests):
- solution code becomes a raising placeholder, solution prose goes, the self-check lines
  stay;
- every chapter's solutions use a self-check of descentkit.checks.

Built-site check (marker ``site``, run after the build):
- each student version runs up to its first exercise and stops there with the hint.
"""

from __future__ import annotations

import json

import pytest

import post_build
from course_tree import cell_source as source
from course_tree import chapters
from local_site import SITE
from notebook_tools import code, md, need_site, notebook, run_notebook

CHAPTERS = chapters()


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


SAMPLE = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        md("# Chapter\n\nSome prose."),
        code("x = 1"),
        md(
            "## Exercises\n\n```{exercise-start}\n:label: ch09-ex-1\n```\n"
            "Compute the answer.\n```{exercise-end}\n```\n\n"
            "```{solution-start} ch09-ex-1\n:class: dropdown\n```\nThe SECRET reasoning."
        ),
        code(
            "answer = 42\nprint(answer)\ncheck_value(answer, 42)",
            descentkit={"hint": "think of 6 * 7"},
        ),
        code(
            "more_secret = 1\ncheck_mse_gradient(\n    my_gradient,\n)\n"
            "if True:\n    check_value(1, 1)"
        ),
        md(
            "```{solution-end}\n```\n\n```{exercise-start}\n:label: ch09-ex-2\n```\n"
            "Another one.\n```{exercise-end}\n```\n"
            "```{solution-start} ch09-ex-2\n:class: dropdown\n```\n"
            "Only prose: SECRET too.\n```{solution-end}\n```"
        ),
        code("after = 2"),
    ],
}


def test_student_version_replaces_solutions_and_keeps_the_rest():
    student = post_build.student_notebook(SAMPLE)
    text = json.dumps(student)
    assert "SECRET" not in text and "answer = 42" not in text and "more_secret" not in text
    codes = [source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert codes[0] == "x = 1" and codes[-1] == "after = 2"
    first = codes[1]
    assert "raise NotImplementedError('Exercise ch09-ex-1: think of 6 * 7')" in first
    assert first.rstrip().endswith("check_value(answer, 42)")  # the self-check stays
    assert "raise NotImplementedError('Exercise ch09-ex-1: write your solution here')" in codes[2]
    assert (
        codes[2].rstrip().endswith("check_mse_gradient(\n    my_gradient,\n)")
    )  # a multi-line check, whole
    compile(codes[2], "<cell>", "exec")
    prose = " ".join(source(c) for c in student["cells"] if c["cell_type"] == "markdown")
    assert "Compute the answer." in prose and "Another one." in prose
    assert "**Exercise ch09-ex-1**" in prose and "{exercise-start}" not in prose
    assert SAMPLE["cells"][3]["source"].startswith("answer = 42")  # the input is not changed


def test_student_version_placeholder_raises_with_the_hint():
    student = post_build.student_notebook(SAMPLE)
    placeholder = source([c for c in student["cells"] if c["cell_type"] == "code"][1])
    with pytest.raises(NotImplementedError, match="think of 6 \\* 7"):
        exec(compile(placeholder, "<cell>", "exec"), {})


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_solutions_use_the_self_checks(path):
    cells = solution_code_cells(notebook(path))
    if not cells:
        pytest.skip(f"{path.name} has no solution code yet")
    calls = [c for c in cells if post_build.check_statements(source(c))]
    assert calls, f"no solution of {path.name} calls a descentkit.checks function (check_...)"


# =============================================================================== built site


@pytest.mark.site
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_version_runs_until_its_first_exercise(path, tmp_path):
    need_site()
    student = SITE / "downloads" / "student" / path.name
    nb = notebook(student)
    work = tmp_path / path.name
    work.write_text(student.read_text())
    placeholders = [
        i
        for i, c in enumerate(nb["cells"])
        if c.get("metadata", {}).get("descentkit", {}).get("placeholder")
    ]
    error = run_notebook(work)
    if not placeholders:
        assert error is None, f"{path.name} (no exercises) failed: {error}"
        return
    assert error is not None, f"student {path.name} ran to the end: its placeholders do not raise"
    ename, evalue, index = error
    assert ename == "NotImplementedError", (
        f"student {path.name} failed before its first exercise: {ename}: {evalue}"
    )
    assert index == placeholders[0], (
        f"student {path.name} stopped at cell {index}, not at the first exercise"
    )
    assert evalue.startswith("Exercise ")

"""The student version of every chapter (scripts/post_build.py): exercises without solutions.

Tree checks (run with the unit tests):
- solution code becomes a raising placeholder, solution prose goes, the self-check lines
  stay;
- every chapter's solutions use a self-check of descentkit.checks.

Built-site check (marker ``site``, run after the build):
- each student version runs up to its first exercise and stops there with the hint.
"""

from __future__ import annotations

import copy
import json

import pytest

import post_build
from course_tree import cell_source as source
from course_tree import chapters
from local_site import SITE
from notebook_tools import code, md, need_site, notebook

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
            "## Exercises\n\n```{exercise-start}\n:label: ch09-ex-1\n```\nCompute the answer.\n```{exercise-end}\n```\n\n"
            "```{solution-start} ch09-ex-1\n:class: dropdown\n```\nThe SECRET reasoning."
        ),
        code(
            "answer = 42\nprint(answer)\ncheck_value(answer, 42)",
            descentkit={"hint": "think of 6 * 7"},
        ),
        code(
            "more_secret = 1\ncheck_mse_gradient(\n    my_gradient,\n)\nif True:\n    check_value(1, 1)"
        ),
        md(
            "```{solution-end}\n```\n\n```{exercise-start}\n:label: ch09-ex-2\n```\nAnother one.\n```{exercise-end}\n```\n"
            "```{solution-start} ch09-ex-2\n:class: dropdown\n```\nOnly prose: SECRET too.\n```{solution-end}\n```"
        ),
        code("after = 2"),
    ],
}


def test_student_version_replaces_solutions_and_keeps_the_rest():
    student = post_build.student_notebook(SAMPLE, chapter="09_sample")
    text = json.dumps(student)
    assert "SECRET" not in text and "answer = 42" not in text and "more_secret" not in text
    codes = [source(c) for c in student["cells"] if c["cell_type"] == "code"]
    assert codes[0] == "x = 1" and codes[-1] == "after = 2"
    first = codes[1]
    assert (
        'answer = dk.checks.todo("think of 6 * 7")' in first
    )  # the answer's placeholder, with the hint
    assert first.rstrip().endswith("check_value(answer, 42)")  # the self-check stays
    assert "# Your code here." in codes[2]  # no answer the check reads: a plain placeholder
    assert (
        codes[2].rstrip().endswith("check_mse_gradient(\n    my_gradient,\n)")
    )  # a multi-line check, whole
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
    assert cell["metadata"] == {
        "descentkit": {
            "placeholder": True,
            "exercise": "ch09-ex-1",
            "answers": ["answer"],
            "checks": 1,
        }
    }
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
    original = (
        'from math import pi\n\ndef area(r):\n    """The area."""\n    return pi * r**2\n\n'
        "total = area(2.0)\n\ncheck_value(total, 4 * pi)\ncheck_value(area(1.0), pi)"
    )
    imports, answer, checks = post_build.split_solution(original)
    assert imports == ["from math import pi"] and checks == [
        "check_value(total, 4 * pi)",
        "check_value(area(1.0), pi)",
    ]
    assert post_build.answer_names(original) == ["area", "total"]
    cell = post_build.placeholder(
        "ch09-ex-3", {"hint": {"area": "pi r squared", "total": "call it"}}, original
    )
    assert cell.splitlines()[1:6] == [
        "from math import pi",
        "def area(r):",
        '    raise NotImplementedError("pi r squared")',
        "",
        'total = dk.checks.todo("call it")',
    ]
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


def test_build_only_cells_are_left_out_unless_a_later_cell_needs_them():
    setup = code("install()", tags=["remove-cell"])
    setup["metadata"]["descentkit"] = {"setup": True}
    nb = {
        "cells": [
            setup,
            code("from descentkit.nb import glue", tags=["remove-cell"]),
            code("x = 2", tags=["remove-cell"]),  # the visible cell below reads it
            code("seen = []", tags=["remove-cell"]),
            code("seen.append(1)", tags=["remove-cell"]),  # changes a name read below
            code("assert x > 1\nglue('only_for_the_page', x)", tags=["remove-cell"]),
            code("print(x, seen)"),
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    kept = [source(c) for c in post_build.student_notebook(nb)["cells"]]
    assert kept == ["install()", "x = 2", "seen = []", "seen.append(1)", "print(x, seen)"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_solutions_use_the_self_checks(path):
    cells = solution_code_cells(notebook(path))
    if not cells:
        pytest.skip(f"{path.name} has no solution code yet")
    calls = [c for c in cells if post_build.check_statements(source(c))]
    assert calls, f"no solution of {path.name} calls a descentkit.checks function (check_...)"


# =============================================================================== built site


@pytest.mark.site
@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_site_student_version_is_the_one_the_exercise_tests_ran(path):
    """The site's student notebook has the code tests/test_exercises.py ran, exercise by
    exercise (its Markdown is rendered for learners, tests/test_learner_notebooks.py)."""
    need_site()
    built = notebook(SITE / "downloads" / "student" / path.name)
    fresh = post_build.student_notebook(notebook(path), chapter=path.stem)

    def code_of(nb):
        return [source(c) for c in nb["cells"] if c["cell_type"] == "code"]

    assert code_of(built) == code_of(fresh), (
        f"the site's student {path.name} is out of date: rebuild the site"
    )

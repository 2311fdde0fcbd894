"""The instructors' grader, ``python -m descentkit.grade`` (src/descentkit/grade.py).

Four notebooks made from chapter 1's student version, its reference solutions and the
mistakes listed next to its exercises: fully solved, half solved, unsolved, deliberately
wrong; each gives the expected table, JSON, CSV and exit code. Then the bad input, on a
tiny chapter of three exercises (fast): a file that is not JSON or not a notebook, a
notebook of another chapter or course version, deleted cells, a cell that loops forever,
one that prints megabytes, one that kills the kernel. The grader says so and goes on; it
never ends in a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import post_build
from course_tree import ROOT, cell_source
from descentkit import grade

CHAPTER = ROOT / "book" / "01_derivatives.ipynb"


def variant(source: dict, chapter: str, choose) -> dict:
    """The student notebook of ``source`` with each exercise answered as ``choose(k, cell)`` says:
    "reference", "mistake" (its first listed mistake) or "stub" (left as it is)."""
    originals = {c.get("id"): c for c in source["cells"]}
    nb = post_build.student_notebook(source, chapter=chapter)
    k = 0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("descentkit", {})
        if not meta.get("placeholder"):
            continue
        original = originals[cell["id"]]
        src, label = cell_source(original), meta["exercise"]
        choice = choose(k, original)
        k += 1
        if choice == "reference":
            cell["source"] = post_build.answered(label, src, post_build.reference_answer(src))
        elif choice == "mistake":
            mistake = original["metadata"]["descentkit"]["mistakes"][0]["code"]
            cell["source"] = post_build.answered(label, src, mistake)
    return nb


def first_mistakes(source: dict) -> list[str]:
    return [
        c["metadata"]["descentkit"]["mistakes"][0]["expect"]
        for c in source["cells"]
        if c.get("metadata", {}).get("descentkit", {}).get("mistakes")
    ]


@pytest.fixture(scope="module")
def chapter_one(tmp_path_factory):
    """Chapter 1 graded four ways, in one run of the command (its JSON output)."""
    folder = tmp_path_factory.mktemp("class")
    source = json.loads(CHAPTER.read_text())
    choices = {
        "solved": lambda k, c: "reference",
        "half": lambda k, c: "reference" if k < 3 else "stub",
        "unsolved": lambda k, c: "stub",
        "wrong": lambda k, c: "mistake",
        # the example of book/instructors.md
        "alice": lambda k, c: {2: "mistake", 3: "stub"}.get(k, "reference"),
    }
    paths = []
    for name, choose in choices.items():
        path = folder / f"01_derivatives_{name}.ipynb"
        path.write_text(json.dumps(variant(source, "01_derivatives", choose), indent=1))
        paths.append(path)
    result = subprocess.run(
        [sys.executable, "-m", "descentkit.grade", "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.stderr == "" or "Traceback" not in result.stderr, result.stderr
    data = json.loads(result.stdout)
    return {
        "exit": result.returncode,
        "json": data,
        "paths": paths,
        "source": source,
        "reports": {name: r for name, r in zip(choices, data["notebooks"], strict=True)},
    }


def statuses(report):
    return [e["status"] for e in report["exercises"]]


def test_solved_half_unsolved_and_wrong_notebooks(chapter_one):
    reports = chapter_one["reports"]
    labels = [f"ch01-ex-{k}" for k in range(1, 9)]
    for report in reports.values():
        assert [e["exercise"] for e in report["exercises"]] == labels
        assert report["chapter"] == "01_derivatives" and report["problems"] == []
    assert statuses(reports["solved"]) == ["passed"] * 8 and reports["solved"]["exit_code"] == 0
    assert statuses(reports["half"]) == ["passed"] * 3 + ["not answered"] * 5
    assert statuses(reports["unsolved"]) == ["not answered"] * 8
    assert statuses(reports["wrong"]) == ["wrong"] * 8
    for entry, expect in zip(
        reports["wrong"]["exercises"], first_mistakes(chapter_one["source"]), strict=True
    ):
        assert expect.lower() in entry["detail"].lower(), (entry, expect)  # the diagnosis
    # a not-answered exercise shows its hint
    half = reports["half"]["exercises"][5]
    hint = [
        c["metadata"]["descentkit"]["hint"]
        for c in chapter_one["source"]["cells"]
        if c.get("metadata", {}).get("descentkit", {}).get("mistakes")
    ][5]
    hint = hint["predicted_ratio"] if isinstance(hint, dict) else hint
    assert half["detail"].startswith(f"predicted_ratio: {hint[:40]}")
    assert [r["exit_code"] for r in reports.values()] == [0, 1, 1, 1, 1]
    assert chapter_one["exit"] == 1 == chapter_one["json"]["exit_code"]


def test_table_and_csv_of_the_half_solved_notebook(chapter_one, capsys):
    report = chapter_one["reports"]["half"]
    text = grade.table(report)
    lines = text.splitlines()
    assert lines[0].endswith(
        "01_derivatives_half.ipynb: chapter 01_derivatives, course version " + post_build.version()
    )
    assert lines[1].split() == ["exercise", "status", "detail"]
    assert lines[2].split() == ["ch01-ex-1", "passed"]
    assert lines[5].split()[:4] == ["ch01-ex-4", "not", "answered", "(predicted,"]
    assert lines[-1].strip() == "3 passed, 5 not answered (of 8)"
    print(text)  # the table, for the record (pytest -s)
    rows = list(csv.DictReader(io.StringIO(grade.to_csv([report]))))
    assert [r["status"] for r in rows] == statuses(report)
    assert {r["chapter"] for r in rows} == {"01_derivatives"}


# =============================================================================== bad input


def md(text, **metadata):
    return {
        "cell_type": "markdown",
        "id": "m" + hashlib.md5(text.encode()).hexdigest()[:8],
        "metadata": metadata,
        "source": text,
    }


def code(text, cell_id, **metadata):
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": metadata,
        "outputs": [],
        "source": text,
    }


def exercise(k, statement, answer_cell, prose="The reasoning."):
    label = f"ch09-ex-{k}"
    start = "" if k == 1 else "```{solution-end}\n```\n\n"
    return [
        md(
            f"{start}```{{exercise-start}}\n:label: {label}\n```\n{statement}\n"
            f"```{{exercise-end}}\n```\n\n"
            f"```{{solution-start}} {label}\n:class: dropdown\n```\n{prose}"
        ),
        answer_cell,
    ]


TINY = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        md("# A tiny chapter"),
        code(
            "import descentkit as dk\nfrom descentkit.checks import check_value\nx0 = 7.0", "setup"
        ),
        *exercise(
            1,
            "Store half of 1 as `half`.",
            code(
                "half = 0.5\n\ncheck_value(half, 1 / 2, name='half')",
                "ex1",
                descentkit={
                    "hint": "one over two",
                    "mistakes": [{"code": "half = 2.0", "expect": "upside down"}],
                },
            ),
        ),
        *exercise(
            2,
            "Store the double of 3 as `double`.",
            code(
                "double = 6\n\ncheck_value(double, 2 * 3, name='double')",
                "ex2",
                descentkit={"hint": "two times three"},
            ),
        ),
        *exercise(
            3,
            "Store 7 as `seven`.",
            code(
                "seven = x0\n\ncheck_value(seven, 7.0, name='seven')",
                "ex3",
                descentkit={"hint": "it is x0"},
            ),
        ),
        md("```{solution-end}\n```"),
    ],
}


def tiny(tmp_path, answers=None, name="09_tiny.ipynb", edit=None):
    """The tiny chapter's student notebook with ``answers`` ({exercise number: code}) written in."""
    nb = post_build.student_notebook(TINY, chapter="09_tiny")
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("descentkit", {})
        if meta.get("placeholder"):
            k = int(meta["exercise"].rsplit("-", 1)[1])
            original = next(c for c in TINY["cells"] if c.get("id") == cell["id"])
            if answers and k in answers:
                cell["source"] = post_build.answered(
                    meta["exercise"], cell_source(original), answers[k]
                )
    if edit:
        edit(nb)
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


RIGHT = {1: "half = 0.5", 2: "double = 6", 3: "seven = x0"}


def test_tiny_chapter_solved(tmp_path):
    report = grade.grade_notebook(tiny(tmp_path, RIGHT), timeout=20)
    assert statuses(report) == ["passed"] * 3 and report["exit_code"] == 0


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"{ not json", "invalid JSON at line 1"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b'{"cells": 3}', "no list of cells"),
        (b"[1, 2]", "no list of cells"),
        (
            json.dumps(
                {"cells": [{"cell_type": "code", "source": "x = 1"}], "metadata": {}}
            ).encode(),
            "no exercises",
        ),
    ],
)
def test_input_that_is_not_a_student_notebook(tmp_path, content, fragment, capsys):
    path = tmp_path / "09_tiny.ipynb"
    path.write_bytes(content)
    assert grade.main([str(path)]) == 2
    out = capsys.readouterr().out
    assert fragment in out and "Traceback" not in out


def test_missing_file_and_bad_arguments(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nowhere.ipynb")]) == 2
    assert "cannot read the file" in capsys.readouterr().out
    assert grade.main(["--timeout"]) == 2


def test_notebook_of_another_chapter_and_version(tmp_path):
    def other_version(nb):
        nb["metadata"]["descentkit"]["course_version"] = "0.0.1"

    path = tiny(tmp_path, RIGHT, name="08_other.ipynb", edit=other_version)
    report = grade.grade_notebook(path, timeout=20)
    assert report["exit_code"] == 2 and not report["usable"]
    assert any("chapter 09_tiny, not of 08_other" in p for p in report["problems"])
    assert any("course version 0.0.1" in p for p in report["problems"])
    assert statuses(report) == ["passed"] * 3  # graded anyway, as its own chapter
    report = grade.grade_notebook(tiny(tmp_path, RIGHT), chapter="08_other", timeout=20)
    assert report["exit_code"] == 2


def test_a_cell_that_raises_on_purpose_is_no_problem(tmp_path):
    def insert(nb):  # chapter 8 shows the ValueError of Adam(beta2=1.0) this way
        shown = code("raise ValueError('shown on purpose')", "shown")
        shown["metadata"]["tags"] = ["raises-exception"]
        nb["cells"].insert(2, shown)

    report = grade.grade_notebook(tiny(tmp_path, RIGHT, edit=insert), timeout=20)
    assert statuses(report) == ["passed"] * 3 and report["problems"] == []
    assert report["exit_code"] == 0


def test_deleted_cells(tmp_path):
    def delete(nb):  # the setup code (x0) and the whole of exercise 2
        nb["cells"] = [c for c in nb["cells"] if c.get("id") not in ("setup", "ex2")]

    report = grade.grade_notebook(tiny(tmp_path, RIGHT, edit=delete), timeout=20)
    by_label = {e["exercise"]: e for e in report["exercises"]}
    assert by_label["ch09-ex-2"]["status"] == "missing"
    assert (
        by_label["ch09-ex-3"]["status"] == "error"
        and "NameError" in by_label["ch09-ex-3"]["detail"]
    )
    assert by_label["ch09-ex-1"]["status"] == "error"  # its check needs the deleted import
    assert any("2 of the notebook's" in p and "missing" in p for p in report["problems"])
    assert report["exit_code"] == 1


def test_endless_loop_megabytes_and_a_dead_kernel(tmp_path):
    answers = {
        1: "while True:\n    pass",
        2: "for _ in range(10**6):\n    print('spam' * 50)",
        3: "import os\nos._exit(1)",
    }
    report = grade.grade_notebook(tiny(tmp_path, answers), timeout=3, max_output=10_000)
    by_label = {e["exercise"]: e for e in report["exercises"]}
    assert (
        by_label["ch09-ex-1"]["status"] == "error"
        and "longer than 3 s" in by_label["ch09-ex-1"]["detail"]
    )
    assert (
        by_label["ch09-ex-2"]["status"] == "error"
        and "more than 10000" in by_label["ch09-ex-2"]["detail"]
    )
    assert (
        by_label["ch09-ex-3"]["status"] == "error" and "kernel" in by_label["ch09-ex-3"]["detail"]
    )


def test_the_command_with_csv(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good = tiny(tmp_path / "a", RIGHT)
    half = tiny(tmp_path / "b", {1: "half = 0.5", 2: "double = 5"})
    result = subprocess.run(
        [sys.executable, "-m", "descentkit.grade", "--csv", str(good), str(half)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(Path(r["notebook"]).parent.name, r["exercise"], r["status"]) for r in rows] == [
        ("a", "ch09-ex-1", "passed"),
        ("a", "ch09-ex-2", "passed"),
        ("a", "ch09-ex-3", "passed"),
        ("b", "ch09-ex-1", "passed"),
        ("b", "ch09-ex-2", "wrong"),
        ("b", "ch09-ex-3", "not answered"),
    ]
    assert rows[4]["detail"] == "double = 5 is not right: too small."
    assert rows[5]["detail"] == "seven: it is x0"


def test_the_kernel_runs_cells_in_order():
    with grade.Kernel() as kernel:
        assert kernel.run("a = 2").error is None
        run = kernel.run("print(a * 21)\n1 / 0")
        assert run.outputs[0]["text"] == "42\n" and run.error[0] == "ZeroDivisionError"


def test_the_instructor_guide_shows_what_the_grader_prints(chapter_one):
    guide = (ROOT / "book" / "instructors.md").read_text()
    block = guide.split("It prints one table per notebook:\n\n```text\n", 1)[1].split("```", 1)[0]
    report = dict(chapter_one["reports"]["alice"], notebook="alice/01_derivatives.ipynb")
    shown = [line.rstrip() for line in block.splitlines()]
    printed = grade.table(report).splitlines()
    assert len(shown) == len(printed)
    for doc, real in zip(shown, printed, strict=True):  # the guide's lines are cut shorter
        assert real.startswith(doc.removesuffix("..."))

"""Grade learners' completed student notebooks: ``python -m descentkit.grade NOTEBOOK...``.

Introduced for instructors (book/instructors.md). Each notebook runs in a fresh Jupyter
kernel, cell by cell, in an empty temporary folder, and the self-checks of its exercises
(:mod:`descentkit.checks`) are read from the outputs. For every exercise the grader
reports one of

* ``passed``: every self-check of the exercise said "Correct";
* ``wrong``: a self-check found a mistake (the detail is its diagnosis);
* ``not answered``: a self-check found the placeholder still in place (the detail is the hint);
* ``error``: the learner's code failed before the check could say (a ``NameError``, a cell
  that ran past the time limit or printed past the output cap), or a self-check did not run;
* ``missing``: the exercise's cell is not in the notebook (deleted).

A cell that runs longer than ``--timeout`` seconds is interrupted, a cell that prints more
than ``--max-output`` characters is cut off and interrupted; the grader says so for that
exercise and goes on with the next cell. The course's setup cell is not run: the grader
uses the environment it runs in. The cells before the first exercise (the chapter itself)
get ten times the time limit.

Input that is not a student notebook of this course is reported, never a traceback: a
file that is not valid JSON or not a notebook (unusable, nothing graded); a notebook of
another chapter than ``--chapter`` (or than its file name says) or of another course
version (graded anyway, with a warning); cells deleted (the exercises that remain are
graded; the missing ones say so).

Usage::

    python -m descentkit.grade my_notebook.ipynb
    python -m descentkit.grade --chapter 01_derivatives --csv submissions/*.ipynb > grades.csv

Exit code: 0 when every exercise of every notebook passed, 1 when some did not, 2 when a
notebook could not be used (not a notebook, or from another chapter).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Kernel", "CellRun", "grade_notebook", "main"]

#: The statuses of an exercise, in the order of the summary line.
STATUSES = ("passed", "wrong", "not answered", "error", "missing")
MIME = "application/vnd.descentkit.check+json"
EXERCISE_HEADING = re.compile(r"\*\*Exercise (ch\d\d-ex-\d+)\*\*")
CHAPTER_FILE = re.compile(r"^(\d\d_[a-z0-9_]+?)(?:[-_. ].*)?\.ipynb$")


# --------------------------------------------------------------------------- running cells


@dataclass
class CellRun:
    """What running one cell gave."""

    outputs: list = field(default_factory=list)
    error: tuple | None = None  # (ename, evalue)
    timed_out: bool = False
    truncated: bool = False
    died: bool = False
    seconds: float = 0.0


class Kernel:
    """A fresh IPython kernel that runs code cell by cell, with a time limit and an output cap.

    Use as a context manager. ``cwd`` is the kernel's working folder (a new temporary one
    by default, removed at the end); the kernel is the Python running this module.
    """

    def __init__(self, cwd=None, startup_timeout: float = 120):
        self._tmp = None if cwd else tempfile.mkdtemp(prefix="descentkit-grade-")
        self.cwd = str(cwd or self._tmp)
        self.startup_timeout = startup_timeout
        self.km = self.kc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        try:
            from jupyter_client import KernelManager
        except ImportError as exc:  # pragma: no cover - a runtime dependency of the course
            raise RuntimeError(
                "the grader needs jupyter_client and ipykernel: pip install ipykernel"
            ) from exc
        self.km = KernelManager(kernel_name="python3")
        # the kernel's own start-up notes (e.g. about its transport) are not the learner's output
        self.km.start_kernel(cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)

    def stop(self):
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            self.km.shutdown_kernel(now=True)
        self.km = self.kc = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def restart(self):
        self.kc.stop_channels()
        self.km.restart_kernel(now=True)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)

    def run(self, code: str, timeout: float = 60, max_output: int = 100_000) -> CellRun:
        """Run ``code``; stop it after ``timeout`` seconds or ``max_output`` characters."""
        result = CellRun()
        start = time.monotonic()
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        deadline = start + timeout
        interrupted_at = None
        size = 0
        while True:
            now = time.monotonic()
            wait = (interrupted_at + 10 if interrupted_at else deadline) - now
            if wait <= 0:
                if interrupted_at is None:  # the time limit: interrupt, give it 10 s to stop
                    result.timed_out = True
                    self.km.interrupt_kernel()
                    interrupted_at = time.monotonic()
                    continue
                # it did not stop: a fresh kernel (the state is lost)
                result.died = True
                self.restart()
                break
            try:
                msg = self.kc.get_iopub_msg(timeout=min(wait, 1.0))
            except queue.Empty:
                if not self.km.is_alive():
                    result.died = True
                    self.restart()
                    break
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "stream":
                output = {"output_type": "stream", "name": content["name"], "text": content["text"]}
                size += len(content["text"])
            elif kind in ("display_data", "execute_result"):
                output = {"output_type": kind, "data": content.get("data", {})}
                size += len(str(content.get("data", {}).get("text/plain", "")))
            elif kind == "error":
                output = {
                    "output_type": "error",
                    "ename": content["ename"],
                    "evalue": content["evalue"],
                }
                if result.error is None:
                    result.error = (content["ename"], content["evalue"])
            else:
                continue
            if result.truncated:
                continue
            if size > max_output:
                result.truncated = True
                if interrupted_at is None:
                    self.km.interrupt_kernel()
                    interrupted_at = time.monotonic()
                continue
            result.outputs.append(output)
        result.seconds = time.monotonic() - start
        if result.timed_out or result.truncated:
            result.error = (
                None if result.error and result.error[0] == "KeyboardInterrupt" else result.error
            )
        return result


# --------------------------------------------------------------------------- reading a notebook


class Unusable(Exception):
    """The input cannot be graded at all."""


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_notebook(path: Path) -> dict:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise Unusable(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unusable("not a notebook: the file is not text (UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise Unusable(
            f"not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})"
        ) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unusable("not a Jupyter notebook: no list of cells")
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise Unusable(f"not a Jupyter notebook: cell {i} is not a notebook cell")
    return nb


def _meta(obj) -> dict:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    dk = meta.get("descentkit") if isinstance(meta, dict) else None
    return dk if isinstance(dk, dict) else {}


def _is_setup(cell) -> bool:
    return (
        cell.get("id") == "course-setup"
        or bool(_meta(cell).get("setup"))
        or _source(cell).startswith("# Course setup")
    )


def _raises_on_purpose(cell) -> bool:
    """A cell tagged ``raises-exception``: the chapter shows the error it raises."""
    tags = cell.get("metadata", {}).get("tags", []) if isinstance(cell, dict) else []
    return isinstance(tags, list) and "raises-exception" in tags


def _exercises_started(cell) -> list[str]:
    labels = _meta(cell).get("exercises")
    if isinstance(labels, list) and labels:
        return [str(x) for x in labels]
    return EXERCISE_HEADING.findall(_source(cell)) if cell.get("cell_type") == "markdown" else []


def _expected_chapter(path: Path, chapter: str | None) -> str | None:
    if chapter:
        return chapter
    match = CHAPTER_FILE.match(Path(path).name)
    return match.group(1) if match else None


# --------------------------------------------------------------------------- grading


def _status(events, checks_expected) -> tuple[str, str]:
    """The exercise's status from what its cells reported, in order of severity."""

    def first(kind):
        return next((detail for k, detail in events if k == kind), None)

    for kind in ("wrong", "error"):
        detail = first(kind)
        if detail is not None:
            return kind, detail
    detail = first("not answered")
    if detail is not None:
        return "not answered", detail
    passed = sum(1 for k, _ in events if k == "passed")
    if passed == 0:
        return "error", "no self-check ran: is the check line still in the cell?"
    if checks_expected and passed < checks_expected:
        return (
            "error",
            f"only {passed} of its {checks_expected} self-checks ran: keep every check line",
        )
    return "passed", ""


def _events(run: CellRun, timeout: float, max_output: int) -> list[tuple[str, str]]:
    events = []
    for out in run.outputs:
        if out["output_type"] in ("display_data", "execute_result") and MIME in out["data"]:
            report = out["data"][MIME]
            status = report.get("status") if isinstance(report, dict) else None
            message = str(report.get("message", "")) if isinstance(report, dict) else ""
            if status == "passed":
                events.append(("passed", message))
            elif status == "unanswered":
                detail = message.removeprefix("Not answered yet")
                events.append(
                    ("not answered", re.sub(r"^\s*\((.*?)\):\s*", r"\1: ", detail).lstrip(" :"))
                )
    if run.error:
        ename, evalue = run.error
        if ename == "CheckFailed":
            events.append(("wrong", evalue))
        else:
            events.append(("error", f"{ename}: {evalue}".strip()))
    if run.timed_out:
        events.append(
            ("error", f"a cell ran longer than {timeout:g} s and was stopped (an endless loop?)")
        )
    if run.truncated:
        events.append(
            ("error", f"a cell printed more than {max_output} characters and was stopped")
        )
    if run.died:
        events.append(
            (
                "error",
                "the kernel stopped responding in this cell and was restarted: "
                "later cells ran without the earlier ones",
            )
        )
    return events


def grade_notebook(path, *, chapter=None, timeout: float = 60, max_output: int = 100_000) -> dict:
    """Grade one student notebook; returns a report (see :func:`main` for its fields)."""
    from . import __version__

    path = Path(path)
    report = {
        "notebook": str(path),
        "chapter": None,
        "course_version": None,
        "usable": True,
        "problems": [],
        "exercises": [],
    }
    try:
        nb = read_notebook(path)
    except Unusable as exc:
        report.update(usable=False, problems=[str(exc)])
        return _finish(report)
    meta = _meta(nb)
    cells = nb["cells"]
    labels = [str(x) for x in meta.get("exercises", []) if isinstance(x, str)]
    found = []
    for cell in cells:
        for label in _exercises_started(cell) + (
            [_meta(cell)["exercise"]] if _meta(cell).get("exercise") else []
        ):
            if label not in found:
                found.append(label)
    if not meta.get("student_version") and not found:
        report.update(
            usable=False, problems=["not a student notebook of this course: it has no exercises"]
        )
        return _finish(report)
    labels = labels or found
    own = meta.get("chapter") or (labels[0][2:4] if labels else None)
    report["chapter"] = own
    report["course_version"] = meta.get("course_version")
    expected = _expected_chapter(path, chapter)
    if (
        expected
        and own
        and not (own == expected or str(own).startswith(expected[:2]) and len(expected) == 2)
    ):
        report["usable"] = False
        report["problems"].append(
            f"this is the notebook of chapter {own}, not of {expected}: graded as chapter {own}"
        )
    if meta.get("course_version") and meta["course_version"] != __version__:
        report["problems"].append(
            f"made for course version {meta['course_version']}, graded with "
            f"descentkit {__version__}: exercises may have changed"
        )
    present = {c.get("id") for c in cells if c.get("id")}
    original = [i for i in meta.get("cells", []) if isinstance(i, str)]
    deleted = [i for i in original if i not in present]
    if original and deleted:
        report["problems"].append(
            f"{len(deleted)} of the notebook's {len(original)} original cells "
            f"are missing (deleted?); later cells may fail without them"
        )
    if not present and original:
        report["problems"].append("the cells have no ids: deleted cells cannot be told")

    events = {label: [] for label in labels}
    expected_checks = {label: 0 for label in labels}
    current = None
    with Kernel() as kernel:
        for index, cell in enumerate(cells):
            if cell.get("cell_type") == "markdown":
                started = _exercises_started(cell)
                if started:
                    current = started[-1]
                    for label in started:
                        events.setdefault(label, [])
                continue
            if cell.get("cell_type") != "code" or _is_setup(cell):
                continue
            cmeta = _meta(cell)
            if cmeta.get("exercise"):
                current = str(cmeta["exercise"])
                events.setdefault(current, [])
                if cmeta.get("placeholder"):
                    n = cmeta.get("checks")
                    expected_checks[current] = expected_checks.get(current, 0) + (
                        n if isinstance(n, int) else 1
                    )
            code = _source(cell)
            if not code.strip():
                continue
            limit = timeout if current else 10 * timeout
            run = kernel.run(code, timeout=limit, max_output=max_output)
            if _raises_on_purpose(cell) and run.error and run.error[0] != "CheckFailed":
                run.error = None  # the chapter shows this error (nbval and the book allow it)
            cell_events = _events(run, limit, max_output)
            if current:
                events[current].extend(cell_events)
            else:
                for kind, detail in cell_events:
                    if kind == "error":
                        report["problems"].append(
                            f"cell {index} (before the exercises) failed: {detail}"
                        )
    placeholders = {
        str(_meta(c)["exercise"])
        for c in cells
        if _meta(c).get("placeholder") and _meta(c).get("exercise")
    }
    for label in events:
        answered_elsewhere = any(kind != "error" for kind, _ in events[label])
        if label not in found or (
            placeholders and label not in placeholders and not answered_elsewhere
        ):
            report["exercises"].append(
                {
                    "exercise": label,
                    "status": "missing",
                    "detail": "its answer cell is not in the notebook (deleted?)",
                }
            )
            continue
        status, detail = _status(events[label], expected_checks.get(label, 0))
        report["exercises"].append({"exercise": label, "status": status, "detail": detail})
    return _finish(report)


def _finish(report: dict) -> dict:
    counts = {s: sum(1 for e in report["exercises"] if e["status"] == s) for s in STATUSES}
    report["summary"] = counts
    if not report["usable"]:
        report["exit_code"] = 2
    elif report["exercises"] and counts["passed"] == len(report["exercises"]):
        report["exit_code"] = 0
    else:
        report["exit_code"] = 1
    return report


# --------------------------------------------------------------------------- output


def _one_line(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def table(report: dict, width: int = 100) -> str:
    """The report as a plain-text table, one line per exercise."""
    lines = [
        f"{report['notebook']}: chapter {report['chapter'] or '?'}, "
        f"course version {report['course_version'] or '?'}"
    ]
    lines += [f"  ! {p}" for p in report["problems"]]
    if report["exercises"]:
        w = max(len("exercise"), *(len(e["exercise"]) for e in report["exercises"]))
        lines.append(f"  {'exercise':<{w}}  {'status':<12}  detail")
        for e in report["exercises"]:
            lines.append(
                f"  {e['exercise']:<{w}}  {e['status']:<12}  "
                f"{_one_line(e['detail'], max(20, width - w - 18))}".rstrip()
            )
        counts = report["summary"]
        lines.append(
            "  "
            + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
            + f" (of {len(report['exercises'])})"
        )
    elif report["usable"]:
        lines.append("  no exercises graded")
    return "\n".join(lines)


def to_csv(reports: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["notebook", "chapter", "exercise", "status", "detail"])
    for report in reports:
        if not report["exercises"]:
            writer.writerow(
                [
                    report["notebook"],
                    report["chapter"] or "",
                    "",
                    "unusable",
                    "; ".join(report["problems"]),
                ]
            )
        for e in report["exercises"]:
            writer.writerow(
                [
                    report["notebook"],
                    report["chapter"] or "",
                    e["exercise"],
                    e["status"],
                    " ".join(e["detail"].split()),
                ]
            )
    return out.getvalue()


def main(argv=None) -> int:
    """The command line: grade each notebook, print a table (or JSON, or CSV), return the exit code.

    The JSON output is ``{"exit_code": n, "notebooks": [report, ...]}``, each report with
    ``notebook``, ``chapter``, ``course_version``, ``usable``, ``problems`` (list of
    sentences), ``exercises`` (``{"exercise", "status", "detail"}`` each), ``summary``
    (count per status) and ``exit_code``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m descentkit.grade",
        description="Grade completed student notebooks of the course: run each in a fresh kernel "
        "and report every exercise's self-check.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path, help="the learners' .ipynb files")
    parser.add_argument(
        "--chapter",
        help="the chapter they should be, e.g. 01_derivatives "
        "(default: from each file's name, if it starts with NN_name)",
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON document")
    form.add_argument(
        "--csv", action="store_true", help="print CSV: one row per notebook and exercise"
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds a cell may run (default 60)"
    )
    parser.add_argument(
        "--max-output",
        type=int,
        default=100_000,
        help="characters a cell may print (default 100000)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    reports = []
    for path in args.notebooks:
        try:
            report = grade_notebook(
                path, chapter=args.chapter, timeout=args.timeout, max_output=args.max_output
            )
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # never a traceback: say what went wrong with this file, go on
            report = _finish(
                {
                    "notebook": str(path),
                    "chapter": None,
                    "course_version": None,
                    "usable": False,
                    "exercises": [],
                    "problems": [f"could not be graded: {type(exc).__name__}: {exc}"],
                }
            )
        reports.append(report)
        if not (args.json or args.csv):
            print(table(report), flush=True)
            print(flush=True)
    code = max(r["exit_code"] for r in reports)
    if args.json:
        print(json.dumps({"exit_code": code, "notebooks": reports}, indent=1))
    elif args.csv:
        sys.stdout.write(to_csv(reports))
    return code


if __name__ == "__main__":
    sys.exit(main())

"""Sphinx extension: the "Check your understanding" questions of the chapters.

Each chapter notebook has one Markdown cell, marked with the cell metadata
``{"descentkit": {"quiz": true}}``, that holds its concept questions as plain Markdown.
That cell is the one place the questions live:

- **in a downloaded notebook** (JupyterLab, Colab, VS Code, GitHub) it is ordinary
  Markdown: each question, its options as a list, and under it a closed ``<details>``
  "Answer" block with the verdict and the reason for every option;
- **on the website** this extension turns the same text into a form: a ``<fieldset>`` per
  question with a ``<legend>`` and native radio buttons (keyboard and screen readers for
  free); confirming an option shows its feedback, in a live region: a click (or tap, or
  Space) confirms at once, while the arrow keys, which move the choice through the group,
  only select until Enter or the question's Check button (``quiz.js``, a few lines of plain
  JavaScript served from ``_static``) confirms. The feedback is in the HTML, hidden by CSS
  until shown, so it also works without JavaScript (CSS ``:has`` shows the checked
  option's). Numeric questions get a text box and a Check button (``quiz.js`` too); their
  answers and feedback stay readable in a native ``<details>`` without JavaScript;
- **the tests** read the same cell with :func:`parse_quiz` (``tests/test_quiz.py`` checks
  the data, ``tests/test_quiz_browser.py`` answers every option in a browser).

The format of the cell (``parse_quiz`` says precisely what is wrong when it is not)::

    ## Check your understanding

    Any introduction: everything before the first question is kept as it is.

    **Question 1.** The stem, one paragraph (Markdown and $math$).

    - **A.** An option.
    - **B.** Another option.

    <details><summary>Answer</summary>

    - **A. Incorrect.** Why A is wrong.
    - **B. Correct.** Why B is right.

    </details>

    **Question 2.** A numeric question has no option list.

    <details><summary>Answer</summary>

    - **10 (within 0.01): Correct.** Why 10.
    - **1: Incorrect.** What the answer 1 means (a known mistake).
    - **Any other number: Incorrect.** A hint for every other answer.

    </details>

Every question has exactly one correct option (or one correct number with its tolerance)
and feedback for every option (for every known mistake and for any other number).

How it is wired: on ``source-read`` the quiz cell of a notebook is rewritten (for the
build only; the notebook on disk, and so every download, keeps the Markdown) into its
introduction followed by a ``{dk-quiz}`` directive whose content is the questions'
text; the directive parses it again with :func:`parse_quiz` and renders each piece of
text with MyST, so math, emphasis and code work as in the rest of the chapter.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "quiz_static"
VERDICTS = {"Correct": True, "Incorrect": False}
LETTERS = "ABCDEFGH"

QUESTION = re.compile(r"^\*\*Question (\d+)\.\*\*[ \t]*(.*)$")
OPTION = re.compile(r"^- \*\*([A-Z])\.\*\*[ \t]+(.+)$")
CHOICE_FEEDBACK = re.compile(r"^- \*\*([A-Z])\. (Correct|Incorrect)\.\*\*[ \t]+(.+)$")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
NUMERIC_CORRECT = re.compile(rf"^- \*\*({NUMBER}) \(within ({NUMBER})\): Correct\.\*\*[ \t]+(.+)$")
NUMERIC_MISTAKE = re.compile(rf"^- \*\*({NUMBER}): Incorrect\.\*\*[ \t]+(.+)$")
NUMERIC_OTHER = re.compile(r"^- \*\*Any other number: Incorrect\.\*\*[ \t]+(.+)$")
DETAILS_OPEN = "<details><summary>Answer</summary>"
DETAILS_CLOSE = "</details>"


class QuizFormatError(ValueError):
    """The quiz cell does not follow the format described in this module's docstring."""


@dataclass
class Option:
    """One option of a multiple-choice question."""

    letter: str
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class NumericAnswer:
    """A number a learner may type, and what to tell them (``value`` None: any other number)."""

    value: float | None
    label: str
    correct: bool
    feedback: str


@dataclass
class Question:
    """A multiple-choice question (``options``) or a numeric one (``answers``)."""

    number: int
    stem: str
    options: list[Option] = field(default_factory=list)
    answers: list[NumericAnswer] = field(default_factory=list)
    tolerance: float = 0.0

    @property
    def kind(self) -> str:
        return "choice" if self.options else "numeric"

    @property
    def answer(self) -> float:
        """The correct number of a numeric question."""
        return next(a.value for a in self.answers if a.correct)


@dataclass
class Quiz:
    """The questions of one quiz cell, and the Markdown before them (heading, introduction)."""

    preamble: str
    questions: list[Question]
    body: str  # the text from the first question on, as written


# --------------------------------------------------------------------------- parsing


def _items(lines: list[str], start: int, where: str) -> tuple[list[str], int]:
    """The list items from ``start`` to the first line that is neither an item, its
    continuation (indented) nor blank; continuation lines are joined to their item."""
    items, i = [], start
    while i < len(lines):
        line = lines[i]
        if line.startswith("- "):
            items.append(line.rstrip())
        elif line.startswith("  ") and line.strip() and items:
            items[-1] += " " + line.strip()
        elif line.strip():
            break
        i += 1
    if not items:
        raise QuizFormatError(f"{where}: expected a list of '- **...**' items at line {start + 1}")
    return items, i


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _question(number: int, first: str, lines: list[str]) -> Question:
    """One question from its lines (the line after the ``**Question N.**`` line onwards)."""
    where = f"question {number}"
    stem_lines, i = [first.strip()], 0
    while i < len(lines) and lines[i].strip() and not lines[i].startswith("- "):
        stem_lines.append(lines[i].strip())
        i += 1
    stem = " ".join(s for s in stem_lines if s)
    if not stem:
        raise QuizFormatError(f"{where}: the stem is empty")
    i = _skip_blank(lines, i)
    if (
        i < len(lines)
        and lines[i].strip()
        and not lines[i].startswith("- ")
        and lines[i].strip() != DETAILS_OPEN
    ):
        raise QuizFormatError(
            f"{where}: the stem must be one paragraph, followed by the options or "
            f"{DETAILS_OPEN!r}; found {lines[i].strip()[:60]!r}"
        )
    options = []
    if i < len(lines) and lines[i].startswith("- "):
        items, i = _items(lines, i, where)
        for item in items:
            match = OPTION.match(item)
            if not match:
                raise QuizFormatError(
                    f"{where}: an option must read '- **A.** text'; found {item[:60]!r}"
                )
            options.append(Option(match.group(1), match.group(2).strip()))
        letters = "".join(o.letter for o in options)
        if letters != LETTERS[: len(options)]:
            raise QuizFormatError(
                f"{where}: options must be lettered A, B, C, ... in order; found {letters}"
            )
        if len(options) < 2:
            raise QuizFormatError(f"{where}: a multiple-choice question needs at least two options")
    i = _skip_blank(lines, i)
    if i >= len(lines) or lines[i].strip() != DETAILS_OPEN:
        raise QuizFormatError(
            f"{where}: expected {DETAILS_OPEN!r} after the {'options' if options else 'stem'}"
        )
    items, i = _items(lines, _skip_blank(lines, i + 1), where)
    i = _skip_blank(lines, i)
    if i >= len(lines) or lines[i].strip() != DETAILS_CLOSE:
        raise QuizFormatError(f"{where}: expected {DETAILS_CLOSE!r} after the feedback list")
    rest = [line for line in lines[i + 1 :] if line.strip()]
    if rest:
        raise QuizFormatError(f"{where}: unexpected text after {DETAILS_CLOSE!r}: {rest[0][:60]!r}")
    question = Question(number, stem, options)
    if options:
        _choice_feedback(question, items, where)
    else:
        _numeric_feedback(question, items, where)
    return question


def _choice_feedback(question: Question, items: list[str], where: str) -> None:
    by_letter = {o.letter: o for o in question.options}
    seen = []
    for item in items:
        match = CHOICE_FEEDBACK.match(item)
        if not match:
            raise QuizFormatError(
                f"{where}: feedback must read '- **A. Correct.** text' or "
                f"'- **A. Incorrect.** text'; found {item[:60]!r}"
            )
        letter, verdict, text = match.groups()
        if letter not in by_letter:
            raise QuizFormatError(f"{where}: feedback for option {letter}, which does not exist")
        by_letter[letter].correct = VERDICTS[verdict]
        by_letter[letter].feedback = text.strip()
        seen.append(letter)
    expected = [o.letter for o in question.options]
    if seen != expected:
        raise QuizFormatError(
            f"{where}: feedback must cover every option once, in order "
            f"({', '.join(expected)}); found {', '.join(seen)}"
        )
    correct = [o.letter for o in question.options if o.correct]
    if len(correct) != 1:
        raise QuizFormatError(
            f"{where}: exactly one option must be correct; found {correct or 'none'}"
        )


def _numeric_feedback(question: Question, items: list[str], where: str) -> None:
    answers = []
    for item in items:
        if match := NUMERIC_CORRECT.match(item):
            value, tol, text = match.groups()
            question.tolerance = float(tol)
            answers.append(NumericAnswer(float(value), value, True, text.strip()))
        elif match := NUMERIC_MISTAKE.match(item):
            value, text = match.groups()
            answers.append(NumericAnswer(float(value), value, False, text.strip()))
        elif match := NUMERIC_OTHER.match(item):
            answers.append(NumericAnswer(None, "Any other number", False, match.group(1).strip()))
        else:
            raise QuizFormatError(
                f"{where}: numeric feedback must read '- **10 (within 0.01): Correct.** "
                f"text', '- **1: Incorrect.** text' or '- **Any other number: "
                f"Incorrect.** text'; found {item[:60]!r}"
            )
    question.answers = answers
    kinds = [a.correct for a in answers]
    if kinds.count(True) != 1 or not answers[0].correct:
        raise QuizFormatError(
            f"{where}: a numeric question needs exactly one correct number, listed first"
        )
    if answers[-1].value is not None or sum(a.value is None for a in answers) != 1:
        raise QuizFormatError(f"{where}: a numeric question ends with one 'Any other number' item")
    if not question.tolerance > 0:
        raise QuizFormatError(f"{where}: the tolerance must be positive")
    for a in answers[1:-1]:
        if abs(a.value - question.answer) <= 2 * question.tolerance:
            raise QuizFormatError(
                f"{where}: the mistake {a.label} is within twice the tolerance of the answer"
            )


def parse_quiz(text: str) -> Quiz:
    """The questions of a quiz cell's Markdown (see the module docstring for the format)."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts = [i for i, line in enumerate(lines) if QUESTION.match(line)]
    if not starts:
        raise QuizFormatError("no '**Question 1.** ...' line")
    preamble = "\n".join(lines[: starts[0]]).strip("\n")
    questions = []
    for n, (start, end) in enumerate(zip(starts, starts[1:] + [len(lines)]), 1):
        match = QUESTION.match(lines[start])
        if int(match.group(1)) != n:
            raise QuizFormatError(
                f"questions must be numbered 1, 2, 3, ...: question {match.group(1)} is number {n}"
            )
        questions.append(_question(n, match.group(2), lines[start + 1 : end]))
    return Quiz(preamble, questions, "\n".join(lines[starts[0] :]).strip("\n"))


def cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def is_quiz_cell(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("descentkit", {})
    return cell.get("cell_type") == "markdown" and isinstance(meta, dict) and bool(meta.get("quiz"))


def quiz_cells(notebook: dict) -> list[tuple[int, dict]]:
    """The quiz cells of a notebook (a dict as in the .ipynb file), with their indices."""
    return [(i, c) for i, c in enumerate(notebook.get("cells", [])) if is_quiz_cell(c)]


def quiz_id(docname: str) -> str:
    """``book/04_learning_rate`` -> ``ch04-quiz`` (other documents: their name)."""
    stem = docname.rsplit("/", 1)[-1]
    match = re.match(r"^(\d\d)_", stem)
    return (
        f"ch{match.group(1)}-quiz" if match else re.sub(r"[^a-z0-9]+", "-", stem.lower()) + "-quiz"
    )


# ------------------------------------------------------------- build: notebook -> directive


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=0)
    return "`" * max(4, longest + 1)


def _rewrite_notebook(app, docname, source):
    """Turn the quiz cell of a chapter notebook into its preamble plus a ``{dk-quiz}`` directive."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    try:
        notebook = json.loads(source[0])
    except ValueError:
        return
    cells = quiz_cells(notebook)
    for _, cell in cells:
        text = cell_text(cell)
        try:
            quiz = parse_quiz(text)
        except QuizFormatError as err:
            logger.warning("quiz cell: %s", err, location=docname, type="quiz")
            continue
        fence = _fence(quiz.body)
        cell["source"] = (
            f"{quiz.preamble}\n\n{fence}{{dk-quiz}} {quiz_id(docname)}\n{quiz.body}\n{fence}\n"
        )
    if cells:
        source[0] = json.dumps(notebook)


# --------------------------------------------------------------------------- nodes


class quiz(nodes.General, nodes.Element):
    """``<div class="dk-quiz">``: all the questions of a chapter."""


class quiz_question(nodes.General, nodes.Element):
    """``<fieldset>`` of one question."""


class quiz_legend(nodes.TextElement):
    """``<legend>``: the question's number and stem (inline content only)."""


class quiz_option(nodes.TextElement):
    """A radio button and its ``<label>`` (inline content)."""


class quiz_numeric_input(nodes.General, nodes.Element):
    """Text box and Check button of a numeric question (shown by quiz.js)."""


class quiz_feedback_area(nodes.General, nodes.Element):
    """The live region where the chosen option's feedback appears."""


class quiz_feedback(nodes.General, nodes.Element):
    """The feedback for one option or one number, hidden until it is chosen."""


class quiz_answers(nodes.General, nodes.Element):
    """``<details>`` with every answer of a numeric question (readable without JavaScript)."""


def _attrs(node, *names) -> str:
    return "".join(
        f' {name}="{html.escape(str(node[key]))}"'
        for key, name in names
        if node.get(key) is not None
    )


def visit_quiz(self, node):
    self.body.append(f'<div class="dk-quiz" id="{node["quiz_id"]}">\n')


def depart_quiz(self, node):
    self.body.append("</div>\n")


def visit_quiz_question(self, node):
    self.body.append(
        f'<fieldset class="dk-quiz-q" id="{node["qid"]}" data-kind="{node["kind"]}"'
        + _attrs(node, ("answer", "data-answer"), ("tolerance", "data-tolerance"))
        + ">\n"
    )


def depart_quiz_question(self, node):
    self.body.append("</fieldset>\n")


def visit_quiz_legend(self, node):
    self.body.append(
        f'<legend class="dk-quiz-stem"><span class="dk-quiz-num">Question {node["number"]}.</span> '
    )


def depart_quiz_legend(self, node):
    self.body.append("</legend>\n")


def visit_quiz_option(self, node):
    oid = f"{node['qid']}-{node['letter'].lower()}"
    self.body.append(
        f'<div class="dk-quiz-option"><input type="radio" id="{oid}" name="{node["qid"]}" '
        f'value="{node["letter"]}"><label for="{oid}"><span class="dk-quiz-letter">'
        f"{node['letter']}.</span> "
    )


def depart_quiz_option(self, node):
    self.body.append("</label></div>\n")


def visit_quiz_numeric_input(self, node):
    iid = f"{node['qid']}-input"
    self.body.append(
        f'<div class="dk-quiz-numeric-row" hidden><label for="{iid}">Your answer</label> '
        f'<input type="text" class="dk-quiz-input" id="{iid}" inputmode="decimal" '
        f'autocomplete="off" spellcheck="false"> '
        f'<button type="button" class="dk-quiz-check">Check</button></div>\n'
    )
    raise nodes.SkipNode


def visit_quiz_feedback_area(self, node):
    self.body.append('<div class="dk-quiz-feedback" role="status" aria-live="polite">\n')


def depart_quiz_feedback_area(self, node):
    self.body.append("</div>\n")


def visit_quiz_feedback(self, node):
    verdict = "correct" if node["correct"] else "incorrect"
    self.body.append(
        f'<div class="dk-quiz-fb" data-verdict="{verdict}"'
        + _attrs(node, ("option", "data-option"), ("value", "data-value"))
        + ">\n"
    )


def depart_quiz_feedback(self, node):
    self.body.append("</div>\n")


def visit_quiz_answers(self, node):
    self.body.append(
        '<details class="dk-quiz-answers"><summary>Show the answer and why</summary>\n'
    )


def depart_quiz_answers(self, node):
    self.body.append("</details>\n")


def _skip(self, node):
    raise nodes.SkipNode


# --------------------------------------------------------------------------- directive


class QuizDirective(SphinxDirective):
    """``{dk-quiz} <id>`` with the questions' Markdown as content (written by the build)."""

    has_content = True
    required_arguments = 1

    def _inline(self, text: str) -> list[nodes.Node]:
        parsed = self.parse_text_to_nodes(text)
        if len(parsed) != 1 or not isinstance(parsed[0], nodes.paragraph):
            raise QuizFormatError(f"expected one paragraph of text: {text[:60]!r}")
        return list(parsed[0].children)

    def _feedback(
        self, correct: bool, text: str, label: str | None = None, **attrs
    ) -> quiz_feedback:
        box = quiz_feedback(correct=correct, **attrs)
        para = nodes.paragraph()
        if label:
            para += nodes.strong("", f"{label}: ", classes=["dk-quiz-value"])
        icon = "\u2713" if correct else "\u2717"
        para += nodes.raw(
            "", f'<span class="dk-quiz-icon" aria-hidden="true">{icon}</span> ', format="html"
        )
        para += nodes.strong(
            "", "Correct." if correct else "Incorrect.", classes=["dk-quiz-verdict"]
        )
        para += nodes.Text(" ")
        para.extend(self._inline(text))
        box += para
        return box

    def run(self):
        qz_id = self.arguments[0]
        try:
            parsed = parse_quiz("\n".join(self.content))
            root = quiz(quiz_id=qz_id)
            for q in parsed.questions:
                root += self._question(qz_id, q)
        except QuizFormatError as err:
            raise self.error(f"dk-quiz: {err}") from err
        return [root]

    def _question(self, qz_id: str, q: Question) -> quiz_question:
        qid = f"{qz_id}-{q.number}"
        box = quiz_question(qid=qid, kind=q.kind)
        legend = quiz_legend(number=q.number)
        legend.extend(self._inline(q.stem))
        box += legend
        if q.kind == "choice":
            for o in q.options:
                opt = quiz_option(qid=qid, letter=o.letter)
                opt.extend(self._inline(o.text))
                box += opt
            area = quiz_feedback_area()
            for o in q.options:
                area += self._feedback(o.correct, o.feedback, option=o.letter)
            box += area
        else:
            box["answer"], box["tolerance"] = repr(q.answer), repr(q.tolerance)
            box += quiz_numeric_input(qid=qid)
            box += quiz_feedback_area()
            answers = quiz_answers()
            for a in q.answers:
                label = f"{a.label} (within {q.tolerance:g})" if a.correct else a.label
                answers += self._feedback(
                    a.correct,
                    a.feedback,
                    label=label,
                    value="other" if a.value is None else repr(a.value),
                )
            box += answers
        return box


# --------------------------------------------------------------------------- assets


def _has_quiz(doctree) -> bool:
    return doctree is not None and any(True for _ in doctree.findall(quiz))


def _page_assets(app, pagename, templatename, context, doctree):
    if _has_quiz(doctree):
        app.add_css_file("quiz.css")
        app.add_js_file("quiz.js")


def _static_path(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _static_path)
    app.connect("source-read", _rewrite_notebook)
    app.connect("html-page-context", _page_assets)
    app.add_directive("dk-quiz", QuizDirective)
    html_only = {name: (_skip, None) for name in ("latex", "text", "man", "texinfo")}
    for node, visit, depart in [
        (quiz, visit_quiz, depart_quiz),
        (quiz_question, visit_quiz_question, depart_quiz_question),
        (quiz_legend, visit_quiz_legend, depart_quiz_legend),
        (quiz_option, visit_quiz_option, depart_quiz_option),
        (quiz_numeric_input, visit_quiz_numeric_input, None),
        (quiz_feedback_area, visit_quiz_feedback_area, depart_quiz_feedback_area),
        (quiz_feedback, visit_quiz_feedback, depart_quiz_feedback),
        (quiz_answers, visit_quiz_answers, depart_quiz_answers),
    ]:
        app.add_node(node, html=(visit, depart), **html_only)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

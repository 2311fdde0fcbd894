"""The notebooks a learner downloads, rendered from the built book: plain Markdown, no MyST.

The chapters are written in MyST: ``{glue:text}`` roles for computed numbers, ``{numref}``,
``{term}`` and ``{cite}`` roles, admonition and exercise fences. Jupyter, VS Code and Colab
show those as raw text. This module renders a chapter notebook's Markdown into CommonMark
plus ``$...$`` math, from what the build knows:

- glued values come from the executed notebook's glue file
  (``_build/jupyter_execute/book/NN.glue.json``), formatted by myst-nb's own formatter, so
  a number reads exactly as on the page;
- figure, section and exercise numbers, glossary anchors and citations come from the Sphinx
  environment of the build (``_build/.doctrees/environment.pickle``), and become links to
  the published site (``html.baseurl`` of ``_config.yml``);
- admonitions become block quotes, dropdowns ``<details>`` blocks, exercises bold
  headings, a solution's prose a ``<details>`` block (the student version has no solution
  prose), figure captions a Markdown line under the figure's cell; cells hidden on the
  page are collapsed.

Anything MyST that is left over raises ``ValueError``, so a new role cannot slip into the
downloads unrendered. Used by ``scripts/post_build.py``; tested in
``tests/test_learner_notebooks.py``. Sphinx's own notebook builders (``sphinx-tojupyter``)
do not know myst-nb's glue, which is why this is written here.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from docutils.nodes import make_id
from latexcodec import codec  # noqa: F401  (registers the "latex" codec)
from myst_nb.core.variables import format_plain_text

ROLE = re.compile(r"\{(?P<role>[a-z][\w:-]*)\}`(?P<body>[^`]*)`")
TITLED = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
FENCE_OPEN = re.compile(r"^(?P<fence>```+|:::+)\s*\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
FENCE_CLOSE = re.compile(r"^(```+|:::+)\s*$")
OPTION = re.compile(r"^\s*:(\w[\w-]*):\s*(.*)$")
TARGET = re.compile(r"^\(([\w:-]+)\)=\s*$")
EQ_LABEL = re.compile(r"^(\s*\$\$.*?\$\$)\s*\(([\w:-]+)\)\s*$|^(\s*\$\$)\s*\(([\w:-]+)\)\s*$")
STUDENT_HEADING = re.compile(r"\*\*Exercise (ch\d\d-ex-\d+)\*\*")
LEFTOVER = [
    re.compile(p) for p in (r"\{[a-z][\w:-]*\}`", r"^\s*(```+|:::+)\s*\{", r"^\([\w:-]+\)=\s*$")
]


@dataclass
class BookRefs:
    """What the build knows about cross-references, read from its Sphinx environment."""

    baseurl: str
    numbers: dict = field(default_factory=dict)  # label -> (doc, "7.2", kind)
    sections: dict = field(default_factory=dict)  # label -> (doc, anchor, "7.3")
    terms: dict = field(default_factory=dict)  # term (lower case) -> (doc, anchor)
    citations: dict = field(default_factory=dict)  # key -> (doc, anchor, names, year)
    titles: dict = field(default_factory=dict)  # doc -> its title

    def url(self, doc: str, anchor: str = "") -> str:
        return f"{self.baseurl}{doc}.html" + (f"#{anchor}" if anchor else "")


def _plain_latex(text: str) -> str:
    try:
        text = text.encode("utf-8").decode("latex")
    except Exception:  # noqa: BLE001 - keep the raw text if it is not valid LaTeX
        pass
    return text.replace("{", "").replace("}", "")


def _author_names(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    lasts = [_plain_latex(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not lasts:
        return _plain_latex(entry.fields.get("title", "?"))
    if len(lasts) == 1:
        return lasts[0]
    if len(lasts) == 2:
        return f"{lasts[0]} & {lasts[1]}"
    return f"{lasts[0]} et al."


def book_refs(build: Path, config: Path) -> BookRefs:
    """Read the cross-reference data of a finished build (``build`` is ``_build``)."""
    settings = yaml.safe_load(config.read_text())
    baseurl = settings["html"]["baseurl"]
    # The pickle holds nodes of the book's local extensions (_ext/quiz.py, ...): make them
    # importable as Sphinx did, from sphinx.local_extensions in _config.yml.
    for folder in set(settings["sphinx"].get("local_extensions", {}).values()):
        ext_dir = str((config.parent / folder).resolve())
        if ext_dir not in sys.path:
            sys.path.insert(0, ext_dir)
    with open(build / ".doctrees" / "environment.pickle", "rb") as fh:
        env = pickle.load(fh)
    refs = BookRefs(baseurl=baseurl if baseurl.endswith("/") else baseurl + "/")
    for doc, kinds in env.toc_fignumbers.items():
        for kind, labels in kinds.items():
            for label, number in labels.items():
                refs.numbers[label] = (doc, ".".join(map(str, number)), kind)
    std = env.domaindata["std"]
    for label, (doc, anchor, title) in std["labels"].items():
        secnumbers = env.toc_secnumbers.get(doc, {})
        # a label before a heading is a second id of the section, whose number is kept
        # under its first id, the one made from its title
        number = secnumbers.get(f"#{anchor}") or secnumbers.get(f"#{make_id(title)}")
        if number:
            refs.sections[label] = (doc, anchor, ".".join(map(str, number)))
    for (kind, name), (doc, anchor) in std["objects"].items():
        if kind == "term":
            refs.terms[name.lower()] = (doc, anchor)
    refs.titles = {doc: title.astext() for doc, title in env.titles.items()}
    for cit in env.domaindata["cite"]["citations"]:
        refs.citations[cit.key] = (
            cit.bibliography_key.docname,
            cit.citation_id,
            _author_names(cit.entry),
            cit.entry.fields.get("year", "n.d."),
        )
    return refs


def load_glue(path: Path) -> dict:
    """``name -> text/plain`` of every value a chapter glued (empty if it glued none)."""
    if not path.exists():
        return {}
    return {
        name: out.get("data", {}).get("text/plain", "")
        for name, out in json.loads(path.read_text()).items()
    }


class Renderer:
    """Render the Markdown of one chapter (``doc``, e.g. ``book/04_learning_rate``)."""

    def __init__(self, refs: BookRefs, doc: str, glue: dict):
        self.refs, self.doc, self.glue = refs, doc, glue

    # --- roles -------------------------------------------------------------------------
    def role(self, match: re.Match) -> str:
        role, body = match.group("role"), match.group("body")
        if role == "glue:text" or role == "glue":
            name, _, fmt = body.partition(":")
            if name not in self.glue:
                raise ValueError(f"{self.doc}: no glued value named {name!r}")
            return format_plain_text(self.glue[name], fmt) if fmt else self.glue[name]
        if role == "numref":
            return self.numref(body)
        if role == "term":
            return self.term(body)
        if role in ("cite", "cite:p", "cite:t", "cite:ps", "cite:ts"):
            return self.cite(body, textual=role.startswith("cite:t"))
        if role == "doc":
            return self.doc_link(body)
        if role == "ref":
            return self.ref(body)
        raise ValueError(f"{self.doc}: no rendering for the role {{{role}}}")

    def numref(self, body: str) -> str:
        m = TITLED.match(" ".join(body.split()))
        text, label = (m.group("text"), m.group("target")) if m else (None, body.strip())
        if label in self.refs.numbers:
            doc, number, kind = self.refs.numbers[label]
            default = {"figure": "Figure %s", "table": "Table %s", "exercise": "Exercise %s"}.get(
                kind, "%s"
            )
        elif label in self.refs.sections:
            doc, _, number = self.refs.sections[label]
            default = "Section %s"
        else:
            raise ValueError(f"{self.doc}: numref to an unknown label {label!r}")
        shown = (text or default).replace("%s", number).replace("{number}", number)
        return f"[{shown}]({self.refs.url(doc, label)})"

    def term(self, body: str) -> str:
        m = TITLED.match(body)
        text, target = (m.group("text"), m.group("target")) if m else (body, body)
        text, key = " ".join(text.split()), " ".join(target.split()).lower()
        if key not in self.refs.terms:
            raise ValueError(f"{self.doc}: term {target!r} is not in the glossary")
        doc, anchor = self.refs.terms[key]
        return f"[{text}]({self.refs.url(doc, anchor)})"

    def cite(self, body: str, textual: bool) -> str:
        parts = []
        for key in (k.strip() for k in body.split(",")):
            if key not in self.refs.citations:
                raise ValueError(f"{self.doc}: unknown citation {key!r}")
            doc, anchor, names, year = self.refs.citations[key]
            url = self.refs.url(doc, anchor)
            parts.append(f"[{names} ({year})]({url})" if textual else f"[{names}, {year}]({url})")
        return ", ".join(parts) if textual else "(" + "; ".join(parts) + ")"

    def doc_link(self, body: str) -> str:
        m = TITLED.match(" ".join(body.split()))
        text, target = (m.group("text"), m.group("target")) if m else (None, body.strip())
        folder = self.doc.rpartition("/")[0]
        doc = (
            target.lstrip("/")
            if target.startswith("/")
            else (f"{folder}/{target}" if folder else target)
        )
        doc = doc.removesuffix(".ipynb").removesuffix(".md")
        if doc not in self.refs.titles:
            raise ValueError(f"{self.doc}: doc link to an unknown page {target!r}")
        return f"[{text or self.refs.titles[doc]}]({self.refs.url(doc)})"

    def ref(self, body: str) -> str:
        m = TITLED.match(body)
        text, label = (m.group("text"), m.group("target")) if m else (None, body)
        if label in self.refs.sections:
            doc, anchor, number = self.refs.sections[label]
            return f"[{text or 'Section ' + number}]({self.refs.url(doc, anchor)})"
        if label in self.refs.numbers and self.refs.numbers[label][2] == "exercise":
            return self.numref(body)  # sphinx-exercise shows "Exercise 9.2" for a ref too
        raise ValueError(f"{self.doc}: ref to an unknown label {label!r}")

    # --- blocks ------------------------------------------------------------------------
    def markdown(self, text: str, state: dict) -> str:
        """Render one Markdown cell. ``state`` carries an open solution across cells."""
        text = ROLE.sub(self.role, text)  # roles may wrap over lines
        out, lines, i = [], text.split("\n"), 0
        quote = None  # the fence of an open admonition
        folds = []  # the fences of open dropdowns, innermost last
        while i < len(lines):
            line = lines[i]
            if TARGET.match(line):
                i += 1
                continue
            m = EQ_LABEL.match(line)
            if m:
                line = m.group(1) or m.group(3)
            m = FENCE_OPEN.match(line.strip())
            if m:
                name, arg = m.group("name"), m.group("arg").strip()
                options, i = self._options(lines, i + 1)
                if m.group("fence").startswith("```") and name in (
                    "exercise-start",
                    "exercise-end",
                    "solution-start",
                    "solution-end",
                ):
                    i = self._skip_close(lines, i)
                    out += self.exercise_block(name, arg, options, state)
                    continue
                if name in ("admonition", "note", "tip", "important", "warning", "seealso"):
                    title = arg or name.capitalize()
                    quote = m.group("fence")
                    out += [f"> **{title}**", ">"]
                    continue
                if name == "dropdown":  # a folded block: Jupyter's own <details>
                    folds.append(m.group("fence"))
                    out += ["<details>", f"<summary>{arg or 'Details'}</summary>", ""]
                    continue
                raise ValueError(f"{self.doc}: no rendering for the directive {{{name}}}")
            if quote and line.strip() == quote:
                quote = None
                i += 1
                continue
            if folds and line.strip() == folds[-1]:
                folds.pop()
                out += ["", "</details>"]
                i += 1
                continue
            rendered = STUDENT_HEADING.sub(self._student_heading, line)
            out.append(("> " + rendered).rstrip() if quote else rendered)
            i += 1
        if state.get("solution_open"):
            out += ["", "</details>"]
            state["solution_open"] = False
        result = "\n".join(out).strip("\n")
        for row in result.split("\n"):
            for pattern in LEFTOVER:
                if pattern.search(row):
                    raise ValueError(f"{self.doc}: MyST left after rendering: {row.strip()!r}")
        return result

    def _options(self, lines, i):
        options = {}
        while i < len(lines) and OPTION.match(lines[i]):
            key, value = OPTION.match(lines[i]).groups()
            options[key] = value.strip()
            i += 1
        return options, i

    def _skip_close(self, lines, i):
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i < len(lines) and FENCE_CLOSE.match(lines[i].strip()):
            i += 1
        return i

    def _exercise_number(self, label: str) -> str:
        if label in self.refs.numbers:
            return self.refs.numbers[label][1]
        m = re.match(r"ch(\d\d)-ex-(\d+)$", label)
        return f"{int(m.group(1))}.{m.group(2)}" if m else label

    def _student_heading(self, match: re.Match) -> str:
        return f"**Exercise {self._exercise_number(match.group(1))}**"

    def exercise_block(self, name, arg, options, state):
        if name == "exercise-start":
            label = options.get("label", "")
            url = self.refs.url(self.doc, label) if label else ""
            number = self._exercise_number(label)
            return [f"**[Exercise {number}]({url})**" if url else f"**Exercise {number}**", ""]
        if name == "solution-start":
            state["solution_open"] = True
            return [
                "<details>",
                f"<summary>Solution to Exercise {self._exercise_number(arg)}</summary>",
                "",
            ]
        return []  # exercise-end, solution-end

    def caption(self, cell) -> str | None:
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if not figure.get("caption"):
            return None
        name = figure.get("name")
        number = self.refs.numbers.get(name, (None, None))[1] if name else None
        head = f"*Figure {number}.*" if number else "*Figure.*"
        return f"{head} {self.markdown(figure['caption'], {})}"


def learner_notebook(nb: dict, renderer: Renderer, *, keep_outputs: bool = False) -> dict:
    """A copy of ``nb`` whose Markdown is rendered, with captions under figures and the
    cells the page hides collapsed. Outputs are cleared (the learner runs the notebook)
    unless ``keep_outputs`` (the archive's read-offline copy, made from the executed
    notebook). A construct that cannot be rendered raises ``ValueError`` naming the cell."""
    nb = copy.deepcopy(nb)
    cells, state = [], {}
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            try:
                cell["source"] = renderer.markdown("".join(cell["source"]), state)
            except ValueError as err:
                raise ValueError(f"{err} (cell {index}, id {cell.get('id', '?')})") from None
            cells.append(cell)
            continue
        if cell["cell_type"] == "code":
            if not keep_outputs:
                cell["outputs"], cell["execution_count"] = [], None
            tags = cell.get("metadata", {}).get("tags", [])
            if {"remove-cell", "remove-input", "hide-input"} & set(tags):
                cell["metadata"].setdefault("jupyter", {})["source_hidden"] = True
        cells.append(cell)
        try:
            caption = renderer.caption(cell) if cell["cell_type"] == "code" else None
        except ValueError as err:
            raise ValueError(f"{err} (caption of cell {index})") from None
        if caption:
            cells.append(
                {
                    "cell_type": "markdown",
                    "metadata": {},
                    "source": caption,
                    "id": f"{cell.get('id', 'cell')}-caption"[:64],
                }
            )
    nb["cells"] = cells
    nb.setdefault("metadata", {}).setdefault("descentkit", {})["rendered_for_learners"] = True
    return nb


def renderer_for(chapter: Path, build: Path, refs: BookRefs) -> Renderer:
    doc = f"book/{chapter.stem}"
    return Renderer(
        refs, doc, load_glue(build / "jupyter_execute" / "book" / f"{chapter.stem}.glue.json")
    )

"""Sphinx extension: the per-chapter part of the instructor guide, read from the chapters.

Used in book/instructors.md as

    ```{course-guide}
    01_derivatives: {requires: [], minutes: 75}
    02_autograd: {requires: [01_derivatives], minutes: 60}
    ```

The content maps every chapter (file stem) to the chapters it needs and an estimated time.
For every chapter notebook book/NN_*.ipynb that the book builds, the directive writes a
box with its title (linked), what it needs, the time, its learning objectives (copied from
the "Learning objectives" admonition at its top), its exercises (linked, with their first
sentence), and links to assign it: student notebook, full notebook, Colab. Above the boxes
it draws the dependency diagram (top to bottom) as an inline SVG.

A chapter that the book builds but the content does not list is a build warning (an error
under -W), so the guide cannot silently miss a chapter.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
CHAPTER = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


def _text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def read_chapter(path: Path) -> dict:
    """Title, learning objectives (markdown lines) and exercises ``[(label, first sentence)]``."""
    nb = json.loads(path.read_text())
    md = [_text(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    title = next(
        (line[2:].strip() for text in md for line in text.splitlines() if line.startswith("# ")),
        path.stem,
    )
    objectives = []
    for text in md:
        match = re.search(
            r"(:::+|```+)\{admonition\}\s*Learning objectives\s*\n(.*?)\n\1", text, re.S
        )
        if match:
            objectives = [
                line
                for line in match.group(2).splitlines()
                if not line.startswith(":class:") and not line.lower().startswith("by the end")
            ]
            break
    exercises = []
    body = "\n".join(md)
    for match in re.finditer(
        r"```+\s*\{exercise-start\}[^\n]*\n((?::[^\n]*\n)*)```+\s*\n(.*?)```+\s*\{exercise-end\}",
        body,
        re.S,
    ):
        label = re.search(r":label:\s*(\S+)", match.group(1))
        if not label:
            continue
        prose = " ".join(match.group(2).split())
        first = re.split(r"(?<=[.?!])\s", prose, maxsplit=1)[0]
        exercises.append((label.group(1), first))
    return {"title": title, "objectives": objectives, "exercises": exercises}


def dependency_svg(order: list[str], requires: dict[str, list[str]], names: dict[str, str]) -> str:
    """A top-to-bottom layered diagram: each chapter one row below the deepest chapter it needs."""
    depth = {}
    for stem in order:
        depth[stem] = 1 + max((depth[r] for r in requires.get(stem, []) if r in depth), default=-1)
    rows: dict[int, list[str]] = {}
    for stem in order:
        rows.setdefault(depth[stem], []).append(stem)
    box_w, box_h, gap_x, gap_y, pad, lane = 290, 40, 30, 26, 6, 40
    per_row = max(len(r) for r in rows.values())
    width = (
        pad * 2 + per_row * (box_w + gap_x) - gap_x + lane
    )  # lane: room on the right for long arrows
    height = pad * 2 + len(rows) * (box_h + gap_y) - gap_y
    pos = {}
    for row, stems in rows.items():
        span = len(stems) * (box_w + gap_x) - gap_x
        left = (width - lane - span) / 2
        for i, stem in enumerate(stems):
            pos[stem] = (left + i * (box_w + gap_x), pad + row * (box_h + gap_y))
    parts = []
    for stem in order:
        for req in requires.get(stem, []):
            if req in pos:
                (x1, y1), (x2, y2) = pos[req], pos[stem]
                if depth[stem] - depth[req] == 1:  # next row: a straight arrow
                    d = f"M {x1 + box_w / 2} {y1 + box_h} L {x2 + box_w / 2} {y2 - 3}"
                else:  # skips rows: round the boxes in between through the lane on the right
                    xr = width - pad - lane / 2
                    d = (
                        f"M {x1 + box_w} {y1 + box_h / 2} "
                        f"C {xr} {y1 + box_h / 2}, {xr} {y2 - gap_y}, "
                        f"{x2 + box_w * 0.75} {y2 - 3}"
                    )
                parts.append(
                    f'<path d="{d}" fill="none" stroke="#555" stroke-width="1.5" '
                    'marker-end="url(#guide-arrow)"/>'
                )
    for stem in order:
        x, y = pos[stem]
        label = html.escape(f"{int(stem[:2])}. {names[stem]}")
        short = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<a href="{stem}.html"><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="#eef3fb" stroke="#2a5db0"/><text x="{x + box_w / 2}" y="{y + box_h / 2 + 5}" '
            f'text-anchor="middle" font-size="13" font-family="sans-serif" fill="#111">'
            f"<title>{label}</title>{short}</text></a>"
        )
    described = "; ".join(
        f"chapter {int(s[:2])} needs "
        + (", ".join(f"chapter {int(r[:2])}" for r in requires.get(s, [])) or "nothing before it")
        for s in order
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="Chapter dependencies: {html.escape(described)}." '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'style="max-width:100%;height:auto;background:#fff">'
        '<defs><marker id="guide-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )


class CourseGuide(SphinxDirective):
    has_content = True

    def run(self):
        config = self.env.config
        table = yaml.safe_load("\n".join(self.content)) or {}
        srcdir = Path(self.env.srcdir)
        here = Path(self.env.docname).parent  # book/
        chapters = sorted(p for p in (srcdir / here).glob("*.ipynb") if CHAPTER.match(p.name))
        built = [p for p in chapters if str(here / p.stem) in self.env.found_docs]
        for path in built:
            self.env.note_dependency(str(path))
            if path.stem not in table:
                logger.warning(
                    f"course-guide: chapter {path.stem} is not listed in the instructor guide "
                    f"(add '{path.stem}: {{requires: [...], minutes: N}}')",
                    location=self.get_location(),
                )
        order = [p.stem for p in built]
        info = {p.stem: read_chapter(p) for p in built}
        requires = {
            s: [r for r in (table.get(s) or {}).get("requires", []) if r in info] for s in order
        }
        repo = (
            (getattr(config, "html_theme_options", {}) or {}).get("repository_url", "").rstrip("/")
        )
        branch = (getattr(config, "html_theme_options", {}) or {}).get("repository_branch", "main")
        colab = (
            repo.replace("https://github.com/", "https://colab.research.google.com/github/")
            if repo
            else ""
        )

        out = [
            nodes.raw(
                "",
                '<div class="course-guide-diagram">'
                + dependency_svg(order, requires, {s: info[s]["title"] for s in order})
                + "</div>",
                format="html",
            )
        ]
        lines = []
        for stem in order:
            ch, entry = info[stem], table.get(stem) or {}
            number = int(stem[:2])
            needs = (
                ", ".join(f"{{doc}}`Chapter {int(r[:2])} <{r}>`" for r in requires[stem])
                or "nothing before it"
            )
            minutes = entry.get("minutes")
            student = f"../downloads/student/{stem}.ipynb"
            full = f"../_sources/{here}/{stem}.ipynb"
            links = [
                f'<a href="{student}" download>student notebook</a> (solutions removed)',
                f'<a href="{full}" download>full notebook</a> (with solutions)',
            ]
            if colab:
                links.append(
                    f'<a href="{colab}/blob/{branch}/{here}/{stem}.ipynb">open in Colab</a>'
                )
            lines += [
                f":::{{admonition}} Chapter {number}: {ch['title']}",
                ":class: note",
                "",
                f"**Page:** {{doc}}`{stem}`. **Needs:** {needs}. "
                + (
                    f"**Estimated time:** about {minutes} minutes of reading and running, "
                    "plus the exercises."
                    if minutes
                    else ""
                ),
                "",
                "**Learning objectives.** Learners will be able to",
                "",
            ]
            lines += ch["objectives"] or ["(none stated)"]
            lines += ["", f"**Exercises ({len(ch['exercises'])}).**", ""]
            lines += [
                f"- {{ref}}`{label} <{label}>`: {first}" for label, first in ch["exercises"]
            ] or ["- (none yet)"]
            lines += ["", "**Assign it:** " + " · ".join(links) + ".", ":::", ""]
        container = nodes.container(classes=["course-guide"])
        self.state.nested_parse(
            StringList(lines, source=self.get_source_info()[0]), self.content_offset, container
        )
        out.append(container)
        return out


def setup(app):
    app.add_directive("course-guide", CourseGuide)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

"""What a learner downloads reads like the page: no MyST, numbers and references rendered.

The first part tests the renderer (scripts/learner_notebooks.py) on small samples; the
second, marked ``site``, opens every notebook a learner can get from the built site (the
page's ".ipynb" download, the student versions, the course archive) as a learner would.
"""

import html as htmllib
import json
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from learner_notebooks import BookRefs, Renderer, learner_notebook

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html"))
BASE = "https://example.org/course/"
MYST = re.compile(r"\{[a-z][\w:-]*\}`|^\s*(```+|:::+)\s*\{|^\([\w:-]+\)=\s*$", re.M)

REFS = BookRefs(
    baseurl=BASE,
    numbers={
        "fig-a": ("book/04_x", "4.2", "figure"),
        "ch04-ex-1": ("book/04_x", "4.1", "exercise"),
    },
    sections={"sec-b": ("book/04_x", "sec-b", "4.3")},
    terms={"learning rate": ("book/glossary", "term-learning-rate")},
    titles={"book/06_sgd": "Stochastic gradient descent"},
    citations={
        "nocedal2006": ("book/references", "id7", "Nocedal & Wright", "2006"),
        "cauchy1847": ("book/references", "id1", "Cauchy", "1847"),
    },
)
GLUE = {"steps": "764", "ratio": "0.123456789"}


def render(text, state=None):
    return Renderer(REFS, "book/04_x", GLUE).markdown(text, {} if state is None else state)


@pytest.mark.parametrize(
    "myst, plain",
    [
        ("took {glue:text}`steps` steps", "took 764 steps"),
        ("ratio {glue:text}`ratio:.3f`.", "ratio 0.123."),
        ("see {numref}`fig-a`", f"see [Figure 4.2]({BASE}book/04_x.html#fig-a)"),
        ("see {numref}`Fig. %s <fig-a>`", f"see [Fig. 4.2]({BASE}book/04_x.html#fig-a)"),
        ("in {numref}`sec-b`", f"in [Section 4.3]({BASE}book/04_x.html#sec-b)"),
        (
            "the {term}`learning\nrate`",
            f"the [learning rate]({BASE}book/glossary.html#term-learning-rate)",
        ),
        (
            "the {term}`rate <learning rate>`",
            f"the [rate]({BASE}book/glossary.html#term-learning-rate)",
        ),
        (
            "as shown {cite:p}`nocedal2006`",
            f"as shown ([Nocedal & Wright, 2006]({BASE}book/references.html#id7))",
        ),
        ("{cite:t}`cauchy1847` wrote", f"[Cauchy (1847)]({BASE}book/references.html#id1) wrote"),
        (
            "{cite}`cauchy1847,nocedal2006`",
            f"([Cauchy, 1847]({BASE}book/references.html#id1); "
            f"[Nocedal & Wright, 2006]({BASE}book/references.html#id7))",
        ),
        ("(sec-b)=\n## Title", "## Title"),
        ("as in {doc}`06_sgd`", f"as in [Stochastic gradient descent]({BASE}book/06_sgd.html)"),
        ("see {doc}`there <06_sgd>`", f"see [there]({BASE}book/06_sgd.html)"),
        ("$$\nx = 1\n$$ (eq-one)", "$$\nx = 1\n$$"),
    ],
)
def test_roles_and_targets_become_plain_markdown(myst, plain):
    assert render(myst) == plain


def test_admonitions_become_block_quotes():
    out = render(
        ":::{admonition} Learning objectives\n:class: tip\nYou will\n1. learn\n:::\nAfter."
    )
    assert out == "> **Learning objectives**\n>\n> You will\n> 1. learn\nAfter."


def test_dropdowns_become_details_blocks():
    out = render(
        "Before.\n:::{dropdown} Going further: a bound\n:open:\nA $x$ here.\n:::\nAfter."
    )
    assert out == (
        "Before.\n<details>\n<summary>Going further: a bound</summary>\n\nA $x$ here.\n"
        "\n</details>\nAfter."
    )


def test_exercises_and_solutions():
    state = {}
    first = render(
        "```{exercise-start}\n:label: ch04-ex-1\n```\nDo it.\n```{exercise-end}\n```\n\n"
        "```{solution-start} ch04-ex-1\n:class: dropdown\n```\nBecause.",
        state,
    )
    assert first.startswith(f"**[Exercise 4.1]({BASE}book/04_x.html#ch04-ex-1)**")
    assert "<summary>Solution to Exercise 4.1</summary>" in first and "Because." in first
    # a <details> block cannot span cells: it closes in the cell that opened it
    assert first.endswith("</details>") and not state["solution_open"]
    assert render("```{solution-end}\n```\nNext.") == "Next."
    # the student version's headings (scripts/post_build.py) get the page's numbers
    assert render("**Exercise ch04-ex-1**") == "**Exercise 4.1**"


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("{glue:text}`missing`", "no glued value"),
        ("{numref}`fig-nowhere`", "unknown label"),
        ("{term}`no such term`", "not in the glossary"),
        ("{cite:p}`nobody2020`", "unknown citation"),
        ("{math}`x^2`", "no rendering for the role"),
        ("```{figure} a.png\n```", "no rendering for the directive"),
    ],
)
def test_what_cannot_be_rendered_is_an_error_not_raw_myst(bad, fragment):
    with pytest.raises(ValueError, match=fragment):
        render(bad)


def test_learner_notebook_adds_captions_collapses_hidden_cells_and_clears_outputs():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "plot()",
                "outputs": [{"x": 1}],
                "execution_count": 3,
                "metadata": {
                    "tags": ["hide-input"],
                    "mystnb": {
                        "figure": {"name": "fig-a", "caption": "The {term}`learning rate`."}
                    },
                },
            },
            {
                "cell_type": "code",
                "source": "glue('x', 1)",
                "outputs": [],
                "execution_count": None,
                "metadata": {"tags": ["remove-cell"]},
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    out = learner_notebook(nb, Renderer(REFS, "book/04_x", GLUE))
    assert [c["cell_type"] for c in out["cells"]] == ["code", "markdown", "code"]
    assert out["cells"][1]["source"].startswith("*Figure 4.2.* The [learning rate](")
    assert out["cells"][0]["outputs"] == [] and out["cells"][0]["execution_count"] is None
    assert all(
        c["metadata"]["jupyter"]["source_hidden"] for c in out["cells"] if c["cell_type"] == "code"
    )
    assert nb["cells"][0]["outputs"] == [{"x": 1}]  # the input is not changed


# --------------------------------------------------------------------------- the built site

site = pytest.mark.site
CHAPTERS = sorted(p.name for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def downloaded():
    """Every notebook a learner can get: (where, name, notebook)."""
    for name in CHAPTERS:
        yield "page download", name, json.loads((SITE / "_sources" / "book" / name).read_text())
        yield (
            "student version",
            name,
            json.loads((SITE / "downloads" / "student" / name).read_text()),
        )
    with zipfile.ZipFile(SITE / "downloads" / "gradient-descent-course.zip") as zf:
        for member in zf.namelist():
            if member.endswith(".ipynb"):
                yield "archive", member, json.loads(zf.read(member))


def markdown_of(nb, *, quiz=True):
    """All Markdown of ``nb``; without the concept questions (whose answers fold) if not quiz."""
    return "\n\n".join(
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        and (quiz or not c.get("metadata", {}).get("descentkit", {}).get("quiz"))
    )


@site
def test_no_downloaded_notebook_carries_myst():
    found = list(downloaded())
    assert len(found) == 5 * len(CHAPTERS)  # page, student; archive: full, student, with outputs
    for where, name, nb in found:
        leftover = MYST.search(markdown_of(nb))
        assert leftover is None, f"{where} {name}: raw MyST {leftover.group(0)!r}"


@site
def test_every_link_to_the_site_resolves_to_a_page_and_anchor_of_the_build():
    base = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]
    links = 0
    for where, name, nb in downloaded():
        for url in re.findall(r"\]\((\S+?)\)", markdown_of(nb)):
            if not url.startswith(base):
                continue
            parsed = urlparse(url[len(base) :])
            page = SITE / parsed.path
            assert page.exists(), f"{where} {name}: {url} is not a page of the site"
            if parsed.fragment:
                assert f'id="{parsed.fragment}"' in page.read_text(), (
                    f"{where} {name}: no anchor in {url}"
                )
            links += 1
    assert links > 100


@site
@pytest.mark.parametrize("name", CHAPTERS)
def test_numbers_read_as_on_the_page(name):
    """Every glued number the page shows appears in the downloaded notebook's text."""
    page = (SITE / "book" / name.replace(".ipynb", ".html")).read_text()
    shown = [
        htmllib.unescape(v) for v in re.findall(r'<span class="pasted-text">([^<]*)</span>', page)
    ]
    text = markdown_of(json.loads((SITE / "_sources" / "book" / name).read_text()))
    assert shown, f"{name}: no glued numbers on the page?"
    missing = [v for v in shown if v not in text]
    assert not missing, f"{name}: numbers on the page but not in the download: {missing[:5]}"


@site
def test_solutions_fold_in_the_full_notebook_and_are_absent_from_the_student_one():
    for name in CHAPTERS:
        full = markdown_of(json.loads((SITE / "_sources" / "book" / name).read_text()))
        student_nb = json.loads((SITE / "downloads" / "student" / name).read_text())
        student = markdown_of(student_nb, quiz=False)
        # the concept questions keep their folded answers: a learner checks herself there
        assert "<summary>Answer</summary>" in markdown_of(student_nb)
        exercises = len(re.findall(r"\*\*\[?Exercise \d+\.\d+", full))
        assert exercises and full.count("<summary>Solution to Exercise") == exercises
        # no solution is left; the chapter's dropdowns stay folded blocks of the text
        source = json.loads((ROOT / "book" / name).read_text())
        dropdowns = sum(
            "".join(c["source"]).count("{dropdown}")
            for c in source["cells"]
            if c["cell_type"] == "markdown"
        )
        assert (
            "<summary>Solution" not in student
            and student.count("<details>") == dropdowns
            and len(re.findall(r"\*\*Exercise \d+\.\d+\*\*", student)) == exercises
        )


@site
@pytest.mark.parametrize("name", CHAPTERS)
def test_colab_and_binder_open_the_rendered_notebook(name):
    page = (SITE / "book" / name.replace(".ipynb", ".html")).read_text()
    launch = re.findall(
        r'href="(https://(?:colab\.research\.google\.com|mybinder\.org)[^"]+)"', page
    )
    assert len(launch) == 2, launch
    for url in launch:
        assert url.endswith(f"_sources/book/{name}") and "/gh-pages" in url, url
    assert (SITE / "_sources" / "book" / name).exists()  # what gh-pages will serve there


@site
@pytest.mark.parametrize("name", CHAPTERS)
def test_rendered_by_nbconvert_the_download_shows_the_pages_numbers(name):
    """nbconvert renders the notebook as Jupyter does; its text has the page's glued numbers
    and the page's figure numbers."""
    from nbconvert import HTMLExporter

    page = (SITE / "book" / name.replace(".ipynb", ".html")).read_text()
    body, _ = HTMLExporter().from_filename(str(SITE / "_sources" / "book" / name))
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", body))
    for value in re.findall(r'<span class="pasted-text">([^<]*)</span>', page)[:40]:
        assert htmllib.unescape(value) in text
    on_page = set(re.findall(r'std-numref">Fig\. (\d+\.\d+)<', page))
    in_notebook = set(re.findall(r"Figure (\d+\.\d+)", text))
    assert on_page and on_page <= in_notebook, on_page - in_notebook


@site
def test_the_archive_also_holds_every_chapter_with_its_outputs():
    with zipfile.ZipFile(SITE / "downloads" / "gradient-descent-course.zip") as zf:
        for name in CHAPTERS:
            nb = json.loads(zf.read(f"gradient-descent-course/with-outputs/{name}"))
            images = sum(
                "image/png" in o.get("data", {})
                for c in nb["cells"]
                if c["cell_type"] == "code"
                for o in c["outputs"]
            )
            captions = sum(
                1
                for c in nb["cells"]
                if c["cell_type"] == "code" and c["metadata"].get("mystnb", {}).get("figure")
            )
            assert images >= captions > 0, (name, images, captions)
            assert not MYST.search(markdown_of(nb))
        assert "with-outputs/" in zf.read("gradient-descent-course/README.md").decode()


def test_a_leftover_role_fails_naming_the_cell():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "ok", "metadata": {}, "id": "a"},
            {"cell_type": "markdown", "source": "see {eq}`e1`", "metadata": {}, "id": "b"},
        ],
        "metadata": {},
    }
    with pytest.raises(ValueError, match=r"book/04_x.*\{eq\}.*cell 1, id b"):
        learner_notebook(nb, Renderer(REFS, "book/04_x", GLUE))

"""The quiz extension (_ext/quiz.py) renders a quiz cell as accessible HTML: a tiny Sphinx
build of one notebook, in a temporary folder, with no execution (a few seconds; the full
site is checked by tests/test_quiz_browser.py after the real build)."""

from __future__ import annotations

import json
import re

import pytest

from test_quiz import GOOD

sphinx_app = pytest.importorskip("sphinx.application")


def _notebook(quiz_text: str) -> dict:
    def md(text, **meta):
        return {
            "cell_type": "markdown",
            "id": f"c{abs(hash(text)) % 10**8}",
            "metadata": meta,
            "source": text,
        }

    return {
        "cells": [
            md("# A chapter\n\nText with $x^2$."),
            md(quiz_text, descentkit={"quiz": True}),
            md("## Exercises\n\nNone."),
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("quizsite")
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "quiz"]\n'
        'myst_enable_extensions = ["dollarmath"]\n'
        'nb_execution_mode = "off"\n'
        'exclude_patterns = ["_build"]\n'
    )
    (src / "index.md").write_text("# Home\n\n```{toctree}\n04_chapter\n```\n")
    (src / "04_chapter.ipynb").write_text(json.dumps(_notebook(GOOD)))
    out = src / "_build"
    app = sphinx_app.Sphinx(
        str(src),
        str(src),
        str(out),
        str(out / ".doctrees"),
        "html",
        status=None,
        warning=None,
        freshenv=True,
        warningiserror=True,
    )
    app.build()
    return out


def test_the_quiz_renders_as_fieldsets_of_labelled_radio_buttons(built):
    html = (built / "04_chapter.html").read_text()
    assert '<div class="dk-quiz" id="ch04-quiz">' in html
    assert html.count('<fieldset class="dk-quiz-q"') == 2
    assert (
        '<legend class="dk-quiz-stem"><span class="dk-quiz-num">Question 1.</span> Which?</legend>'
        in html
    )
    for letter in "ab":
        assert (
            f'<input type="radio" id="ch04-quiz-1-{letter}" name="ch04-quiz-1" value="{letter.upper()}">'  # noqa: E501
            f'<label for="ch04-quiz-1-{letter}">'
        ) in html
    assert html.count('role="status" aria-live="polite"') == 2
    # the feedback of every option is in the HTML, so it reads without JavaScript
    assert re.search(
        r'data-verdict="incorrect" data-option="A">\s*<p>.*Incorrect\.</strong> because\.', html
    )
    assert re.search(
        r'data-verdict="correct" data-option="B">\s*<p>.*Correct\.</strong> because\.', html
    )


def test_a_numeric_question_has_a_labelled_box_and_readable_answers(built):
    html = (built / "04_chapter.html").read_text()
    assert 'data-kind="numeric" data-answer="10.0" data-tolerance="0.01"' in html
    assert '<label for="ch04-quiz-2-input">Your answer</label>' in html
    assert '<details class="dk-quiz-answers"><summary>Show the answer and why</summary>' in html
    assert html.count('data-value="') == 3 and 'data-value="other"' in html


def test_assets_only_on_pages_with_a_quiz(built):
    chapter, index = (built / "04_chapter.html").read_text(), (built / "index.html").read_text()
    assert "_static/quiz.js" in chapter and "_static/quiz.css" in chapter
    assert "quiz.js" not in index and "quiz.css" not in index
    assert (built / "_static" / "quiz.js").is_file() and (built / "_static" / "quiz.css").is_file()


def test_the_heading_stays_a_section_and_the_source_keeps_the_markdown(built):
    html = (built / "04_chapter.html").read_text()
    assert re.search(
        r'<section id="check-your-understanding">\s*<h2>Check your understanding', html
    )
    copied = json.loads((built / "_sources" / "04_chapter.ipynb.txt").read_text())
    assert copied["cells"][1]["source"] == GOOD  # the download is the notebook as written

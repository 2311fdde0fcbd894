"""Sphinx extension: the course's interactive figures (widgets), on the pages that have one.

A widget is the HTML output of a notebook cell that calls a function of
``descentkit.widgets``: a ``<div class="dk-widget" data-dk-kind="...">`` holding the
problem as JSON, computed by the package when the notebook executes at build time, and a
note that is shown where no script runs (in Jupyter, or with JavaScript off). This
extension

- serves ``book/_static/widgets/`` as ``_static/widgets/``: the framework ``dk-core.js``,
  one script per kind of widget (``dk-<kind>.js``) and ``dk-widgets.css``: plain
  JavaScript written for the course, no library, nothing loaded from another host;
- adds to each page that has widgets the stylesheet, the framework and the scripts of the
  kinds it uses (deferred, in that order), and nothing to any other page, so pages without
  a widget weigh what they weighed;
- warns (an error under ``-W``) when a page uses a kind that has no script, so that a widget
  cannot silently stay a note.

tests/test_widgets_browser.py drives every widget in a browser and holds what it shows
equal to the package.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "book" / "_static"
SCRIPTS = STATIC / "widgets"
KIND = re.compile(r'<div class="dk-widget"[^>]*\bdata-dk-kind="([a-z0-9-]+)"')


def kinds_in(body: str) -> list[str]:
    """The widget kinds a page's HTML body uses, in order of first use."""
    return list(dict.fromkeys(KIND.findall(body or "")))


def _static_path(app, config):
    # book/_static holds widgets/ (and the favicon, which html_favicon copies anyway).
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def _page_assets(app, pagename, templatename, context, doctree):
    kinds = kinds_in(context.get("body", ""))
    if not kinds:
        return
    app.add_css_file("widgets/dk-widgets.css")
    app.add_js_file("widgets/dk-core.js", defer="defer")
    for kind in kinds:
        script = SCRIPTS / f"dk-{kind}.js"
        if not script.is_file():
            logger.warning(
                f"widgets: page {pagename} has a widget of kind {kind!r} but there is no "
                f"{script.relative_to(STATIC.parent.parent)}",
                type="widgets",
            )
            continue
        app.add_js_file(f"widgets/dk-{kind}.js", defer="defer")


def setup(app):
    app.connect("config-inited", _static_path)
    app.connect("html-page-context", _page_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx extension: the course's interactive figures (widgets), on the pages that have one.

A widget is the HTML output of a notebook cell that calls a function of
``descentkit.widgets``: a ``<div class="dk-widget" data-dk-kind="...">`` holding the
problem as JSON, computed by the package when the notebook executes at build time, and a
note that is shown where no script runs (in Jupyter, or with JavaScript off). This
extension

- serves ``book/_static/widgets/`` as ``_static/widgets/``: the framework ``dk-core.js``,
  one script per kind of widget (``dk-<kind>.js``) and ``dk-widgets.css``, plain
  JavaScript written for the course;
- serves the d3 modules the framework draws with (scales and ticks, lines, contours,
  viridis) as ``_static/d3/d3-modules.min.js``: their UMD builds (``dist/*.min.js``, each
  keeping its licence line) concatenated in dependency order, from the npm packages pinned
  in ``_ext/d3/package.json`` and its lock, installed by ``npm ci`` (scripts/build_site.py
  runs it); nothing is loaded from another host;
- adds to each page that has widgets the stylesheet, the d3 modules, the framework and the
  scripts of the kinds it uses (deferred, in that order), and nothing to any other page, so
  pages without a widget weigh what they weighed;
- warns (an error under ``-W``) when a page uses a kind that has no script, so that a widget
  cannot silently stay a note.

tests/test_widgets_browser.py drives every widget in a browser and holds what it shows
equal to the package.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "book" / "_static"
SCRIPTS = STATIC / "widgets"
KIND = re.compile(r'<div class="dk-widget"[^>]*\bdata-dk-kind="([a-z0-9-]+)"')

D3 = Path(__file__).resolve().parent / "d3"
# The d3 modules the widgets use, each after the modules it needs (UMD builds attach to
# window.d3 and read their dependencies from it when they load). d3-scale's d3-time and
# d3-time-format are left out: only scaleTime and scaleUtc use them, and no widget does.
D3_MODULES = (
    "d3-array",
    "d3-color",
    "d3-interpolate",
    "d3-format",
    "d3-scale",
    "d3-path",
    "d3-shape",
    "d3-contour",
    "d3-scale-chromatic",
)
D3_FILE = "d3/d3-modules.min.js"


def d3_versions() -> dict[str, str]:
    """The d3 modules served with the widgets and their versions, pinned in _ext/d3/package.json."""
    pins = json.loads((D3 / "package.json").read_text())["dependencies"]
    return {name: pins[name] for name in D3_MODULES}


def d3_bundle() -> str:
    """The UMD builds of D3_MODULES, installed from the lock, as one script."""
    parts = []
    for name, version in d3_versions().items():
        home = D3 / "node_modules" / name
        umd = home / "dist" / f"{name}.min.js"
        if not umd.is_file():
            raise ExtensionError(
                f"widgets: {umd} is missing: run `npm ci --prefix {D3}` "
                "(scripts/build_site.py does it)"
            )
        installed = json.loads((home / "package.json").read_text())["version"]
        if installed != version:
            raise ExtensionError(
                f"widgets: _ext/d3 has {name} {installed} installed but pins {version}: "
                f"run `npm ci --prefix {D3}`"
            )
        parts.append(umd.read_text().strip())
    return "\n".join(parts) + "\n"


def kinds_in(body: str) -> list[str]:
    """The widget kinds a page's HTML body uses, in order of first use."""
    return list(dict.fromkeys(KIND.findall(body or "")))


def _static_path(app, config):
    # book/_static holds widgets/ (and the favicon, which html_favicon copies anyway).
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def _stage_d3(app):
    staged = Path(app.outdir).parent / "d3-static"
    target = staged / D3_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    bundle = d3_bundle()
    if not target.is_file() or target.read_text() != bundle:
        target.write_text(bundle)
    app.config.html_static_path.append(str(staged))


def _page_assets(app, pagename, templatename, context, doctree):
    kinds = kinds_in(context.get("body", ""))
    if not kinds:
        return
    app.add_css_file("widgets/dk-widgets.css")
    app.add_js_file(D3_FILE, defer="defer")
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
    app.connect("builder-inited", _stage_d3)
    app.connect("html-page-context", _page_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

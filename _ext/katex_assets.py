"""Sphinx extension: serve KaTeX's stylesheet and fonts from the site itself.

The math of every page is rendered when the site is built (``sphinxcontrib.katex`` with
``katex_prerender``, which runs the KaTeX it bundles in Node.js): a page needs no
JavaScript to show its formulas, and each formula carries MathML beside its HTML, which
screen readers read. What the browser still needs is KaTeX's stylesheet and its fonts.
They come from the npm package of the *same* KaTeX version, pinned in
``_ext/katex/package.json`` and its lock, installed by ``npm ci`` (scripts/build_site.py runs
it when ``_ext/katex/node_modules`` is missing or older than the lock). This extension
copies the stylesheet and the WOFF2 fonts (the format every current browser uses, listed
first in the stylesheet) into the site's ``_static/katex/``; nothing comes from a CDN.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

HERE = Path(__file__).resolve().parent / "katex"
DIST = HERE / "node_modules" / "katex" / "dist"


def katex_version() -> str:
    """The KaTeX version pinned in _ext/katex/package.json."""
    return json.loads((HERE / "package.json").read_text())["dependencies"]["katex"]


def _stage(app) -> None:
    if not (DIST / "katex.min.css").exists():
        raise ExtensionError(
            f"KaTeX's stylesheet is missing ({DIST / 'katex.min.css'}): run "
            f"`npm ci --prefix {HERE}` (scripts/build_site.py does it)"
        )
    installed = json.loads((DIST.parent / "package.json").read_text())["version"]
    if installed != katex_version():
        raise ExtensionError(
            f"_ext/katex has KaTeX {installed} installed but pins "
            f"{katex_version()}: run `npm ci --prefix {HERE}`"
        )
    staged = Path(app.outdir).parent / "katex-static"
    target = staged / "katex"
    shutil.rmtree(target, ignore_errors=True)
    (target / "fonts").mkdir(parents=True)
    shutil.copy2(DIST / "katex.min.css", target / "katex.min.css")
    for font in (DIST / "fonts").glob("*.woff2"):
        shutil.copy2(font, target / "fonts" / font.name)
    app.config.html_static_path.append(str(staged))


def setup(app):
    app.connect("builder-inited", _stage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

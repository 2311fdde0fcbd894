"""Sphinx extension: a site that loads nothing from other hosts, and loads little.

Loaded through _config.yml (sphinx: local_extensions: site_assets: _ext/). tests/test_browser.py
checks the result in a real browser (no request may leave the machine, no console error),
and benchmarks/site_weight.py measures it (page weight, Lighthouse).

Nothing from other hosts:

- **thebe**: Jupyter Book always loads sphinx-thebe, whose inline script names a copy of
  thebe on unpkg.com and which, with this Sphinx, is added twice to every page (a
  JavaScript error: "Identifier 'THEBE_JS_URL' has already been declared"). The course has
  no Live Code button (launch_buttons has no ``thebe: true``), so thebe's script and
  stylesheet are left out of every page. Turn ``thebe`` on and they stay.
- **matplotlib JS animations** (``FuncAnimation.to_jshtml()``): the widget's HTML links
  Font Awesome 4 from a CDN for its button icons. The theme already ships Font Awesome, so
  the link is dropped. Its frames and buttons have a fixed width; a few rules let them
  shrink and wrap on a phone. The frame ``<img>`` has no alt text: it gets the cell's
  ``mystnb.image.alt`` (or, failing that, the figure caption from ``mystnb.figure``).
- Math needs no script: it is rendered at build time by KaTeX (_ext/katex_assets.py).

Little to load (page weight and Lighthouse):

- **Font Awesome twice**: pydata-sphinx-theme loads Font Awesome as web fonts through its
  stylesheet *and* as a 1.5 MB script (``fontawesome.js``, 0.54 MB gzipped, "so that users
  can add custom icons") that redraws every icon as SVG. The course adds no custom icons;
  the web fonts draw every icon, so the script tag is removed from the pages.
- **Scripts deferred**: the theme's and extensions' scripts are loaded with ``defer``
  (in the same order, after the page is parsed) instead of blocking the first paint;
  ``documentation_options.js`` stays as it is because inline scripts read it at once.
- **No MathJax**: myst-nb asks Sphinx for MathJax on every page; the math is already
  rendered at build time (KaTeX), so any MathJax script or configuration is left out.

- **Icon fonts cut to the icons used**: the theme's Font Awesome web fonts hold about 2,000
  icons (fa-solid 156 KB, fa-brands 118 KB as WOFF2) and every page loads them for a dozen.
  After the build, each font is subset (fontTools) to the icons the site uses: the ``fa-*``
  classes found in its HTML and scripts, and the icon characters written directly in its
  stylesheets (the theme's admonition and callout icons).
- **Figures as palette PNGs**: matplotlib writes 24-bit PNGs; a plot has few colours, so each
  figure is stored with a 256-colour palette (Pillow) when its peak signal-to-noise ratio
  stays at least ``MIN_PSNR`` (38 dB: the eye sees no difference), and as it is otherwise.
  (The animation's frames are palette PNGs already.) Every
  figure gets its ``width`` and ``height`` (no layout shift) and ``loading="lazy"``
  ``decoding="async"`` (figures load as the reader scrolls to them). The chapters draw
  their figures as "retina" PNGs (twice the pixels, :func:`descentkit.plots.use_style`):
  the page shows a copy at half the pixels, the size it always had (:func:`one_x_copy`),
  and links to the sharp original: on a phone, where a figure is shrunk to the column, a
  tap opens it alone, sharp enough to zoom into.

- **No layout of the whole page at load**: pydata-sphinx-theme's script reads the scroll
  size of every ``<pre>`` and cell output as soon as the page is parsed (and after every
  change in the page), to make the scrollable ones focusable; on a chapter of 30,000
  elements that forced layout was the longest task of the load. The scan is switched off in
  the theme's script (:func:`lazy_theme_tabstops`) and ``site_static/scroll-tabstops.js``
  does the same job for each element as it comes into view. (``content-visibility: auto``
  on the sections below the first screen was tried and dropped: text a script or a reader's
  tool reads before the section is drawn, and taps on a widget reached by a link, found it
  empty.)

Layout: ``site_static/course.css`` lets headings and inline code wrap, so that nothing pushes
a page sideways on a phone-width screen.

For search engines: every page gets a ``<meta name="description">`` made from its first
paragraph, unless it sets one itself (MyST front matter ``html_meta``).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.builders.html._assets import _JavaScript

FONT_AWESOME_CDN = re.compile(
    r'<link[^>]*href="https?://[^"]*font-awesome[^"]*"[^>]*>\s*', re.IGNORECASE
)
ANIMATION_IMG = re.compile(r'<img id="(_anim_img[0-9a-f]+)"(?![^>]*\balt=)')
FONT_AWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)
#: matplotlib's animation has a fixed width: on a phone it is cut off at the right.
ANIMATION_FIT = (
    "<style>.animation{max-width:100%}.animation img{max-width:100%;height:auto}"
    ".anim-buttons{display:flex;flex-wrap:wrap;gap:2px}"
    ".anim-slider{max-width:100%}</style>\n"
)
DESCRIPTION_CHARS = 155
# Inline scripts on every page read DOCUMENTATION_OPTIONS as the page is parsed.
# The theme's search scripts, in every page's head: deferred too (their order is kept).
SEARCH_JS = re.compile(
    r'<script src="([^"]*(?:searchtools|language_data|searchindex)\.js[^"]*)"></script>'
)
KEEP_BLOCKING = ("documentation_options.js",)

ICON_FONTS = "vendor/fontawesome/webfonts"
ICON_CLASS = re.compile(r"\bfa-([a-z0-9]+(?:-[a-z0-9]+)*)")
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_SELECTOR = re.compile(r"^\.fa-([a-z0-9-]+):{1,2}before$")
PRIVATE_USE = re.compile(r'\\([0-9a-fA-F]{4,6})|([\ue000-\uf8ff])')
#: Least peak signal-to-noise ratio (dB) of a figure in its palette; below it, it stays 24-bit.
MIN_PSNR = 38.0
THEME_JS = "_static/scripts/pydata-sphinx-theme.js"
# pydata-sphinx-theme 0.17's scan of scrollable elements, a function of no arguments whose
# body starts by querying "pre" and the cell outputs (minified: the name changes, the body not)
THEME_TABSTOP_SCAN = re.compile(
    r'function \w+\(\)\{(?=const \w+=\(\)=>\{document\.querySelectorAll\(\["pre",)'
)
LAZY_MARK = "return;/* course: scroll-tabstops.js */"
IMG_TAG = re.compile(
    r'<img (?![^>]*\bloading=)([^>]*\bsrc="([^"]*_images/[^"]+\.png)"[^>]*?)\s*/?>'
)


def _filename(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _body(asset) -> str:
    return str(getattr(asset, "attributes", {}).get("body", ""))


def _thebe_enabled(app) -> bool:
    launch = (app.config.html_theme_options or {}).get("launch_buttons", {}) or {}
    return bool(launch.get("thebe"))


def _description(doctree) -> str | None:
    if doctree is None:
        return None
    for para in doctree.findall(nodes.paragraph):
        if any(
            isinstance(
                a, (nodes.Admonition, nodes.container, nodes.table, nodes.footnote, nodes.citation)
            )
            for a in _ancestors(para)
        ):
            continue
        text = " ".join(_plain_text(para).split())
        if len(text) < 40:
            continue
        if len(text) > DESCRIPTION_CHARS:
            text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return None


GREEK = {
    name: chr(code)
    for name, code in [
        ("alpha", 0x3B1),
        ("beta", 0x3B2),
        ("gamma", 0x3B3),
        ("delta", 0x3B4),
        ("epsilon", 0x3B5),
        ("eta", 0x3B7),
        ("theta", 0x3B8),
        ("kappa", 0x3BA),
        ("lambda", 0x3BB),
        ("mu", 0x3BC),
        ("nabla", 0x2207),
        ("partial", 0x2202),
        ("sigma", 0x3C3),
        ("infty", 0x221E),
        ("cdot", 0xB7),
        ("to", 0x2192),
        ("le", 0x2264),
        ("ge", 0x2265),
        ("approx", 0x2248),
        ("times", 0xD7),
    ]
}


def _tex_to_text(tex: str) -> str:
    """Inline TeX as plain text for a description: \\eta -> η, braces and other commands dropped."""
    text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    text = re.sub(r"\\([A-Za-z]+)", lambda m: GREEK.get(m.group(1), ""), text)
    return re.sub(r"[{}\\]", "", text)


def _plain_text(node) -> str:
    if isinstance(node, nodes.math):
        return _tex_to_text(node.astext())
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(_plain_text(child) for child in node.children)


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def _deferred(js):
    """The same script, loaded with ``defer`` so that it does not hold up the first paint."""
    name = _filename(js)
    attributes = dict(getattr(js, "attributes", {}) or {})
    if (
        not name
        or "async" in attributes
        or "defer" in attributes
        or "body" in attributes
        or name.endswith(KEEP_BLOCKING)
        or not hasattr(js, "priority")
    ):
        return js
    return _JavaScript(name, priority=js.priority, **attributes, defer="defer")


def _lean_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts is not None:
        keep = []
        for js in scripts:
            name, body = _filename(js), _body(js)
            if not _thebe_enabled(app) and (
                name.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body
            ):
                continue
            if "mathjax" in name.lower() or body.startswith("window.MathJax ="):
                continue  # the math is rendered at build time (KaTeX): no MathJax anywhere
            keep.append(_deferred(js))
        context["script_files"] = keep
    if "css_files" in context and not _thebe_enabled(app):
        context["css_files"] = [
            css for css in context["css_files"] if not _filename(css).endswith("sphinx-thebe.css")
        ]
    metatags = context.get("metatags", "")
    if 'name="description"' not in metatags:
        description = _description(doctree)
        if description:
            context["metatags"] = (
                metatags + f'\n<meta name="description" content="{html.escape(description)}" />'
            )


def _cell_metadata(node) -> dict:
    while node is not None:
        if isinstance(node, nodes.Element) and node.get("cell_metadata") is not None:
            return node["cell_metadata"] or {}
        node = node.parent
    return {}


def _animation_alt(node) -> str:
    options = _cell_metadata(node).get("mystnb", {}) or {}
    image = options.get("image", {}) or {}
    figure = options.get("figure", {}) or {}
    return str(image.get("alt") or figure.get("caption") or "").strip()


#: matplotlib's player (``Animation.to_jshtml``) leaves its frame slider unnamed (Lighthouse:
#: "form elements do not have associated labels"); its repetition radios each have a
#: ``<label for>`` but their form is not announced as one group.
ANIMATION_SLIDER = re.compile(r'<input id="(_anim_slider[0-9a-f]+)"(?![^>]*\baria-label=)')
ANIMATION_MODES = re.compile(r'<form (?![^>]*\brole=)([^>]*\bclass="anim-state")')


def _label_animation_controls(text: str) -> str:
    """Name the frame slider of every to_jshtml player in ``text`` and make its repetition
    radios (Once, Loop, Reflect) a radio group named by the form's aria-label. Idempotent."""
    text = ANIMATION_SLIDER.sub(r'<input id="\1" aria-label="Animation frame"', text)
    return ANIMATION_MODES.sub(r'<form role="radiogroup" \1', text)


def _fix_animations(app, doctree, docname):
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "") or 'class="animation"' not in raw.astext():
            continue
        text = FONT_AWESOME_CDN.sub("", raw.astext())
        if ANIMATION_FIT not in text:
            start = '<div class="animation">'
            text = text.replace(start, ANIMATION_FIT + start, 1)
        text = _label_animation_controls(text)
        alt = _animation_alt(raw)
        if alt:
            text = ANIMATION_IMG.sub(
                lambda m, alt=alt: f'<img id="{m.group(1)}" alt="{html.escape(alt)}"', text
            )
        if text != raw.astext():
            raw.replace(raw.children[0], nodes.Text(text))


def _rewrite_pages(app, exception):
    """Edits the theme's templates make directly (not through Sphinx's asset lists)."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lean = SEARCH_JS.sub(r'<script defer src="\1"></script>', FONT_AWESOME_JS.sub("", text))
        if lean != text:
            page.write_text(lean, encoding="utf-8")


def _codepoints(text: str) -> set[int]:
    found = set()
    for escaped, literal in PRIVATE_USE.findall(text):
        code = int(escaped, 16) if escaped else ord(literal)
        if 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
            found.add(code)
    return found


def icon_codepoints(outdir: Path) -> set[int]:
    """The Font Awesome characters the built site can show.

    An icon class (``.fa-github:before{content:"\\f09b"}``) counts when a page or a script
    names it (not fontawesome.js, which names them all and is left out of the pages); a
    private-use character in any other stylesheet rule always counts.
    """
    named: dict[str, set[int]] = {}
    always: set[int] = set()
    for css in outdir.glob("_static/**/*.css"):
        for selectors, body in CSS_RULE.findall(css.read_text(encoding="utf-8", errors="replace")):
            codes = _codepoints(body)
            if not codes:
                continue
            names = [ICON_SELECTOR.match(s.strip()) for s in selectors.split(",")]
            if all(names):
                for name in names:
                    named.setdefault(name.group(1), set()).update(codes)
            else:
                always |= codes
    used: set[str] = set()
    scripts = [p for p in outdir.glob("_static/**/*.js") if p.name != "fontawesome.js"]
    for path in [*outdir.rglob("*.html"), *scripts]:
        used.update(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    return always.union(*(named.get(name, set()) for name in used))


def subset_icon_fonts(outdir: Path, cache: Path | None = None) -> dict[str, tuple[int, int]]:
    """Cut the built site's Font Awesome fonts to the icons it uses: {name: (before, after)}."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    fonts = sorted((outdir / "_static" / ICON_FONTS).glob("fa-*"))
    if not fonts:
        return {}
    codes = icon_codepoints(outdir)
    sizes = {}
    for path in fonts:
        if path.suffix not in (".woff2", ".ttf"):
            continue
        before = path.stat().st_size
        # Sphinx copies the theme's fonts again at every build: the cut ones are kept
        key = hashlib.sha256(path.read_bytes() + repr(sorted(codes)).encode()).hexdigest()[:20]
        cached = cache / f"{key}{path.suffix}" if cache else None
        if cached and cached.is_file():
            shutil.copyfile(cached, path)
            sizes[path.name] = (before, path.stat().st_size)
            continue
        font = TTFont(path)
        keep = codes & set(font.getBestCmap())
        if len(font.getBestCmap()) <= len(keep):  # already cut (an incremental build)
            continue
        options = subset.Options()
        options.flavor = "woff2" if path.suffix == ".woff2" else None
        options.notdef_outline = True
        options.name_IDs = ["*"]  # keep the licence and the names
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=keep)
        subsetter.subset(font)
        font.flavor = options.flavor
        font.save(path)
        if cached:
            cache.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, cached)
        sizes[path.name] = (before, path.stat().st_size)
    return sizes


def psnr(a, b) -> float:
    """Peak signal-to-noise ratio of two RGBA images, in dB (inf when they are equal)."""
    import numpy as np

    x = np.asarray(a, dtype=float)[..., :3]
    y = np.asarray(b, dtype=float)[..., :3]
    mse = float(np.mean((x - y) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def _palette(image):
    """``image`` in a 256-colour palette, or ``None`` if its PSNR would fall below MIN_PSNR."""
    from PIL import Image

    image = image.convert("RGBA")
    quantized = image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return quantized if psnr(image, quantized.convert("RGBA")) >= MIN_PSNR else None


def palette_bytes(data: bytes) -> bytes | None:
    """A PNG in a 256-colour palette, if its PSNR stays at least MIN_PSNR and it is smaller."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as original:
        if original.mode == "P":
            return None
        quantized = _palette(original)
    if quantized is None:
        return None
    out = io.BytesIO()
    quantized.save(out, "PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) else None


def palette_png(path: Path) -> bool:
    """Store a figure in a 256-colour palette (see palette_bytes); whether it did."""
    smaller = palette_bytes(path.read_bytes())
    if smaller is not None:
        path.write_bytes(smaller)
    return smaller is not None


#: The suffix of a figure's copy at its usual size, made from a "retina" PNG.
ONE_X = "-1x.png"
#: The same for a copy that no palette keeps (3-D surfaces): lossy WebP at this quality,
#: used when its PSNR stays at least MIN_PSNR.
ONE_X_WEBP, WEBP_QUALITY = "-1x.webp", 90


def _one_x_of(path: Path) -> Path | None:
    for suffix in (ONE_X, ONE_X_WEBP):
        small = path.with_name(path.stem + suffix)
        if small.is_file():
            return small
    return None


def one_x_copy(path: Path) -> Path | None:
    """The copy at half the pixels of a figure drawn at twice them ("retina", 200 dpi).

    Made once (a figure's name is the hash of its content); ``None`` for any other image.
    The page shows the copy, at the size it always had; the sharp original is what a tap
    opens (:func:`zoomable_figures`). The copy is a palette PNG when the palette keeps
    it (:func:`palette_bytes`), else a WebP when that does, else a PNG.
    """
    from PIL import Image

    if path.stem.endswith("-1x"):
        return None
    if (small := _one_x_of(path)) is not None:
        return small
    with Image.open(path) as image:
        dpi = image.info.get("dpi", (72, 72))[0]
        if dpi < 150:
            return None
        half = image.convert("RGBA").resize(
            (image.width // 2, image.height // 2), Image.Resampling.LANCZOS
        )
    if half.getchannel("A").getextrema()[0] == 255:  # opaque: the course's figures
        half = half.convert("RGB")
    png = io.BytesIO()
    half.save(png, "PNG", optimize=True)
    data = palette_bytes(png.getvalue())
    if data is None and _palette(half) is None:  # a palette would show: try WebP
        webp = io.BytesIO()
        half.save(webp, "WEBP", quality=WEBP_QUALITY, method=6)
        with Image.open(io.BytesIO(webp.getvalue())) as back:
            if webp.tell() < png.tell() and psnr(half, back) >= MIN_PSNR:
                small = path.with_name(path.stem + ONE_X_WEBP)
                small.write_bytes(webp.getvalue())
                return small
    small = path.with_name(path.stem + ONE_X)
    small.write_bytes(png.getvalue() if data is None else data)
    return small


def _sized_lazy_img(match, page: Path) -> str:
    from PIL import Image

    attributes, src = match.group(1), match.group(2)
    extra = ' loading="lazy" decoding="async"'
    target = (page.parent / src).resolve()
    small = _one_x_of(target) if target.is_file() else None
    if small is not None:  # show the copy at the usual size
        suffix = ONE_X if small.name.endswith(ONE_X) else ONE_X_WEBP
        attributes = attributes.replace(f'src="{src}"', f'src="{src[:-4]}{suffix}"')
        # myst-nb sizes a retina figure with style="width: ..px; height: ..px", which
        # squashes it in a narrow column: the copy's own size and height:auto instead
        attributes = re.sub(r'\s(width|height|style)="[^"]*"', "", attributes)
        target = small
    if not re.search(r"\b(width|height|style)=", attributes) and target.is_file():
        with Image.open(target) as image:
            # the theme caps the width at the column's; height:auto keeps the proportions
            extra += f' width="{image.width}" height="{image.height}" style="height: auto"'
    return f"<img {attributes}{extra} />"


FIGURE_IMG = re.compile(r'<img [^>]*\bsrc="([^"]*_images/[^"]+\.(?:png|webp))"[^>]*>')


def zoomable_figures(html: str) -> str:
    """Every figure image that is not in a link yet becomes a link to its own PNG.

    A phone shows a 7-inch figure in a 343 px column; a tap opens the figure alone, at
    twice the pixels of the page's copy (:func:`one_x_copy`), where the reader can zoom
    into it. A second pass changes nothing.
    """

    def link(match):
        before = match.string[: match.start()]
        if before.rfind("<a ") > before.rfind("</a>"):  # already inside a link
            return match.group(0)
        src = match.group(1)
        sharp = re.sub(r"-1x\.(png|webp)$", ".png", src)
        return (
            f'<a class="dk-zoom" href="{sharp}" '
            f'title="Open the figure full size">{match.group(0)}</a>'
        )

    return FIGURE_IMG.sub(link, html)


def _lighter_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    lazy_theme_tabstops(outdir)
    subset_icon_fonts(outdir, cache=Path(app.doctreedir).parent / "icon-fonts")
    for png in sorted(outdir.glob("_images/*.png")):
        one_x_copy(png)  # from the original, before it goes into a palette
    for png in outdir.glob("_images/*.png"):
        palette_png(png)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        sized = IMG_TAG.sub(lambda m, page=page: _sized_lazy_img(m, page), text)
        sized = zoomable_figures(sized)
        if sized != text:
            page.write_text(sized, encoding="utf-8")


def lazy_theme_tabstops(outdir: Path) -> bool:
    """Switch off the theme's eager scan of scrollable elements (scroll-tabstops.js does it
    lazily). Returns True if the script was changed, False if it already was; raises if the
    theme's script no longer has the scan (a new theme version: look again)."""
    script = Path(outdir) / THEME_JS
    if not script.is_file():
        return False
    text = script.read_text(encoding="utf-8")
    if LAZY_MARK in text:
        return False
    patched, count = THEME_TABSTOP_SCAN.subn(lambda m: m.group(0) + LAZY_MARK, text)
    if count != 1:
        raise RuntimeError(
            f"{THEME_JS}: expected one scan of scrollable elements, found {count}; the theme "
            "changed, so _ext/site_assets.py and site_static/scroll-tabstops.js need a look"
        )
    script.write_text(patched, encoding="utf-8")
    return True


STATIC = Path(__file__).resolve().parent / "site_static"


def _static_path(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _static_path)
    app.add_css_file("course.css")
    app.add_js_file("scroll-tabstops.js", loading_method="defer")
    app.add_js_file("figure-zoom.js", loading_method="defer")
    app.connect("doctree-resolved", _fix_animations)
    app.connect("html-page-context", _lean_page, priority=900)
    app.connect("build-finished", _rewrite_pages)
    app.connect("build-finished", _lighter_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}

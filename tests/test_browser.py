"""The built site in a real browser: headless Chromium driven by Playwright.

Every page listed in _toc.yml (found automatically, so pages added later are covered) is
served from a thread-based http.server on 127.0.0.1 and loaded in light and in dark mode.
For every page: no console errors, no failed request and no request that leaves the
machine, math rendered at build time by KaTeX (no raw TeX left, MathML for screen
readers), every image loaded with meaningful alt text and inside a captioned figure,
headings that do not skip levels,
opaque figure images (they read on the dark theme), a download button that gives a valid
notebook, and play controls on every animation. The site's search is checked once.
A full-page screenshot of every page, light and dark, is saved under _build/screenshots/
(next to the html folder) for a person to review.

Run after the build (scripts/test.sh does). Point them at another build with
SITE_DIR=/path/to/_build/html; the _toc.yml next to that build (two folders up) is used
when there is one, so a preview build (scripts/preview.py) is checked against its own
table of contents. CHROMIUM=/path/to/chromium overrides the browser
(default /usr/bin/chromium, installed by scripts/install_browser.sh).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import numpy as np
import pytest
from PIL import Image

from course_tree import ROOT, toc_documents
from local_site import SITE, book_of

pytestmark = [pytest.mark.site, pytest.mark.browser]

BOOK = book_of(SITE)
SHOTS = SITE.parent / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
SEARCH_WORD = "gradient"
# A word in the prose counts as a hit for Sphinx's search if it is the word or a simple
# inflection of it (the search stems words the same way for the index and the query).
SEARCH_HIT = re.compile(rf"\b{SEARCH_WORD}s?\b", re.IGNORECASE)
GENERIC_ALT = {
    "image",
    "figure",
    "png",
    "svg",
    "plot",
    "picture",
    "graph",
    "chart",
    "_images",
    "output",
}
IMAGE_NAME = re.compile(r"^[\w\-. /]+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)
# TeX that should have been rendered as math: delimiters and common commands.
RAW_TEX = re.compile(
    r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\\frac\b|\\nabla\b|\\partial\b|\\sum\b|\\theta\b|"
    r"\$[^$\s][^$\n]{0,80}\$"
)


PAGES = toc_documents(BOOK)


# --------------------------------------------------------------------------- fixtures


# The site's server (base_url) and the browser (browser) are session fixtures in conftest.py,
# shared with tests/test_widgets_browser.py (one Playwright per session).


@dataclass
class Visit:
    """What one page did and showed when loaded in one colour scheme."""

    doc: str
    scheme: str
    url: str = ""
    console_errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    off_machine: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    screenshot: Path | None = None


# Everything about a page is read in one pass in the browser, then checked by separate tests.
PAGE_FACTS_JS = r"""
async () => {
  const main = document.querySelector("article.bd-article") || document.querySelector("main")
      || document.body;
  // Images: make lazy ones load, then wait for every image to finish.
  const imgs = [...document.images];
  imgs.forEach(img => { img.loading = "eager"; });
  await Promise.all(imgs.map(img => img.complete ? null :
      new Promise(r => {
        img.addEventListener("load", r); img.addEventListener("error", r); setTimeout(r, 5000);
      })));
  const images = imgs.map(img => {
    const fig = img.closest("figure");
    const cap = fig ? fig.querySelector("figcaption") : null;
    return {
      src: img.getAttribute("src") || "", resolved: img.currentSrc || img.src,
      alt: img.getAttribute("alt"), loaded: img.complete && img.naturalWidth > 0,
      inMain: main.contains(img), inTheme: (img.getAttribute("src") || "").includes("_static/"),
      animation: !!img.closest(".animation"),
      // textContent, not innerText: a figure inside a closed solution drop-down is not
      // rendered, and innerText of an unrendered element can be empty.
      caption: cap ? cap.textContent.trim() : null,
    };
  });
  // Math: rendered when the site was built (KaTeX): every Sphinx math element holds a
  // KaTeX rendering, no KaTeX error, and MathML beside it for assistive technology.
  const mathEls = [...main.querySelectorAll(".math")];
  const unrendered = mathEls.filter(el => !el.querySelector(".katex-html"))
      .map(el => el.textContent.slice(0, 80));
  const mathErrors = [...main.querySelectorAll(".katex-error")]
      .map(el => (el.getAttribute("title") || el.textContent).slice(0, 80));
  const noMathml = mathEls.filter(el => !el.querySelector(".katex-mathml math annotation"))
      .map(el => el.textContent.slice(0, 80));
  // Text a reader sees, without code and without rendered math, to look for raw TeX.
  const clone = main.cloneNode(true);
  const hidden = "pre, code, .katex, script, style, .cell_input, .cell_output, textarea";
  clone.querySelectorAll(hidden).forEach(el => el.remove());
  const prose = clone.textContent;
  // Headings in document order (what a screen reader lists).
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h =>
      ({level: +h.tagName[1], text: h.textContent.replace(/[#¶]\s*$/, "").trim().slice(0, 60)}));
  // Download menu of the theme.
  const downloads = [...document.querySelectorAll(".dropdown-download-buttons a[href]")]
      .map(a => a.getAttribute("href"));
  // Animations: matplotlib's JS widget (div.animation) and HTML5 videos.
  const animations = [...document.querySelectorAll(".animation")].map(el => ({
    hasImage: !!el.querySelector("img"),
    slider: !!el.querySelector("input[type=range]"),
    buttons: [...el.querySelectorAll("button")].filter(b => b.offsetParent !== null)
        .map(b => b.getAttribute("aria-label") || b.title || b.textContent.trim()),
  }));
  const videos = [...document.querySelectorAll("video")]
      .map(v => ({src: v.currentSrc, controls: v.controls}));
  return {
    title: document.title, lang: document.documentElement.lang,
    theme: document.documentElement.dataset.theme,
    images, mathCount: mathEls.length, unrendered, mathErrors, noMathml,
    rawTex: (prose.match(new RegExp(RAW_TEX_SOURCE, "g")) || []).slice(0, 5),
    headings, downloads, animations, videos,
  };
}
"""


SCROLL_THROUGH_JS = """async () => {
    await document.fonts.ready;
    const pause = ms => new Promise(r => setTimeout(r, ms));
    for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
        window.scrollTo(0, y);
        await pause(30);
    }
    // (bounded: an image that never loads is reported by the tests, not waited for forever)
    await Promise.all([...document.images].map(i => i.complete ? 0 :
        new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 10000); })));
    window.scrollTo(0, 0);
}"""


def _load(browser, base_url: str, doc: str, scheme: str) -> Visit:
    visit = Visit(doc=doc, scheme=scheme, url=f"{base_url}{doc}.html")
    context = browser.new_context(color_scheme=scheme, viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)  # a long page, full-page screenshot, a loaded machine
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: visit.failed.append(f"{r.url} ({r.failure})"))
    page.on(
        "response",
        lambda r: visit.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None,
    )

    def on_request(request):
        scheme_ = urlparse(request.url).scheme
        if scheme_ in ("http", "https", "ws", "wss") and not request.url.startswith(base_url):
            visit.off_machine.append(request.url)

    page.on("request", on_request)
    page.goto(visit.url, wait_until="load")
    # The math is in the HTML already (rendered at build time): wait for the web fonts. The
    # figures load lazily: scroll through the page as a reader does, and wait for them.
    page.evaluate(SCROLL_THROUGH_JS)
    visit.facts = page.evaluate(
        PAGE_FACTS_JS.replace("RAW_TEX_SOURCE", json.dumps(RAW_TEX.pattern))
    )
    shot_dir = SHOTS / scheme
    shot_dir.mkdir(parents=True, exist_ok=True)
    visit.screenshot = shot_dir / f"{doc.replace('/', '__')}.png"
    page.screenshot(path=str(visit.screenshot), full_page=True)
    if scheme == "light":  # interactions, after the screenshot so that it shows the page as loaded
        visit.facts["download_checks"] = _check_downloads(
            page, base_url, doc, visit.facts["downloads"]
        )
        visit.facts["animation_plays"] = _check_animations_play(page)
    context.close()
    return visit


def _check_downloads(page, base_url: str, doc: str, hrefs: list[str]) -> dict:
    """Open the download menu and click each notebook entry, as a reader would."""
    result = {"statuses": {}, "notebooks": {}}
    for href in hrefs:
        absolute = page.evaluate("h => new URL(h, location.href).href", href)
        result["statuses"][href] = page.request.get(absolute).status
    for href in [h for h in hrefs if h.endswith(".ipynb")]:
        # The entry has target=_blank; the browser turns it into a download, as for a reader.
        try:
            page.click(".dropdown-download-buttons button.dropdown-toggle")
            with page.expect_download(timeout=10000) as info:
                page.locator(f'.dropdown-download-buttons a[href="{href}"]').click()
            nb = nbformat.read(info.value.path(), as_version=4)
            nbformat.validate(nb)
            result["notebooks"][href] = {
                "code_cells": sum(c.cell_type == "code" for c in nb.cells),
                "language": nb.metadata.get("kernelspec", {}).get("language", ""),
            }
        except Exception as exc:  # reported by the test
            result["notebooks"][href] = {"error": f"{type(exc).__name__}: {exc}"}
        page.keyboard.press("Escape")
    return result


def _check_animations_play(page) -> list:
    """Press Play on every animation widget and see the frame slider move."""
    moved = []
    widgets = page.locator(".animation")
    for i in range(widgets.count()):
        widget = widgets.nth(i)
        slider = widget.locator("input[type=range]")
        play = widget.locator("button[aria-label=Play], button[title=Play]")
        if slider.count() == 0 or play.count() == 0:
            moved.append(False)
            continue
        before = slider.first.input_value()
        play.first.click()
        try:
            page.wait_for_function(
                "([el, v]) => el.value !== v",
                arg=[slider.first.element_handle(), before],
                timeout=5000,
            )
            moved.append(True)
        except Exception:
            moved.append(False)
        pause = widget.locator("button[aria-label=Pause], button[title=Pause]")
        if pause.count():
            pause.first.click()
    return moved


@pytest.fixture(scope="session")
def visits(browser, base_url):
    """Load pages lazily, once per colour scheme, and remember what they did."""
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    cache: dict[tuple[str, str], Visit] = {}

    def get(doc: str, scheme: str = "light") -> Visit:
        if (doc, scheme) not in cache:
            cache[doc, scheme] = _load(browser, base_url, doc, scheme)
        return cache[doc, scheme]

    return get


def _where(visit: Visit) -> str:
    return f"{visit.doc} ({visit.scheme})"


# --------------------------------------------------------------------------- per page


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("doc", PAGES)
def test_page_loads_cleanly_and_stays_on_the_machine(visits, doc, scheme):
    visit = visits(doc, scheme)
    assert visit.screenshot is not None and visit.screenshot.stat().st_size > 0
    assert visit.facts["theme"] == scheme, (
        f"{_where(visit)}: the theme did not follow the reader's {scheme} preference"
    )
    assert not visit.console_errors, f"{_where(visit)}: console errors:\n" + "\n".join(
        visit.console_errors
    )
    assert not visit.failed, f"{_where(visit)}: failed requests:\n" + "\n".join(visit.failed)
    assert not visit.off_machine, (
        f"{_where(visit)}: requests that leave the machine "
        "(the site must serve everything itself):\n" + "\n".join(visit.off_machine)
    )


@pytest.mark.parametrize("doc", PAGES)
def test_math_is_rendered(visits, doc):
    facts = visits(doc).facts
    assert not facts["unrendered"], f"{doc}: math left unrendered: {facts['unrendered'][:5]}"
    assert not facts["mathErrors"], f"{doc}: KaTeX errors: {facts['mathErrors'][:5]}"
    assert not facts["noMathml"], (
        f"{doc}: math without MathML for screen readers: {facts['noMathml'][:5]}"
    )
    assert not facts["rawTex"], f"{doc}: raw TeX left in the text: {facts['rawTex']}"


@pytest.mark.parametrize("doc", PAGES)
def test_images_load_with_meaningful_alt_text_and_captions(visits, doc):
    problems = []
    for img in visits(doc).facts["images"]:
        name = "the frame image of an animation widget" if img["animation"] else img["src"][-60:]
        alt = (img["alt"] or "").strip()
        if not img["loaded"]:
            problems.append(f"not loaded: {name}")
        if img["inTheme"]:
            continue
        if len(alt) < 15 or IMAGE_NAME.match(alt) or alt.lower() in GENERIC_ALT:
            problems.append(f"alt text {alt!r} does not describe {name}")
        if img["inMain"] and not img["caption"]:
            problems.append(f"figure without a caption (use mystnb figure metadata): {name}")
    assert not problems, f"{doc}:\n" + "\n".join(problems)


@pytest.mark.parametrize("doc", PAGES)
def test_figures_are_opaque_so_they_read_in_dark_mode(visits, doc):
    """A transparent figure shows the dark page through it: black text on near-black."""
    see_through = []
    for img in visits(doc).facts["images"]:
        if img["inTheme"] or not img["inMain"]:
            continue
        path = urlparse(img["resolved"]).path.lstrip("/")
        file = SITE / unquote(path)
        if file.suffix.lower() not in {".png", ".gif", ".webp"} or not file.is_file():
            continue
        with Image.open(file) as im:
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                alpha = np.asarray(im.convert("RGBA"))[..., 3]
                if (alpha < 250).mean() > 0.01:
                    see_through.append(
                        f"{file.name}: {100 * (alpha < 250).mean():.0f}% transparent"
                    )
    assert not see_through, (
        f"{doc}: figures with transparent backgrounds (call descentkit.plots.use_style()):\n"
        + "\n".join(see_through)
    )


@pytest.mark.parametrize("doc", PAGES)
def test_headings_do_not_skip_levels(visits, doc):
    headings = visits(doc).facts["headings"]
    assert headings, f"{doc}: no headings"
    assert headings[0]["level"] == 1, f"{doc}: the first heading is {headings[0]}, not an h1"
    jumps = [
        f"h{a['level']} {a['text']!r} -> h{b['level']} {b['text']!r}"
        for a, b in itertools.pairwise(headings)
        if b["level"] > a["level"] + 1
    ]
    assert not jumps, f"{doc}: headings skip a level:\n" + "\n".join(jumps)


@pytest.mark.parametrize("doc", PAGES)
def test_page_has_language_and_title(visits, doc):
    facts = visits(doc).facts
    assert facts["lang"], f"{doc}: <html> has no lang attribute"
    assert facts["title"].strip(), f"{doc}: empty <title>"


@pytest.mark.parametrize("doc", PAGES)
def test_download_button_gives_a_valid_notebook(visits, doc):
    facts = visits(doc).facts
    checks = facts["download_checks"]
    assert facts["downloads"], f"{doc}: no download button"
    broken = {href: status for href, status in checks["statuses"].items() if status != 200}
    assert not broken, f"{doc}: download links that fail: {broken}"
    if not (BOOK / f"{doc}.ipynb").is_file():
        return  # a Markdown page downloads as .md (and prints to PDF); checked above
    assert checks["notebooks"], f"{doc}: the download menu has no .ipynb entry"
    for href, nb in checks["notebooks"].items():
        assert "error" not in nb, f"{doc}: {href} is not a valid notebook: {nb['error']}"
        assert nb["code_cells"] > 0, f"{doc}: {href} has no code"
        assert nb["language"] == "python", f"{doc}: {href} has kernel language {nb['language']!r}"


@pytest.mark.parametrize("doc", PAGES)
def test_every_animation_has_play_controls(visits, doc):
    facts = visits(doc).facts
    for i, anim in enumerate(facts["animations"]):
        assert anim["hasImage"], f"{doc}: animation {i} has no frame image"
        assert anim["slider"], f"{doc}: animation {i} has no frame slider"
        labels = {b.lower() for b in anim["buttons"]}
        assert {"play", "pause"} <= labels, (
            f"{doc}: animation {i} lacks visible play/pause buttons: {anim['buttons']}"
        )
        assert facts["animation_plays"][i], (
            f"{doc}: animation {i} does not advance when Play is pressed"
        )
    for i, video in enumerate(facts["videos"]):
        assert video["controls"], f"{doc}: video {i} ({video['src']}) has no controls"


def test_no_page_scrolls_sideways_on_a_phone(browser, base_url):
    """At 375 px every page fits its width: what is wider (a figure, a table, code) scrolls
    inside its own box, and the animation's frames and buttons shrink to fit."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, has_touch=True)
    page = context.new_page()
    wide = {}
    for doc in PAGES:
        page.goto(f"{base_url}{doc}.html", wait_until="load")
        sizes = page.evaluate("""() => ({
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            animations: [...document.querySelectorAll('.animation')].map(a => {
                const box = a.parentElement.getBoundingClientRect();
                return Math.max(...[...a.querySelectorAll('img, button, input')]
                    .map(el => el.getBoundingClientRect().right - box.right));
            }),
        })""")
        if sizes["page"] > 0 or any(x > 1 for x in sizes["animations"]):
            wide[doc] = sizes
    context.close()
    assert not wide, f"wider than a 375 px screen (px too wide): {wide}"


def test_a_tapped_figure_opens_full_size_in_the_page(browser, base_url):
    """At 375 px a tap on a figure opens its sharp copy (twice the page copy's pixels) in a
    dialog, at the figure's wide-screen size in a box that pans; Escape closes it and the
    keyboard focus goes back to the figure's link. The page does not navigate away."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, has_touch=True)
    page = context.new_page()
    url = f"{base_url}book/02_autograd.html"
    page.goto(url, wait_until="load")
    link = page.locator("figure a.image-reference").first
    link.scroll_into_view_if_needed()
    shown = link.locator("img")
    shown.evaluate("img => img.decode()")
    link.tap()
    dialog = page.locator("dialog.dk-figzoom")
    dialog.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('dialog.dk-figzoom img').complete"
        " && document.querySelector('dialog.dk-figzoom img').naturalWidth > 0"
    )
    info = page.evaluate("""() => {
        const d = document.querySelector('dialog.dk-figzoom'), img = d.querySelector('img');
        const box = d.querySelector('.dk-figzoom-box');
        return {open: d.open, label: d.getAttribute('aria-label'), src: img.src,
                natural: img.naturalWidth, width: img.getBoundingClientRect().width,
                pans: box.scrollWidth > box.clientWidth, alt: img.alt};
    }""")
    page_copy = shown.evaluate("img => [img.naturalWidth, img.alt]")
    assert page.url == url and info["open"] and info["label"].startswith("Fig. 2.")
    assert not info["src"].endswith("-1x.png") and info["natural"] // 2 == page_copy[0]
    assert abs(info["width"] - page_copy[0]) < 1 and info["pans"]  # wide-screen size, pans
    assert info["alt"] == page_copy[1]
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.classList.contains('image-reference')")
    context.close()


# --------------------------------------------------------------------------- site-wide


def test_search_finds_the_pages_that_use_a_word(browser, base_url):
    """Sphinx's client-side search, as a reader uses it, for a word the chapters use."""
    expected = set()
    for doc in PAGES:
        html = (SITE / f"{doc}.html").read_text(encoding="utf-8")
        article = re.search(r'<article class="bd-article">(.*?)</article>', html, re.S)
        text = re.sub(r"<[^>]+>", " ", article.group(1) if article else html)
        if SEARCH_HIT.search(text):
            expected.add(doc)
    assert expected, f"no page uses the word {SEARCH_WORD!r}: pick another SEARCH_WORD"

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}{PAGES[0]}.html", wait_until="load")
    # The theme's search box: open it (Ctrl+K), type, press Enter.
    page.keyboard.press("Control+k")
    box = page.locator("input[name=q]:visible").first
    box.fill(SEARCH_WORD)
    box.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    page.wait_for_selector("#search-results .search-summary, #search-results p", timeout=15000)
    page.wait_for_function(
        "() => !document.querySelector('#search-results h2')?.textContent.includes('Searching')",
        timeout=15000,
    )
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(a => a.href)"
    )
    context.close()
    found = {urlparse(h).path.lstrip("/").removesuffix(".html") for h in hrefs}
    assert found, f"searching {SEARCH_WORD!r} found nothing"
    missing = expected - found
    assert not missing, (
        f"searching {SEARCH_WORD!r} misses pages that use it: {sorted(missing)} "
        f"(found {sorted(found)})"
    )
    assert not errors, "console errors on the search page:\n" + "\n".join(errors)


def test_every_page_has_its_screenshots(visits):
    """Screenshots for review: _build/screenshots/{light,dark}/<page>.png."""
    for doc in PAGES:
        for scheme in ("light", "dark"):
            shot = visits(doc, scheme).screenshot
            assert shot.is_file(), shot
            with Image.open(shot) as im:
                assert im.width >= VIEWPORT["width"] and im.height >= VIEWPORT["height"] // 2


BAD_COLOUR_MAPS = re.compile(
    r"""["'](jet|rainbow|gist_rainbow|hsv|nipy_spectral|gist_ncar|spectral|prism|flag)(_r)?["']"""
)


def test_colour_maps_are_perceptually_uniform():
    """No rainbow colour maps (jet & co.) in the chapters or the package: viridis/cividis family."""
    offenders = []
    sources = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "book").glob("*.ipynb"))
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            text = "\n".join(
                "".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code"
            )
        offenders += [
            f"{path.relative_to(ROOT)}: {m.group(0)}" for m in BAD_COLOUR_MAPS.finditer(text)
        ]
    assert not offenders, (
        "colour maps that are not perceptually uniform or colour-blind safe:\n"
        + "\n".join(offenders)
    )


@pytest.mark.parametrize("doc", [d for d in PAGES if (BOOK / f"{d}.ipynb").is_file()][:2])
def test_math_shows_without_javascript(browser, base_url, doc):
    """Formulas are in the HTML: with JavaScript off they are still rendered by CSS alone."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{base_url}{doc}.html", wait_until="load")
    rendered = page.locator(".math .katex-html").count()
    total = page.locator(".math").count()
    context.close()
    assert total and rendered == total, f"{doc}: {rendered} of {total} formulas shown without JS"

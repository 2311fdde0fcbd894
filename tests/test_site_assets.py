"""The site's lighter assets (_ext/site_assets.py): icon fonts cut to the icons used, figures
in a palette when the eye cannot tell, figures sized and lazy.

The helpers are tested here on small inputs of our own; the built site is checked in the
tests marked ``site`` at the end (every icon the site can show is in its cut font, every
figure is sized and lazy).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from PIL import Image

from course_tree import ROOT

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(ROOT / "_ext"))
import site_assets  # noqa: E402


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def figure_png() -> bytes:
    fig, ax = plt.subplots(figsize=(5, 3), dpi=100)
    w = np.linspace(-2, 2, 200)
    ax.contourf(w, w, w[:, None] ** 2 + 3 * w[None, :] ** 2, levels=12)
    ax.plot(w, np.sin(3 * w), color="tab:red", label="path")
    ax.legend()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def test_a_plot_goes_to_a_palette_the_eye_cannot_tell_apart():
    data = figure_png()
    smaller = site_assets.palette_bytes(data)
    assert smaller is not None and len(smaller) < len(data) / 2
    before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(smaller))
    assert after.mode == "P" and after.size == before.size
    assert site_assets.psnr(before.convert("RGBA"), after.convert("RGBA")) >= site_assets.MIN_PSNR


def test_an_image_with_too_many_colours_stays_as_it_is():
    rng = np.random.default_rng(0)
    noise = Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    assert site_assets.palette_bytes(png(noise)) is None


def test_a_palette_image_is_left_alone(tmp_path):
    path = tmp_path / "figure.png"
    path.write_bytes(figure_png())
    assert site_assets.palette_png(path) is True
    once = path.read_bytes()
    assert site_assets.palette_png(path) is False and path.read_bytes() == once


def test_psnr():
    a = Image.new("RGBA", (4, 4), (10, 20, 30, 255))
    b = Image.new("RGBA", (4, 4), (11, 20, 30, 255))
    assert site_assets.psnr(a, a) == float("inf")
    # one channel of three off by one everywhere: MSE 1/3
    assert site_assets.psnr(a, b) == pytest.approx(10 * np.log10(255**2 * 3))


def small_site(tmp_path: Path, html: str) -> Path:
    """A site with a stand-in icon font and stylesheet rules of our own."""
    from fontTools.ttLib import TTFont  # fontTools comes with matplotlib

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    out = tmp_path / "html"
    webfonts = out / "_static" / site_assets.ICON_FONTS
    webfonts.mkdir(parents=True)
    # The stand-in: matplotlib's DejaVu Sans, whose cmap also sends four private-use
    # characters (Font Awesome's GitHub, sun, warning and a spare icon) to glyphs.
    font = TTFont(fonts / "DejaVuSans.ttf")
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({0xF09B: "A", 0xF185: "B", 0xF071: "C", 0xF2B0: "D"})
    font.save(webfonts / "fa-solid-900.ttf")
    (out / "_static" / "theme.css").write_text(
        '.fa-github:before{content:"\\f09b"}.fa-sun:before,.fa-unused:before{content:"\\f185"}'
        '.fa-spare:before{content:"\\f2b0"}'
        ':root{--pst-icon-warning:"\uf071"}.x{color:red}',
        encoding="utf-8",
    )
    (out / "page.html").write_text(html, encoding="utf-8")
    return out


def test_icon_codepoints_are_the_classes_used_and_the_characters_in_rules(tmp_path):
    out = small_site(tmp_path, '<i class="fa-brands fa-github"></i><i class="fa fa-sun"></i>')
    assert site_assets.icon_codepoints(out) == {0xF09B, 0xF185, 0xF071}


def test_icon_fonts_are_cut_to_the_icons_used_and_cached(tmp_path):
    from fontTools.ttLib import TTFont

    out = small_site(tmp_path, '<i class="fa-brands fa-github"></i>')
    font_path = out / "_static" / site_assets.ICON_FONTS / "fa-solid-900.ttf"
    original = font_path.read_bytes()
    cache = tmp_path / "cache"
    sizes = site_assets.subset_icon_fonts(out, cache=cache)
    before, after = sizes["fa-solid-900.ttf"]
    assert after < before / 5
    cmap = TTFont(font_path).getBestCmap()
    assert {0xF09B, 0xF071} <= set(cmap) and 0xF185 not in cmap and 0xF2B0 not in cmap
    cut = font_path.read_bytes()
    font_path.write_bytes(original)  # the next build copies the theme's font again
    site_assets.subset_icon_fonts(out, cache=cache)
    assert font_path.read_bytes() == cut and len(list(cache.iterdir())) == 1


def test_figures_get_their_size_and_load_lazily(tmp_path):
    (tmp_path / "_images").mkdir()
    Image.new("RGB", (300, 120), "white").save(tmp_path / "_images" / "a.png")
    page = tmp_path / "book" / "p.html"
    page.parent.mkdir()
    html = (
        '<img alt="A" src="../_images/a.png" />'
        '<img alt="B" src="../_images/a.png" style="width: 50%" />'
        '<img alt="C" src="../_static/logo.png">'
    )
    out = site_assets.IMG_TAG.sub(lambda m: site_assets._sized_lazy_img(m, page), html)
    first, second, third = re.findall(r"<img[^>]*>", out)
    assert 'loading="lazy"' in first and 'width="300" height="120"' in first
    assert "height: auto" in first
    assert 'loading="lazy"' in second and "width=" not in second.replace("width: 50%", "")
    assert third == '<img alt="C" src="../_static/logo.png">'
    assert site_assets.IMG_TAG.sub(lambda m: site_assets._sized_lazy_img(m, page), out) == out


def test_retina_figures_are_shown_from_a_copy_at_the_usual_size(tmp_path):
    """A 200-dpi figure gets a copy at half its pixels: the page shows the copy, with its
    size, and links to the sharp original; a 100-dpi image is left as it is."""
    images = tmp_path / "_images"
    images.mkdir()
    Image.new("RGB", (400, 200), "white").save(images / "r.png", dpi=(200, 200))
    Image.new("RGB", (300, 120), "white").save(images / "n.png", dpi=(100, 100))
    assert site_assets.one_x_copy(images / "n.png") is None
    small = site_assets.one_x_copy(images / "r.png")
    assert small == images / "r-1x.png"
    with Image.open(small) as image:
        assert image.size == (200, 100)
    assert site_assets.one_x_copy(images / "r.png") == small  # made once
    assert site_assets.one_x_copy(small) is None
    page = tmp_path / "book" / "p.html"
    page.parent.mkdir()
    html = (
        '<img alt="R" src="../_images/r.png" style="width: 200px; height: 100px;" />'
        '<img alt="N" src="../_images/n.png" />'
    )
    out = site_assets.IMG_TAG.sub(lambda m: site_assets._sized_lazy_img(m, page), html)
    out = site_assets.zoomable_figures(out)
    shown = re.findall(r'<a class="dk-zoom" href="([^"]+)"[^>]*><img alt="(\w)" src="([^"]+)"', out)
    assert shown == [
        ("../_images/r.png", "R", "../_images/r-1x.png"),
        ("../_images/n.png", "N", "../_images/n.png"),
    ]
    assert 'width="200" height="100"' in out and 'width="300" height="120"' in out
    assert out.count("width=") == 2 and "px" not in out  # no fixed height to squash it


def test_a_retina_surface_no_palette_keeps_gets_a_webp_copy(tmp_path):
    y, x = np.mgrid[0:300, 0:400]  # smooth, in many colours: no palette keeps it
    pixels = np.stack(
        [127 + 120 * np.sin(x / 17 + y / 29), 127 + 120 * np.sin(y / 13),
         127 + 120 * np.cos((x + y) / 23)], axis=-1).astype(np.uint8)
    Image.fromarray(pixels).save(tmp_path / "s.png", dpi=(200, 200))
    small = site_assets.one_x_copy(tmp_path / "s.png")
    assert small == tmp_path / "s-1x.webp"
    with Image.open(small) as image, Image.open(tmp_path / "s.png") as sharp:
        assert image.size == (200, 150)
        half = sharp.resize((200, 150), Image.Resampling.LANCZOS)
        assert site_assets.psnr(half, image.convert("RGB")) >= site_assets.MIN_PSNR
    page = tmp_path / "book" / "p.html"
    page.parent.mkdir()
    (tmp_path / "_images").mkdir()
    for f in ("s.png", "s-1x.webp"):
        (tmp_path / f).rename(tmp_path / "_images" / f)
    out = site_assets.IMG_TAG.sub(
        lambda m: site_assets._sized_lazy_img(m, page), '<img alt="S" src="../_images/s.png" />'
    )
    assert 'src="../_images/s-1x.webp"' in out and 'width="200" height="150"' in out
    assert 'href="../_images/s.png"' in site_assets.zoomable_figures(out)


def test_figures_open_full_size_on_a_tap():
    html = (
        '<figure><img alt="A" src="../_images/a.png" loading="lazy" /></figure>'
        '<a href="x.html"><img alt="D" src="../_images/d.png" /></a>'
        '<img alt="C" src="../_static/logo.png">'
    )
    out = site_assets.zoomable_figures(html)
    links = re.findall(r'<a class="dk-zoom" href="([^"]+)"[^>]*><img alt="(\w)"', out)
    assert links == [("../_images/a.png", "A")]  # not D (a link already), not the logo
    assert site_assets.zoomable_figures(out) == out


def test_animation_controls_get_accessible_names():
    """matplotlib's to_jshtml player: the frame slider gets a name, the repetition radios
    keep their labels and become a named radio group; a second pass changes nothing."""
    from matplotlib.animation import FuncAnimation

    fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    (line,) = ax.plot([0, 1], [0, 1])
    anim = FuncAnimation(fig, lambda k: line.set_ydata([0, k]), frames=2)
    page = anim.to_jshtml()
    plt.close(fig)
    out = site_assets._label_animation_controls(page)
    slider = re.search(r'<input id="_anim_slider[^>]*>', out).group(0)
    assert 'aria-label="Animation frame"' in slider and 'type="range"' in slider
    form = re.search(r'<form [^>]*class="anim-state"[^>]*>', out).group(0)
    assert 'role="radiogroup"' in form and 'aria-label="Repetition mode"' in form
    for radio in re.findall(r'<input type="radio"[^>]*\bid="([^"]+)"', out):
        assert f'<label for="{radio}">' in out  # each radio is still named by its label
    assert site_assets._label_animation_controls(out) == out
    assert out.count("aria-label=") == page.count("aria-label=") + 1


def test_animation_caption_has_the_dark_modes_box_colour():
    """In dark mode the theme puts HTML output on a light box (--pst-color-text-base); the
    animation's caption must take that box's dark text colour, not the caption grey."""
    css = (ROOT / "_ext" / "site_static" / "course.css").read_text()
    selector = r'html\[data-theme="dark"\] \.descentkit-animation figcaption'
    rule = re.search(selector + r"\s*\{([^}]*)\}", css)
    assert rule and "color: var(--pst-color-on-background)" in rule.group(1)


def test_the_themes_eager_scan_is_switched_off_once(tmp_path):
    """The installed theme's script gets the early return in its scan of scrollable
    elements, exactly once; a second call leaves it; a script without the scan raises."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent
    source = theme / "theme" / "pydata_sphinx_theme" / "static" / "scripts"
    script = tmp_path / site_assets.THEME_JS
    script.parent.mkdir(parents=True)
    script.write_text((source / script.name).read_text(encoding="utf-8"))
    assert site_assets.lazy_theme_tabstops(tmp_path) is True
    text = script.read_text(encoding="utf-8")
    assert text.count(site_assets.LAZY_MARK) == 1
    mark = re.escape(site_assets.LAZY_MARK)
    assert re.search(r"function \w+\(\)\{" + mark + r"const \w+=\(\)=>\{document"
                     r'\.querySelectorAll\(\["pre",', text)
    assert site_assets.lazy_theme_tabstops(tmp_path) is False
    assert script.read_text(encoding="utf-8") == text
    script.write_text("function f(){return 1}")
    with pytest.raises(RuntimeError, match="scan of scrollable elements"):
        site_assets.lazy_theme_tabstops(tmp_path)


# ============================================================================ the built site


@pytest.mark.site
def test_every_icon_the_site_shows_is_in_its_cut_font():
    from fontTools.ttLib import TTFont

    from local_site import SITE

    webfonts = SITE / "_static" / site_assets.ICON_FONTS
    fonts = sorted(webfonts.glob("fa-*.woff2"))
    assert fonts, f"no Font Awesome fonts in {webfonts}"
    codes = site_assets.icon_codepoints(SITE)
    assert 0xF09B in codes  # the GitHub icon of the header, a sanity check of the scan
    covered = set()
    for path in fonts:
        assert path.stat().st_size < 20_000, f"{path.name} was not cut"
        covered |= set(TTFont(path).getBestCmap())
    assert codes <= covered, f"icons missing: {sorted(hex(c) for c in codes - covered)}"


@pytest.mark.site
def test_every_figure_is_sized_and_lazy_and_most_are_palettes():
    from local_site import SITE

    figures = palettes = 0
    for page in SITE.glob("book/*.html"):
        for tag in re.findall(r"<img [^>]*_images/[^>]*>", page.read_text(encoding="utf-8")):
            figures += 1
            assert 'loading="lazy"' in tag, f"{page.name}: {tag[:120]}"
            src = re.search(r'src="([^"]+)"', tag).group(1)
            with Image.open(page.parent / src) as image:
                palettes += image.mode == "P"
                if "style=" not in tag.replace('style="height: auto"', ""):
                    assert f'width="{image.width}" height="{image.height}"' in tag, tag[:120]
    assert figures > 40 and palettes > figures / 2


@pytest.mark.site
def test_scrollable_code_is_reachable_by_keyboard_when_it_comes_into_view(
    browser, base_url
):
    """With the theme's eager scan off, scroll-tabstops.js decides each <pre> and output
    as it comes into view: focusable (tabIndex 0) if it scrolls, not (-1) if it does not,
    as the theme would; before that every candidate is focusable."""
    from local_site import SITE

    text = (SITE / site_assets.THEME_JS).read_text(encoding="utf-8")
    assert text.count(site_assets.LAZY_MARK) == 1
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}book/05_feature_scaling.html", wait_until="load")
    pres = page.locator("#main-content pre")
    assert pres.count() > 10
    assert pres.last.evaluate("el => el.tabIndex") == 0  # far below: not decided yet
    decided = {True: 0, False: 0}
    for i in range(pres.count()):
        pre = pres.nth(i)
        pre.scroll_into_view_if_needed()
        page.wait_for_timeout(50)
        scrolls, index = pre.evaluate(
            "el => [el.scrollWidth > el.clientWidth"
            " || el.scrollHeight > el.clientHeight, el.tabIndex]"
        )
        assert index == (0 if scrolls else -1), f"pre {i}: tabIndex {index}"
        decided[scrolls] += 1
    context.close()
    assert decided[False] > 0, decided

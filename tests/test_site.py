"""Checks of the built site (_build/html): pages, links, anchors, images, downloads.

Run after the build (scripts/test.sh does). Point them at another build with
SITE_DIR=/path/to/html.
"""

import re
import zipfile
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup

import post_build
from course_tree import chapters, toc_documents
from local_site import SITE
from notebook_tools import need_site

pytestmark = pytest.mark.site

IMAGE_NAME = re.compile(r"^[\w\-. /]+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


def pages():
    if not SITE.is_dir():
        pytest.fail(f"no built site at {SITE}: run `make site` first", pytrace=False)
    skip = {"genindex.html", "search.html"}
    return sorted(
        p
        for p in SITE.rglob("*.html")
        if p.name not in skip
        and "_static" not in p.parts
        and "_sources" not in p.parts
        and "_downloads" not in p.parts
    )


@cache
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def anchors(path: Path) -> frozenset:
    s = soup(path)
    return frozenset(el["id"] for el in s.find_all(id=True)) | frozenset(
        el["name"] for el in s.find_all("a", attrs={"name": True})
    )


@pytest.mark.parametrize("entry", toc_documents())
def test_every_toc_entry_was_built(entry):
    page = SITE / f"{entry}.html"
    assert page.is_file(), f"_toc.yml lists {entry!r} but the site has no {page.relative_to(SITE)}"
    title = soup(page).find("h1")
    assert title is not None and title.get_text(strip=True), f"{page.name} has no title"


def test_site_has_an_index_that_leads_to_the_first_page():
    assert (SITE / "index.html").is_file()


def test_no_broken_internal_links_or_anchors():
    broken = []
    for page in pages():
        for a in soup(page).find_all("a", href=True):
            href = a["href"]
            parsed = urlparse(href)
            if parsed.scheme or href.startswith(("mailto:", "javascript:", "//")):
                continue
            url, fragment = urldefrag(href)
            target = page if not url else (page.parent / unquote(url)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(SITE)}: link to missing {href}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in anchors(target):
                broken.append(
                    f"{page.relative_to(SITE)}: anchor #{fragment} not found in "
                    f"{target.relative_to(SITE)}"
                )
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_every_image_has_meaningful_alt_text():
    bad = []
    for page in pages():
        for img in soup(page).find_all("img"):
            src = img.get("src", "")
            if "_static" in src:  # theme logos and icons
                continue
            alt = (img.get("alt") or "").strip()
            if (
                not alt
                or IMAGE_NAME.match(alt)
                or alt.lower() in {"image", "figure", "png", "_images"}
            ):
                bad.append(f"{page.relative_to(SITE)}: <img src={src!r}> has alt={alt!r}")
    assert not bad, "images without meaningful alt text:\n" + "\n".join(bad)


def test_every_image_file_exists():
    missing = []
    for page in pages():
        for img in soup(page).find_all("img"):
            src = img.get("src", "")
            if src.startswith(("data:", "http:", "https:")):
                continue
            if not (page.parent / unquote(src)).resolve().exists():
                missing.append(f"{page.relative_to(SITE)}: {src}")
    assert not missing, "images that are referenced but missing:\n" + "\n".join(missing)


def test_site_has_the_downloads():
    """The wheel, the student notebooks and the archive exist, and every chapter page offers the
    student version next to the full notebook."""
    need_site()
    wheels = list((SITE / "downloads").glob("descentkit-*.whl"))
    assert len(wheels) == 1
    for path in chapters():
        assert (SITE / "downloads" / "student" / path.name).exists()
        page = SITE / "book" / f"{path.stem}.html"
        if page.exists():
            text = page.read_text()
            assert (
                f"_sources/book/{path.name}" in text and f"downloads/student/{path.name}" in text
            ), f"{page.name} does not offer both the full and the student notebook"
    with zipfile.ZipFile(SITE / "downloads" / f"{post_build.ARCHIVE_NAME}.zip") as zf:
        names = set(zf.namelist())
    top = post_build.ARCHIVE_NAME
    assert {f"{top}/README.md", f"{top}/requirements.txt", f"{top}/{wheels[0].name}"} <= names
    for path in chapters():
        assert {f"{top}/{path.name}", f"{top}/student/{path.name}"} <= names

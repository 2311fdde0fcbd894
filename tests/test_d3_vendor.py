"""The widgets' d3 modules: pinned on npm, installed from the lock, served by the site itself.

- _ext/d3/package.json pins every module the site serves to an exact version, and its lock
  agrees (``npm ci``, which scripts/build_site.py runs, refuses a lock out of sync);
- the built site serves them as ``_static/d3/d3-modules.min.js``: the modules' own UMD builds
  at the pinned versions (each keeps its licence line, which names its version), loaded
  before the framework on every page that has a widget, on no other page, and from no other
  host (tests/test_widgets_browser.py checks the same in Chromium, where every request is
  watched).
"""

import json
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

import widgets

DIR = widgets.D3
PACKAGE = json.loads((DIR / "package.json").read_text())
LOCK = json.loads((DIR / "package-lock.json").read_text())
EXACT = re.compile(r"^\d+\.\d+\.\d+$")
HEADER = re.compile(r"^// https://d3js\.org/(d3-[a-z-]+)/ v(\d+\.\d+\.\d+) ", re.M)


def test_every_served_module_is_pinned_exactly_and_locked_at_that_version():
    pins = PACKAGE["dependencies"]
    assert set(widgets.D3_MODULES) <= set(pins), "a served module is not in package.json"
    for name, version in pins.items():
        assert EXACT.match(version), f"{name}@{version}: pin an exact version"
        assert LOCK["packages"][f"node_modules/{name}"]["version"] == version, name
    assert widgets.d3_versions() == {name: pins[name] for name in widgets.D3_MODULES}


def test_the_lock_is_in_sync_with_package_json():
    assert LOCK["lockfileVersion"] >= 2 and LOCK["name"] == PACKAGE["name"]
    root = LOCK["packages"][""]
    for kind in ("dependencies", "devDependencies", "optionalDependencies"):
        assert root.get(kind, {}) == PACKAGE.get(kind, {}), (
            f"_ext/d3/package-lock.json's {kind} differ from package.json's: regenerate it "
            "with `npm install --package-lock-only` in _ext/d3"
        )
    # every dependency of every locked package is in the lock, where Node finds it
    for path, entry in LOCK["packages"].items():
        for dep in entry.get("dependencies", {}):
            assert f"node_modules/{dep}" in LOCK["packages"] or (
                f"{path}/node_modules/{dep}" in LOCK["packages"]
            ), f"{path or 'package.json'} -> {dep}: not in the lock"
        if path:  # from the registry, checked by its hash (npm here omits "resolved")
            assert entry.get("integrity", "").startswith("sha512-"), path


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_npm_ci_accepts_the_lock_offline(tmp_path):
    for name in ("package.json", "package-lock.json"):
        shutil.copy(DIR / name, tmp_path / name)
    result = subprocess.run(
        ["npm", "ci", "--dry-run", "--offline", "--ignore-scripts", "--no-audit", "--no-fund",
         f"--cache={tmp_path / 'empty-cache'}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]


def test_the_bundle_is_the_pinned_umd_builds_in_dependency_order():
    if not (DIR / "node_modules").is_dir():
        pytest.skip("_ext/d3/node_modules is not installed (make site runs npm ci)")
    bundle = widgets.d3_bundle()
    assert HEADER.findall(bundle) == list(widgets.d3_versions().items())
    # no address but the licence lines' home pages and the SVG namespace: nothing to fetch
    urls = set(re.findall(r"https?://[\w./-]+", bundle))
    homes = {f"https://d3js.org/{name}/" for name in widgets.D3_MODULES}
    assert urls - homes <= {"http://www.w3.org/2000/svg"}, urls - homes


# --------------------------------------------------------------------------- the built site


@pytest.mark.site
def test_widget_pages_load_the_pinned_d3_from_the_site():
    from local_site import SITE

    if not SITE.is_dir():
        pytest.fail(f"no built site at {SITE}: run `make site` first", pytrace=False)
    served = SITE / "_static" / widgets.D3_FILE
    assert served.is_file(), f"{served} is missing"
    assert HEADER.findall(served.read_text()) == list(widgets.d3_versions().items())
    with_widget = without = 0
    for page in sorted((SITE / "book").glob("*.html")):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        srcs = [s.get("src", "") for s in soup.find_all("script") if s.get("src")]
        assert not [s for s in srcs if "d3" in s and (s.startswith(("http:", "https:", "//")))], (
            f"{page.name}: d3 from another host"
        )
        d3 = [i for i, s in enumerate(srcs) if s.split("?")[0].endswith(widgets.D3_FILE)]
        core = [i for i, s in enumerate(srcs) if s.split("?")[0].endswith("widgets/dk-core.js")]
        if soup.select(".dk-widget[data-dk-kind]"):
            with_widget += 1
            assert len(d3) == 1 and core and d3[0] < core[0], f"{page.name}: d3 before dk-core.js"
            assert srcs[d3[0]].startswith("../_static/"), srcs[d3[0]]
        else:
            without += 1
            assert not d3, f"{page.name} has no widget but loads d3"
    assert with_widget >= 7 and without >= 1

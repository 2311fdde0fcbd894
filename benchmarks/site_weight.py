"""Benchmark the built site as a reader's browser gets it: page weight and Lighthouse scores.

Serves the built site (default _build/html, or SITE_DIR, or --site) from a small
thread-based HTTP server on 127.0.0.1 that gzips text as a production server would, then:

1. **Page weight** of every page in _toc.yml: loads it in headless Chromium (Debian's,
   through Playwright), scrolls through it a screen at a time as a reader does (figures load
   lazily), waits for the fonts and every image, and adds up the bytes on the wire
   (compressed bodies, as sent) of everything the page loads; also the uncompressed total.
   Target: every chapter page, interactive figures included, at most 1.0 MB compressed.
2. **Lighthouse** (npm package pinned in benchmarks/lighthouse/package.json, installed there
   with `npm ci` on first use; node_modules is not committed) on the introduction and one
   chapter page: mobile emulation (Lighthouse's default), Debian's Chromium via CHROME_PATH,
   median of 3 runs per category. Targets: Performance >= 90, Accessibility 100,
   Best Practices 100, SEO >= 95.

Not a test: it prints markdown tables and exits 0 whatever the numbers.
Usage: python benchmarks/site_weight.py [--site DIR] [--runs 3] [--no-lighthouse]
       [--lighthouse-pages book/intro book/01_derivatives]
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))  # the course's shared tools: course_tree, local_site
from course_tree import toc_documents  # noqa: E402
from local_site import CHROMIUM, CHROMIUM_ARGS, SITE, QuietHandler, book_of, serve  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "benchmarks" / "lighthouse"
COMPRESSIBLE = {
    ".html",
    ".css",
    ".js",
    ".json",
    ".svg",
    ".txt",
    ".ipynb",
    ".md",
    ".map",
    ".xml",
    ".inv",
}
WEIGHT_TARGET_MB = 1.0
TARGETS = {
    "performance": (90, ">="),
    "accessibility": (100, "=="),
    "best-practices": (100, "=="),
    "seo": (95, ">="),
}


# --------------------------------------------------------------------------- server


class GzipHandler(QuietHandler):
    """Static files; text gzipped when the client accepts it, as a production server does."""

    def do_GET(self):  # noqa: N802
        path = Path(self.directory) / unquote(urlparse(self.path).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "File not found")
            return
        body = path.read_bytes()
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        # Hashed or versioned theme assets may be cached for long; pages revalidate.
        self.send_header(
            "Cache-Control",
            "public, max-age=31536000"
            if "/_static/" in self.path or "/_images/" in self.path
            else "public, max-age=600",
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --------------------------------------------------------------------------- pages


def page_weights(base: str, docs: list[str]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for doc in docs:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            requests = []
            # A function of our own: Playwright tags the handler, which a bound builtin refuses.
            page.on("requestfinished", lambda request, requests=requests: requests.append(request))
            page.goto(f"{base}{doc}.html", wait_until="load")
            page.evaluate("""async () => {
                await document.fonts.ready;
                const pause = ms => new Promise(r => setTimeout(r, ms));
                for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
                    window.scrollTo(0, y);
                    await pause(40);
                }
                window.scrollTo(0, document.body.scrollHeight);
                await Promise.all([...document.images].map(i => i.complete ? 0 :
                    new Promise(r => { i.onload = i.onerror = r; })));
                await document.fonts.ready;
            }""")
            page.wait_for_timeout(300)
            wire = raw = 0
            by_kind: dict[str, int] = {}
            for request in requests:
                sizes = request.sizes()
                response = request.response()
                body = sizes["responseBodySize"]
                wire += body + sizes["responseHeadersSize"]
                raw += len(response.body()) if response else 0
                kind = request.resource_type
                by_kind[kind] = by_kind.get(kind, 0) + body
            rows.append(
                {
                    "doc": doc,
                    "requests": len(requests),
                    "wire": wire,
                    "raw": raw,
                    "by_kind": by_kind,
                }
            )
            context.close()
        browser.close()
    return rows


# --------------------------------------------------------------------------- lighthouse


def ensure_lighthouse() -> Path | None:
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if cli.is_file():
        return cli
    npm = shutil.which("npm")
    if not npm:
        print(
            "[bench] npm not found: skipping Lighthouse (install Node.js 20 and npm)",
            file=sys.stderr,
        )
        return None
    print("[bench] installing Lighthouse into benchmarks/lighthouse (npm ci) ...", file=sys.stderr)
    lock = (LIGHTHOUSE_DIR / "package-lock.json").is_file()
    subprocess.run(
        [npm, "ci" if lock else "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )
    return cli


def lighthouse(cli: Path, url: str, runs: int) -> dict:
    """Median score per category over `runs` runs; metrics of the run with the median
    Performance."""
    scores: dict[str, list[float]] = {k: [] for k in TARGETS}
    failing: dict[str, dict[str, float]] = {k: {} for k in TARGETS}
    metrics_by_run = []
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.json"
            flags = " ".join(["--headless=new", *CHROMIUM_ARGS, f"--user-data-dir={tmp}/profile"])
            subprocess.run(
                [
                    "node",
                    str(cli),
                    url,
                    "--quiet",
                    "--output=json",
                    f"--output-path={out}",
                    "--only-categories=" + ",".join(TARGETS),
                    f"--chrome-flags={flags}",
                ],
                env=env,
                check=True,
                timeout=300,
            )
            report = json.loads(out.read_text())
        for key in TARGETS:
            category = report["categories"][key]
            scores[key].append(round(100 * (category["score"] or 0)))
            for ref in category["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
                    failing[key][ref["id"]] = min(audit["score"], failing[key].get(ref["id"], 1))
        metrics_by_run.append(
            {
                m: report["audits"][m].get("displayValue", "")
                for m in (
                    "first-contentful-paint",
                    "largest-contentful-paint",
                    "total-blocking-time",
                    "cumulative-layout-shift",
                    "speed-index",
                )
                if m in report["audits"]
            }
        )
    order = sorted(range(runs), key=lambda i: scores["performance"][i])
    return {
        "median": {k: statistics.median(v) for k, v in scores.items()},
        "runs": scores,
        "failing": {
            k: [f"{a} (worst {v:.2f})" for a, v in sorted(d.items())] for k, d in failing.items()
        },
        "metrics": metrics_by_run[order[len(order) // 2]],
    }


def meets(key: str, value: float) -> bool:
    target, op = TARGETS[key]
    return value >= target if op == ">=" else value == target


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument(
        "--lighthouse-pages",
        nargs="+",
        default=None,
        help="pages for Lighthouse (default: every page of _toc.yml)",
    )
    args = parser.parse_args()
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"no built site at {site}: run `make site` first", file=sys.stderr)
        return 1
    book = book_of(site)
    docs = toc_documents(book)
    chapters = [d for d in docs if (book / f"{d}.ipynb").is_file()]
    with serve(site, GzipHandler) as base:
        print(f"## Page weight ({site}, served gzip-compressed on 127.0.0.1)\n")
        print(
            "| page | requests | on the wire (compressed) | uncompressed | of which images "
            f"| of which scripts | at most {WEIGHT_TARGET_MB} MB |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | :---: |")
        for row in page_weights(base, docs):
            chapter = row["doc"] in chapters
            ok = row["wire"] <= WEIGHT_TARGET_MB * 1e6
            mark = ("yes" if ok else "**NO**") if chapter else "(not a chapter)"
            images, scripts = row["by_kind"].get("image", 0), row["by_kind"].get("script", 0)
            print(
                f"| {row['doc']} | {row['requests']} | {row['wire'] / 1e6:.2f} MB "
                f"| {row['raw'] / 1e6:.2f} MB | {images / 1e6:.2f} MB | {scripts / 1e6:.2f} MB "
                f"| {mark} |"
            )
        if args.no_lighthouse:
            return 0
        cli = ensure_lighthouse()
        if cli is None:
            return 0
        pages = args.lighthouse_pages or docs
        print(f"\n## Lighthouse 12 (mobile, median of {args.runs} runs, Debian Chromium)\n")
        print(
            "| page | Performance (>= 90) | Accessibility (100) | Best Practices (100) "
            "| SEO (>= 95) | FCP | LCP | TBT | CLS (run with the median Performance) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        notes = []
        for doc in pages:
            result = lighthouse(cli, f"{base}{doc}.html", args.runs)
            cells = []
            for key in TARGETS:
                value = result["median"][key]
                cells.append(f"{value:.0f}" + ("" if meets(key, value) else " **(miss)**"))
                if result["failing"][key]:
                    notes.append(
                        f"- {doc}, {key} {result['runs'][key]}: audits below 1: "
                        + ", ".join(result["failing"][key])
                    )
            m = result["metrics"]
            print(
                f"| {doc} | "
                + " | ".join(cells)
                + " | "
                + " | ".join(
                    m.get(k, "")
                    for k in (
                        "first-contentful-paint",
                        "largest-contentful-paint",
                        "total-blocking-time",
                        "cumulative-layout-shift",
                    )
                )
                + " |"
            )
        if notes:
            print("\nAudits that cost points (all runs):\n")
            print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The built site on this machine: where it is, served on 127.0.0.1, seen by headless Chromium.

Shared by the built-site tests (tests/test_browser.py, tests/test_setup_cell.py, ...) and
benchmarks/site_weight.py. ``SITE_DIR`` points them at another build, ``CHROMIUM`` at
another browser (default Debian's, installed by scripts/install_browser.sh).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from course_tree import ROOT

SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# The flags the machine's closed network needs: no background calls home, no sync, no
# component updates (each would be a refused connection at start-up); /tmp rather than a
# small /dev/shm in containers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def book_of(site: Path) -> Path:
    """The book a build comes from: two folders up when there is a _toc.yml there (a preview
    build by scripts/preview.py), else this repository."""
    return site.parent.parent if (site.parent.parent / "_toc.yml").is_file() else ROOT


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files from ``directory``, without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """Serve ``directory`` from a thread on a free port of 127.0.0.1; yields the base URL."""
    bound = functools.partial(handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()

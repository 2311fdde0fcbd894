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

It also closes a start-up race of sphinxcontrib-katex 0.9.x's render server: the extension
connects as soon as the server's Unix socket file exists, but Node creates the file
(bind) a moment before it accepts connections (listen), so on a loaded machine the first
connect can be refused and the build stops. :func:`_start_server_process` retries that connect
for the extension's own start-up timeout.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
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


def _start_server_process(cls, rundir, timeout):
    """``KaTeXServer.start_server_process``, retrying the connect while it is refused."""
    socket_path = rundir / "katex.sock"
    process = subprocess.Popen(
        cls.build_command(socket=socket_path), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, cwd=rundir,
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ExtensionError(f"KaTeX's render server exited (code {process.returncode})")
        if time.monotonic() > deadline:
            process.kill()
            raise cls.timeout_error(timeout)
        if socket_path.is_socket():
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(max(deadline - time.monotonic(), 0.01))
                sock.connect(str(socket_path))
                sock.settimeout(None)
                return process, sock
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()  # bound, not listening yet
            except TimeoutError:
                sock.close()
                process.kill()
                raise cls.timeout_error(timeout) from None
        time.sleep(0.01)


def setup(app):
    from sphinxcontrib.katex import KaTeXServer

    KaTeXServer.start_server_process = classmethod(_start_server_process)
    app.connect("builder-inited", _stage)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

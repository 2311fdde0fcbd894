"""scripts/build_site.py: each chapter re-executes only when what it runs has changed; KaTeX's
stylesheet and fonts come from the same KaTeX version that renders the math."""

import json
from pathlib import Path

import pytest

import build_site
import katex_assets

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "descentkit"


def deps(name):
    return {
        p.relative_to(PKG).as_posix() for p in build_site.chapter_dependencies(ROOT / "book" / name)
    }


def test_a_chapter_depends_on_what_it_imports_and_what_those_import():
    ch7 = deps("07_momentum.ipynb")
    # imported by name, reached as dk.plots, and imported by those modules in turn
    assert {
        "functions.py",
        "curvature.py",
        "optim.py",
        "rules.py",
        "plots/figures.py",
        "plots/__init__.py",
        "validation.py",
        "__init__.py",
    } <= ch7
    ch1 = deps("01_derivatives.ipynb")
    # chapter 1 reaches surfaces.py through its widget (descentkit.widgets), not the others
    assert "functions.py" not in ch1 and "compare.py" not in ch1 and "widgets.py" in ch1
    assert {"calculus.py", "optim.py", "checks.py", "validation.py"} <= ch1


def test_package_imports_follow_relative_imports():
    assert "validation" in build_site._package_imports(PKG / "losses.py")
    assert {"figures", "style"} <= {
        m.rpartition(".")[2] for m in build_site._package_imports(PKG / "plots" / "__init__.py")
    }
    assert "validation" in build_site._package_imports(PKG / "plots" / "figures.py")


def test_a_fingerprint_changes_with_a_dependency_only(tmp_path, monkeypatch):
    before = {p.name: build_site.chapter_fingerprint(p) for p in build_site.chapters()}
    target = PKG / "functions.py"
    original = target.read_text()
    try:
        target.write_text(original + "\n# test edit\n")
        after = {p.name: build_site.chapter_fingerprint(p) for p in build_site.chapters()}
    finally:
        target.write_text(original)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {n for n in before if "functions.py" in deps(n)}
    assert "07_momentum.ipynb" in changed and "01_derivatives.ipynb" not in changed


def test_katex_assets_are_pinned_to_the_renderer_version():
    import sphinxcontrib.katex as katex

    pinned = katex_assets.katex_version()
    lock = json.loads((katex_assets.HERE / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"]["katex"] == pinned
    assert lock["packages"]["node_modules/katex"]["version"] == pinned
    bundled = (Path(katex.__file__).parent / "katex.min.js").read_text()
    assert f'version:"{pinned}"' in bundled, "the stylesheet must match the KaTeX that renders"


# A stand-in for KaTeX's render server: binds its Unix socket, waits, and only then listens,
# the window in which sphinxcontrib-katex's own start-up gets "connection refused".
SLOW_SERVER = """
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
time.sleep(float(sys.argv[2]))
s.listen(1)
conn, _ = s.accept()
conn.sendall(b"ok")
time.sleep(5)
"""


class _SlowServer:
    delay = 0.4

    @classmethod
    def build_command(cls, socket=None, port=None):
        import sys

        return [sys.executable, "-c", SLOW_SERVER, str(socket), str(cls.delay)]

    @classmethod
    def timeout_error(cls, timeout):
        return RuntimeError(f"timed out after {timeout} s")


def test_katex_server_start_waits_until_the_socket_listens(tmp_path):
    process, sock = katex_assets._start_server_process(_SlowServer, tmp_path, timeout=10)
    try:
        assert sock.recv(2) == b"ok"
    finally:
        sock.close()
        process.kill()
    _SlowServer.delay = 5
    (tmp_path / "late").mkdir()
    try:
        with pytest.raises(RuntimeError, match="timed out"):
            katex_assets._start_server_process(_SlowServer, tmp_path / "late", timeout=0.5)
    finally:
        _SlowServer.delay = 0.4

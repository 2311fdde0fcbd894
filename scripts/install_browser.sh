#!/usr/bin/env bash
# Install the browser the browser tests drive: Debian's Chromium (/usr/bin/chromium).
# Playwright (pinned in requirements.txt) cannot download its own browser on this project's
# machines, so tests/test_browser.py launches this one. Idempotent: does nothing when
# Chromium is already there. Uses sudo only when not root.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "[browser] $("$CHROMIUM" --version 2>/dev/null || echo chromium) at $CHROMIUM"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "[browser] no Chromium at $CHROMIUM, and not root and no sudo to install it:" >&2
        echo "          install Debian's 'chromium' package, or set CHROMIUM=/path/to/chromium" >&2
        exit 1
    fi
fi

echo "[browser] installing Debian's chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
echo "[browser] $(/usr/bin/chromium --version 2>/dev/null) installed"

#!/usr/bin/env bash
# Every test of the course, in order of cost. Called by `make test` and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "== 1/4 unit tests and doctests of the package, checks of the tree, lint"
# --doctest-modules comes from pyproject.toml; the site tests wait for stage 4.
$PY -m pytest tests src/descentkit -m "not site" -q -p no:cacheprovider --durations=10
$PY -m ruff check src tests scripts benchmarks _ext book

echo "== 2/4 every notebook runs top to bottom (nbval, lax)"
# one worker per core; each notebook stays in one worker (--dist loadfile)
$PY -m pytest --nbval-lax book -q -p no:cacheprovider -n 2 --dist loadfile

echo "== 3/4 the site builds with warnings as errors"
$PY scripts/build_site.py --quiet

echo "== 4/4 checks of the built site, also in headless Chromium (tests/test_browser.py)"
bash scripts/install_browser.sh  # Debian's chromium; Playwright cannot download its own
# one worker per core; each test file stays in one worker (its browser and pages are shared)
$PY -m pytest tests -m site -q -p no:cacheprovider -n 2 --dist loadfile --durations=15

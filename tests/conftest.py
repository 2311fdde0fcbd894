"""Shared test set-up: matplotlib draws off screen, and plot tests leave no figure open.

As in scikit-learn's ``sklearn/conftest.py``: the non-interactive Agg backend is chosen here,
when pytest loads this file and before any test module imports ``matplotlib.pyplot``, and
plot tests take the ``pyplot`` fixture, which closes every figure before and after the test.
"""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def pyplot():
    """The ``matplotlib.pyplot`` module, with all figures closed before and after the test.

    Returns
    -------
    module
        ``matplotlib.pyplot``.
    """
    import matplotlib.pyplot as plt

    plt.close("all")
    yield plt
    plt.close("all")


# ------------------------------------------------------------- the built site in a browser
# Shared by tests/test_browser.py and tests/test_widgets_browser.py: one server and one
# Playwright per session (two sync Playwrights cannot run at once).


@pytest.fixture(scope="session")
def base_url():
    """The built site (SITE_DIR or _build/html) on 127.0.0.1, a free port, for the session."""
    from local_site import SITE, serve

    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"no built site at {SITE}: run `make site` first (or set SITE_DIR)", pytrace=False
        )
    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (Playwright's own browsers are not used)."""
    from playwright.sync_api import sync_playwright

    from local_site import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run scripts/install_browser.sh (or set CHROMIUM)",
            pytrace=False,
        )
    with sync_playwright() as p:
        # Playwright gives every launch a new, empty temporary profile (user-data-dir).
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

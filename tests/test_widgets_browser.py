"""Every interactive figure of the site in a real browser, held equal to descentkit.

Headless Chromium (Debian's, through Playwright, as in tests/test_browser.py, whose server
and browser fixtures are reused) loads each chapter page that has a widget and

- checks that the problem embedded in the page (the widget's JSON) is exactly what
  ``descentkit.widgets`` exports for the chapter's own data;
- drives the widget **by mouse** (clicks on sliders, buttons, switches, radio buttons, the
  contour map, the phase diagram; a drag of the start) and **by keyboard alone** (arrow
  keys, Home/End, Tab, Enter and Space), and after every setting recomputes with the
  package (``descend``, ``gradient_descent``, ``run_to_tolerance``, ``momentum_descent``,
  ``minibatch_sgd``, ``classify_lr``, ``curvature``, ``heavy_ball_regime``, ...) and
  compares: paths to 1e-9, counts and verdicts exactly, and the numbers the widget shows
  to the digits it shows them;
- follows the state into the URL hash and back (a link reproduces the same run);
- checks each widget for every reader: names for every control, aria-valuetext, a live
  region, a visible focus ring, contrast in dark mode, 375 px wide with touch, reduced
  motion, and the note (with its link) that stands in for it without JavaScript;
- saves screenshots of every widget, light and dark, 1280 and 375 px wide, in
  ``_build/screenshots/widgets/`` for a person to look at, and weighs each page.

SITE_DIR and CHROMIUM work as for tests/test_browser.py.
"""

from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

import descentkit as dk
from descentkit.curvature import classify_lr, contraction_factor, curvature
from descentkit.data import make_linear_data, make_roller_coaster, reference_initial_params
from descentkit.losses import mse_gradient, mse_gradient_of, mse_hessian, mse_of
from descentkit.models import least_squares_line
from descentkit.optim import (
    descend,
    gradient_descent,
    minibatch_sgd,
    momentum_descent,
    run_to_tolerance,
)
from descentkit.stochastic import distance_to
from descentkit.widgets import (
    SITE_URL,
    heavy_ball_regime,
    noise_ball_readout,
    regime_word,
    widget_batches,
)
from test_browser import BOOK, SITE, VIEWPORT  # the server and browser fixtures are in conftest.py

pytestmark = [pytest.mark.site, pytest.mark.browser]

SHOTS = SITE.parent / "screenshots" / "widgets"
PHONE = {"width": 375, "height": 812}
WEIGHT_LIMIT = 1.5e6  # bytes on the wire, gzip-compressed, per chapter page
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt", ".inv", ".map")


# --------------------------------------------------------------------------- the problems


def f1(x):
    return x**2 - 4 * x + 5


def df1(x):
    return 2 * x - 4


THETA0 = np.array(reference_initial_params())
DATA = make_linear_data()
BAD = make_linear_data(x_scale=10, true_w=0.2)


def roller_coaster_start():
    import torch

    torch.manual_seed(0)
    return torch.randn(3, dtype=torch.float64).numpy()


def valleys(kappa):
    """Chapter 8's valleys(kappa): the rotated valley and the one along the axes."""
    r = (kappa - 1) / (kappa + 1)
    return 2 * np.array([[1.0, r], [r, 1.0]]), np.diag([2 * (1 + r), 2 * (1 - r)])


START_ROT = np.array([-2.0, 1.0])
START_AXES = (np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2)).T @ START_ROT


def breast_cancer():
    """Chapter 9's split of the breast-cancer data, its scaler and its penalty l2."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_all, y_all = load_breast_cancer(return_X_y=True)
    X_train_raw, X_val_raw, y_train, y_val = train_test_split(
        X_all, y_all, test_size=0.25, stratify=y_all, random_state=0)
    scaler = StandardScaler().fit(X_train_raw)
    return X_train_raw, y_train, X_val_raw, y_val, scaler, 1 / len(y_train)


def logistic_widget():
    """Chapter 9's widget, made as the chapter makes it (one BLAS thread)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return dk.widgets.logistic_rate_explorer(*breast_cancer())


# widget id -> (page, the widget the chapter's cell makes, the static figure it extends)
WIDGETS = {
    "ch01-rate": ("book/01_derivatives", lambda: dk.widgets.learning_rate_explorer(f1, df1, x0=7.0),
                  "fig-ch01-learning-rates"),
    "ch02-steps": ("book/02_autograd", lambda: dk.widgets.seven_steps_explorer(
        *make_roller_coaster(num_seconds=20, seed=0), roller_coaster_start()), "fig-ch02-loss"),
    "ch03-start": ("book/03_linear_regression", lambda: dk.widgets.start_point_explorer(
        DATA.x_train, DATA.y_train, start=tuple(THETA0)), "fig-ch03-path"),
    "ch04-rate": ("book/04_learning_rate", lambda: dk.widgets.learning_rate_map(
        DATA.x_train, DATA.y_train, THETA0), "fig-ch04-three-rates"),
    "ch05-scaling": ("book/05_feature_scaling", lambda: dk.widgets.feature_scaling_explorer(
        DATA.x_train, DATA.y_train, THETA0), "fig-ch05-three-maps"),
    "ch06-noise": ("book/06_sgd", lambda: dk.widgets.noise_ball_explorer(
        DATA.x_train, DATA.y_train, THETA0), "fig-ch06-noise-ball"),
    "ch07-momentum": ("book/07_momentum", lambda: dk.widgets.momentum_explorer(
        BAD.x_train, BAD.y_train, THETA0), "fig-ch07-valley"),
    "ch08-adaptive": ("book/08_adaptive", lambda: dk.widgets.adaptive_explorer(
        {k: valleys(k) for k in (10, 100, 1000)}, START_AXES, START_ROT), "fig-ch08-valleys"),
    "ch09-logistic": ("book/09_beyond_the_line", lambda: logistic_widget(), "fig-ch09-over-the-bound"),
}
IDS = list(WIDGETS)


def close(js, py, what="path"):
    np.testing.assert_allclose(np.asarray(js, dtype=float), np.asarray(py, dtype=float), rtol=1e-9,
                               atol=1e-9, err_msg=f"the widget's {what} differs from descentkit's")


def number(text: str) -> float:
    """A number as the widgets print it: U+2212 minus, "1.2 × 10⁻⁷", thousands commas."""
    sup = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    text = text.strip().replace("\u2212", "-").replace(",", "")
    m = re.fullmatch(r"(-?[\d.]+) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    return float(m.group(1)) * 10 ** int(m.group(2).translate(sup)) if m else float(text)


def shows(text: str, value: float, digits: int):
    """The text shows ``value`` rounded to ``digits`` decimals."""
    assert abs(number(text) - value) <= 0.5 * 10**-digits + 1e-12, f"shows {text!r}, the package gives {value!r}"


def shows_sig(text: str, value: float, sig: int):
    """The text shows ``value`` to ``sig`` significant digits."""
    got = number(text)
    assert got == pytest.approx(value, rel=0.51 * 10 ** (1 - sig)), f"shows {text!r}, the package gives {value!r}"


# --------------------------------------------------------------------------- the browser


class Tab:
    """One page in its own browser context, with what it logged."""

    def __init__(self, browser, base_url, doc, *, scheme="light", viewport=VIEWPORT, fragment="", sizes=False,
                 eager=True, **context):
        self.errors, self.failed, self.sizes = [], [], {}
        self.scripts = context.get("java_script_enabled", True)
        self.context = browser.new_context(color_scheme=scheme, viewport=viewport, **context)
        if eager:  # every widget starts at load (on the page, each starts as the reader nears it)
            self.context.add_init_script("window.DK_EAGER = true")
        self.page = page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        # (with JavaScript off, Chromium refuses the scripts: not a failure of the site)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})")
                if self.scripts or r.resource_type != "script" else None)
        page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
        page.on("request", lambda r: self.failed.append(f"off the machine: {r.url}")
                if r.url.startswith(("http:", "https:")) and not r.url.startswith(base_url) else None)
        if sizes:
            page.on("response", self._weigh)
        page.goto(f"{base_url}{doc}.html{fragment}", wait_until="load")
        if context.get("java_script_enabled", True) and eager:
            page.wait_for_function("() => document.querySelectorAll('.dk-widget').length > 0 && "
                                   "[...document.querySelectorAll('.dk-widget')].every(w => w.dataset.dkReady)",
                                   timeout=15000)

    def _weigh(self, response):
        """Bytes on the wire: text gzip-compressed as a server would send it, the rest as it is."""
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - redirects and the like carry no body
            return
        url = response.url.split("?")[0]
        self.sizes[url] = len(gzip.compress(body, 6)) if url.endswith(COMPRESSIBLE) else len(body)

    def results(self, wid):
        return self.page.evaluate(f"() => window.__widgets[{wid!r}].results()")

    def state(self, wid):
        return self.page.evaluate(f"() => window.__widgets[{wid!r}].state")

    def shown(self, wid):
        return self.page.evaluate(f"() => window.__widgets[{wid!r}].shown()")

    def keys(self, selector, *keys):
        self.page.locator(selector).focus()
        for key in keys:
            self.page.keyboard.press(key)

    def click_slider(self, selector, fraction):
        el = self.page.locator(selector)
        box = el.bounding_box()
        el.click(position={"x": 8 + fraction * (box["width"] - 16), "y": box["height"] / 2})

    def hash(self, wid, state_keys):
        """Wait for the widget's state in the URL hash, and return the hash's settings."""
        self.page.wait_for_function(f"() => location.hash.startsWith('#{wid}?')", timeout=3000)
        self.page.wait_for_timeout(300)  # the hash is written 200 ms after the last change
        fragment = self.page.evaluate("() => location.hash")
        query = fragment.split("?", 1)[1]
        settings = dict(pair.split("=", 1) for pair in query.split("&"))
        assert set(settings) == set(state_keys), f"{wid}: hash {fragment!r} should hold {sorted(state_keys)}"
        return fragment

    def close(self):
        errors, failed = self.errors, self.failed
        self.context.close()
        assert not errors, "console errors:\n" + "\n".join(errors)
        assert not failed, "failed requests:\n" + "\n".join(failed)


@pytest.fixture(scope="module")
def shared(browser, base_url):
    """One page per widget, loaded once, for the checks that only look (pages are slow to load)."""
    pages = {}

    def get(wid):
        if wid not in pages:
            pages[wid] = Tab(browser, base_url, WIDGETS[wid][0], sizes=True)
        return pages[wid]

    yield get
    for t in pages.values():
        t.close()


@pytest.fixture
def tab(browser, base_url):
    opened = []

    def open_(wid_or_doc, **kw):
        doc = WIDGETS[wid_or_doc][0] if wid_or_doc in WIDGETS else wid_or_doc
        t = Tab(browser, base_url, doc, **kw)
        opened.append(t)
        return t

    yield open_
    for t in opened:
        t.close()


def _numeric(v) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
        isinstance(v, list) and bool(v) and all(_numeric(u) for u in v))


def same(after, before, where):
    """Equal results: numbers (and arrays of them) to 1e-9, everything else exactly."""
    if isinstance(before, dict):
        assert isinstance(after, dict) and set(after) == set(before), where
        for key in before:
            same(after[key], before[key], f"{where}.{key}")
    elif _numeric(before) and not isinstance(before, int):
        close(after, before, where)
    elif isinstance(before, list):
        assert isinstance(after, list) and len(after) == len(before), where
        for i, (a, b) in enumerate(zip(after, before)):
            same(a, b, f"{where}[{i}]")
    else:
        assert after == before, where


def follow_link(tab, wid, fragment, before):
    """The hash, opened in a new page, gives the same widget state and the same results."""
    again = tab(wid, fragment=fragment)
    assert again.state(wid) == before["state"], f"{wid}: {fragment} does not restore the state"
    same(again.results(wid), before["results"], f"{wid} after following {fragment}")


def snapshot(t, wid):
    return {"state": t.state(wid), "results": t.results(wid)}


# --------------------------------------------------------------------------- one test per widget


@pytest.mark.parametrize("wid", IDS)
def test_the_problem_on_the_page_is_the_packages(shared, wid):
    """The JSON the page embeds equals what descentkit.widgets exports for the chapter's data."""
    make = WIDGETS[wid][1]
    t = shared(wid)
    embedded = t.page.evaluate(f"() => JSON.parse(document.querySelector('#{wid} script.dk-data').textContent)")
    assert embedded == json.loads(make().to_json()), f"{wid}: the page's data is not the package's"
    assert t.page.evaluate(f"() => document.querySelector('#{wid}').dataset.dkKind") == make().kind


def check_ch01(t, wid="ch01-rate"):
    r = t.results(wid)
    run = gradient_descent(df1, 7.0, r["lr"], 60, f=f1)
    shown = min(r["steps"], run.num_steps)
    assert r["shown"] == shown and r["status"] == run.status
    close(r["path"], run.params[:shown + 1])
    assert r["factor"] == contraction_factor(r["lr"], 2.0)
    verdict = classify_lr(r["lr"], 2.0)
    word = regime_word(r["lr"], 2.0)
    assert (r["verdict"], r["word"]) == (verdict, word)
    s = t.shown(wid)
    shows(s["factor"], r["factor"], 2)
    assert word in s["regime"] and verdict in s["regime"]
    if shown:
        assert f"After {shown} step" in s["position"]
        shows_sig(re.search(r"x = ([^,]+),", s["position"]).group(1), run.params[shown], 6)
    return r


def test_ch01_by_keyboard_and_mouse(tab):
    wid = "ch01-rate"
    t = tab(wid)
    sel = f"#{wid} input[name=lr]"
    check_ch01(t)
    t.keys(sel, "ArrowRight", "ArrowRight")                     # 0.1 -> 0.12
    assert t.state(wid)["lr"] == 0.12
    t.page.keyboard.press("Tab")                                 # to Step
    assert t.page.evaluate("() => document.activeElement.textContent") == "Step"
    for _ in range(3):
        t.page.keyboard.press("Enter")
    t.page.keyboard.press("Tab")                                 # to "20 steps"
    t.page.keyboard.press("Space")
    assert t.state(wid) == {"lr": 0.12, "steps": 23}
    check_ch01(t)
    t.keys(sel, "End")                                           # the largest rate: diverges
    r = check_ch01(t)
    assert r["verdict"] == "diverges"
    t.keys(sel, "Home")
    assert check_ch01(t)["lr"] == 0.01
    # by mouse
    t.click_slider(sel, 0.6)
    t.page.get_by_role("button", name="Step", exact=True).click()
    t.page.get_by_role("button", name="Step", exact=True).click()
    r = check_ch01(t)
    assert 0.6 < r["lr"] < 0.8 and r["steps"] == 25 and r["verdict"] == "overshoots, converges"
    fragment = t.hash(wid, {"lr", "steps"})
    follow_link(tab, wid, fragment, snapshot(t, wid))
    t.page.get_by_role("button", name="Back to the start x0").click()
    assert check_ch01(t)["shown"] == 0
    # the rates the chapter names, from a link
    # (0.01 takes 2 % of the distance a step: it creeps; 0.4 takes 80 %: it converges)
    for lr, word, path in [(0.5, "one step", [7.0, 2.0, 2.0]), (1.0, "bounces", [7.0, -3.0, 7.0]),
                           (0.01, "creeps", [7.0, 6.9, 6.802]), (0.4, "converges", [7.0, 3.0, 2.2])]:
        u = tab(wid, fragment=f"#{wid}?lr={lr}&steps=2")
        r = check_ch01(u)
        assert r["word"] == word
        close(r["path"], path)


def check_ch04(t, wid="ch04-rate"):
    r = t.results(wid)
    x, y = DATA.x_train, DATA.y_train
    star = least_squares_line(x, y)
    run = run_to_tolerance(lambda th: mse_gradient(th[0], th[1], x, y), THETA0, r["lr"], minimum=star,
                           tol=1e-6, max_steps=5000)
    assert (r["status"], r["converged_at"], r["num_steps"]) == (run.status, run.converged_at, run.num_steps)
    close(r["path"], run.params)
    lams = curvature(mse_hessian(x)).eigenvalues
    close(r["factors"], contraction_factor(r["lr"], lams), "factors")
    assert r["verdicts"] == [classify_lr(r["lr"], lam) for lam in lams]
    s = t.shown(wid)
    for text, value in zip(s["factors"], r["factors"]):
        shows(text, value, 3)
    assert s["verdicts"] == r["verdicts"]
    if run.converged:
        assert f"after {run.converged_at:,} steps" in s["summary"]
    elif run.diverged:
        assert "diverges" in s["summary"] and f"after {run.num_steps} steps" in s["summary"]
    else:
        assert "still not within" in s["summary"]
    return r


def test_ch04_by_keyboard_and_mouse(tab):
    wid = "ch04-rate"
    t = tab(wid)
    sel = f"#{wid} input[name=lr]"
    assert check_ch04(t)["status"] == "converged"                        # 0.2
    c = curvature(mse_hessian(DATA.x_train))
    t.page.get_by_role("button", name=re.compile("^learning rate 1 over lambda max")).click()
    r = check_ch04(t)
    assert r["lr"] == 1 / c.lam_max and r["verdicts"][1] == "converges in one step"
    t.page.get_by_role("button", name=re.compile("^learning rate 2 over lambda max")).click()
    r = check_ch04(t)
    assert r["lr"] == c.max_stable_lr and r["verdicts"][1] == "oscillates forever" and r["status"] == "completed"
    t.page.get_by_role("button", name=re.compile("^the best fixed rate")).click()
    assert check_ch04(t)["lr"] == c.best_fixed_lr
    t.click_slider(sel, 0.9)
    assert check_ch04(t)["status"] == "diverged"
    # keyboard alone
    t.keys(sel, "Home", *["ArrowRight"] * 79)                             # 0.01 -> 0.8
    r = check_ch04(t)
    assert r["lr"] == 0.8 and r["verdicts"][1] == "overshoots, converges"
    t.keys(sel, "ArrowRight", "ArrowRight")                               # 0.82 > 2/lambda_max
    assert check_ch04(t)["status"] == "diverged"
    t.page.keyboard.press("Tab")
    t.page.keyboard.press("Enter")                                        # 1/lambda_max, by keyboard
    assert t.state(wid)["lr"] == 1 / c.lam_max
    fragment = t.hash(wid, {"lr"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def check_ch07(t, wid="ch07-momentum"):
    r = t.results(wid)
    x, y = BAD.x_train, BAD.y_train
    grad, loss = mse_gradient_of(x, y), mse_of(x, y)
    star = least_squares_line(x, y)
    start_distance = np.linalg.norm(THETA0 - star)
    for i, (beta, nesterov) in enumerate([(0.0, False), (r["beta"], False), (r["beta"], True)]):
        js = r["runs"][i]
        # at beta = 0 Nesterov is gradient descent, which the widget shows in its row
        run = momentum_descent(lambda th: grad(th), THETA0, r["lr"], 2000, momentum=beta,
                               nesterov=nesterov and beta > 0, f=loss)
        assert (js["status"], js["num_steps"]) == (run.status, run.num_steps), f"method {i}"
        close(js["path"], run.params[:151])
        # the chapter's count: the distance stays below 1e-6 times the start's
        needed = run.steps_within(1e-6 * start_distance, minimum=star)
        assert js["needed"] == needed, f"method {i}"
        if run.num_steps >= r["step"]:
            distance = np.linalg.norm(run.params[r["step"]] - star) / start_distance
            close(js["error_at_step"], distance, "distance to the minimum")
    (mu, L) = curvature(mse_hessian(x)).eigenvalues
    g = heavy_ball_regime(r["lr"], r["beta"], [mu, L])
    assert r["rate"] == pytest.approx(g["rate"], rel=1e-12) and r["regime"] == g["regime"]
    assert [d[1] for d in r["directions"]] == [d[1] for d in g["directions"]]
    assert [d[0] for d in r["directions"]] == pytest.approx([d[0] for d in g["directions"]], rel=1e-12)
    s = t.shown(wid)
    for text, run in zip(s["needed"], r["runs"]):
        if run and run["needed"] is not None:
            assert number(text) == run["needed"]
    return r


def test_ch07_by_keyboard_and_mouse(tab):
    wid = "ch07-momentum"
    t = tab(wid)
    r = check_ch07(t)                                                   # the chapter's: 1/L, beta 0.9
    # the numbers the chapter prints for its race (1/L, beta 0.9) are the widget's
    page = (SITE / f"{WIDGETS[wid][0]}.html").read_text(encoding="utf-8")
    for run in r["runs"]:
        assert re.search(rf"\b{run['needed']:,}\b|\b{run['needed']}\b", page), run["needed"]
    # and so is its prediction from the factor alone, ln(1e6) / ln(1/sqrt(0.9)), to the step
    chosen = t.shown(wid)["pointer"]
    about = re.search(r"about ([\d,]+) steps per millionfold", chosen).group(1)
    assert about == f"{np.log(1e6) / -np.log(np.sqrt(0.9)):.0f}" and re.search(rf">{about}<", page), chosen
    assert "along λ_min: complex roots; along λ_max: complex roots" in chosen, chosen
    assert not re.search(r"\b(mu|μ|L)\b|creeps|critically|oscillates", t.page.locator(f"#{wid}").inner_text())
    mu, L = curvature(mse_hessian(BAD.x_train)).eigenvalues
    # keyboard alone: Polyak's optimum, then the sliders
    t.page.get_by_role("button", name=re.compile("^Polyak's optimum")).focus()
    t.page.keyboard.press("Enter")
    r = check_ch07(t)
    lr_hb, beta_hb, factor_hb = dk.curvature.heavy_ball_optimal(mu, L)
    assert (r["lr"], r["beta"]) == (lr_hb, beta_hb)
    assert r["rate"] == pytest.approx(factor_hb, rel=1e-9) and r["regime"] == "double root"
    t.keys(f"#{wid} input[name=beta]", "End")                          # beta 0.99: slow oscillation
    assert check_ch07(t)["regime"] == "complex roots"
    t.keys(f"#{wid} input[name=beta]", "Home")                         # beta 0: Nesterov is GD
    r = check_ch07(t)
    assert r["runs"][2]["path"] == r["runs"][0]["path"] and r["runs"][2]["needed"] == r["runs"][0]["needed"]
    assert t.shown(wid)["error"][2] == t.shown(wid)["error"][0]  # a number, not "needs beta > 0"
    t.keys(f"#{wid} input[name=lr]", "End")                            # a rate beyond 2/L
    assert check_ch07(t)["regime"] == "diverges"
    t.keys(f"#{wid} input[name=step]", "Home", "ArrowRight", "ArrowRight")
    assert check_ch07(t)["step"] == 2
    # by mouse: point at the phase diagram, read the regime, click to choose it
    t.page.locator(f"#{wid} .dk-plot >> nth=2").scroll_into_view_if_needed()
    for lr, beta in [(0.02, 0.5), (0.045, 0.3), (0.01, 0.95), (0.003, 0.1)]:
        xy = t.page.evaluate(f"() => window.__widgets['{wid}'].phaseClient({lr}, {beta})")
        t.page.mouse.move(xy["x"], xy["y"])
        at = t.page.evaluate(f"() => window.__widgets['{wid}'].pointed()")
        g = heavy_ball_regime(at["lr"], at["beta"], [mu, L])
        assert at["regime"] == g["regime"] and at["rate"] == pytest.approx(g["rate"], rel=1e-12)
        text = t.shown(wid)["pointer"]
        assert text.startswith("Pointer:") and f": {g['regime']}, factor" in text
        shows(re.search(r"factor ([\d.]+)", text).group(1), g["rate"], 4)
        t.page.mouse.click(xy["x"], xy["y"])
        r = check_ch07(t)
        assert abs(r["lr"] - lr) < 0.001 and abs(r["beta"] - beta) < 0.011
    t.click_slider(f"#{wid} input[name=beta]", 0.9)
    check_ch07(t)
    fragment = t.hash(wid, {"lr", "beta", "step"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def test_ch07_play_honours_reduced_motion(tab):
    wid = "ch07-momentum"
    moving = tab(wid)
    moving.page.get_by_role("button", name="Play the race step by step").click()
    first = moving.state(wid)["step"]
    moving.page.wait_for_timeout(400)
    later = moving.state(wid)["step"]
    assert first < later < 150, "Play should move the race on step by step"
    still = tab(wid, reduced_motion="reduce")
    still.page.get_by_role("button", name="Play the race step by step").click()
    assert still.state(wid)["step"] == 150, "with reduced motion, Play shows the end at once"
    check_ch07(still)


def check_ch03(t, wid="ch03-start"):
    r = t.results(wid)
    x, y = DATA.x_train, DATA.y_train
    run = gradient_descent(lambda th: mse_gradient(th[0], th[1], x, y), r["start"], 0.1, 1000,
                           f=mse_of(x, y))
    close(r["path"], run.params)
    close(r["losses"], run.losses, "losses")
    assert r["near_at"] == run.steps_within(1e-3, minimum=least_squares_line(x, y))
    s = t.shown(wid)["summary"]
    assert (f"from epoch {r['near_at']:,} on" in s) if r["near_at"] is not None else "not within" in s
    return r


def test_ch03_by_mouse_drag_and_keyboard(tab):
    wid = "ch03-start"
    t = tab(wid)
    assert check_ch03(t)["start"] == list(THETA0)
    t.page.locator(f"#{wid} .dk-plot >> nth=0").scroll_into_view_if_needed()
    to = lambda b, w: t.page.evaluate(f"() => window.__widgets['{wid}'].mapClient({b}, {w})")  # noqa: E731
    a = to(3.0, 4.0)
    t.page.mouse.click(a["x"], a["y"])
    r = check_ch03(t)
    assert r["start"] == pytest.approx([3.0, 4.0], abs=0.05)
    a, b = to(-1.5, 0.0), to(3.5, -0.5)
    t.page.mouse.move(a["x"], a["y"])
    t.page.mouse.down()
    t.page.mouse.move((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2, steps=4)
    t.page.mouse.move(b["x"], b["y"], steps=4)
    t.page.mouse.up()
    t.page.wait_for_timeout(100)
    assert check_ch03(t)["start"] == pytest.approx([3.5, -0.5], abs=0.05)
    t.page.get_by_role("button", name="Back to the chapter's random start").click()
    assert check_ch03(t)["start"] == list(THETA0)
    t.keys(f"#{wid} input[name=b]", "Home")                            # b0 = -2
    t.keys(f"#{wid} input[name=w]", "End", "ArrowLeft")                # w0 = 4.95
    assert check_ch03(t)["start"] == [-2.0, 4.95]
    fragment = t.hash(wid, {"b", "w"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def check_ch05(t, wid="ch05-scaling"):
    r = t.results(wid)
    x, y = DATA.x_train * r["scale"] + r["offset"], DATA.y_train
    if r["standardize"]:
        x = (x - x.mean()) / x.std()
    c = curvature(mse_hessian(x))
    star = least_squares_line(x, y)
    # the chapter's count: the distance stays below 1e-6 times the start's
    run = run_to_tolerance(lambda th: mse_gradient(th[0], th[1], x, y), THETA0, c.best_fixed_lr, minimum=star,
                           tol=1e-6 * np.linalg.norm(THETA0 - star), max_steps=50_000)
    assert r["steps"] == run.converged_at
    close(r["eigenvalues"], c.eigenvalues, "eigenvalues")
    close([r["kappa"], r["bound"], r["best"]], [c.condition_number, c.max_stable_lr, c.best_fixed_lr], "numbers")
    close(r["minimum"], star, "minimum")
    close(r["path"], run.params[:31])
    # the map: +-3 around the minimum (wider only to hold the start), equal scales
    assert r["window"] == pytest.approx(max(3, 1.15 * np.abs(THETA0 - star).max()), rel=1e-9)
    w, h = t.page.evaluate("(wid) => { const c = document.querySelector(`#${wid} canvas`);"
                           " return [c.getBoundingClientRect().width, c.getBoundingClientRect().height]; }",
                           wid)
    assert abs(w - h) <= 1.5, (w, h)
    s = t.shown(wid)
    shows_sig(s["kappa"], c.condition_number, 4)
    shows_sig(s["best"], c.best_fixed_lr, 4)
    shows_sig(s["bound"], c.max_stable_lr, 4)
    assert s["steps"] == (f"{run.converged_at:,}" if run.converged else "more than 50,000")
    if run.converged:
        # the live region says it too, in words ("1 step"), once the reader pauses (250 ms)
        count = f", {run.converged_at:,} step{'' if run.converged_at == 1 else 's'}."
        t.page.wait_for_function("([wid, count]) => document.querySelector(`#${wid} [role=status]`)"
                                 ".textContent.endsWith(count)", arg=[wid, count], timeout=3000)
    return r


def test_ch05_by_keyboard_and_mouse(tab):
    wid = "ch05-scaling"
    t = tab(wid)
    r = check_ch05(t)
    assert r["kappa"] == pytest.approx(curvature(mse_hessian(BAD.x_train)).condition_number, rel=1e-12)
    # the steps the widget shows for the chapter's features (bad: s = 10; original: s = 1;
    # standardized) are the chapter's, printed on its page
    page = (SITE / f"{WIDGETS[wid][0]}.html").read_text(encoding="utf-8")
    assert "stays below 10⁻⁶ of the start's" in t.page.locator(f"#{wid} dl").inner_text()
    original = tab(wid, fragment=f"#{wid}?scale=1&offset=0&standardize=0")
    assert check_ch05(original)["scale"] == 1
    shown = {"bad (s = 10)": t.shown(wid)["steps"], "original (s = 1)": original.shown(wid)["steps"]}
    for name, text in shown.items():
        assert re.search(rf">{re.escape(text)}<", page), f"{name}: the widget's {text} steps are not on the page"
    t.keys(f"#{wid} input[name=offset]", *["ArrowRight"] * 4)          # offset 2
    assert check_ch05(t)["offset"] == 2.0
    t.keys(f"#{wid} input[name=scale]", "ArrowLeft")                   # scale 7
    assert check_ch05(t)["scale"] == 7.0
    t.keys(f"#{wid} input[role=switch]", "Space")                      # standardize
    r = check_ch05(t)
    assert r["standardize"] and r["steps"] == 1 and r["kappa"] == pytest.approx(1, abs=1e-9)
    t.page.get_by_label(re.compile("^standardize")).click()            # by mouse: off again
    assert not check_ch05(t)["standardize"]
    t.click_slider(f"#{wid} input[name=scale]", 1.0)                   # scale 100: kappa of 10^4
    r = check_ch05(t)
    assert r["scale"] == 100 and r["steps"] is None
    t.click_slider(f"#{wid} input[name=scale]", 0.0)                   # scale 0.1
    assert check_ch05(t)["scale"] == 0.1
    fragment = t.hash(wid, {"scale", "offset", "standardize"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def check_ch06(t, wid="ch06-noise"):
    r = t.results(wid)
    x, y = DATA.x_train, DATA.y_train
    N, B = x.size, r["batch"]
    steps = dk.widgets.noise_ball_explorer(x, y, THETA0).data["num_steps"]
    epochs = steps * B // N
    order = widget_batches(N, B, epochs, seed=r["seed"], replacement=r["sampling"] == "replacement")
    js = t.page.evaluate(f"() => window.__widgets['{wid}'].batches()")
    assert js == [b.tolist() for epoch in order for b in epoch], "the widget's batches are not widget_batches'"
    run = minibatch_sgd(mse_gradient_of(x, y), THETA0, r["lr"], num_samples=N, batch_size=B,
                        num_epochs=epochs, batch_order=order)
    assert (r["status"], r["num_steps"]) == (run.status, run.num_steps)
    close(r["path"], run.params)
    ball = noise_ball_readout(run, x, y, THETA0, r["lr"])
    shown = t.shown(wid)["radius"]
    assert r["settled"] == ball["settled"]
    close(r["drift"], ball["drift"], "drift of the average path")
    if run.diverged:
        assert r["rms"] is None and shown.startswith("the run diverged")
    else:
        radius = distance_to(run, least_squares_line(x, y), from_epoch=epochs // 2)
        close(r["rms"], radius, "RMS distance over the second half")
        if ball["settled"]:
            close(r["radius"], radius, "noise-ball radius")
            shows_sig(shown, radius, 3)
        else:
            assert r["radius"] is None
            whole = B == N and r["sampling"] == "shuffle"                # gradient descent: no noise
            assert shown.startswith("none: every batch" if whole else "not settled yet: still travelling"), shown
    return r


def test_ch06_by_keyboard_and_mouse(tab):
    wid = "ch06-noise"
    t = tab(wid)
    assert check_ch06(t)["settled"]                                     # B = 1, lr 0.1, reshuffled
    t.keys(f"#{wid} input[name=batch]", "ArrowRight", "ArrowRight")     # B = 4
    t.keys(f"#{wid} input[name=lr]", "ArrowLeft")                       # lr 0.07
    r = check_ch06(t)
    assert (r["batch"], r["lr"]) == (4, 0.07)
    t.keys(f"#{wid} input[type=radio][value=shuffle]", "ArrowDown")     # with replacement
    assert check_ch06(t)["sampling"] == "replacement"
    t.page.get_by_role("button", name="Draw new random batches").focus()
    t.page.keyboard.press("Enter")
    assert check_ch06(t)["seed"] == 1
    # by mouse
    t.page.get_by_text("reshuffled every epoch").click()
    t.page.get_by_label("zoom in on the minimum").click()
    t.click_slider(f"#{wid} input[name=batch]", 1.0)                    # B = 80: no noise
    r = check_ch06(t)
    assert (r["sampling"], r["zoom"], r["batch"]) == ("shuffle", True, 80)
    t.click_slider(f"#{wid} input[name=lr]", 1.0)                       # the largest rate
    check_ch06(t)
    t.keys(f"#{wid} input[name=batch]", "Home")
    radii = {}
    for sampling in ("shuffle", "replacement"):                         # the chapter's claim, at lr 0.2
        u = tab(wid, fragment=f"#{wid}?lr=0.2&batch=1&sampling={sampling}&seed=0&zoom=1")
        radii[sampling] = check_ch06(u)["radius"]
    assert radii["shuffle"] < radii["replacement"]
    # a small rate: after the widget's steps the run is still on its way, and it says so
    slow = tab(wid, fragment=f"#{wid}?lr=0.005&batch=1&sampling=shuffle&seed=0&zoom=0")
    r = check_ch06(slow)
    assert not r["settled"] and r["radius"] is None and r["rms"] > 0.5
    fragment = t.hash(wid, {"lr", "batch", "sampling", "seed", "zoom"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def check_ch02(t, wid="ch02-steps"):
    import torch

    r = t.results(wid)
    tt, speed = (torch.tensor(v) for v in make_roller_coaster(num_seconds=20, seed=0))

    def mse(p):
        return float(torch.mean((p[0] * tt**2 + p[1] * tt + p[2] - speed) ** 2))

    def grad(p):  # the chapter's way: autograd, in float64
        q = torch.tensor(p, requires_grad=True)
        torch.mean((q[0] * tt**2 + q[1] * tt + q[2] - speed) ** 2).backward()
        return q.grad.numpy()

    run = descend(grad, roller_coaster_start(), r["lr"], num_steps=2000, f=mse)
    assert (r["status"], r["num_steps"]) == (run.status, run.num_steps)
    close(r["path"], run.params)
    shown = min(r["epoch"], run.num_steps)
    assert r["shown"] == shown
    rmse = re.match(r"\S+(?: × 10\S+)?", t.shown(wid)["rmse"]).group(0)
    shows_sig(rmse, np.sqrt(run.losses[shown]), 3)
    return r


def test_ch02_by_keyboard_and_mouse(tab):
    wid = "ch02-steps"
    t = tab(wid)
    r = check_ch02(t)
    assert (r["lr"], r["epoch"], r["status"]) == (1e-5, 40, "completed")
    t.keys(f"#{wid} input[name=lr]", "End")                            # above 2 / lambda_max
    assert check_ch02(t)["status"] == "diverged"
    t.keys(f"#{wid} input[name=lr]", "Home", "ArrowRight")
    t.keys(f"#{wid} input[name=epoch]", "End")
    r = check_ch02(t)
    assert (r["lr"], r["epoch"]) == (1.1e-6, 2000)
    t.click_slider(f"#{wid} input[name=lr]", 0.75)
    t.click_slider(f"#{wid} input[name=epoch]", 0.1)
    check_ch02(t)
    fragment = t.hash(wid, {"lr", "epoch"})
    follow_link(tab, wid, fragment, snapshot(t, wid))


def check_ch08(t, wid="ch08-adaptive"):
    """The widget's runs against the package's. Where an optimiser hovers (RMSProp, Adam
    without decay) a rounding difference grows from step to step, so the chapter's gradient
    ``H @ e`` (which BLAS may round once, with a fused multiply-add) and the same gradient
    written out term by term, as the page computes it, part after a while. The path is held
    to 1e-9 to the package's run on the written-out gradient for every step, and to the
    package's run on ``H @ e`` up to the step where the two package runs part."""
    r = t.results(wid)
    rule = dk.widgets.adaptive_rule(r["method"], beta1=r["beta1"], beta2=r["beta2"], alpha=r["alpha"],
                                    bias_correction=r["bias"])
    H_rot, H_axes = valleys(r["kappa"])
    s = t.shown(wid)
    budget = 6200  # the chapter's, the same for every kappa
    for i, (shape, H, x0) in enumerate([("axes", H_axes, START_AXES), ("rotated", H_rot, START_ROT)]):
        js = r["runs"][shape]
        run = descend(lambda e, H=H: H @ e, x0, r["lr"], rule=rule, num_steps=budget)
        spelled = descend(lambda e, H=H: np.array([H[0, 0] * e[0] + H[0, 1] * e[1], H[1, 0] * e[0] + H[1, 1] * e[1]]),
                          x0, r["lr"], rule=rule, num_steps=budget)
        assert (js["status"], js["num_steps"]) == (spelled.status, spelled.num_steps), shape
        close(js["path"], spelled.params)
        n = min(run.num_steps, spelled.num_steps) + 1
        gap = np.abs(run.params[:n] - spelled.params[:n]) / (1 + np.abs(spelled.params[:n]))
        apart = np.flatnonzero(gap.max(axis=1) > 1e-10)
        horizon = int(apart[0]) if apart.size else n
        assert horizon >= min(n, 60), f"{shape}: the package's two runs part at step {horizon}"
        close(np.array(js["path"])[:horizon], run.params[:horizon])
        needed = spelled.steps_within(1e-3, minimum=[0.0, 0.0])
        assert js["needed"] == needed, shape
        if horizon == n == run.num_steps + 1:
            assert needed == run.steps_within(1e-3, minimum=[0.0, 0.0])
        if needed is not None:
            assert number(s["needed"][i]) == needed
        end = np.linalg.norm(spelled.params[-1])
        if end < 1e-15:  # rounding level: no denormal like 2.47e-323 is printed
            assert s["end"][i].startswith("below 10"), s["end"][i]
        else:
            shows_sig(s["end"][i], end, 3)
    # the paths take the chosen method's colour, the one the chapter's figures give it
    colour = {"gd": "dk-s0", "adagrad": "dk-s1", "rmsprop": "dk-s9", "adam": "dk-s4"}[r["method"]]
    classes = t.page.evaluate(
        f"() => [...document.getElementById({wid!r}).querySelectorAll('path')].map((p) => p.getAttribute('class') || '')")
    assert sum(colour in c.split() for c in classes) >= 3, classes  # two maps, two distance curves
    return r


def test_ch08_by_keyboard_and_mouse(tab):
    wid = "ch08-adaptive"
    t = tab(wid)
    r = check_ch08(t)                                                    # AdaGrad, rate 1, kappa 100
    assert (r["method"], r["lr"], r["kappa"]) == ("adagrad", 1.0, 100)
    assert (r["beta2"], r["alpha"]) == (0.999, 0.99)                     # Adam's and RMSProp's, the chapter's
    assert 3 * r["runs"]["axes"]["needed"] < r["runs"]["rotated"]["needed"]
    # the steps the widget shows at its defaults are the chapter's counts, printed on its page
    page = (SITE / f"{WIDGETS[wid][0]}.html").read_text(encoding="utf-8")
    for shape, text in zip(("axes", "rotated"), t.shown(wid)["needed"], strict=True):
        assert re.search(rf">{re.escape(text)}<", page), f"{shape}: the widget's {text} steps are not on the page"
    assert "6,200 steps for every κ" in t.page.locator(f"#{wid} .dk-help").inner_text()
    # keyboard alone: the optimiser's radio buttons, the sliders, the switch
    t.keys(f"#{wid} input[type=radio][value=adagrad]", "ArrowDown", "ArrowDown")   # Adam
    r = check_ch08(t)
    assert r["method"] == "adam"
    # a new optimiser starts at its own default rate, the widget's data (Adam 0.05)
    assert r["lr"] == dk.widgets.ADAPTIVE_LRS["adam"] == 0.05
    assert 3 * r["runs"]["axes"]["needed"] < r["runs"]["rotated"]["needed"]
    t.keys(f"#{wid} input[name=lr]", "ArrowLeft", "ArrowLeft")
    t.keys(f"#{wid} input[name=beta1]", "End")                           # beta1 0.99
    t.keys(f"#{wid} input[name=beta2]", "Home")                          # beta2 0.9
    r = check_ch08(t)
    assert (r["beta1"], r["beta2"]) == (0.99, 0.9) and r["lr"] < 1
    t.keys(f"#{wid} input[role=switch]", "Space")                        # no bias correction
    assert check_ch08(t)["bias"] is False
    t.keys(f"#{wid} input[type=radio][value='100']", "ArrowRight")        # kappa 1000
    assert check_ch08(t)["kappa"] == 1000
    # by mouse
    t.page.locator(f"#{wid}").get_by_text("gradient descent", exact=True).click()
    t.click_slider(f"#{wid} input[name=lr]", 0.9)
    r = check_ch08(t)
    assert r["method"] == "gd"
    t.page.locator(f"#{wid}").get_by_text("RMSProp", exact=True).click()
    assert t.results(wid)["lr"] == dk.widgets.ADAPTIVE_LRS["rmsprop"]
    t.page.locator(f"#{wid} label", has_text=re.compile("^10$")).click()
    t.click_slider(f"#{wid} input[name=lr]", 0.55)
    r = check_ch08(t)
    assert (r["method"], r["kappa"], r["alpha"]) == ("rmsprop", 10, 0.99)  # Adam's beta2 0.9 left alone
    t.keys(f"#{wid} input[name=alpha]", "ArrowRight")                    # alpha 0.995
    r = check_ch08(t)
    assert (r["alpha"], r["beta2"]) == (0.995, 0.9)
    fragment = t.hash(wid, {"method", "lr", "beta1", "beta2", "alpha", "bias", "kappa"})
    follow_link(tab, wid, fragment, snapshot(t, wid))
    # the chapter's claim from a link: AdaGrad along the axes needs the same steps for every kappa
    counts = set()
    for kappa in (10, 100, 1000):
        u = tab(wid, fragment=f"#{wid}?method=adagrad&lr=1&beta1=0.9&beta2=0.999&alpha=0.99&bias=1&kappa={kappa}")
        r = check_ch08(u)
        counts.add(r["runs"]["axes"]["needed"])
        assert r["runs"]["rotated"]["needed"] > 3 * r["runs"]["axes"]["needed"]
    assert len(counts) == 1


def _reordered_gradient(X, y, l2):
    """The gradient of the cross-entropy with its sums taken one by one, left to right."""
    n = y.size

    def grad(th):
        z = th[0] + np.cumsum(X * th[1:], axis=1)[:, -1]
        e = np.exp(-np.abs(z))
        r = np.where(z >= 0, 1 / (1 + e), e / (1 + e)) - y
        g = np.empty_like(th)
        g[0] = np.cumsum(r)[-1] / n
        g[1:] = np.cumsum(X * r[:, None], axis=0)[-1] / n + l2 * th[1:]
        return g

    return grad


def check_ch09(t, wid="ch09-logistic"):
    """The widget's run against the package's. Above the local limit the minimum repels the
    run, and any rounding (here: the order of a dot product's terms) grows at every step, so
    no two implementations agree for long: the package disagrees with itself, summed in
    another order, from some step on. The path is held to 1e-9 up to that step (the whole
    run below the limit); beyond it every step of the widget's path is held to the package's
    step from the same point, and every loss and accuracy to the package's at that point."""
    from descentkit.losses import cross_entropy_gradient_of, cross_entropy_of
    from descentkit.models import logistic_predict

    r = t.results(wid)
    X_raw, y, Xv_raw, yv, scaler, l2 = breast_cancer()
    X, Xv = (scaler.transform(X_raw), scaler.transform(Xv_raw)) if r["standardize"] else (X_raw, Xv_raw)
    d = WIDGETS[wid][1]().data["sets"]["standardized" if r["standardize"] else "raw"]
    assert r["lr"] == r["rate"] * d["safe_lr"]
    grad, loss = cross_entropy_gradient_of(X, y, l2), cross_entropy_of(X, y, l2)
    run = descend(grad, np.zeros(31), r["lr"], num_steps=1500, f=loss)
    assert (r["status"], r["num_steps"]) == (run.status, run.num_steps)
    other = descend(_reordered_gradient(X, y.astype(float), l2), np.zeros(31), r["lr"], num_steps=1500)
    apart = np.flatnonzero(np.abs(other.params - run.params).max(axis=1) > 1e-13 * (1 + np.abs(run.params).max()))
    horizon = int(apart[0]) if apart.size else run.num_steps + 1
    # (at 32-64 x the safe rate on standardized features it parts from itself by step ~16)
    assert horizon > 10
    js = np.array(r["path"])
    close(js[:horizon], run.params[:horizon])
    close(js[1:], js[:-1] - r["lr"] * np.array([grad(p) for p in js[:-1]]), "step from the same point")
    close(r["losses"], [loss(p) for p in js], "losses")
    for k in range(0, len(js), 50):
        assert r["val_acc"][k] == np.mean(logistic_predict(js[k], Xv) == yv), k
    rises = int(np.count_nonzero(np.diff(r["losses"]) > 1e-12))
    assert r["rises"] == rises
    if horizon > run.num_steps:
        assert rises == int(np.count_nonzero(np.diff(run.losses) > 1e-12))
        close(r["excess"], run.losses[-1] - d["loss_star"], "excess loss")
    # the distance to theta*, and "repels" only for a run that came near it and moved away
    dist = np.linalg.norm(js - np.array(d["theta_star"]), axis=1)
    close(r["dist"], dist, "distance to theta*")
    assert dist[r["closest"]] == dist.min()
    repelled = r["lr"] > d["local_lr"] and dist.min() < dist[0] / 2 and dist[-1] > 2 * dist.min()
    assert r["repelled"] == repelled
    if r["excess"] < 1e-10:
        assert r["verdict"].startswith("settles")
    elif r["lr"] > d["local_lr"]:
        assert r["verdict"].startswith("does not settle")
        assert ("repels" in r["verdict"]) == repelled
    else:
        assert "repels" not in r["verdict"]
    s = t.shown(wid)
    shows_sig(s["excess"], r["excess"], 3)
    assert s["rises"].startswith(f"{rises:,} of")
    return r


def test_ch09_by_keyboard_and_mouse(tab):
    wid = "ch09-logistic"
    t = tab(wid)
    r = check_ch09(t)                                                    # the chapter's 0.99 x safe
    assert (r["rate"], r["standardize"], r["rises"]) == (0.99, True, 0)  # the descent lemma
    # keyboard alone
    t.keys(f"#{wid} input[name=rate]", "ArrowRight", "ArrowRight", "ArrowRight")
    r = check_ch09(t)
    assert r["rate"] == 1.5
    t.page.keyboard.press("Tab")                                         # to the switch
    t.page.keyboard.press("Space")                                       # raw features
    r = check_ch09(t)
    assert r["standardize"] is False and r["rises"] > 0                  # 1.5 x safe rises on raw
    t.page.keyboard.press("Tab")
    t.page.keyboard.press("Enter")                                       # 0.99 x safe, by keyboard
    assert check_ch09(t)["rate"] == 0.99
    t.page.keyboard.press("Tab")
    t.page.keyboard.press("Enter")                                       # the local limit
    r = check_ch09(t)
    d = WIDGETS[wid][1]().data["sets"]["raw"]
    assert r["lr"] == d["local_lr"] / d["safe_lr"] * d["safe_lr"]
    # by mouse
    t.page.get_by_label(re.compile("^standardize")).click()
    t.click_slider(f"#{wid} input[name=rate]", 0.85)
    r = check_ch09(t)
    assert r["standardize"] and r["rate"] > 16
    fragment = t.hash(wid, {"rate", "standardize"})
    follow_link(tab, wid, fragment, snapshot(t, wid))
    # the chapter's sweep, from links: 16 x converges to rounding, 32 and 64 x never settle
    for rate, settles in [(16, True), (32, False), (64, False)]:
        u = tab(wid, fragment=f"#{wid}?rate={rate}&standardize=1")
        r = check_ch09(u)
        assert (r["excess"] < 1e-10) == settles and (r["excess"] > 1e-3) == (not settles)
    # raw features above the local limit: the run stays far from theta*, nothing repels it
    for rate in (16, 64):
        r = check_ch09(tab(wid, fragment=f"#{wid}?rate={rate}&standardize=0"))
        assert not r["repelled"] and "still far" in r["verdict"]


# --------------------------------------------------------------------------- for every reader


def _contrast(a, b):
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


COLOURS_JS = """(wid) => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const root = document.getElementById(wid);
  const bg = rgb(getComputedStyle(root.querySelector('.dk-figure')).backgroundColor);
  const pick = sel => [...root.querySelectorAll(sel)].map(el => {
    const s = getComputedStyle(el); return rgb(el instanceof SVGElement ? s.fill : s.color); });
  return {theme: document.documentElement.dataset.theme, bg,
          text: [...pick('.dk-caption'), ...pick('.dk-ticklabel'), ...pick('.dk-axislabel'), ...pick('label'),
                 ...pick('.dk-readout'), ...pick('.dk-button')]};
}"""


@pytest.mark.parametrize("wid", IDS)
def test_reads_in_light_and_dark_mode_and_screenshots(shared, wid):
    """Text at 4.5:1 or more in both themes; screenshots for review in
    _build/screenshots/widgets/<id>-<light|dark>-<1280|375>.png (the widgets as the page opens)."""
    t = shared(wid)
    SHOTS.mkdir(parents=True, exist_ok=True)
    el = t.page.locator(f"#{wid}")
    for scheme in ("light", "dark"):
        t.page.emulate_media(color_scheme=scheme)
        t.page.wait_for_function(f"() => document.documentElement.dataset.theme === '{scheme}'", timeout=5000)
        colours = t.page.evaluate(COLOURS_JS, wid)
        low = [c for c in colours["text"] if _contrast(c, colours["bg"]) < 4.5]
        assert not low, f"{wid} ({scheme}): text colours {low[:3]} on {colours['bg']} are below 4.5:1"
        for viewport in (VIEWPORT, PHONE):
            # tall enough for the whole widget: no sticky header drawn over a stitched shot
            t.page.set_viewport_size({"width": viewport["width"], "height": 2600})
            t.page.wait_for_timeout(150)  # the plots redraw at the new width
            el.scroll_into_view_if_needed()
            path = SHOTS / f"{wid}-{scheme}-{viewport['width']}.png"
            el.screenshot(path=str(path))
            assert path.stat().st_size > 5000
    t.page.emulate_media(color_scheme="light")
    t.page.set_viewport_size(VIEWPORT)


@pytest.mark.parametrize("wid", IDS)
def test_page_weight_stays_under_the_budget(shared, wid):
    """Everything the page loads, gzip-compressed as a server would send it, under 1.5 MB."""
    t = shared(wid)
    total = sum(t.sizes.values())
    widget_bytes = sum(v for k, v in t.sizes.items() if "/_static/widgets/" in k)
    doc = WIDGETS[wid][0]
    assert total <= WEIGHT_LIMIT, f"{doc}: {total / 1e6:.2f} MB on the wire (widget assets {widget_bytes / 1e3:.0f} kB)"
    assert 0 < widget_bytes < 20_000, f"{doc}: the widget scripts and styles weigh {widget_bytes / 1e3:.0f} kB compressed"
    # the d3 modules the framework draws with: from this site (Tab fails a request to another
    # host), the one file _ext/widgets.py makes of the pinned UMD builds
    d3 = {k: v for k, v in t.sizes.items() if "/_static/d3/" in k}
    assert [k.rsplit("/_static/", 1)[1] for k in d3] == ["d3/d3-modules.min.js"], f"{doc}: {sorted(d3)}"
    assert 0 < sum(d3.values()) < 40_000, f"{doc}: the d3 modules weigh {sum(d3.values()) / 1e3:.0f} kB compressed"
    assert t.page.evaluate("""() => ['scaleLinear', 'scaleLog', 'line', 'symbol', 'contours', 'interpolateViridis']
        .every(name => typeof window.d3[name] === 'function') && window.d3.timeYear === undefined""")
    print(f"{doc}: {total / 1e6:.3f} MB, widget assets {widget_bytes / 1e3:.1f} kB, d3 {sum(d3.values()) / 1e3:.1f} kB")


@pytest.mark.parametrize("wid", IDS)
def test_every_control_has_a_name_and_the_result_is_announced(shared, wid):
    t = shared(wid)
    facts = t.page.evaluate(f"""() => {{
      const root = document.getElementById('{wid}');
      const name = el => el.getAttribute('aria-label') || [...(el.labels || [])].map(l => l.textContent).join(' ').trim()
                         || (el.tagName === 'BUTTON' ? el.textContent.trim() : '');
      const fig = root.querySelector('figure.dk-figure');
      return {{
        figureRole: fig && fig.getAttribute('role'),
        unnamed: [...root.querySelectorAll('input, button')].filter(el => !name(el)).map(el => el.outerHTML.slice(0, 80)),
        sliders: [...root.querySelectorAll('input[type=range]')].map(el => el.getAttribute('aria-valuetext')),
        live: [...root.querySelectorAll('[role=status][aria-live=polite]')].length,
        caption: fig && document.getElementById(fig.getAttribute('aria-labelledby'))?.textContent.trim(),
        images: [...root.querySelectorAll('svg[role=img]')].map(s => s.getAttribute('aria-label')),
        note: root.querySelector('.dk-note').hidden,
      }};
    }}""")
    assert not facts["unnamed"], f"{wid}: controls without an accessible name: {facts['unnamed']}"
    assert facts["sliders"] and all(facts["sliders"]), f"{wid}: a slider without aria-valuetext"
    assert facts["live"] == 1, f"{wid}: the result is not announced (one role=status aria-live region)"
    assert facts["caption"], f"{wid}: the figure has no caption"
    # a figure with a figcaption may carry no other role (axe's aria-allowed-role)
    assert facts["figureRole"] is None, f"{wid}: the figure has role={facts['figureRole']}"
    assert all(len(label or "") > 20 for label in facts["images"]), f"{wid}: a plot without a description"
    assert facts["note"], f"{wid}: the no-JavaScript note is still shown"
    # the live region says the result once the reader pauses
    t.keys(f"#{wid} input[type=range] >> nth=0", "ArrowRight")
    t.page.wait_for_timeout(400)
    said = t.page.evaluate(f"() => document.querySelector('#{wid} [role=status]').textContent")
    assert len(said) > 20, f"{wid}: the live region is empty after a change"
    # a visible focus ring on every control reached with Tab
    t.page.locator(f"#{wid} input[type=range] >> nth=0").focus()
    rings = []
    for _ in range(4):
        rings.append(t.page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [document.activeElement.closest('.dk-widget') !== null, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""))
        t.page.keyboard.press("Tab")
    inside = [r for r in rings if r[0]]
    assert inside and all(style != "none" and width >= 2 for _, style, width in inside), f"{wid}: focus ring {rings}"


@pytest.mark.parametrize("wid", IDS)
def test_fits_375_px_and_answers_touch(tab, wid):
    t = tab(wid, viewport=PHONE, has_touch=True, is_mobile=True)
    box = t.page.evaluate(f"""() => {{ const r = document.querySelector('#{wid} .dk-figure').getBoundingClientRect();
        return {{left: r.left, right: r.right,
                 wide: [...document.querySelectorAll('#{wid} *')].filter(e => e.getBoundingClientRect().right > {PHONE['width']} + 0.5)
                       .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30)),
                 plots: [...document.querySelectorAll('#{wid} .dk-plot')].map(p => p.scrollWidth - p.clientWidth)}}; }}""")
    assert box["left"] >= 0 and box["right"] <= PHONE["width"] + 0.5, f"{wid}: the widget is wider than 375 px: {box}"
    assert not box["wide"], f"{wid}: parts stick out at 375 px: {box['wide'][:5]}"
    assert max(box["plots"]) <= 1, f"{wid}: a plot overflows its box"
    slider = t.page.locator(f"#{wid} input[type=range] >> nth=0")
    slider.scroll_into_view_if_needed()
    before = t.state(wid)
    sbox = slider.bounding_box()
    t.page.touchscreen.tap(sbox["x"] + sbox["width"] * 0.95, sbox["y"] + sbox["height"] / 2)
    assert t.state(wid) != before, f"{wid}: a tap on the slider changed nothing"
    if wid == "ch03-start":                                             # the draggable start, by finger
        t.page.locator(f"#{wid} .dk-plot >> nth=0").scroll_into_view_if_needed()
        xy = t.page.evaluate(f"() => window.__widgets['{wid}'].mapClient(3.0, 0.0)")
        t.page.touchscreen.tap(xy["x"], xy["y"])
        assert check_ch03(t)["start"] == pytest.approx([3.0, 0.0], abs=0.06)


@pytest.mark.parametrize("wid", IDS)
def test_without_javascript_the_note_links_here_and_the_static_figure_stays(tab, wid):
    doc, _, figure = WIDGETS[wid]
    t = tab(wid, java_script_enabled=False)
    note = t.page.locator(f"#{wid} .dk-note")
    assert note.is_visible(), f"{wid}: no note without JavaScript"
    assert note.locator("a").get_attribute("href") == f"{SITE_URL}{doc}.html#{wid}"
    order = t.page.evaluate(f"""() => {{ const fig = document.getElementById('{figure}'), w = document.getElementById('{wid}');
        return fig ? !!(fig.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING) : null; }}""")
    assert order is True, f"{wid}: the static figure {figure} is missing or not before the widget"


def test_a_widget_starts_as_the_reader_nears_it_or_at_once_when_linked(tab):
    """Its computing waits for the reader (Lighthouse: no long task at load), except when linked."""
    wid = "ch07-momentum"
    t = tab(wid, eager=False)
    state = f"() => document.getElementById('{wid}').dataset"
    t.page.wait_for_timeout(500)
    assert t.page.evaluate(state).get("dkWaiting") == "1", f"{wid} started far below the first screen"
    assert t.page.evaluate(f"() => !window.__widgets['{wid}']")
    t.page.locator(f"#{wid}").scroll_into_view_if_needed()
    t.page.wait_for_function(f"() => !!window.__widgets['{wid}']", timeout=15000)
    assert t.page.evaluate(state).get("dkReady") == "1"
    lr = t.page.evaluate(f"() => JSON.parse(document.querySelector('#{wid} .dk-data').textContent).rates[3]")
    linked = tab(wid, eager=False, fragment=f"#{wid}?lr={lr}")
    linked.page.wait_for_function(f"() => !!window.__widgets['{wid}']", timeout=15000)
    assert linked.state(wid)["lr"] == lr
    assert not t.errors and not linked.errors


def test_every_chapter_page_has_a_widget():
    """Chapters 1 to 9 (issue 14); a later chapter adds its widget to WIDGETS when it has one."""
    chapters = sorted(p.stem for p in (BOOK / "book").glob("0[1-9]_*.ipynb"))
    pages = {doc.split("/")[1] for doc, _, _ in WIDGETS.values()}
    assert set(chapters) <= pages, f"chapters without a widget: {sorted(set(chapters) - pages)}"
    for doc, _, _ in WIDGETS.values():
        assert 'class="dk-widget"' in (SITE / f"{doc}.html").read_text(encoding="utf-8"), f"{doc}: no widget built"

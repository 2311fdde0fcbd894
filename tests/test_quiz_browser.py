"""The chapters' concept questions on the built site, answered in headless Chromium.

For every chapter page, in the light theme at desktop width and in the dark theme at
375 px wide, this answers every option of every question (and, for a numeric question,
every known mistake, the correct number and some other number) and checks the feedback
that appears: it is the one for that option, with the right verdict, the text of the
quiz cell (``_ext/quiz.py``'s :func:`quiz.parse_quiz` reads the same notebook cell as the
build), readable (contrast at least 4.5:1 against its background), and alone. Options are
chosen with the mouse in one pass (a click shows its feedback at once) and with the
keyboard in the other (Space on the first option; then, for each further one, ArrowDown,
which must show and announce nothing, and Enter or Space to confirm). Another pass arrows
through every option of every question and checks that nothing is shown or said until the
reader confirms (Enter, Space or the question's Check button), and that a numeric answer
is not judged while it is typed. A further pass, with JavaScript off, checks that the
multiple-choice feedback still appears (CSS only) and that numeric answers stay readable
in their <details>. Then: the questions fit 375 px, every radio button and text box has a label, every fieldset a
legend, and no console error or request to another host happened.

Run after the build, like tests/test_browser.py (same SITE_DIR and CHROMIUM overrides).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import queue
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from course_tree import cell_source, chapters
from quiz import parse_quiz, quiz_cells, quiz_id

pytestmark = [pytest.mark.site, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
BOOK = SITE.parent.parent if (SITE.parent.parent / "_toc.yml").is_file() else ROOT
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
MIN_CONTRAST = 4.5
CHAPTERS = chapters(BOOK)


def _quiz(path: Path):
    ((_, cell),) = quiz_cells(json.loads(path.read_text()))
    return parse_quiz(cell_source(cell))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def base_url():
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"no built site at {SITE}: run `make site` first (or set SITE_DIR)", pytrace=False
        )
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(SITE))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _BrowserThread:
    """Chromium driven from a thread of its own.

    Playwright's sync API refuses to start while another sync_playwright() is active in
    the same thread, and tests/test_browser.py keeps one open for the whole session. A
    thread has no such loop, so this module's browser lives in one, and each test sends
    its body there (its exceptions, assertion errors included, come back to the test).
    """

    def __init__(self):
        self.jobs, self.ready, self.error = queue.Queue(), threading.Event(), None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        self.ready.wait(120)
        if self.error is not None:
            raise self.error

    def _serve(self):
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                self.ready.set()
                while (job := self.jobs.get()) is not None:
                    fn, box = job
                    try:
                        box["result"] = fn(browser)
                    except BaseException as exc:  # noqa: BLE001 - handed back to the test
                        box["error"] = exc
                    box["done"].set()
                browser.close()
        except BaseException as exc:  # noqa: BLE001 - start-up failure, raised in __init__
            self.error = exc
            self.ready.set()

    def run(self, fn):
        box = {"done": threading.Event()}
        self.jobs.put((fn, box))
        box["done"].wait()
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def close(self):
        self.jobs.put(None)
        self.thread.join(60)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: run scripts/install_browser.sh (or set CHROMIUM)",
            pytrace=False,
        )
    worker = _BrowserThread()
    yield worker
    worker.close()


class Page:
    """One chapter page in one browser context, with what went wrong on the way."""

    def __init__(
        self, browser, base_url, path, *, scheme="light", viewport=DESKTOP, javascript=True
    ):
        self.context = browser.new_context(
            color_scheme=scheme, viewport=viewport, java_script_enabled=javascript
        )
        self.page = self.context.new_page()
        self.errors, self.off_machine = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

        def on_request(request):
            if urlparse(request.url).scheme in (
                "http",
                "https",
                "ws",
                "wss",
            ) and not request.url.startswith(base_url):
                self.off_machine.append(request.url)

        self.page.on("request", on_request)
        self.page.goto(f"{base_url}book/{path.stem}.html", wait_until="load")
        if javascript:
            self.page.evaluate(
                "async () => { if (window.MathJax?.startup?.promise) await MathJax.startup.promise;"
                " await document.fonts.ready; }"
            )

    def close(self):
        self.context.close()


# Visible feedback of one question, as text without the rendered math (checked against the
# quiz cell's text with the math left out), and its contrast against its background.
SHOWN_JS = r"""
(qid) => {
  const q = document.getElementById(qid);
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const contrast = el => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const plain = el => {
    const c = el.cloneNode(true);
    c.querySelectorAll(".katex, [aria-hidden=true]").forEach(m => m.remove());
    return c.textContent.replace(/\s+/g, " ").trim();
  };
  const visible = [...q.querySelectorAll(".dk-quiz-feedback .dk-quiz-fb")].filter(e => e.checkVisibility());
  return {
    verdict: q.getAttribute("data-verdict"),
    live: q.querySelector(".dk-quiz-feedback").getAttribute("role"),
    shown: visible.map(e => ({
      option: e.getAttribute("data-option"), value: e.getAttribute("data-value"),
      verdict: e.getAttribute("data-verdict"), text: plain(e),
      contrast: Math.min(contrast(e), ...[...e.querySelectorAll("strong")].map(contrast)),
      mathOk: [...e.querySelectorAll(".math")].every(m => m.querySelector(".katex .katex-html") && m.querySelector(".katex-mathml math")),
    })),
  };
}
"""

LAYOUT_JS = r"""
() => [...document.querySelectorAll(".dk-quiz-q")].map(q => {
  const r = q.getBoundingClientRect();
  return {
    id: q.id, right: r.right, left: r.left, scroll: q.scrollWidth, client: q.clientWidth,
    legend: !!q.querySelector(":scope > legend") && q.querySelector(":scope > legend").textContent.trim().length > 10,
    unlabelled: [...q.querySelectorAll("input")].filter(i => i.labels.length !== 1 || !i.labels[0].textContent.trim())
        .map(i => i.id),
    tooSmall: [...q.querySelectorAll("input[type=radio], label, button")].filter(e => {
        const b = e.getBoundingClientRect(); return b.width > 0 && b.height < 14; }).map(e => e.id || e.tagName),
  };
})
"""


def _plain(markdown: str) -> list[str]:
    """The pieces of a feedback's Markdown between its math, without markup."""
    text = re.sub(r"\$[^$]+\$", "\x00", markdown)
    text = text.replace("**", "").replace("`", "").replace("*", "")
    pieces = [" ".join(p.split()).strip() for p in text.split("\x00")]
    return [p for p in pieces if len(p) >= 3]


def _normal(text: str) -> str:
    return " ".join(
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .split()
    )


def _check_shown(
    state, *, key: str, expected: str, correct: bool, feedback: str, where: str, label: str = ""
):
    shown = state["shown"]
    assert len(shown) == 1, (
        f"{where}: {len(shown)} feedbacks visible (want exactly the chosen one): {shown}"
    )
    fb = shown[0]
    assert fb[key] == expected, f"{where}: the feedback shown is for {fb[key]!r}"
    assert fb["verdict"] == ("correct" if correct else "incorrect"), (
        f"{where}: verdict {fb['verdict']}"
    )
    assert state["verdict"] == fb["verdict"], (
        f"{where}: the question is marked {state['verdict']!r}"
    )
    assert state["live"] == "status", f"{where}: the feedback is not in a live region"
    text = _normal(fb["text"])
    verdict = "Correct." if correct else "Incorrect."
    assert text.startswith(f"{label}{verdict}"), f"{where}: the feedback starts {text[:40]!r}"
    for piece in _plain(feedback):
        assert _normal(piece) in text, (
            f"{where}: {piece!r} is missing from the feedback shown: {text!r}"
        )
    assert fb["contrast"] >= MIN_CONTRAST, (
        f"{where}: feedback contrast {fb['contrast']:.2f} < {MIN_CONTRAST}"
    )
    assert fb["mathOk"], f"{where}: math in the feedback is not rendered"


def _assert_nothing_shown(pw, qid: str, where: str):
    """No feedback of question ``qid`` is visible and its live region has nothing to say."""
    state = pw.evaluate(SHOWN_JS, qid)
    assert not state["shown"], f"{where}: feedback shown before it was asked for: {state['shown']}"
    assert state["verdict"] in (None, ""), f"{where}: the question is marked {state['verdict']!r}"
    said = pw.locator(f"#{qid} .dk-quiz-feedback").inner_text().strip()
    assert not said, f"{where}: the live region reads {said!r}"


def _other_number(q) -> float:
    known = [a.value for a in q.answers if a.value is not None]
    candidate = abs(q.answer) * 7 + 123.25
    while any(abs(candidate - k) <= 10 * q.tolerance for k in known):
        candidate += 1
    return candidate


def _answer_every_option(page, path, quiz, *, keyboard: bool, where: str):
    qz = quiz_id(f"book/{path.stem}")
    pw = page.page
    for q in quiz.questions:
        qid = f"{qz}-{q.number}"
        state = pw.evaluate(SHOWN_JS, qid)
        assert not state["shown"], f"{where} question {q.number}: feedback shown before any answer"
        if q.kind == "choice":
            for i, o in enumerate(q.options):
                radio = pw.locator(f"#{qid}-{o.letter.lower()}")
                if not keyboard:
                    pw.locator(f"label[for={qid}-{o.letter.lower()}]").click()
                elif i == 0:
                    radio.focus()
                    pw.keyboard.press("Space")  # chooses the focused option: confirmed at once
                else:
                    pw.keyboard.press("ArrowDown")  # moves the focus and the choice on ...
                    _assert_nothing_shown(pw, qid, f"{where} question {q.number} option {o.letter}")
                    pw.keyboard.press("Enter" if i % 2 else "Space")  # ... judged when confirmed
                assert radio.is_checked(), (
                    f"{where} question {q.number}: option {o.letter} is not checked"
                )
                _check_shown(
                    pw.evaluate(SHOWN_JS, qid),
                    key="option",
                    expected=o.letter,
                    correct=o.correct,
                    feedback=o.feedback,
                    where=f"{where} question {q.number} option {o.letter}",
                )
        else:
            box = pw.locator(f"#{qid}-input")
            assert box.is_visible(), f"{where} question {q.number}: no text box"
            box.fill("not a number")
            box.press("Enter")
            assert "Type a number" in pw.locator(f"#{qid} .dk-quiz-feedback").inner_text()
            for a in q.answers:
                typed = _other_number(q) if a.value is None else a.value
                box.fill(f"{typed:g}")
                if keyboard:
                    box.press("Enter")
                else:
                    pw.locator(f"#{qid} .dk-quiz-check").click()
                label = f"{a.label} (within {q.tolerance:g}): " if a.correct else f"{a.label}: "
                _check_shown(
                    pw.evaluate(SHOWN_JS, qid),
                    key="value",
                    expected="other" if a.value is None else repr(a.value),
                    correct=a.correct,
                    feedback=a.feedback,
                    label=label,
                    where=f"{where} question {q.number} answer {typed:g}",
                )


def _clean(page, where):
    assert not page.errors, f"{where}: console errors:\n" + "\n".join(page.errors)
    assert not page.off_machine, f"{where}: requests that leave the machine:\n" + "\n".join(
        page.off_machine
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_option_light_desktop_mouse(browser, base_url, path):
    browser.run(lambda chromium: _light_desktop_mouse(chromium, base_url, path))


def _light_desktop_mouse(browser, base_url, path):
    page = Page(browser, base_url, path, scheme="light", viewport=DESKTOP)
    try:
        assert page.page.evaluate("document.documentElement.dataset.theme") == "light"
        _answer_every_option(page, path, _quiz(path), keyboard=False, where=f"{path.stem} (light)")
        _clean(page, path.stem)
    finally:
        page.close()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_option_dark_375px_keyboard(browser, base_url, path):
    browser.run(lambda chromium: _dark_375px_keyboard(chromium, base_url, path))


def _dark_375px_keyboard(browser, base_url, path):
    page = Page(browser, base_url, path, scheme="dark", viewport=PHONE)
    try:
        assert page.page.evaluate("document.documentElement.dataset.theme") == "dark"
        layout = page.page.evaluate(LAYOUT_JS)
        assert len(layout) == len(_quiz(path).questions)
        for box in layout:
            assert box["left"] >= 0 and box["right"] <= PHONE["width"] + 0.5, (
                f"{box['id']} sticks out at 375 px: {box}"
            )
            assert box["scroll"] <= box["client"] + 1, (
                f"{box['id']} scrolls sideways at 375 px: {box}"
            )
            assert box["legend"], f"{box['id']}: no legend"
            assert not box["unlabelled"], (
                f"{box['id']}: inputs without a label: {box['unlabelled']}"
            )
            assert not box["tooSmall"], (
                f"{box['id']}: controls less than 14 px high: {box['tooSmall']}"
            )
        _answer_every_option(
            page, path, _quiz(path), keyboard=True, where=f"{path.stem} (dark, 375 px)"
        )
        _clean(page, path.stem)
    finally:
        page.close()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_feedback_without_javascript(browser, base_url, path):
    """CSS alone shows the chosen option's feedback; numeric answers read in their <details>."""
    browser.run(lambda chromium: _without_javascript(chromium, base_url, path))


def _without_javascript(browser, base_url, path):
    page = Page(browser, base_url, path, javascript=False)
    pw = page.page
    qz = quiz_id(f"book/{path.stem}")
    try:
        for q in _quiz(path).questions:
            qid = f"{qz}-{q.number}"
            if q.kind == "choice":
                for o in q.options:
                    pw.locator(f"label[for={qid}-{o.letter.lower()}]").click()
                    shown = pw.locator(f"#{qid} .dk-quiz-feedback .dk-quiz-fb:visible")
                    assert shown.count() == 1, (
                        f"{qid} option {o.letter}: {shown.count()} feedbacks visible without JS"
                    )
                    assert shown.get_attribute("data-option") == o.letter
                    assert (
                        shown.inner_text()
                        .strip()
                        .lstrip("\u2713\u2717 ")
                        .startswith("Correct." if o.correct else "Incorrect.")
                    )
            else:
                assert not pw.locator(f"#{qid}-input").is_visible(), (
                    f"{qid}: a text box that cannot work without JS"
                )
                answers = pw.locator(f"#{qid} details.dk-quiz-answers")
                answers.locator("summary").click()
                assert answers.locator(".dk-quiz-fb:visible").count() == len(q.answers)
        assert not page.errors, f"{path.stem} without JS: console errors: {page.errors}"
    finally:
        page.close()


CONFIRM = ("Enter", "Space", "Check")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_arrow_keys_select_without_revealing(browser, base_url, path):
    """Arrowing through the options shows and says nothing; the confirmed option's feedback then
    appears (Enter, Space or Check, in turn); a number is judged only when it is checked."""
    browser.run(lambda chromium: _arrow_keys(chromium, base_url, path))


def _arrow_keys(browser, base_url, path):
    page = Page(browser, base_url, path, scheme="light", viewport=DESKTOP)
    pw, qz = page.page, quiz_id(f"book/{path.stem}")
    try:
        for q in _quiz(path).questions:
            qid, where = f"{qz}-{q.number}", f"{path.stem} question {q.number}"
            how = CONFIRM[q.number % len(CONFIRM)]
            check = pw.locator(f"#{qid} button.dk-quiz-check")
            assert check.count() == 1 and check.is_visible(), f"{where}: no visible Check button"
            assert check.inner_text().strip() == "Check", f"{where}: {check.inner_text()!r}"
            if q.kind == "numeric":
                _type_a_number(pw, qid, q, how, where)
                continue
            if q.number == 1:  # Check with nothing chosen asks for a choice, in the live region
                check.click()
                note = pw.locator(f"#{qid} .dk-quiz-feedback").inner_text().strip()
                assert note == "Choose an option first.", f"{where}: the live region reads {note!r}"
                assert not pw.evaluate(SHOWN_JS, qid)["shown"]
            n = len(q.options)
            target = next(i for i, o in enumerate(q.options) if o.correct)
            pw.locator(f"#{qid}-a").focus()  # focus alone checks nothing
            # from A: every other option, A again (the group wraps), then on to the correct one
            for step in range(1, n + target + 1):
                pw.keyboard.press("ArrowDown")
                o = q.options[step % n]
                assert pw.locator(f"#{qid}-{o.letter.lower()}").is_checked(), (
                    f"{where}: ArrowDown did not move the choice to {o.letter}"
                )
                _assert_nothing_shown(pw, qid, f"{where} after ArrowDown to {o.letter}")
            o = q.options[target]
            if how == "Check":
                check.click()
            else:
                pw.keyboard.press(how)
            _check_shown(
                pw.evaluate(SHOWN_JS, qid),
                key="option",
                expected=o.letter,
                correct=o.correct,
                feedback=o.feedback,
                where=f"{where} option {o.letter} confirmed with {how}",
            )
            if how == "Check":
                pw.locator(f"#{qid}-{o.letter.lower()}").focus()
            pw.keyboard.press("ArrowUp")  # a new choice hides the feedback of the last one
            _assert_nothing_shown(pw, qid, f"{where} after ArrowUp from {o.letter}")
            o = q.options[(target - 1) % n]
            pw.locator(f"#{qid}-{o.letter.lower()}").click()  # the radio button itself
            _check_shown(
                pw.evaluate(SHOWN_JS, qid),
                key="option",
                expected=o.letter,
                correct=o.correct,
                feedback=o.feedback,
                where=f"{where} option {o.letter} clicked after the arrow keys",
            )
        _clean(page, path.stem)
    finally:
        page.close()


def _type_a_number(pw, qid, q, how, where):
    """Typing the right number, key by key, judges nothing; Enter or Check does; an edit (or
    leaving the box) takes the verdict away again without judging the new number."""
    box = pw.locator(f"#{qid}-input")
    box.click()
    for key in f"{q.answer:g}":
        pw.keyboard.type(key)
        _assert_nothing_shown(pw, qid, f"{where} while typing {box.input_value()!r}")
    if how == "Check":
        pw.locator(f"#{qid} .dk-quiz-check").click()
    else:
        box.press("Enter")
    a = q.answers[0]
    _check_shown(
        pw.evaluate(SHOWN_JS, qid),
        key="value",
        expected=repr(a.value),
        correct=True,
        feedback=a.feedback,
        label=f"{a.label} (within {q.tolerance:g}): ",
        where=f"{where} answer {q.answer:g} checked with {how}",
    )
    box.press("End")
    pw.keyboard.type("7")
    _assert_nothing_shown(pw, qid, f"{where} after editing the checked number")
    box.blur()
    _assert_nothing_shown(pw, qid, f"{where} after leaving the box")

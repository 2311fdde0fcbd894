/* The course's concept questions (_ext/quiz.py writes the HTML): plain JavaScript, no library.
 *
 * Multiple choice: the feedback of every option is already in the page, hidden by quiz.css
 * until its radio button is checked (CSS :has, so it works without this script too). This
 * script also marks the question with data-chosen (for browsers without :has) and with the
 * verdict, for styling. Numeric: the text box and Check button are shown only when this
 * script runs; Check (or Enter) shows the feedback for the number typed in the question's
 * live region. Without the script the answers stay readable in "Show the answer and why".
 */
(function () {
  "use strict";

  function parseNumber(text) {
    var t = String(text).trim().replace(/\s+/g, "").replace(/\u2212/g, "-").replace(/,/g, ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) { return NaN; }
    return Number(t);
  }

  function initChoice(q) {
    var inputs = q.querySelectorAll("input[type=radio]");
    function show(input) {
      q.setAttribute("data-chosen", input.value);
      var fb = q.querySelector('.dk-quiz-fb[data-option="' + input.value + '"]');
      q.setAttribute("data-verdict", fb ? fb.getAttribute("data-verdict") : "");
    }
    inputs.forEach(function (input) {
      input.addEventListener("change", function () { show(input); });
      if (input.checked) { show(input); }  // kept by the browser on back/forward
    });
  }

  function initNumeric(q) {
    var row = q.querySelector(".dk-quiz-numeric-row");
    var input = q.querySelector(".dk-quiz-input");
    var button = q.querySelector(".dk-quiz-check");
    var live = q.querySelector(".dk-quiz-feedback");
    var answer = Number(q.getAttribute("data-answer"));
    var tol = Number(q.getAttribute("data-tolerance"));
    if (!row || !input || !button || !live) { return; }
    row.hidden = false;

    function check() {
      var v = parseNumber(input.value);
      var items = q.querySelectorAll(".dk-quiz-answers .dk-quiz-fb");
      var chosen = null;
      if (isNaN(v)) {
        live.textContent = "Type a number, for example 0.5.";
        q.setAttribute("data-verdict", "invalid");
        return;
      }
      var slack = tol * (1 + 1e-9) + 1e-12 * Math.abs(answer);
      items.forEach(function (fb) {
        var value = fb.getAttribute("data-value");
        if (!chosen && value !== "other" && Math.abs(v - Number(value)) <= slack) { chosen = fb; }
      });
      if (!chosen) { chosen = q.querySelector('.dk-quiz-answers .dk-quiz-fb[data-value="other"]'); }
      var copy = chosen.cloneNode(true);
      copy.removeAttribute("id");
      live.replaceChildren(copy);
      q.setAttribute("data-verdict", chosen.getAttribute("data-verdict"));
    }

    button.addEventListener("click", check);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); check(); }
    });
  }

  function init() {
    document.querySelectorAll(".dk-quiz-q").forEach(function (q) {
      if (q.getAttribute("data-kind") === "numeric") { initNumeric(q); } else { initChoice(q); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

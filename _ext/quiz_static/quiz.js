/* The course's concept questions (_ext/quiz.py writes the HTML): plain JavaScript, no library.
 *
 * Multiple choice: the feedback of every option is already in the page, inside the
 * question's live region (role="status"), hidden by quiz.css. Without this script, CSS
 * (:has) shows the feedback of the checked radio button. With it, the question is marked
 * data-js and the feedback follows data-shown instead, which this script sets only when
 * the reader *confirms* a choice:
 *
 * - a click or tap on an option (or Space on it, a screen reader's activation, ...: every
 *   "click" of the radio button, and Space on the option already checked) confirms that
 *   option at once;
 * - the arrow keys, which in a radio group move the focus *and* check the next option,
 *   only select: the feedback shown so far is hidden and nothing is announced, so going
 *   from A to C does not tell the reader whether B was right;
 * - Enter on an option, or the question's Check button (added here), confirms the
 *   option checked; with none checked, the live region asks for one.
 *
 * Numeric: the text box and Check button are shown only when this script runs; Check (or
 * Enter) shows the feedback for the number typed in the question's live region, and any
 * edit of the number takes the feedback away again (nothing is judged while typing).
 * Without the script the answers stay readable in "Show the answer and why".
 */
(function () {
  "use strict";

  var ARROWS = { ArrowUp: 1, ArrowDown: 1, ArrowLeft: 1, ArrowRight: 1, Up: 1, Down: 1, Left: 1, Right: 1 };

  function parseNumber(text) {
    var t = String(text).trim().replace(/\s+/g, "").replace(/\u2212/g, "-").replace(/,/g, ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) { return NaN; }
    return Number(t);
  }

  function checkButton() {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dk-quiz-check";
    button.textContent = "Check";
    return button;
  }

  function initChoice(q) {
    var inputs = Array.prototype.slice.call(q.querySelectorAll("input[type=radio]"));
    var live = q.querySelector(".dk-quiz-feedback");
    if (!inputs.length || !live) { return; }
    var arrowing = false;  // true from an arrow key's keydown to the end of its task

    var note = document.createElement("p");  // "Choose an option first.", in the live region
    note.className = "dk-quiz-note";
    live.insertBefore(note, live.firstChild);
    var row = document.createElement("div");
    row.className = "dk-quiz-actions";
    var button = checkButton();
    row.appendChild(button);
    q.insertBefore(row, live);
    q.setAttribute("data-js", "");  // quiz.css: the feedback now follows data-shown

    function checked() {
      for (var i = 0; i < inputs.length; i++) { if (inputs[i].checked) { return inputs[i]; } }
      return null;
    }
    function hide() {
      q.removeAttribute("data-shown");
      q.removeAttribute("data-verdict");
      note.textContent = "";
    }
    function select(input) {  // the arrow keys: a new selection, judged only when confirmed
      q.setAttribute("data-chosen", input.value);
      hide();
    }
    function confirm() {
      var input = checked();
      if (!input) {
        hide();
        note.textContent = "Choose an option first.";
        return;
      }
      var fb = q.querySelector('.dk-quiz-fb[data-option="' + input.value + '"]');
      note.textContent = "";
      q.setAttribute("data-chosen", input.value);
      q.setAttribute("data-verdict", fb ? fb.getAttribute("data-verdict") : "");
      q.setAttribute("data-shown", input.value);
    }
    function picked(input) {
      if (arrowing) { select(input); } else { confirm(); }
    }

    inputs.forEach(function (input) {
      input.addEventListener("keydown", function (event) {
        if (ARROWS[event.key]) {
          arrowing = true;  // the browser checks the next option right after this event
          setTimeout(function () { arrowing = false; }, 0);
        } else if (event.key === "Enter") {
          event.preventDefault();
          confirm();
        }
      });
      input.addEventListener("keyup", function (event) {
        // Space on the option already checked: no click from the browser, but a confirmation
        if ((event.key === " " || event.key === "Spacebar") && input.checked) { confirm(); }
      });
      input.addEventListener("click", function () { picked(input); });
      input.addEventListener("change", function () { picked(input); });
      if (input.checked) { q.setAttribute("data-chosen", input.value); }  // kept on back/forward
    });
    button.addEventListener("click", confirm);
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
    input.addEventListener("input", function () {  // the feedback shown was for another number
      if (live.firstChild) { live.replaceChildren(); }
      q.removeAttribute("data-verdict");
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

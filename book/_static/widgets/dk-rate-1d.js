/* Chapter 1: a learning-rate slider and a Step button on the parabola f(x) = a x^2 + b x + c.
   The steps are descentkit.optim.descend with df(x) = 2a x + b; the factor is 1 - lr f'' and
   the regime descentkit.curvature.classify_lr's, in the chapter's words. */
(function () {
  "use strict";
  const {h} = DK;

  // descentkit.curvature.classify_lr (equalities within 1e-12).
  function classify(lr, curv) {
    const r = 1 - lr * curv, eps = 1e-12;
    if (Math.abs(r) <= eps) return "converges in one step";
    if (Math.abs(r + 1) <= eps) return "oscillates forever";
    if (r > 0) return "converges from one side";
    if (r > -1) return "overshoots, converges";
    return "diverges";
  }

  function poly(a, b, c) {
    const term = (k, s, first) => (k === 0 ? "" : `${k < 0 ? (first ? "\u2212" : " \u2212 ") : first ? "" : " + "}${Math.abs(k) === 1 && s ? "" : Math.abs(k)}${s}`);
    return `f(x) = ${term(a, "x\u00b2", true)}${term(b, "x", false)}${term(c, "", false)}`;
  }

  DK.register("rate-1d", (root, d) => {
    const f = (x) => d.a * x * x + d.b * x + d.c;
    const df = (p) => [d.slope * p[0] + d.intercept];
    const state = {lr: d.lr, steps: 0};
    const fig = DK.frame(root, {
      title: `Try a learning rate on ${poly(d.a, d.b, d.c)}`,
      hint: `Choose \u03b7 with the slider (arrow keys move it by 0.01), then press Step to take one step ` +
            `from x\u2080 = ${d.x0}. Each step multiplies the distance to the minimum by 1 \u2212 ${d.curvature}\u03b7. ` +
            `On the right, dotted: the distance over the next 10 steps at this \u03b7; solid: the steps taken so far.`,
    });
    const slider = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr,
                              format: (v) => String(v), name: "lr"});
    const stepBtn = DK.button("Step", () => { state.steps = Math.min(d.max_steps, state.steps + 1); changed(true); });
    const runBtn = DK.button(`${20} steps`, () => { state.steps = Math.min(d.max_steps, state.steps + 20); changed(true); },
                             {"aria-label": "Take 20 more steps"});
    const resetBtn = DK.button("Reset", () => { state.steps = 0; changed(true); }, {"aria-label": "Back to the start x0"});
    const live = DK.live();
    const factorOut = h("span", {class: "dk-value", "data-dk-out": "factor"});
    const regimeOut = h("span", {class: "dk-regime", "data-dk-out": "regime"});
    const stepOut = h("span", {"data-dk-out": "position"});
    const plotF = new DK.Plot({x: {domain: d.x_range, label: "x"}, y: {domain: [0, 1], label: "f(x)"}, aspect: 0.68});
    const plotE = new DK.Plot({x: {domain: [0, 10], label: "step t"}, y: {domain: [1e-9, 1e4], log: true, label: `|x\u209c \u2212 ${d.minimum}|`}, aspect: 0.68});
    fig.append(
      h("div", {class: "dk-controls"}, slider.el, h("div", {class: "dk-buttons"}, stepBtn, runBtn, resetBtn)),
      h("p", {class: "dk-readout"}, `factor 1 \u2212 ${d.curvature}\u03b7 = `, factorOut, ": ", regimeOut, ". ", stepOut),
      h("div", {class: "dk-plots"}, plotF.el, plotE.el),
      live.el);
    slider.onChange((v) => { state.lr = v; changed(true); });

    let run = null;
    function compute() {
      run = DK.descend(df, [d.x0], state.lr, {numSteps: d.max_steps, f: (p) => f(p[0])});
      run.xs = run.params.map((p) => p[0]);
      run.shown = Math.min(state.steps, run.numSteps);
    }
    function changed(user) {
      compute();
      render();
      if (user) DK.writeHash(root.id, {lr: state.lr, steps: state.steps});
    }

    function results() {
      const factor = 1 - state.lr * d.curvature;
      const verdict = classify(state.lr, d.curvature);
      // descentkit.widgets.regime_word: a one-sided run creeps only if its factor is >= 0.9
      const word = verdict === "converges from one side" && factor < d.creep_factor
        ? "converges" : d.regimes[verdict];
      return {lr: state.lr, steps: state.steps, shown: run.shown, factor, verdict, word,
              path: run.xs.slice(0, run.shown + 1), status: run.status, diverged_after: run.diverged ? run.numSteps : null};
    }

    function render() {
      if (!run) compute();
      const r = results();
      factorOut.textContent = DK.fixed(r.factor, 2);
      regimeOut.textContent = r.verdict.startsWith(r.word) ? r.verdict : `${r.word} (${r.verdict})`;
      const t = r.shown, xt = r.path[t];
      const stopped = state.steps > run.numSteps;
      stepOut.textContent = t === 0 ? `Start: x\u2080 = ${d.x0}.`
        : `After ${t} step${t > 1 ? "s" : ""}: x = ${DK.sig(xt, 6)}, distance to the minimum ${DK.sig(Math.abs(xt - d.minimum), 3)}` +
          (stopped ? `; the next step would pass 10\u00b9\u2070, so the run stopped (diverged).` : ".");
      stepBtn.disabled = state.steps >= d.max_steps;
      runBtn.disabled = state.steps >= d.max_steps;

      // left: the parabola and the points visited so far
      const lo = Math.min(...d.x_range), hi = Math.max(...d.x_range);
      const fmax = Math.max(f(lo), f(hi)), fmin = f(d.minimum);
      plotF.y.domain = [Math.min(0, fmin - 1), fmax * 1.05];
      plotF.layout();
      plotF.axes();
      const curve = [];
      for (let k = 0; k <= 120; k++) { const u = lo + (hi - lo) * k / 120; curve.push([u, f(u)]); }
      plotF.line(curve, "dk-curve");
      plotF.line([[d.minimum, plotF.y.domain[0]], [d.minimum, plotF.y.domain[1]]], "dk-guide");
      const pts = r.path.map((u) => [u, f(u)]);
      plotF.line(pts, "dk-halo");
      plotF.line(pts, "dk-path");
      plotF.dots(pts, "dk-path-dots", 3.2);
      plotF.marker(d.x0, f(d.x0), "start", `start x\u2080 = ${d.x0}`);
      if (t > 0) {
        const [cx, cy] = [Math.max(lo, Math.min(hi, xt)), Math.min(f(xt), plotF.y.domain[1])];
        plotF.marker(cx, cy, "dk-now", `x after ${t} steps`);
        // pinned to the edge: the label goes under the point, inside the axes
        if (xt < lo || xt > hi) plotF.text(cx, cy, xt < lo ? `\u2190 x = ${DK.sig(xt, 4)}, off the chart` : `off the chart, x = ${DK.sig(xt, 4)} \u2192`, "", xt < lo ? "start" : "end", xt < lo ? 8 : -8, 30);
      }
      plotF.svg.setAttribute("aria-label", `Graph of ${poly(d.a, d.b, d.c)} with the ${t} step${t === 1 ? "" : "s"} taken from x0 = ${d.x0} at learning rate ${state.lr}. ${stepOut.textContent}`);

      // right: the distance to the minimum on a log scale; the next 10 steps dotted, the steps taken solid
      const T = t + 10;
      plotE.x.domain = [0, T];
      const dist = run.xs.slice(0, T + 1).map((u, k) => [k, Math.abs(u - d.minimum)]);
      // a distance that does not shrink gets an axis that spans just its decades, so growth shows
      const pos = dist.map(([, v]) => v).filter((v) => v > 0);
      if (Math.abs(r.factor) >= 1 && pos.length) {
        const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...pos))));
        plotE.y.domain = [lo, Math.max(10 * lo, Math.pow(10, Math.ceil(Math.log10(Math.max(...pos)))))];
      } else plotE.y.domain = [1e-9, 1e4];
      plotE.layout();
      plotE.axes();
      plotE.line(dist, "dk-guide");
      plotE.line(dist.slice(0, t + 1), "dk-path");
      plotE.dots(dist.slice(0, t + 1), "dk-path-dots", 3);
      // a log scale has no 0: say so where the run lands exactly on the minimum
      const zero = dist.findIndex(([, v]) => v === 0);
      if (zero >= 0) plotE.text(zero, plotE.y.domain[0], "distance 0: below the log scale", "", "start", 6, -8);
      plotE.svg.setAttribute("aria-label", `Distance to the minimum against the step, log scale: it ${r.factor === 0 ? "drops to zero at once" : Math.abs(r.factor) < 1 ? "shrinks by the factor " + DK.fixed(Math.abs(r.factor), 2) + " per step" : Math.abs(r.factor) === 1 ? "stays the same" : "grows by the factor " + DK.fixed(Math.abs(r.factor), 2) + " per step"}.`);
      live.set(`Learning rate ${state.lr}: factor ${DK.fixed(r.factor, 2)}, ${r.word}. ${stepOut.textContent}`);
    }

    return {
      plots: [plotF, plotE],
      render,
      apply(s) {
        state.lr = DK.num(s.lr, state.lr, 1e-12, 1e6);
        state.steps = Math.round(DK.num(s.steps, 0, 0, d.max_steps));
        slider.set(state.lr);
        compute();
      },
      hook: {kind: "rate-1d", get state() { return {...state}; }, results: () => results(),
             shown: () => ({factor: factorOut.textContent, regime: regimeOut.textContent, position: stepOut.textContent})},
    };
  });
})();

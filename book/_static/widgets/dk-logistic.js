/* Chapter 9: full-batch gradient descent on logistic regression (the breast-cancer data),
   the rate as a multiple of the safe rate 2/lambda_max(H(0)), against the local limit
   2/S(theta*) at the minimum; raw or standardized features. The loss and its gradient are
   descentkit.losses.cross_entropy and cross_entropy_gradient (with the penalty l2 on the
   weights), the loop DK.descend (descentkit.optim.descend), the predictions
   descentkit.models.logistic_predict. The page standardizes the raw data with the scaler's
   own operations, (x - mean) / scale, which gives scikit-learn's numbers exactly. */
(function () {
  "use strict";
  const {h} = DK;
  // three significant digits, trailing zeros kept (0.0100, not 0.01)
  const sig3 = (x) => {
    if (!Number.isFinite(x) || x === 0) return DK.sig(x, 3);
    const a = Math.abs(x);
    if (a >= 1e-3 && a < 1e5) return x.toPrecision(3).replace(/^-/, "\u2212");
    const [m, e] = x.toExponential(2).split("e");
    return `${m.replace(/^-/, "\u2212")} \u00d7 ${DK.sig(Number(`1e${e}`)).split(" \u00d7 ")[1]}`;
  };

  function problem(X, y, Xv, yv, l2) {
    const N = X.length, D = X[0].length;
    let last = null, lastZ = null;
    const logits = (th, A) => A.map((row) => { let s = 0; for (let j = 0; j < D; j++) s += row[j] * th[j + 1]; return th[0] + s; });
    const zOf = (th) => { if (th !== last) { last = th; lastZ = logits(th, X); } return lastZ; };
    const loss = (th) => {
      const z = zOf(th);
      let s = 0, ww = 0;
      for (let i = 0; i < N; i++) {
        const zi = z[i];
        s += (zi === 0 ? Math.LN2 : zi < 0 ? Math.log1p(Math.exp(zi)) : zi + Math.log1p(Math.exp(-zi))) - y[i] * zi;
      }
      for (let j = 1; j <= D; j++) ww += th[j] * th[j];
      return s / N + 0.5 * l2 * ww;
    };
    const grad = (th) => {
      const z = zOf(th), g = new Array(D + 1).fill(0);
      for (let i = 0; i < N; i++) {
        const e = Math.exp(-Math.abs(z[i]));
        const r = (z[i] >= 0 ? 1 / (1 + e) : e / (1 + e)) - y[i];
        g[0] += r;
        const row = X[i];
        for (let j = 0; j < D; j++) g[j + 1] += row[j] * r;
      }
      g[0] /= N;
      for (let j = 1; j <= D; j++) g[j] = g[j] / N + l2 * th[j];
      return g;
    };
    const accuracy = (th) => { const z = logits(th, Xv); let k = 0; z.forEach((zi, i) => { if ((zi > 0 ? 1 : 0) === yv[i]) k++; }); return k / z.length; };
    return {loss, grad, accuracy};
  }

  DK.register("logistic", (root, d) => {
    const state = {rate: d.rate, standardize: d.standardize};
    const std = (A) => A.map((row) => row.map((v, j) => (v - d.mean[j]) / d.scale[j]));
    const probs = {standardized: problem(std(d.X), d.y, std(d.X_val), d.y_val, d.l2), raw: problem(d.X, d.y, d.X_val, d.y_val, d.l2)};
    const fig = DK.frame(root, {
      title: "A learning rate for logistic regression, against its bounds",
      hint: `Gradient descent from \u03b8 = 0 for ${DK.int(d.num_steps)} steps on ${DK.int(d.y.length)} tumours. The rate is a multiple of the safe rate ` +
            "\u03b7_safe = 2/\u03bb_max(H(0)): below it the loss falls at every step; above the local limit 2/S(\u03b8*) the minimum is unstable: a run that comes near it is pushed away.",
    });
    const sets = () => d.sets[state.standardize ? "standardized" : "raw"];
    const slider = DK.slider({label: "learning rate \u03b7 = \u03b7_safe \u00d7", values: d.rates, value: state.rate, format: (v) => DK.sig(v, 4), name: "rate", log: true});
    const toggle = DK.toggle({label: "standardize the features (statistics of the training part)", checked: state.standardize});
    const set = (v) => { state.rate = v; slider.set(v); changed(true); };
    const buttons = h("div", {class: "dk-buttons"},
      DK.button("0.99 \u00d7 safe", () => set(0.99), {"aria-label": "0.99 times the safe rate, the chapter's run"}),
      DK.button("local limit", () => set(sets().local_lr / sets().safe_lr), {"aria-label": "the local limit 2 over the sharpness at the minimum"}));
    const strip = new DK.Plot({x: {domain: [d.rates[0], d.rates[d.rates.length - 1]], log: true, label: "\u03b7 / \u03b7_safe",
                                   format: (t) => DK.sig(t, 2)}, y: {domain: [0, 1], hidden: true},
                               aspect: 0.1, minHeight: 70, maxHeight: 70, margin: {l: 14, r: 14, t: 6, b: 34}});
    const out = {};
    const item = (key, label) => { out[key] = h("dd", {"data-dk-out": key}); return [h("dt", {}, label), out[key]]; };
    const readout = h("dl", {class: "dk-readout dk-grid"},
      item("lr", "learning rate \u03b7"), item("safe", "safe rate 2/\u03bb_max(H(0)) (8/\u03bb_max(X\u0303\u1d40X\u0303/N))"),
      item("local", "local limit 2/S(\u03b8*)"), item("excess", `excess loss after ${DK.int(d.num_steps)} steps`),
      item("rises", "steps at which the loss rose"), item("dist", "relative distance \u2016\u03b8\u209c \u2212 \u03b8*\u2016 / \u2016\u03b8*\u2016"), item("acc", "validation accuracy"), item("verdict", "verdict"));
    const curve = new DK.Plot({x: {domain: [0, d.num_steps], label: "step"}, y: {domain: [1e-16, 10], log: true, label: "L(\u03b8\u209c) \u2212 L(\u03b8*)"}, aspect: 0.75, maxHeight: 340});
    const accPlot = new DK.Plot({x: {domain: [0, d.num_steps], label: "step"}, y: {domain: [0.3, 1], label: "validation accuracy"}, aspect: 0.75, maxHeight: 340});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, slider.el, toggle.el, buttons), strip.el, readout,
               h("div", {class: "dk-plots"}, curve.el, accPlot.el), live.el);
    slider.onChange((v) => { state.rate = v; changed(true); });
    toggle.onChange((v) => { state.standardize = v; changed(true); });

    let run = null;
    function compute() {
      const s = sets(), P = probs[state.standardize ? "standardized" : "raw"];
      const lr = state.rate * s.safe_lr;
      const r = DK.descend(P.grad, new Array(d.X[0].length + 1).fill(0), lr, {numSteps: d.num_steps, f: P.loss});
      r.lr = lr;
      r.excess = r.losses.map((v) => v - s.loss_star);
      r.rises = r.losses.reduce((k, v, t) => k + (t && v - r.losses[t - 1] > 1e-12 ? 1 : 0), 0);
      r.acc = r.params.map((p) => P.accuracy(p));
      const end = r.excess[r.excess.length - 1];
      r.dist = r.params.map((p) => DK.dist(p, s.theta_star));
      r.closest = r.dist.reduce((k, v, t) => (v < r.dist[k] ? t : k), 0);
      const start = r.dist[0], near = r.dist[r.closest], last = r.dist[r.dist.length - 1];
      // "repels" only for what a run shows: it came near theta* (within half its starting
      // distance) and moved away again (it ends at least twice as far as its closest)
      r.repelled = lr > s.local_lr && near < start / 2 && last > 2 * near;
      r.verdict = r.diverged ? "diverges" : end < d.settled ? "settles at the minimum (to rounding)"
        : r.repelled ? "does not settle: it came near \u03b8* and was pushed away again; above 2/S(\u03b8*) the minimum repels"
        : lr > s.local_lr ? "does not settle: above 2/S(\u03b8*) it cannot converge, and it is still far from \u03b8*"
        : "still on its way";
      run = r;
    }
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, {rate: state.rate, standardize: state.standardize ? 1 : 0}); }
    function results() {
      return {rate: state.rate, standardize: state.standardize, lr: run.lr, status: run.status, num_steps: run.numSteps,
              path: run.params, losses: run.losses, val_acc: run.acc, rises: run.rises, excess: run.excess[run.excess.length - 1],
              dist: run.dist, closest: run.closest, repelled: run.repelled, verdict: run.verdict};
    }
    function render() {
      if (!run) compute();
      const s = sets(), n = run.numSteps, end = run.excess[n];
      out.lr.textContent = `${sig3(run.lr)} (${sig3(state.rate)} \u00d7 \u03b7_safe)`;
      out.safe.textContent = `${sig3(s.safe_lr)} (${sig3(s.eight_over)}); \u03ba of H(0) ${sig3(s.kappa0)}`;
      out.local.textContent = `${sig3(s.local_lr)} = ${sig3(s.local_lr / s.safe_lr)} \u00d7 \u03b7_safe`;
      out.excess.textContent = sig3(end);
      out.rises.textContent = `${DK.int(run.rises)} of ${DK.int(n)}`;
      // relative to |theta*| and to 6 digits: on raw features the run moves by a tiny
      // fraction of its distance, which 3 digits would not show
      const norm = Math.hypot(...s.theta_star), rel = (v) => DK.sig(v / norm, 6);
      out.dist.textContent = `${rel(run.dist[0])} at the start, ${rel(run.dist[run.closest])} at its closest (step ${DK.int(run.closest)}), ` +
                             `${rel(run.dist[n])} at the end`;
      out.acc.textContent = `${DK.fixed(100 * run.acc[n], 1)}% after step ${DK.int(n)}; ${DK.fixed(100 * s.val_acc_star, 1)}% at \u03b8*`;
      // on raw features no rate of the slider settles within the budget (checked in the tests)
      out.verdict.textContent = run.verdict + (state.standardize ? "" :
        `. On raw features no rate settles within ${DK.int(d.num_steps)} steps.`);

      strip.layout();
      strip.axes();
      const local = s.local_lr / s.safe_lr;
      strip.line([[1, 0], [1, 1]], "dk-guide dk-strong");
      strip.text(1, 1, "\u03b7_safe", "", "start", 4, 13);
      strip.line([[local, 0], [local, 1]], "dk-guide dk-strong");
      strip.text(local, 1, "2/S(\u03b8*)", "", "end", -4, 13);
      strip.marker(state.rate, 0.5, "", `the rate chosen: ${DK.sig(state.rate, 4)} times the safe rate`);
      strip.svg.setAttribute("aria-label", `The rate chosen, ${DK.sig(state.rate, 4)} times the safe rate, on a log scale with the safe rate and the local limit, ${DK.sig(local, 3)} times it, marked.`);

      // the vertical axis reaches the largest finite excess loss (at least 10), in whole decades
      const top = run.excess.reduce((m, v) => (Number.isFinite(v) && v > m ? v : m), 10);
      curve.y.domain = [1e-16, Math.pow(10, Math.ceil(Math.log10(top)))];
      curve.layout();
      curve.axes();
      curve.line([[0, d.settled], [d.num_steps, d.settled]], "dk-guide");
      curve.text(d.num_steps, d.settled, `settled: ${DK.sig(d.settled, 3)}`, "", "end", -4, -4);
      curve.line(run.excess.map((v, t) => [t, v]), "dk-curve");
      curve.svg.setAttribute("aria-label", `Excess training loss against the step, log scale: ${DK.sig(end, 3)} after ${DK.int(n)} steps, ${run.verdict}.`);
      accPlot.layout();
      accPlot.axes();
      accPlot.line([[0, s.val_acc_star], [d.num_steps, s.val_acc_star]], "dk-guide");
      accPlot.text(d.num_steps, s.val_acc_star, `at \u03b8*: ${DK.fixed(100 * s.val_acc_star, 1)}%`, "", "end", -4, 14);
      accPlot.line(run.acc.map((v, t) => [t, v]), "dk-path");
      accPlot.svg.setAttribute("aria-label", `Validation accuracy against the step: ${out.acc.textContent}.`);
      live.set(`${state.standardize ? "Standardized" : "Raw"} features, ${DK.sig(state.rate, 4)} times the safe rate: excess loss ${out.excess.textContent}, ` +
               `the loss rose at ${out.rises.textContent} steps, validation accuracy ${DK.fixed(100 * run.acc[n], 1)}%; ${run.verdict}.`);
    }
    return {
      plots: [strip, curve, accPlot],
      render,
      apply(s) {
        state.rate = DK.num(s.rate, state.rate, 1e-6, 1e4);
        if (s.standardize !== undefined) state.standardize = s.standardize === "1" || s.standardize === "true";
        slider.set(state.rate); toggle.set(state.standardize);
        compute();
      },
      hook: {kind: "logistic", get state() { return {...state}; }, results: () => results(),
             shown: () => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.textContent]))},
    };
  });
})();

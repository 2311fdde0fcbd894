/* Chapter 2: the seven steps (predict, loss, gradient, step, repeat) on the roller coaster's
   quadratic a t^2 + b t + c, with a learning-rate slider. The run is descentkit.optim.descend
   with the MSE gradient 2 X^T (X p - y) / n, X = [t^2, t, 1]. */
(function () {
  "use strict";
  const {h} = DK;

  DK.register("seven-steps", (root, d) => {
    const n = d.t.length;
    const X = d.t.map((t) => [t * t, t, 1]);
    const predict = (p, t) => p[0] * t * t + p[1] * t + p[2];
    const mse = (p) => { let s = 0; for (let i = 0; i < n; i++) { const e = predict(p, d.t[i]) - d.y[i]; s += e * e; } return s / n; };
    const grad = (p) => {
      const g = [0, 0, 0];
      for (let i = 0; i < n; i++) { const e = predict(p, d.t[i]) - d.y[i]; for (let j = 0; j < 3; j++) g[j] += e * X[i][j]; }
      return g.map((v) => 2 * v / n);
    };
    const epochs = [];
    for (let k = 0; k <= d.max_epochs; k += k < 50 ? 1 : k < 200 ? 10 : 50) epochs.push(k);
    if (epochs[epochs.length - 1] !== d.max_epochs) epochs.push(d.max_epochs);
    const state = {lr: d.lr, epoch: d.epoch};
    // 2/lambda_max with a typeset subscript, as the page writes it
    const bound = () => h("span", {}, "2/\u03bb", h("sub", {}, "max"));
    const fig = DK.frame(root, {
      title: "How large can the learning rate of the seven steps be?",
      hint: h("span", {}, "Gradient descent on a t\u00b2 + b t + c from the chapter's random start, one epoch per step. " +
            "The largest stable rate is ", bound(), ` = ${DK.sig(d.bound, 3)}, set by t\u00b2, which reaches ${d.t[n - 1] ** 2}.`),
    });
    const lrSlider = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr, format: (v) => DK.sig(v, 3), name: "lr", log: true});
    const eSlider = DK.slider({label: "epoch shown:", values: epochs, value: state.epoch, format: String, name: "epoch"});
    const out = {};
    const item = (key, label) => { out[key] = h("dd", {"data-dk-out": key}); return [h("dt", {}, label), out[key]]; };
    const readout = h("dl", {class: "dk-readout dk-grid"}, item("ratio", h("span", {}, "\u03b7 against ", bound())),
                      item("rmse", "RMSE at this epoch"), item("c", "c at this epoch"));
    const fit = new DK.Plot({x: {domain: [Math.min(...d.t) - 0.5, Math.max(...d.t) + 0.5], label: "time t (s)"},
                             y: {domain: [Math.min(0, ...d.y) - 5, Math.max(...d.y) + 10], label: "speed"}, aspect: 0.75, maxHeight: 400});
    // Epochs on a log axis, so the first few (where the loss falls fastest) get as much room
    // as the last thousand; epoch 0 cannot sit on it and is drawn at its left edge, epoch 1.
    const curve = new DK.Plot({x: {domain: [1, d.max_epochs], log: true, label: "epoch (log scale)"},
                               y: {domain: [1, 1e8], log: true, label: "MSE"}, aspect: 0.75, maxHeight: 400});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, lrSlider.el, eSlider.el), readout, h("div", {class: "dk-plots"}, fit.el, curve.el), live.el);
    lrSlider.onChange((v) => { state.lr = v; changed(true); });
    eSlider.onChange((v) => { state.epoch = v; render(); DK.writeHash(root.id, {...state}); });

    let run = null;
    function compute() { run = DK.descend(grad, d.params0, state.lr, {numSteps: d.max_epochs, f: mse}); }
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, {...state}); }
    function results() {
      const k = Math.min(state.epoch, run.numSteps);
      return {lr: state.lr, epoch: state.epoch, shown: k, status: run.status, num_steps: run.numSteps, path: run.params,
              losses: run.losses, params: run.params[k], rmse: Math.sqrt(run.losses[k])};
    }
    function render() {
      if (!run) compute();
      const r = results();
      out.ratio.replaceChildren(`${DK.fixed(state.lr / d.bound, 3)} \u00d7 `, bound(),
        run.diverged ? ` (diverges: it stops after ${run.numSteps} epochs, when the next step would pass 10\u00b9\u2070)` : "");
      // once the run diverges, a value near the best one is a passing swing, not progress
      const flag = run.diverged ? "; the run diverges, so this is not progress" : "";
      out.rmse.textContent = `${DK.sig(r.rmse, 3)}${r.shown < state.epoch ? ` (epoch ${r.shown}, the last before it stopped)` : ""} (the best quadratic: ${DK.sig(d.best_rmse, 3)})${flag}`;
      out.c.textContent = `${DK.sig(r.params[2], 3)}, from ${DK.sig(d.params0[2], 3)} at the start (the best quadratic: ${DK.sig(d.best[2], 3)})${flag}`;
      readout.classList.toggle("dk-diverged", run.diverged);

      fit.layout();
      fit.axes();
      const grid = [];
      for (let k = 0; k <= 100; k++) { const t = fit.x.domain[0] + (fit.x.domain[1] - fit.x.domain[0]) * k / 100; grid.push(t); }
      fit.line(grid.map((t) => [t, predict(d.best, t)]), "dk-guide");
      fit.dots(d.t.map((t, i) => [t, d.y[i]]), "dk-d2", 3.2);
      fit.line(grid.map((t) => [t, predict(r.params, t)]), "dk-path");
      fit.svg.setAttribute("aria-label", `The measurements and the model's predictions after ${r.shown} epochs (RMSE ${DK.sig(r.rmse, 3)}); dashed: the best quadratic.`);

      curve.layout();
      curve.axes();
      curve.line([[1, d.best_rmse ** 2], [d.max_epochs, d.best_rmse ** 2]], "dk-guide");
      curve.line(run.losses.map((v, t) => [Math.max(t, 1), v]), "dk-path");
      curve.marker(Math.max(r.shown, 1), Math.max(Math.min(run.losses[r.shown], 1e8), 1), "",
                   r.shown ? `epoch ${r.shown}` : "epoch 0, the start (drawn at the left edge)");
      curve.svg.setAttribute("aria-label", `The MSE against the epoch, both on log scales, ${run.diverged ? "growing until the run stops" : "from " + DK.sig(run.losses[0], 3) + " to " + DK.sig(run.losses[run.numSteps], 3)}.`);
      live.set(`Rate ${DK.sig(state.lr, 3)}: ${out.ratio.textContent}. Epoch ${r.shown}: RMSE ${DK.sig(r.rmse, 3)}, c = ${DK.sig(r.params[2], 3)}.`);
    }
    return {
      plots: [fit, curve],
      render,
      apply(s) {
        state.lr = DK.num(s.lr, state.lr, 1e-12, 1);
        state.epoch = Math.round(DK.num(s.epoch, state.epoch, 0, d.max_epochs));
        lrSlider.set(state.lr); eSlider.set(state.epoch);
        compute();
      },
      hook: {kind: "seven-steps", get state() { return {...state}; }, results: () => results(),
             shown: () => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.textContent]))},
    };
  });
})();

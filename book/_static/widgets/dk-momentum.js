/* Chapter 7: gradient descent, heavy ball and Nesterov racing on the valley, and the phase
   diagram of heavy ball's convergence factor over (lr, beta), from the valley's own
   eigenvalues. The runs are descentkit.optim.descend with the rules of descentkit.rules
   (torch.optim's conventions), counted as the chapter counts them (the step from which
   the distance to the minimum stays below tol times the start's, over the budget:
   Trajectory.steps_within); the factor and the regime are
   descentkit.widgets.heavy_ball_regime's. */
(function () {
  "use strict";
  const {h} = DK;
  const METHODS = ["gradient descent", "heavy ball", "Nesterov"];
  // fig-ch07-valley's lines: gradient descent thick, underneath; Nesterov dashed
  const WIDTHS = [3.6, 1.4, 1.4], DASHES = [null, null, "6 3"];
  function lineStyle(el, i, halo = false, thin = 1) {
    el.style.strokeWidth = String(WIDTHS[i] * (i ? 1 : thin) + (halo ? 2 : 0));
    if (DASHES[i] && !halo) el.style.strokeDasharray = DASHES[i];
    return el;
  }
  const KEY_STYLES = [{height: "0.3rem"}, {height: "0.15rem"},
                      {height: "0.15rem", background: "repeating-linear-gradient(90deg, var(--dk-c0) 0 6px, transparent 6px 9px)"}];
  const key = (i) => { const el = DK.h("span", {class: `dk-key dk-key-${i}`}); Object.assign(el.style, KEY_STYLES[i]); return el; };

  // descentkit.widgets._rate_and_regime: heavy ball along one eigenvalue.
  function direction(lr, beta, lam) {
    const a = 1 + beta - lr * lam, disc = a * a - 4 * beta;
    const edge = 1e-9 * Math.max(a * a, 4 * beta, 1e-300);
    let rate, regime;
    if (Math.abs(disc) <= edge) { rate = Math.abs(a) / 2; regime = "double root"; }
    else if (disc < 0) { rate = Math.sqrt(beta); regime = "complex roots"; }
    else { rate = (Math.abs(a) + Math.sqrt(disc)) / 2; regime = a > 0 ? "real roots" : "negative real roots"; }
    if (rate > 1 + 1e-12) regime = "diverges";
    else if (rate >= 1 - 1e-12) regime = "does not converge";
    return [rate, regime];
  }
  // descentkit.widgets.heavy_ball_regime
  function regimeOf(lr, beta, lams) {
    const dirs = lams.map((lam) => direction(lr, beta, lam));
    const top = Math.max(...dirs.map(([r]) => r));
    const slowest = dirs.findIndex(([r]) => r >= top - 1e-12);
    const regime = dirs.some(([, g]) => g === "diverges") ? "diverges" : dirs[slowest][1];
    return {rate: top, regime, slowest, directions: dirs};
  }
  const stepsFor = (rate) => (rate < 1 && rate > 0 ? Math.log(1e-6) / Math.log(rate) : rate === 0 ? 1 : Infinity);
  // rounded as the chapter rounds ln(1e6) / ln(1/factor)
  const aboutSteps = (rate) => DK.int(Math.max(1, Math.round(stepsFor(rate))));
  const REGIMES = "Along each eigenvalue \u03bb the error follows the roots of \u03b6\u00b2 \u2212 (1 + \u03b2 \u2212 \u03b7\u03bb)\u03b6 + \u03b2: " +
    "complex roots, it swings and shrinks by \u221a\u03b2 per step; real roots, it shrinks without swinging " +
    "(negative real roots: it flips sign every step); a double root is the edge between the two.";

  DK.register("momentum", (root, d) => {
    const loss = DK.mse(d.x, d.y);
    const lmax = d.eigenvalues[1];
    const state = {lr: d.lr, beta: d.momentum, step: d.num_steps};
    const fig = DK.frame(root, {
      title: `Momentum on the \u03ba = ${Math.round(d.kappa)} valley`,
      hint: "Set the learning rate and \u03b2; gradient descent, heavy ball and Nesterov race from the same start. " +
            "Below, heavy ball for every (\u03b7, \u03b2): yellow needs the fewest steps, dark purple the most, grey never converges; point at it to name the regime, click or tap to try it.",
    });
    const lrSlider = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr, format: (v) => DK.sig(v, 4), name: "lr"});
    const betaSlider = DK.slider({label: "momentum \u03b2 =", values: d.betas, value: state.beta, format: (v) => DK.sig(v, 4), name: "beta"});
    const stepSlider = DK.slider({label: "step shown:", values: Array.from({length: d.num_steps + 1}, (_, k) => k), value: state.step, format: String, name: "step"});
    const set = (lr, beta) => { state.lr = lr; state.beta = beta; lrSlider.set(lr); betaSlider.set(beta); changed(true); };
    const play = DK.button("Play", () => toggle(), {"aria-label": "Play the race step by step"});
    const buttons = h("div", {class: "dk-buttons"},
      DK.button("the chapter's", () => set(d.one_over_L, 0.9), {"aria-label": "the chapter's rate 1 over lambda max and beta 0.9"}),
      DK.button("Polyak's optimum", () => set(d.polyak.lr, d.polyak.momentum), {"aria-label": `Polyak's optimum: rate ${DK.sig(d.polyak.lr, 4)}, beta ${DK.sig(d.polyak.momentum, 4)}`}),
      play);
    const cells = METHODS.map(() => ({error: h("td", {"data-dk-out": "error"}), needed: h("td", {"data-dk-out": "needed"})}));
    const stepHead = h("th", {scope: "col"});
    const table = h("table", {class: "dk-table"},
      h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "method"), stepHead, h("th", {scope: "col"}, `below ${DK.sig(d.tol)} of it for good from step`))),
      h("tbody", {}, METHODS.map((name, i) => h("tr", {}, h("th", {scope: "row"}, key(i), name), cells[i].error, cells[i].needed))));
    const map = new DK.Plot({x: {domain: d.window.b, label: "b (intercept)"}, y: {domain: d.window.w, label: "w (slope)"}, heat: true, aspect: 0.8, maxHeight: 420});
    const curves = new DK.Plot({x: {domain: [0, d.num_steps], label: "step"}, y: {domain: [1e-12, 10], log: true, label: "distance \u00f7 start's"}, aspect: 0.8, maxHeight: 420});
    const phase = new DK.Plot({x: {domain: [0, d.lr_max], label: "learning rate \u03b7"}, y: {domain: [0, 1], label: "momentum \u03b2"}, heat: true, aspect: 0.62, maxHeight: 400});
    const pointed = h("p", {class: "dk-readout", "data-dk-out": "pointer"});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, lrSlider.el, betaSlider.el, stepSlider.el, buttons),
               table, h("div", {class: "dk-plots"}, map.el, curves.el), phase.el, pointed,
               h("p", {class: "dk-help"}, "Colours: on the contour map yellow is high loss; on the phase diagram, the steps heavy ball needs to shrink the error a millionfold (yellow: few; grey: it does not converge). " +
                 "At \u03b2 = 0 both momentum rows are gradient descent. " +
                 "Star: Polyak's optimum. Ring: the rate and \u03b2 above. " + REGIMES), live.el);
    lrSlider.onChange((v) => { state.lr = v; changed(true); });
    betaSlider.onChange((v) => { state.beta = v; changed(true); });
    stepSlider.onChange((v) => { stop(); state.step = v; render(); DK.writeHash(root.id, hashOf()); });

    let timer = null;
    function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "Play"; play.setAttribute("aria-label", "Play the race step by step"); }
    function toggle() {
      if (timer) { stop(); return; }
      if (DK.reducedMotion()) { state.step = d.num_steps; stepSlider.set(state.step); render(); return; }
      if (state.step >= d.num_steps) state.step = 0;
      play.textContent = "Pause"; play.setAttribute("aria-label", "Pause the race");
      timer = setInterval(() => {
        state.step = Math.min(d.num_steps, state.step + 2);
        stepSlider.set(state.step);
        render();
        if (state.step >= d.num_steps) stop();
      }, 60);
    }

    let runs = null;
    function compute() {
      const f = (p) => loss.loss(p);
      // at beta = 0 both momentum rules are the plain gradient step: their rows show it
      const rules = [DK.rules.gd(), DK.rules.heavyBall(state.beta), DK.rules.nesterov(state.beta)];
      runs = rules.map((rule) => {
        if (!rule) return null;
        const r = DK.descend(loss.grad, d.start, state.lr, {rule, numSteps: d.budget, f});
        r.error = r.params.map((p) => DK.dist(p, d.minimum) / d.start_distance);
        r.needed = DK.stepsToTolerance(r.error, d.tol);
        return r;
      });
    }
    const hashOf = () => ({lr: state.lr, beta: state.beta, step: state.step});
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, hashOf()); }

    function results() {
      const g = regimeOf(state.lr, state.beta, d.eigenvalues);
      return {lr: state.lr, beta: state.beta, step: state.step, rate: g.rate, regime: g.regime, directions: g.directions,
              runs: runs.map((r) => r && {status: r.status, num_steps: r.numSteps, needed: r.needed,
                                         error_at_step: r.numSteps >= state.step ? r.error[state.step] : null,
                                         path: r.params.slice(0, d.num_steps + 1)})};
    }
    function describe(lr, beta) {
      const g = regimeOf(lr, beta, d.eigenvalues);
      const steps = stepsFor(g.rate);
      const per = g.directions.map(([r, name], i) => `along \u03bb_${i ? "max" : "min"}: ${name}`).join("; ");
      return `\u03b7 = ${DK.sig(lr, 4)}, \u03b2 = ${DK.sig(beta, 3)}: ${g.regime}, factor ${DK.fixed(g.rate, 4)} per step` +
             (Number.isFinite(steps) ? `, about ${aboutSteps(g.rate)} steps per millionfold` : "") + ` (${per}).`;
    }

    function render() {
      if (!runs) compute();
      const r = results();
      stepHead.textContent = `distance \u00f7 start's at step ${state.step}`;
      runs.forEach((run, i) => {
        cells[i].error.textContent = run.numSteps >= state.step ? DK.sig(run.error[state.step], 2)
          : `diverged at step ${run.numSteps + 1}`;
        cells[i].needed.textContent = run.needed === null ? (run.diverged ? "never (diverged)" : `not within ${DK.int(d.budget)} steps`) : DK.int(run.needed);
      });

      map.layout();
      map.heat((b, w) => Math.log10(loss.fast(b, w) - d.loss_star + 1e-3), {lo: d.window.lo, hi: d.window.hi, n: d.window.n, log: false, key: "valley"});
      map.axes();
      // the halos, then the lines: all three show where they run together
      const paths = runs.map((run) => run && run.params.slice(0, state.step + 1));
      paths.forEach((pts, i) => { if (pts) lineStyle(map.line(pts, "dk-halo"), i, true); });
      paths.forEach((pts, i) => { if (pts) lineStyle(map.line(pts, `dk-s${i}`), i, false, 0.6); });
      map.marker(d.start[0], d.start[1], "start", "start");
      map.marker(d.minimum[0], d.minimum[1], "min", "minimum");
      map.svg.setAttribute("aria-label", `Contour map of the valley with the paths of the three methods up to step ${state.step}.`);

      curves.layout();
      curves.axes();
      curves.line([[0, d.tol], [d.num_steps, d.tol]], "dk-guide");
      curves.line([[state.step, 1e-12], [state.step, 10]], "dk-guide");
      runs.forEach((run, i) => { if (run) lineStyle(curves.line(run.error.slice(0, d.num_steps + 1).map((v, t) => [t, v]), `dk-s${i}`), i, false, 0.6); });
      curves.svg.setAttribute("aria-label", `Distance to the minimum of the three methods, as a fraction of the start's, against the step, log scale. ${table.textContent}`);

      phase.layout();
      const lams = d.eigenvalues;
      phase.heat((lr, beta) => (beta < 0 || beta >= 1 ? Infinity : stepsFor(regimeOf(lr, beta, lams).rate)),
                 {lo: 0.9 * stepsFor(d.polyak.rate), hi: 2e4, n: 16, log: true, reverse: true, none: [170, 170, 170], key: "phase"});
      phase.axes();
      phase.marker(d.polyak.lr, d.polyak.momentum, "min", `Polyak's optimum: rate ${DK.sig(d.polyak.lr, 4)}, beta ${DK.sig(d.polyak.momentum, 4)}, factor ${DK.fixed(d.polyak.rate, 4)}`);
      phase.text(d.polyak.lr, d.polyak.momentum, "Polyak", "dk-heat-label", "end", -10, 4);  // left of the star: room at 375 px
      phase.marker(Math.min(state.lr, d.lr_max), state.beta, "dk-pointer", "the rate and beta chosen");
      phase.marker(Math.min(state.lr, d.lr_max), state.beta, "dk-pointer-in");
      // labels outside their lines: apart at 375 px
      for (const [v, name, side] of [[1 / lmax, "1/\u03bb_max", -1], [2 / lmax, "2/\u03bb_max", 1]]) {
        phase.line([[v, 0], [v, 1]], "dk-guide", "over");
        phase.text(v, 0, name, "dk-heat-label", side < 0 ? "end" : "start", 3 * side, -6);
      }
      const here = describe(state.lr, state.beta);
      if (!hovering) pointed.textContent = `Chosen: ${here}`;
      phase.svg.setAttribute("aria-label", `Phase diagram of heavy ball's convergence factor over the learning rate and beta. Polyak's optimum: rate ${DK.sig(d.polyak.lr, 4)}, beta ${DK.sig(d.polyak.momentum, 4)}, factor ${DK.fixed(d.polyak.rate, 4)}. Chosen: ${here}`);
      live.set(`Chosen: ${here} Steps to ${DK.sig(d.tol)}: ${runs.map((run, i) => `${METHODS[i]} ${run ? cells[i].needed.textContent : "n/a"}`).join(", ")}.`);
    }

    // the phase diagram answers the pointer: the regime where it points; a click picks it
    let hovering = false, lastPointer = null;
    const snap = (values, v) => values.reduce((a, b) => (Math.abs(b - v) < Math.abs(a - v) ? b : a));
    phase.el.addEventListener("pointermove", (e) => {
      if (!phase.inside(e)) { hovering = false; return; }
      const [lr, beta] = phase.pointer(e);
      hovering = true;
      const at = [Math.max(lr, 0), Math.min(Math.max(beta, 0), 0.999)];
      lastPointer = {lr: at[0], beta: at[1], ...regimeOf(at[0], at[1], d.eigenvalues)};
      pointed.textContent = `Pointer: ${describe(at[0], at[1])}`;
    });
    phase.el.addEventListener("pointerleave", () => { hovering = false; pointed.textContent = `Chosen: ${describe(state.lr, state.beta)}`; });
    phase.el.addEventListener("click", (e) => {
      if (!phase.inside(e)) return;
      const [lr, beta] = phase.pointer(e);
      hovering = false;
      set(snap(d.rates, lr), snap(d.betas, beta));
    });

    return {
      plots: [map, curves, phase],
      render,
      apply(s) {
        state.lr = DK.num(s.lr, state.lr, 1e-12, 10);
        state.beta = DK.num(s.beta, state.beta, 0, 0.999999);
        state.step = Math.round(DK.num(s.step, state.step, 0, d.num_steps));
        lrSlider.set(state.lr); betaSlider.set(state.beta); stepSlider.set(state.step);
        compute();
      },
      hook: {kind: "momentum", get state() { return {...state}; }, results: () => results(),
             describe: (lr, beta) => regimeOf(lr, beta, d.eigenvalues),
             phaseClient: (lr, beta) => phase.client(lr, beta), pointed: () => lastPointer,
             shown: () => ({error: cells.map((c) => c.error.textContent), needed: cells.map((c) => c.needed.textContent),
                            pointer: pointed.textContent})},
    };
  });
})();

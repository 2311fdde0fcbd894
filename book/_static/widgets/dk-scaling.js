/* Chapter 5: a feature's scale and offset, and a standardize switch. The Hessian of the MSE
   (descentkit.losses.mse_hessian), its eigenvalues, kappa, 2/lambda_max and the best fixed
   rate (descentkit.curvature) follow, with the steps that rate needs as the chapter counts
   them (descentkit.optim.run_to_tolerance with tol = 1e-6 times the start's distance to the
   minimum: the first step from which the distance stays below it, over the whole budget). */
(function () {
  "use strict";
  const {h} = DK;
  const stepWord = (n) => `${DK.int(n)} step${n === 1 ? "" : "s"}`;

  DK.register("scaling", (root, d) => {
    const state = {scale: d.scale, offset: d.offset, standardize: d.standardize};
    const fig = DK.frame(root, {
      title: "Change the units of the feature",
      hint: "The feature is s\u00b7x + c, with x between 0 and 1 and the targets y unchanged. Stretch or shift it, " +
            "or standardize it: the loss surface, \u03ba, the best fixed rate and the steps it needs follow.",
    });
    const sSlider = DK.slider({label: "scale s =", values: d.scales, value: state.scale, format: (v) => DK.sig(v, 4), name: "scale", log: true});
    const cSlider = DK.slider({label: "offset c =", values: d.offsets, value: state.offset, format: (v) => DK.sig(v, 4), name: "offset"});
    const toggle = DK.toggle({label: "standardize the feature: (x\u2032 \u2212 mean) / std", checked: state.standardize});
    const out = {};
    // (the long label of the steps wraps at about the width of the others, rather than widen
    // their column)
    const item = (key, label) => {
      out[key] = h("dd", {"data-dk-out": key});
      const dt = h("dt", {}, label);
      if (key === "steps") dt.style.maxWidth = "20em";
      return [dt, out[key]];
    };
    const readout = h("dl", {class: "dk-readout dk-grid"},
      item("feature", "feature values"), item("eigenvalues", "\u03bb_min, \u03bb_max"), item("kappa", "condition number \u03ba"),
      item("bound", "largest stable rate 2/\u03bb_max"), item("best", "best fixed rate 2/(\u03bb_min + \u03bb_max)"),
      item("factor", "factor per step (\u03ba \u2212 1)/(\u03ba + 1)"), item("steps", `steps at the best rate until the distance to the minimum stays below ${DK.sig(d.tol).replace(/^1 \u00d7 /, "")} of the start's`),
      item("window", "map window"));
    const map = new DK.Plot({x: {domain: [0, 1], label: "b (intercept)"}, y: {domain: [0, 1], label: "w (slope)"}, heat: true, equal: true, maxHeight: 420});
    const sweep = new DK.Plot({x: {domain: [1, 1e5], log: true, label: "condition number \u03ba"}, y: {domain: [1, 1e6], log: true, label: "steps"}, aspect: 0.8, maxHeight: 420});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, sSlider.el, cSlider.el, toggle.el), readout,
               h("div", {class: "dk-plots"}, map.el, sweep.el), live.el);
    sSlider.onChange((v) => { state.scale = v; changed(true); });
    cSlider.onChange((v) => { state.offset = v; changed(true); });
    toggle.onChange((v) => { state.standardize = v; changed(true); });

    let m = null;
    function compute() {
      let x = d.x.map((v) => v * state.scale + state.offset);
      if (state.standardize) {
        const st = DK.mse(x, d.y);
        x = x.map((v) => (v - st.mean) / st.std);
      }
      const loss = DK.mse(x, d.y);
      const {values} = DK.eig2(loss.hessian);
      const [lmin, lmax] = values, kappa = lmax / lmin;
      const best = 2 / (lmin + lmax);
      const run = DK.descend(loss.grad, d.start, best, {numSteps: d.max_steps});
      // the chapter's rule: the distance stays below tol times the start's (an absolute tolerance
      // computed as descentkit's run_to_tolerance(..., tol=1e-6 * |theta0 - theta*|) gets it)
      const tol = d.tol * DK.dist(d.start, loss.star);
      const errors = run.params.map((p) => DK.dist(p, loss.star));
      const steps = run.diverged ? null : DK.stepsToTolerance(errors, tol);
      m = {x, loss, lmin, lmax, kappa, bound: 2 / lmax, best, factor: (kappa - 1) / (kappa + 1), steps,
           path: run.params.slice(0, d.shown_steps + 1), status: run.status};
    }
    function changed(user) {
      compute(); render();
      if (user) DK.writeHash(root.id, {scale: state.scale, offset: state.offset, standardize: state.standardize ? 1 : 0});
    }
    function results() {
      return {scale: state.scale, offset: state.offset, standardize: state.standardize, feature: [Math.min(...m.x), Math.max(...m.x)],
              eigenvalues: [m.lmin, m.lmax], kappa: m.kappa, bound: m.bound, best: m.best, factor: m.factor,
              steps: m.steps, minimum: m.loss.star, path: m.path,
              window: Math.max(3, 1.15 * Math.max(...d.start.map((v, i) => Math.abs(v - m.loss.star[i]))))};
    }
    function render() {
      if (!m) compute();
      const r = results();
      out.feature.textContent = `from ${DK.sig(r.feature[0], 4)} to ${DK.sig(r.feature[1], 4)}` + (state.standardize ? " (standardized: s and c no longer matter)" : "");
      out.eigenvalues.textContent = `${DK.sig(m.lmin, 4)}, ${DK.sig(m.lmax, 4)}`;
      out.kappa.textContent = DK.sig(m.kappa, 4);
      out.bound.textContent = DK.sig(m.bound, 4);
      out.best.textContent = DK.sig(m.best, 4);
      out.factor.textContent = DK.fixed(m.factor, 6);
      out.steps.textContent = m.steps === null ? `more than ${DK.int(d.max_steps)}` : DK.int(m.steps);
      const counted = m.steps === null ? `more than ${DK.int(d.max_steps)} steps` : stepWord(m.steps);
      cSlider.input.disabled = sSlider.input.disabled = false;

      // the window: +-3 around the minimum on both axes with equal scales (as Fig. 5.3), so
      // that stretching the feature visibly stretches the bowl; wider, still square, only
      // when the start lies farther away
      const [bs, ws] = m.loss.star, half = r.window;
      out.window.textContent = `minimum ± ${DK.sig(half, 3)} on both axes, equal scales`;
      map.x.domain = [bs - half, bs + half];
      map.y.domain = [ws - half, ws + half];
      map.layout();
      const star = m.loss.fast(bs, ws);
      // the bands span the window's own range of the loss (a quadratic: largest at a corner)
      const top = Math.max(...[[-1, -1], [-1, 1], [1, -1], [1, 1]].map(([i, j]) =>
        m.loss.fast(bs + i * half, ws + j * half) - star));
      map.heat((b, w) => m.loss.fast(b, w) - star, {lo: top * 1e-4, hi: top, n: 16,
                                                     key: `${state.scale}|${state.offset}|${state.standardize}`});
      map.axes();
      map.line(m.path, "dk-halo");
      map.line(m.path, "dk-path");
      map.dots(m.path, "dk-path-dots", 2.4);
      map.marker(d.start[0], d.start[1], "start", "start");
      map.marker(bs, ws, "min", "minimum");
      map.svg.setAttribute("aria-label", `Contour map of the loss for this feature, with the first ${d.shown_steps} steps at the best fixed rate: kappa ${DK.sig(m.kappa, 4)}, ${counted}.`);

      // steps against kappa: the prediction ln(1e6) / ln((kappa + 1) / (kappa - 1)), and this feature
      sweep.layout();
      sweep.axes();
      const theory = [];
      for (let e = 0.02; e <= 5; e += 0.02) { const k = Math.pow(10, e); theory.push([k, Math.log(1e6) / Math.log((k + 1) / (k - 1))]); }
      sweep.line(theory, "dk-guide");
      if (m.steps !== null) sweep.marker(Math.max(m.kappa, 1.0001), Math.max(m.steps, 1), "", `this feature: kappa ${DK.sig(m.kappa, 4)}, ${stepWord(m.steps)}`);
      sweep.text(1.5e4, Math.log(1e6) / Math.log((1.5e4 + 1) / (1.5e4 - 1)), "\u221d \u03ba", "", "end", -6, -6);
      sweep.svg.setAttribute("aria-label", `Steps at the best fixed rate against kappa, log-log: the prediction grows in proportion to kappa; this feature has kappa ${DK.sig(m.kappa, 4)} and needs ${counted}.`);
      live.set(`Scale ${DK.sig(state.scale, 4)}, offset ${DK.sig(state.offset, 4)}${state.standardize ? ", standardized" : ""}: kappa ${out.kappa.textContent}, best rate ${out.best.textContent}, ${counted}.`);
    }
    return {
      plots: [map, sweep],
      render,
      apply(s) {
        state.scale = DK.num(s.scale, state.scale, 1e-6, 1e6);
        state.offset = DK.num(s.offset, state.offset, -1e6, 1e6);
        if (s.standardize !== undefined) state.standardize = s.standardize === "1" || s.standardize === "true";
        sSlider.set(state.scale); cSlider.set(state.offset); toggle.set(state.standardize);
        compute();
      },
      hook: {kind: "scaling", get state() { return {...state}; }, results: () => results(),
             shown: () => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.textContent]))},
    };
  });
})();

/* Chapter 4: a learning-rate slider against 1/lambda_max and 2/lambda_max on the MSE of the
   line, with the Hessian's eigenvectors drawn. The run is descentkit.optim.run_to_tolerance
   (distance to the minimum below tol and staying there, within max_steps); the factors are
   1 - lr lambda (descentkit.curvature.contraction_factor) and their verdicts classify_lr's.
   The eigenvectors carry the chapter's names and colours: u_min green (C2), u_max red (C3). */
(function () {
  "use strict";
  const {h} = DK;

  function classify(lr, lam) {
    const r = 1 - lr * lam, eps = 1e-12;
    if (Math.abs(r) <= eps) return "converges in one step";
    if (Math.abs(r + 1) <= eps) return "oscillates forever";
    if (r > 0) return "converges from one side";
    if (r > -1) return "overshoots, converges";
    return "diverges";
  }

  DK.register("rate-2d", (root, d) => {
    const loss = DK.mse(d.x, d.y);
    const [lamMin, lamMax] = d.eigenvalues;
    const [uMin, uMax] = d.eigenvectors;
    const state = {lr: d.lr};
    const fig = DK.frame(root, {
      title: "The learning rate against the curvatures of the loss",
      hint: `The Hessian's eigenvalues are \u03bb_min = ${DK.fixed(lamMin, 4)} and \u03bb_max = ${DK.fixed(lamMax, 4)}. ` +
            "Move the slider across 1/\u03bb_max (overshooting starts) and 2/\u03bb_max (divergence), or press a marked rate.",
    });
    const slider = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr,
                              format: (v) => DK.sig(v, 4), name: "lr"});
    const preset = (label, value, aria) => DK.button(label, () => { state.lr = value; slider.set(value); changed(true); }, {"aria-label": aria});
    const buttons = h("div", {class: "dk-buttons"},
      preset("1/\u03bb_max", d.one_step, `learning rate 1 over lambda max, ${DK.sig(d.one_step, 4)}`),
      preset("best", d.best, `the best fixed rate 2 over (lambda min + lambda max), ${DK.sig(d.best, 4)}`),
      preset("2/\u03bb_max", d.bound, `learning rate 2 over lambda max, ${DK.sig(d.bound, 4)}`));
    const scale = new DK.Plot({x: {domain: [0, d.rates[d.rates.length - 1]]}, y: {domain: [0, 1], hidden: true},
                               aspect: 0.1, minHeight: 62, maxHeight: 62, margin: {l: 14, r: 14, t: 6, b: 24}});
    const rows = [0, 1].map(() => ({factor: h("td", {"data-dk-out": "factor"}), verdict: h("td", {"data-dk-out": "verdict"})}));
    const table = h("table", {class: "dk-table"},
      h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "direction"), h("th", {scope: "col"}, "\u03bb"),
                      h("th", {scope: "col"}, "factor 1 \u2212 \u03b7\u03bb"), h("th", {scope: "col"}, "per step it"))),
      h("tbody", {}, [["u_min (flat)", lamMin, 3], ["u_max (sharp)", lamMax, 0]].map(([name, lam, key], i) =>
        h("tr", {}, h("th", {scope: "row"}, h("span", {class: `dk-key dk-key-${key}`}), name), h("td", {}, DK.fixed(lam, 4)), rows[i].factor, rows[i].verdict))));
    const summary = h("p", {class: "dk-readout", "data-dk-out": "summary"});
    const map = new DK.Plot({x: {domain: d.window.b, label: "b (intercept)"}, y: {domain: d.window.w, label: "w (slope)"},
                             heat: true, equal: true, maxHeight: 460});
    const coords = new DK.Plot({x: {domain: [0, 200], label: "step t"}, y: {domain: [1e-14, 1e11], log: true, label: "|error along u|"}, aspect: 0.85, maxHeight: 460});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, slider.el, buttons), scale.el, table, summary,
               h("div", {class: "dk-plots"}, map.el, coords.el), live.el);
    slider.onChange((v) => { state.lr = v; changed(true); });

    let run = null;
    function compute() {
      const r = DK.descend(loss.grad, d.start, state.lr, {numSteps: d.max_steps});
      const errors = r.params.map((p) => DK.dist(p, d.minimum));
      const last = errors[errors.length - 1];
      r.convergedAt = !r.diverged && last < d.tol ? DK.stepsToTolerance(errors, d.tol) : null;
      r.coords = r.params.map((p) => [0, 1].map((i) => (p[0] - d.minimum[0]) * d.eigenvectors[i][0] + (p[1] - d.minimum[1]) * d.eigenvectors[i][1]));
      run = r;
    }
    function changed(user) {
      compute();
      render();
      if (user) DK.writeHash(root.id, {lr: state.lr});
    }
    function results() {
      const factors = d.eigenvalues.map((lam) => 1 - state.lr * lam);
      return {lr: state.lr, factors, verdicts: d.eigenvalues.map((lam) => classify(state.lr, lam)),
              status: run.convergedAt !== null ? "converged" : run.diverged ? "diverged" : "completed",
              converged_at: run.convergedAt, num_steps: run.numSteps, path: run.params, ratio: state.lr / d.bound};
    }
    function sentence(r) {
      const ratio = `\u03b7 is ${DK.fixed(r.ratio, 3)} \u00d7 2/\u03bb_max`;
      if (r.status === "converged") return `${ratio}: the run gets within ${DK.sig(d.tol)} of the minimum after ${DK.int(r.converged_at)} steps and stays there.`;
      if (r.status === "diverged") return `${ratio}: the run diverges; it stops after ${r.num_steps} steps, when the next step would pass 10\u00b9\u2070.`;
      return `${ratio}: after ${DK.int(d.max_steps)} steps the run is still not within ${DK.sig(d.tol)} of the minimum.`;
    }

    function render() {
      if (!run) compute();
      const r = results();
      r.factors.forEach((f, i) => {
        rows[i].factor.textContent = DK.fixed(f, 3);
        rows[i].verdict.textContent = r.verdicts[i];
      });
      summary.textContent = sentence(r);

      // the rate line: where eta sits against 1/lambda_max and 2/lambda_max
      scale.layout();
      const top = scale.x.domain[1];
      const band = (a, b, k, text) => {
        const x0 = scale.sx(a), x1 = scale.sx(Math.min(b, top));
        scale.layers.back.append(DK.s("rect", {x: x0, y: scale.inner.y, width: Math.max(0, x1 - x0), height: scale.inner.h, class: `dk-band dk-band-${k}`}));
        scale.layers.over.append(DK.s("text", {x: (x0 + x1) / 2, y: scale.inner.y + scale.inner.h / 2 + 4, class: "dk-ticklabel", "text-anchor": "middle"}, text));
      };
      const narrow = scale.width < 420;
      band(0, d.one_step, 0, narrow ? "no overshoot" : "no direction overshoots");
      band(d.one_step, d.bound, 1, narrow ? "overshoots" : "overshoots along u_max");
      band(d.bound, top, 2, "diverges");
      scale.axes();
      for (const [v, name] of [[d.one_step, "1/\u03bb_max"], [d.bound, "2/\u03bb_max"]]) {
        scale.layers.over.append(DK.s("line", {x1: scale.sx(v), x2: scale.sx(v), y1: scale.inner.y, y2: scale.inner.y + scale.inner.h, class: "dk-guide"}));
      }
      scale.layers.over.append(DK.s("path", {d: `M${scale.sx(state.lr)},${scale.inner.y + scale.inner.h}l-6,8h12z`, class: "dk-marker"}));
      scale.svg.setAttribute("aria-label", `Learning rate scale: ${DK.sig(state.lr, 4)} against 1/lambda_max = ${DK.sig(d.one_step, 4)} and 2/lambda_max = ${DK.sig(d.bound, 4)}.`);

      // the contour map, the eigenvectors through the minimum, the first steps
      map.layout();
      map.heat((b, w) => loss.fast(b, w), {lo: d.window.lo, hi: d.window.hi, n: d.window.n, key: "loss"});
      map.axes();
      const [bs, ws] = d.minimum;
      [[uMin, "u_min", 2.6, "dk-eig-min"], [uMax, "u_max", 1.4, "dk-eig-max"]].forEach(([u, name, len, kind]) => {
        const a = [bs - len * u[0], ws - len * u[1]], b = [bs + len * u[0], ws + len * u[1]];
        map.line([a, b], "dk-arrow-halo");
        map.line([a, b], `dk-arrow ${kind}`);
        map.text(b[0], b[1], name, `dk-heat-label ${kind}`, "middle", 0, -6);
      });
      const shown = run.params.slice(0, d.shown_steps + 1);
      map.line(shown, "dk-halo");
      map.line(shown, "dk-path");
      map.dots(shown, "dk-path-dots", 2.6);
      map.marker(d.start[0], d.start[1], "start", "start");
      map.marker(bs, ws, "min", "minimum");
      map.svg.setAttribute("aria-label", `Contour map of the loss with the eigenvectors through the minimum and the first ${Math.min(d.shown_steps, run.numSteps)} steps at learning rate ${DK.sig(state.lr, 4)}. ${summary.textContent}`);

      // the error along each eigenvector, log scale
      coords.layout();
      coords.axes();
      coords.line([[0, d.tol], [coords.x.domain[1], d.tol]], "dk-guide");
      [0, 1].forEach((i) => {
        const pts = run.coords.slice(0, 201).map((c, t) => [t, Math.abs(c[i])]);
        coords.line(pts, `dk-s${i ? 0 : 3}`);  // u_min green, u_max red
      });
      coords.text(coords.x.domain[1], d.tol, "tolerance", "", "end", -4, -5);
      coords.svg.setAttribute("aria-label", `The error along u_min and along u_max against the step, log scale: factors ${DK.fixed(r.factors[0], 3)} and ${DK.fixed(r.factors[1], 3)} per step.`);
      live.set(`Learning rate ${DK.sig(state.lr, 4)}. Along u_min the factor is ${DK.fixed(r.factors[0], 3)}, ${r.verdicts[0]}; along u_max ${DK.fixed(r.factors[1], 3)}, ${r.verdicts[1]}. ${summary.textContent}`);
    }

    // a key under the error plot
    fig.insertBefore(h("p", {class: "dk-help"}, h("span", {class: "dk-key dk-key-3"}), "along u_min (flat)  ",
                       h("span", {class: "dk-key dk-key-0"}), "along u_max (sharp)"), live.el);

    return {
      plots: [scale, map, coords],
      render,
      apply(s) { state.lr = DK.num(s.lr, state.lr, 1e-12, 1e6); slider.set(state.lr); compute(); },
      hook: {kind: "rate-2d", get state() { return {...state}; }, results: () => results(),
             shown: () => ({factors: rows.map((x) => x.factor.textContent), verdicts: rows.map((x) => x.verdict.textContent),
                            summary: summary.textContent})},
    };
  });
})();

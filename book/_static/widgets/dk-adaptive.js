/* Chapter 8: one optimiser (gradient descent, AdaGrad, RMSProp or Adam) on the valley along
   the axes and on the rotated valley with the same eigenvalues, side by side. The rules are
   descentkit.rules' (torch.optim's conventions; the widget's rule is
   descentkit.widgets.adaptive_rule), written out here; the loop is DK.descend
   (descentkit.optim.descend) on the gradient H e; the count is the chapter's (the step from
   which the distance to the minimum 0 stays below tol, within one budget of steps for every
   kappa, the chapter's, so that counts compare across kappa). RMSProp's alpha and Adam's
   beta2 are two settings, with the chapter's (torch's) defaults 0.99 and 0.999. */
(function () {
  "use strict";
  const {h} = DK;
  const SHAPES = [["axes", "valley along the axes"], ["rotated", "rotated valley"]];

  // descentkit.rules.AdaGrad, RMSProp(alpha) and Adam(beta1, beta2, bias_correction)
  function rule(s, eps) {
    if (s.method === "adagrad") return {init: (p) => p.map(() => 0), step: (p, g, lr, acc) => {
      const a = acc.map((ai, i) => ai + g[i] * g[i]);
      return [p.map((pi, i) => pi - lr * g[i] / (Math.sqrt(a[i]) + eps.adagrad)), a]; }};
    if (s.method === "rmsprop") return {init: (p) => p.map(() => 0), step: (p, g, lr, ms) => {
      const a = ms.map((ai, i) => s.alpha * ai + (1 - s.alpha) * g[i] * g[i]);
      return [p.map((pi, i) => pi - lr * g[i] / (Math.sqrt(a[i]) + eps.rmsprop)), a]; }};
    if (s.method === "adam") return {init: (p) => ({t: 0, m: p.map(() => 0), v: p.map(() => 0)}), step: (p, g, lr, st) => {
      const t = st.t + 1;
      const m = st.m.map((mi, i) => s.beta1 * mi + (1 - s.beta1) * g[i]);
      const v = st.v.map((vi, i) => s.beta2 * vi + (1 - s.beta2) * g[i] * g[i]);
      let q;
      if (!s.bias) q = p.map((pi, i) => pi - lr * m[i] / (Math.sqrt(v[i]) + eps.adam));
      else {
        const c1 = 1 - Math.pow(s.beta1, t), c2 = 1 - Math.pow(s.beta2, t);
        q = p.map((pi, i) => pi - (lr / c1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(c2) + eps.adam));
      }
      return [q, {t, m, v}]; }};
    return DK.rules.gd();
  }

  DK.register("adaptive", (root, d) => {
    const state = {method: d.method, lr: d.lr, beta1: d.beta1, beta2: d.beta2, alpha: d.alpha, bias: d.bias_correction, kappa: d.kappa};
    const fig = DK.frame(root, {
      title: "Per-coordinate scaling: a stretched valley and a rotated one",
      hint: "The same optimiser runs on two valleys with the same curvatures: one along the axes, one turned by 45\u00b0. " +
            "Choose the optimiser, its rate and \u03b2s, and \u03ba; AdaGrad, RMSProp and Adam undo the stretch along the axes, not the rotation.",
    });
    const method = DK.radios({legend: "optimiser", options: Object.entries(d.methods), value: state.method});
    const kappa = DK.radios({legend: "condition number \u03ba", options: d.kappas.map((k) => [String(k), DK.int(k)]), value: String(state.kappa)});
    const fmt = (v) => DK.sig(v, 4);
    const lr = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr, format: fmt, name: "lr", log: true});
    const b1 = DK.slider({label: "Adam's \u03b2\u2081 =", values: d.beta1s, value: state.beta1, format: fmt, name: "beta1"});
    const b2 = DK.slider({label: "Adam's \u03b2\u2082 =", values: d.beta2s, value: state.beta2, format: fmt, name: "beta2"});
    const al = DK.slider({label: "RMSProp's \u03b1 (its \u03b2\u2082) =", values: d.beta2s, value: state.alpha, format: fmt, name: "alpha"});
    const bias = DK.toggle({label: "Adam's bias correction", checked: state.bias});
    // the path takes the method's colour in the chapter's figures (GD C3 and AdaGrad C1
    // as in figure 8.2, RMSProp C9 and Adam C4 as in the race); in the distance plot
    // the rotated valley is dashed
    const CLS = {gd: 0, adagrad: 1, rmsprop: 9, adam: 4};
    const keys = SHAPES.map((_, i) => h("span", {class: `dk-key${i ? " dk-key-dash" : ""}`}));
    const cells = SHAPES.map(() => ({kd: h("td", {"data-dk-out": "kappa_diag"}), needed: h("td", {"data-dk-out": "needed"}),
                                      end: h("td", {"data-dk-out": "end"})}));
    const table = h("table", {class: "dk-table"},
      h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "valley"), h("th", {scope: "col"}, "\u03ba after the best diagonal scaling"),
        h("th", {scope: "col"}, `within ${DK.sig(d.tol)} of the minimum for good from step`), h("th", {scope: "col"}, "distance at the end"))),
      h("tbody", {}, SHAPES.map(([, name], i) => h("tr", {}, h("th", {scope: "row"}, keys[i], name),
        cells[i].kd, cells[i].needed, cells[i].end))));
    const [w0, w1] = d.window;
    const maps = SHAPES.map(() => new DK.Plot({x: {domain: [w0, w1], label: "\u03b8\u2081"}, y: {domain: [w0, w1], label: "\u03b8\u2082"},
                                               heat: true, equal: true, maxHeight: 380}));
    const curves = new DK.Plot({x: {domain: [1, d.budget], log: true, label: "step (log scale)"},
                                y: {domain: [1e-6, 10], log: true, label: "distance to the minimum"},
                                aspect: 0.5, maxHeight: 300});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, method.el, kappa.el, lr.el, b1.el, b2.el, al.el, bias.el), table,
               h("div", {class: "dk-plots"}, ...maps.map((m) => m.el)), curves.el,
               h("p", {class: "dk-help"}, `Maps: the first ${d.shown_steps} steps from the square to the star (0). Below: the distance over ` +
                 `the chapter's budget, ${DK.int(d.budget)} steps for every \u03ba, so that counts compare across \u03ba.`),
               live.el);
    // a new optimiser starts at its own default rate (d.lrs, from descentkit.widgets)
    method.onChange((v) => { state.method = v; state.lr = d.lrs[v]; lr.set(state.lr); changed(true); });
    kappa.onChange((v) => { state.kappa = Number(v); changed(true); });
    lr.onChange((v) => { state.lr = v; changed(true); });
    b1.onChange((v) => { state.beta1 = v; changed(true); });
    b2.onChange((v) => { state.beta2 = v; changed(true); });
    al.onChange((v) => { state.alpha = v; changed(true); });
    bias.onChange((v) => { state.bias = v; changed(true); });

    let runs = null;
    function compute() {
      const P = d.problems[String(state.kappa)];
      runs = SHAPES.map(([shape]) => {
        const H = P[shape].hessian;
        const grad = (e) => [H[0][0] * e[0] + H[0][1] * e[1], H[1][0] * e[0] + H[1][1] * e[1]];
        const r = DK.descend(grad, d.starts[shape], state.lr, {rule: rule(state, d.eps), numSteps: d.budget});
        r.error = r.params.map((p) => Math.hypot(p[0], p[1]));
        r.needed = DK.stepsToTolerance(r.error, d.tol);
        return r;
      });
    }
    const hashOf = () => ({method: state.method, lr: state.lr, beta1: state.beta1, beta2: state.beta2, alpha: state.alpha,
                           bias: state.bias ? 1 : 0, kappa: state.kappa});
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, hashOf()); }
    const neededText = (r, budget) => (r.needed === null ? (r.diverged ? `never (diverged at step ${r.numSteps + 1})` : `not within ${DK.int(budget)}`) : DK.int(r.needed));

    function results() {
      const out = {...state, runs: {}};
      SHAPES.forEach(([shape], i) => {
        const r = runs[i];
        out.runs[shape] = {status: r.status, num_steps: r.numSteps, needed: r.needed, path: r.params, final_distance: r.error[r.error.length - 1]};
      });
      return out;
    }
    function render() {
      if (!runs) compute();
      const P = d.problems[String(state.kappa)];
      b1.input.disabled = state.method !== "adam";
      b2.input.disabled = state.method !== "adam";
      al.input.disabled = state.method !== "rmsprop";
      bias.input.disabled = state.method !== "adam";
      SHAPES.forEach(([shape, name], i) => {
        const r = runs[i], c = cells[i], k = CLS[state.method];
        keys[i].className = `dk-key dk-key-${k}${i ? " dk-key-dash" : ""}`;
        c.kd.textContent = `${DK.sig(P[shape].kappa_diag, 4)} (\u03ba = ${DK.sig(P[shape].kappa, 4)})`;
        c.needed.textContent = neededText(r, d.budget);
        const e = r.error[r.error.length - 1];
        c.end.textContent = e < 1e-15 ? "below 10\u207b\u00b9\u2075 (rounding)" : DK.sig(e, 3);
        const map = maps[i], H = P[shape].hessian;
        map.layout();
        map.heat((u, v) => Math.log10(0.5 * (H[0][0] * u * u + 2 * H[0][1] * u * v + H[1][1] * v * v) + 1e-3),
                 {lo: -3, hi: P[shape].hi, n: 15, log: false, key: `${state.kappa}`});
        map.axes();
        const pts = r.params.slice(0, d.shown_steps + 1);
        map.line(pts, "dk-halo");
        map.line(pts, `dk-s${k}`);
        map.dots(pts, `dk-d${k} dk-small`, 2);
        map.marker(d.starts[shape][0], d.starts[shape][1], "start", "start");
        map.marker(0, 0, "min", "minimum");
        map.text(w0, w1, name, "dk-heat-label", "start", 6, 16);
        map.svg.setAttribute("aria-label", `Contour map of the ${name}, kappa ${DK.int(state.kappa)}, with the first ${d.shown_steps} steps of ${d.methods[state.method]}: ` +
                             `within ${DK.sig(d.tol)} for good from step ${c.needed.textContent}.`);
      });
      curves.layout();
      curves.axes();
      curves.line([[1, d.tol], [d.budget, d.tol]], "dk-guide");
      runs.forEach((r, i) => curves.line(r.error.map((v, t) => [t, Math.max(v, 1e-300)]).slice(1), `dk-s${CLS[state.method]}${i ? " dk-dash" : ""}`));
      const said = SHAPES.map(([, name], i) => `${name} ${cells[i].needed.textContent}`).join(", ");
      curves.svg.setAttribute("aria-label", `Distance to the minimum against the step, both on log scales, on both valleys, over ${DK.int(d.budget)} steps. Steps needed: ${said}.`);
      const setting = state.method === "adam" ? `, beta1 ${fmt(state.beta1)}, beta2 ${fmt(state.beta2)}${state.bias ? "" : ", no bias correction"}`
        : state.method === "rmsprop" ? `, alpha ${fmt(state.alpha)}` : "";
      live.set(`${d.methods[state.method]}, rate ${fmt(state.lr)}${setting}, kappa ${DK.int(state.kappa)}: steps to within ${DK.sig(d.tol)}: ${said}.`);
    }
    return {
      plots: [...maps, curves],
      render,
      apply(s) {
        if (s.method in d.methods) state.method = s.method;
        state.lr = DK.num(s.lr, state.lr, 1e-12, 100);
        state.beta1 = DK.num(s.beta1, state.beta1, 0, 0.999999);
        state.beta2 = DK.num(s.beta2, state.beta2, 0, 0.999999);
        state.alpha = DK.num(s.alpha, state.alpha, 0, 0.999999);
        if (s.bias !== undefined) state.bias = s.bias === "1" || s.bias === "true";
        if (d.kappas.includes(Number(s.kappa))) state.kappa = Number(s.kappa);
        method.set(state.method); kappa.set(String(state.kappa)); lr.set(state.lr); b1.set(state.beta1); b2.set(state.beta2); al.set(state.alpha); bias.set(state.bias);
        compute();
      },
      hook: {kind: "adaptive", get state() { return {...state}; }, results: () => results(),
             shown: () => ({needed: cells.map((c) => c.needed.textContent), kappa_diag: cells.map((c) => c.kd.textContent),
                            end: cells.map((c) => c.end.textContent)})},
    };
  });
})();

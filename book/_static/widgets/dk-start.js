/* Chapter 3: click or drag the start on the contour map of the MSE; the path of gradient
   descent (descentkit.optim.descend with the MSE gradient of descentkit.losses) and its loss
   curve follow. */
(function () {
  "use strict";
  const {h} = DK;

  DK.register("start", (root, d) => {
    const loss = DK.mse(d.x, d.y);
    const state = {b: d.start[0], w: d.start[1]};
    const fig = DK.frame(root, {
      title: "Start anywhere on the loss surface",
      hint: `Click or drag on the map, or use the two sliders, to move the start (black square); ` +
            `the path of ${DK.int(d.num_steps)} epochs of gradient descent with \u03b7 = ${d.lr} and its loss follow.`,
    });
    const bSlider = DK.slider({label: "start intercept b\u2080 =", values: d.b_values, value: state.b, format: (v) => DK.fixed(v, 3), name: "b"});
    const wSlider = DK.slider({label: "start slope w\u2080 =", values: d.w_values, value: state.w, format: (v) => DK.fixed(v, 3), name: "w"});
    const reset = DK.button("the chapter's start", () => { state.b = d.start[0]; state.w = d.start[1]; sync(); changed(true); },
                            {"aria-label": "Back to the chapter's random start"});
    const summary = h("p", {class: "dk-readout", "data-dk-out": "summary"});
    const map = new DK.Plot({x: {domain: d.window.b, label: "b (intercept)"}, y: {domain: d.window.w, label: "w (slope)"},
                             heat: true, equal: true, maxHeight: 460});
    map.el.classList.add("dk-touch");
    const curve = new DK.Plot({x: {domain: [0, d.num_steps], label: "epoch"}, y: {domain: [1e-3, 1e2], log: true, label: "training MSE"}, aspect: 0.85, maxHeight: 460});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, bSlider.el, wSlider.el, h("div", {class: "dk-buttons"}, reset)),
               summary, h("div", {class: "dk-plots"}, map.el, curve.el), live.el);
    const sync = () => { bSlider.set(state.b); wSlider.set(state.w); };
    bSlider.onChange((v) => { state.b = v; changed(true); });
    wSlider.onChange((v) => { state.w = v; changed(true); });

    // pointer: click, drag (mouse, pen or finger) moves the start
    let dragging = false, frame = 0;
    const clamp = (v, [a, b]) => Math.max(Math.min(a, b), Math.min(Math.max(a, b), v));
    const moveTo = (e) => {
      const [b, w] = map.pointer(e);
      state.b = clamp(b, d.window.b); state.w = clamp(w, d.window.w);
      sync();
      if (!frame) frame = requestAnimationFrame(() => { frame = 0; changed(true); });
    };
    map.el.addEventListener("pointerdown", (e) => {
      if (!map.inside(e)) return;
      dragging = true;
      map.el.setPointerCapture(e.pointerId);
      moveTo(e);
      e.preventDefault();
    });
    map.el.addEventListener("pointermove", (e) => { if (dragging) moveTo(e); });
    const end = (e) => { if (dragging) { dragging = false; map.el.releasePointerCapture(e.pointerId); } };
    map.el.addEventListener("pointerup", end);
    map.el.addEventListener("pointercancel", end);

    let run = null;
    function compute() {
      run = DK.descend(loss.grad, [state.b, state.w], d.lr, {numSteps: d.num_steps, f: loss.loss});
      const errors = run.params.map((p) => DK.dist(p, d.minimum));
      run.nearAt = run.diverged ? null : DK.stepsToTolerance(errors, d.near);
    }
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, {b: state.b, w: state.w}); }
    function results() {
      // a drag redraws once a frame: a start moved since then is computed now
      if (!run || run.params[0][0] !== state.b || run.params[0][1] !== state.w) compute();
      return {start: [state.b, state.w], path: run.params, losses: run.losses, status: run.status,
              near_at: run.nearAt, final: run.params[run.params.length - 1]};
    }
    function render() {
      if (!run) compute();
      const r = results();
      const [bf, wf] = r.final;
      summary.textContent = `From (b\u2080, w\u2080) = (${DK.fixed(state.b, 3)}, ${DK.fixed(state.w, 3)}) the loss falls from ` +
        `${DK.sig(r.losses[0], 4)} to ${DK.sig(r.losses[r.losses.length - 1], 4)}; ` +
        (r.near_at === null ? `after ${DK.int(d.num_steps)} epochs it is not within ${DK.sig(d.near)} of the minimum. `
          : `the path is within ${DK.sig(d.near)} of the minimum from epoch ${DK.int(r.near_at)} on. `) +
        `It ends at b = ${DK.fixed(bf, 4)}, w = ${DK.fixed(wf, 4)}.`;

      map.layout();
      map.heat((b, w) => loss.fast(b, w), {lo: d.window.lo, hi: d.window.hi, n: d.window.n, key: "loss"});
      map.axes();
      map.line(r.path, "dk-halo");
      map.line(r.path, "dk-path");
      map.dots(r.path.slice(0, 31), "dk-path-dots", 2.4);
      map.marker(d.minimum[0], d.minimum[1], "min", "minimum");
      map.marker(state.b, state.w, "start", "start");
      map.svg.setAttribute("aria-label", `Contour map of the training loss with the path from the start (${DK.fixed(state.b, 3)}, ${DK.fixed(state.w, 3)}). ${summary.textContent}`);

      curve.layout();
      curve.axes();
      const star = loss.loss(d.minimum);
      curve.line([[0, star], [d.num_steps, star]], "dk-guide");
      curve.line(r.losses.map((v, t) => [t, v]), "dk-path");
      curve.text(d.num_steps, star, "least squares", "", "end", -4, -5);
      curve.svg.setAttribute("aria-label", `Training loss against the epoch, log scale, from ${DK.sig(r.losses[0], 4)} down to ${DK.sig(r.losses[r.losses.length - 1], 4)}.`);
      live.set(summary.textContent);
    }
    return {
      plots: [map, curve],
      render,
      apply(s) {
        state.b = DK.num(s.b, state.b, -1e6, 1e6);
        state.w = DK.num(s.w, state.w, -1e6, 1e6);
        sync();
        compute();
      },
      hook: {kind: "start", get state() { return {...state}; }, results: () => results(),
             mapClient: (b, w) => map.client(b, w),
             shown: () => ({summary: summary.textContent})},
    };
  });
})();

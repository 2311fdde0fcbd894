/* Chapter 6: batch size, learning rate, and reshuffling against sampling with replacement;
   SGD's noise ball forms. The run is descentkit.optim.minibatch_sgd over the batches of
   DK.batches (mirrored by descentkit.widgets.widget_batches), the ball's size
   descentkit.stochastic.distance_to over the second half of the epochs, shown only once the
   run has arrived (descentkit.widgets.noise_ball_readout): full-batch gradient descent at
   the same rate, where SGD's points are on average, is within settle times that RMS of the
   minimum (RMS over the same steps). */
(function () {
  "use strict";
  const {h} = DK;

  DK.register("noise-ball", (root, d) => {
    const loss = DK.mse(d.x, d.y);
    const N = d.x.length;
    const state = {lr: d.lr, batch: d.batch_size, sampling: "shuffle", seed: d.seed, zoom: false};
    const fig = DK.frame(root, {
      title: "Watch the noise ball of SGD form",
      hint: `Mini-batch SGD from the chapter's start for ${DK.int(d.num_steps)} steps with a constant learning rate. ` +
            "Choose the batch size, the rate and how batches are drawn: the points never settle at the minimum; they keep " +
            "moving in a cloud around it, the noise ball. Dashed: full-batch gradient descent at the same rate, where the points are on average. " +
            "Unlike the chapter's table of radii, which starts at the minimum itself and runs longer, this race starts far away and averages " +
            "only the second half of its steps: its radii differ a little from the table's, and at the smallest rates it may not have settled yet.",
    });
    const bSlider = DK.slider({label: "batch size B =", values: d.batch_sizes, value: state.batch, format: String, name: "batch"});
    const lrSlider = DK.slider({label: "learning rate \u03b7 =", values: d.rates, value: state.lr, format: (v) => DK.sig(v, 4), name: "lr", log: true});
    const radios = DK.radios({legend: "batches", value: state.sampling,
                              options: [["shuffle", "reshuffled every epoch"], ["replacement", "drawn with replacement"]]});
    const zoom = DK.toggle({label: "zoom in on the minimum", checked: state.zoom});
    const redraw = DK.button("New draw", () => { state.seed += 1; changed(true); }, {"aria-label": "Draw new random batches"});
    const out = {};
    const item = (key, label) => { out[key] = h("dd", {"data-dk-out": key}); return [h("dt", {}, label), out[key]]; };
    const readout = h("dl", {class: "dk-readout dk-grid"}, item("work", "steps and epochs"),
                      item("radius", "noise ball: RMS distance over the second half"), item("last", "distance after the last step"));
    const map = new DK.Plot({x: {domain: d.window.b, label: "b (intercept)"}, y: {domain: d.window.w, label: "w (slope)"}, heat: true, equal: true, maxHeight: 440});
    const dist = new DK.Plot({x: {domain: [0, d.num_steps], label: "step"}, y: {domain: [1e-4, 10], log: true, label: "distance to the minimum"}, aspect: 0.85, maxHeight: 440});
    const live = DK.live();
    fig.append(h("div", {class: "dk-controls"}, bSlider.el, lrSlider.el, radios.el, h("div", {class: "dk-buttons"}, redraw, zoom.el)),
               readout, h("div", {class: "dk-plots"}, map.el, dist.el), live.el);
    bSlider.onChange((v) => { state.batch = v; changed(true); });
    lrSlider.onChange((v) => { state.lr = v; changed(true); });
    radios.onChange((v) => { state.sampling = v; changed(true); });
    zoom.onChange((v) => { state.zoom = v; render(); DK.writeHash(root.id, hashOf()); });

    let run = null;
    function compute() {
      const epochs = (d.num_steps * state.batch) / N;
      const batches = DK.batches(N, state.batch, epochs, state.seed, state.sampling === "replacement");
      run = DK.descend(loss.grad, d.start, state.lr, {batches});
      run.epochs = epochs;
      const half = d.num_steps / 2;  // the steps of epochs epochs/2, ... (epochs are whole: B divides N)
      const tail = run.params.slice(1).slice(half);
      run.rms = tail.length ? Math.sqrt(tail.reduce((s, p) => s + DK.dist(p, d.minimum) ** 2, 0) / tail.length) : null;
      // arrived? the average path (full-batch gradient descent at this rate), over the same
      // steps, within settle x RMS of the minimum: the way still to go is then at most
      // settle^2 of the mean square, the rest is the noise ball (noise_ball_readout)
      run.full = DK.descend(loss.grad, d.start, state.lr, {numSteps: d.num_steps});
      const ahead = run.full.diverged ? [] : run.full.params.slice(half + 1);
      run.drift = ahead.length ? Math.sqrt(ahead.reduce((s, p) => s + DK.dist(p, d.minimum) ** 2, 0) / ahead.length) : Infinity;
      run.settled = !run.diverged && run.rms !== null && run.drift <= d.settle * run.rms;
    }
    const hashOf = () => ({lr: state.lr, batch: state.batch, sampling: state.sampling, seed: state.seed, zoom: state.zoom ? 1 : 0});
    function changed(user) { compute(); render(); if (user) DK.writeHash(root.id, hashOf()); }
    function results() {
      return {...state, epochs: run.epochs, status: run.status, num_steps: run.numSteps, path: run.params,
              rms: run.diverged ? null : run.rms, drift: run.drift, settled: run.settled,
              radius: run.settled ? run.rms : null, last: DK.dist(run.params[run.params.length - 1], d.minimum)};
    }
    function render() {
      if (!run) compute();
      const r = results();
      out.work.textContent = `${DK.int(d.num_steps)} steps of ${state.batch} example${state.batch > 1 ? "s" : ""} = ${DK.int(r.epochs)} epoch${r.epochs > 1 ? "s" : ""}`;
      out.radius.textContent = r.rms === null ? `the run diverged at step ${r.num_steps + 1}`
        : r.settled ? DK.sig(r.radius, 3)
        : state.batch === N && state.sampling === "shuffle" ? `none: every batch is all ${N} examples, so this is gradient descent, with no noise`
        : `not settled yet: still travelling (over the second half, the average path is still ${DK.sig(r.drift, 3)} from the minimum)`;
      out.last.textContent = DK.sig(r.last, 3);

      const z = d.zoom;
      if (state.zoom) { map.x.domain = [d.minimum[0] - z, d.minimum[0] + z]; map.y.domain = [d.minimum[1] - z, d.minimum[1] + z]; }
      else { map.x.domain = d.window.b; map.y.domain = d.window.w; }
      map.layout();
      const star = loss.fast(...d.minimum);
      const [b0, b1] = map.x.domain, [w0, w1] = map.y.domain;
      const hi = Math.max(loss.fast(b0, w0), loss.fast(b0, w1), loss.fast(b1, w0), loss.fast(b1, w1)) - star;
      map.heat((b, w) => loss.fast(b, w) - star, {lo: hi * 1e-4, hi, n: 14, key: state.zoom ? "zoom" : "full"});
      map.axes();
      map.line(run.full.params, "dk-guide dk-mean");  // where the points are on average
      map.line(r.path, "dk-path dk-thin");
      map.dots(r.path.slice(1), "dk-path-dots dk-small", state.zoom ? 2.2 : 1.6);
      map.marker(d.start[0], d.start[1], "start", "start");
      map.marker(d.minimum[0], d.minimum[1], "min", "minimum");
      map.svg.setAttribute("aria-label", `Contour map of the loss with the ${r.num_steps} points SGD visits. ${readout.textContent}`);

      dist.layout();
      dist.axes();
      const ds = r.path.map((p, t) => [t, DK.dist(p, d.minimum)]);
      dist.line(run.full.params.map((p, t) => [t, DK.dist(p, d.minimum)]), "dk-guide dk-mean");
      dist.line(ds, "dk-path");
      if (r.radius !== null) {
        dist.line([[d.num_steps / 2, r.radius], [d.num_steps, r.radius]], "dk-guide dk-strong");
        // the label in the empty top of the plot, not on the noisy curve
        dist.text(d.num_steps, dist.y.domain[1], "solid line: RMS over the second half", "", "end", -6, 16);
      }
      dist.svg.setAttribute("aria-label", `Distance to the minimum against the step, log scale; the noise ball's radius: ${out.radius.textContent}.`);
      live.set(`B = ${state.batch}, rate ${DK.sig(state.lr, 4)}, batches ${state.sampling === "shuffle" ? "reshuffled" : "with replacement"}: noise ball: ${out.radius.textContent}.`);
    }
    return {
      plots: [map, dist],
      render,
      apply(s) {
        state.lr = DK.num(s.lr, state.lr, 1e-9, 10);
        const b = Math.round(DK.num(s.batch, state.batch, 1, N));
        if (d.batch_sizes.includes(b)) state.batch = b;
        if (s.sampling === "shuffle" || s.sampling === "replacement") state.sampling = s.sampling;
        state.seed = Math.round(DK.num(s.seed, state.seed, 0, 4294967295));
        if (s.zoom !== undefined) state.zoom = s.zoom === "1";
        bSlider.set(state.batch); lrSlider.set(state.lr); radios.set(state.sampling); zoom.set(state.zoom);
        compute();
      },
      hook: {kind: "noise-ball", get state() { return {...state}; }, results: () => results(),
             batches: () => DK.batches(N, state.batch, (d.num_steps * state.batch) / N, state.seed, state.sampling === "replacement"),
             shown: () => Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.textContent]))},
    };
  });
})();

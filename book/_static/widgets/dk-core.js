/* descentkit widgets: the small framework every interactive figure of the course uses.

   Plain JavaScript on d3, nothing fetched from another host: served from the site's
   _static/widgets/ by _ext/widgets.py, only on pages that have a widget, after
   _static/d3/d3-modules.min.js, the UMD builds of nine d3 modules (array, color,
   interpolate, format, scale, path, shape, contour, scale-chromatic) pinned in
   _ext/d3/package.json and installed by `npm ci`. Weight, gzip: the d3 modules 37.2 kB
   (d3-shape 7.7 + d3-path 1.2, d3-scale-chromatic 7.5, d3-array 6.0, d3-scale 4.9,
   d3-color 4.2, d3-interpolate 3.2, d3-format 2.4, d3-contour 2.4; d3-scale's d3-time and
   d3-time-format, 5.2 kB, are left out: only scaleTime uses them) and this file 10.9 kB,
   against 10.0 kB for this file alone with its own plotting layer. Chapter 3 on the wire
   (benchmarks/site_weight.py): 1.36 MB before, 1.40 MB after (budget 1.5 MB).

   A widget is the HTML output of a notebook cell that calls a function of descentkit.widgets:

     <div class="dk-widget" id="ch01-rate" data-dk-kind="rate-1d">
       <script type="application/json" class="dk-data">{...the problem, from the package...}</script>
       <div class="dk-note">...shown without JavaScript (and in Jupyter): a link to this page...</div>
     </div>

   Each kind of widget (dk-<kind>.js) registers a maker with DK.register(kind, make); at
   DOMContentLoaded every container is handed to its maker with its data. The framework gives
   the makers:

   - controls that are native elements (keyboard, focus and screen readers for free): a slider
     over a list of values with aria-valuetext, buttons, switches, radio groups;
   - a live region that announces the result in words (debounced);
   - the state in the URL hash, "#<widget id>?<key>=<value>&...", read at load and on
     hashchange, written with history.replaceState as the reader changes a setting;
   - SVG plots drawn with d3 (d3-scale's linear and log scales, ticks and tick formats,
     d3-shape's lines and star, d3-contour's filled bands on a canvas underneath, in
     d3-scale-chromatic's viridis), redrawn when the width changes;
   - the descent loop of descentkit.optim.descend with its rules (plain step, heavy ball,
     Nesterov in torch.optim's form), its divergence rule and steps_to_tolerance, and the
     MSE of the line, so that every widget computes what the package computes;
   - window.__widgets[id]: a hook with the widget's state and results, for the browser tests
     (tests/test_widgets_browser.py holds them equal to the package's).
*/
(function () {
  "use strict";
  const DK = (window.DK = window.DK || {});
  const hooks = (window.__widgets = window.__widgets || {});
  const makers = {};
  const widgets = [];
  const SVG_NS = "http://www.w3.org/2000/svg";
  let uid = 0;

  let started = false;
  DK.register = (kind, make) => { makers[kind] = make; if (started) boot(false); };
  DK.id = (prefix) => `${prefix || "dk"}-${++uid}`;

  // ------------------------------------------------------------------ DOM helpers

  function build(node, attrs, kids) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.setAttribute("class", v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat()) {
      if (kid === undefined || kid === null || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }
  DK.h = (tag, attrs, ...kids) => build(document.createElement(tag), attrs, kids);
  DK.s = (tag, attrs, ...kids) => build(document.createElementNS(SVG_NS, tag), attrs, kids);

  DK.reducedMotion = () => window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // ------------------------------------------------------------------ numbers in words

  const MINUS = "\u2212";
  const SUP = {"-": "\u207b", 0: "\u2070", 1: "\u00b9", 2: "\u00b2", 3: "\u00b3", 4: "\u2074",
               5: "\u2075", 6: "\u2076", 7: "\u2077", 8: "\u2078", 9: "\u2079"};
  const sign = (s) => s.replace(/^-/, MINUS);
  // Fixed decimals, with a real minus sign.
  DK.fixed = (x, d) => (Number.isFinite(x) ? sign(x.toFixed(d)) : x > 0 ? "\u221e" : MINUS + "\u221e");
  // Significant digits; powers of ten outside [1e-3, 1e5) as "1.2 × 10⁻⁷".
  DK.sig = (x, d = 3) => {
    if (!Number.isFinite(x)) return DK.fixed(x, 0);
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (a >= 1e-3 && a < 1e5) return sign(String(Number(x.toPrecision(d))));
    const [m, e] = x.toExponential(d - 1).split("e");
    return `${sign(String(Number(m)))} \u00d7 10${String(Number(e)).split("").map((c) => SUP[c]).join("")}`;
  };
  DK.int = (n) => n.toLocaleString("en-US");

  // ------------------------------------------------------------------ controls

  // A native range input over a list of values (value = values[index]); the exact value may
  // be off the list (set from the URL or a preset button): the thumb then sits at the
  // nearest entry. aria-valuetext says the value as the reader sees it.
  DK.slider = function ({label, values, value, format = String, name, log = false}) {
    const id = DK.id("dk-in");
    const input = DK.h("input", {type: "range", id, min: 0, max: values.length - 1, step: 1,
                                 class: "dk-range", name});
    const out = DK.h("output", {for: id, class: "dk-value"});
    const el = DK.h("div", {class: "dk-control dk-slider"},
                    DK.h("label", {for: id}, label, " ", out), input);
    const fns = [];
    const api = {el, input, name, values, value,
      set(v) { api.value = v; input.value = nearest(values, v, log); show(); },
      onChange(fn) { fns.push(fn); return api; }};
    function show() {
      out.textContent = format(api.value);
      input.setAttribute("aria-valuetext", format(api.value));
    }
    input.addEventListener("input", () => {
      api.value = values[Number(input.value)];
      show();
      fns.forEach((fn) => fn(api.value));
    });
    api.set(value);
    return api;
  };

  function nearest(values, v, log) {
    let best = 0, dist = Infinity;
    values.forEach((u, i) => {
      const d = log ? Math.abs(Math.log(u) - Math.log(v)) : Math.abs(u - v);
      if (d < dist) { dist = d; best = i; }
    });
    return best;
  }

  DK.button = (label, onClick, attrs = {}) =>
    DK.h("button", {type: "button", class: "dk-button", onclick: onClick, ...attrs}, label);

  // A switch: a native checkbox with role="switch".
  DK.toggle = function ({label, checked = false}) {
    const id = DK.id("dk-sw");
    const input = DK.h("input", {type: "checkbox", role: "switch", id, class: "dk-switch"});
    input.checked = checked;
    const el = DK.h("div", {class: "dk-control dk-toggle"}, input, DK.h("label", {for: id}, label));
    const fns = [];
    input.addEventListener("change", () => fns.forEach((fn) => fn(input.checked)));
    return {el, input, get value() { return input.checked; }, set(v) { input.checked = !!v; },
            onChange(fn) { fns.push(fn); return this; }};
  };

  // Radio buttons in a fieldset with a legend: options = [[value, label], ...].
  DK.radios = function ({legend, options, value}) {
    const name = DK.id("dk-radio");
    const inputs = options.map(([v, text]) => {
      const id = DK.id("dk-opt");
      const input = DK.h("input", {type: "radio", name, id, value: v});
      return [input, DK.h("span", {class: "dk-radio"}, input, DK.h("label", {for: id}, text))];
    });
    const el = DK.h("fieldset", {class: "dk-control dk-radios"}, DK.h("legend", {}, legend),
                    inputs.map(([, span]) => span));
    const fns = [];
    const api = {el, get value() { return (inputs.find(([i]) => i.checked) || inputs[0])[0].value; },
      set(v) { inputs.forEach(([i]) => { i.checked = i.value === String(v); }); },
      onChange(fn) { fns.push(fn); return api; }};
    inputs.forEach(([i]) => i.addEventListener("change", () => fns.forEach((fn) => fn(api.value))));
    api.set(value);
    return api;
  };

  // A live region (role=status): the result in words, announced once the reader pauses.
  // It is visually hidden (the widget shows the same numbers in its readouts).
  DK.live = function (cls = "dk-sr") {
    const el = DK.h("p", {class: cls, role: "status", "aria-live": "polite"});
    let timer = null;
    return {el, set(text, now) {
      clearTimeout(timer);
      if (now) el.textContent = text;
      else timer = setTimeout(() => { el.textContent = text; }, 250);
    }};
  };

  // ------------------------------------------------------------------ state in the URL hash

  // "#<widget id>?lr=0.3&steps=5": one widget's settings. Values are written as JavaScript
  // prints numbers (the shortest text that reads back as the same number), so a link
  // reproduces exactly the same run.
  DK.hashState = function (id) {
    const hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash !== id && !hash.startsWith(id + "?")) return null;
    return Object.fromEntries(new URLSearchParams(hash.slice(id.length + 1)));
  };
  const pending = {};
  DK.writeHash = function (id, state) {
    clearTimeout(pending[id]);
    pending[id] = setTimeout(() => {
      const query = new URLSearchParams(Object.entries(state).map(([k, v]) => [k, String(v)])).toString();
      history.replaceState(history.state, "", `${location.pathname}${location.search}#${id}${query ? "?" + query : ""}`);
    }, 200);
  };
  // Numbers from the hash: a finite number within [lo, hi], else the fallback.
  DK.num = (text, fallback, lo = -Infinity, hi = Infinity) => {
    const v = Number(text);
    return text !== undefined && text !== "" && Number.isFinite(v) && v >= lo && v <= hi ? v : fallback;
  };

  // ------------------------------------------------------------------ plots, drawn with d3

  // The plotting layer is d3's, loaded before this file from the site's _static/d3/:
  // d3-scale for the axes (scaleLinear, scaleLog, their ticks and tick formats), d3-shape
  // for the lines (line(), with a gap where a point is not finite) and the star marker,
  // d3-contour for the filled contour bands, d3-scale-chromatic for viridis.
  const d3 = window.d3;
  if (!d3 || !d3.scaleLinear || !d3.line || !d3.contours || !d3.interpolateViridis) {
    console.error("descentkit widgets: the d3 modules (_static/d3/d3-modules.min.js) are not loaded");
  }
  const clampPx = (px) => Math.max(-1e5, Math.min(1e5, px));  // far-off points: keep SVG sane
  // Log-axis labels: powers of ten as 1, 10, 10⁻⁶ (d3's log tickFormat leaves the
  // in-between ticks unlabelled when they would crowd).
  const powerLabel = (t) => {
    const e = Math.round(Math.log10(t));
    if (Math.abs(t / Math.pow(10, e) - 1) > 1e-9) return DK.sig(t);
    return e === 0 ? "1" : e === 1 ? "10" : `10${String(e).split("").map((c) => SUP[c]).join("")}`;
  };
  // The ticks of an axis with their labels ("" for a minor tick).
  function tickList(axis, scale, count) {
    const format = axis.log ? scale.tickFormat(count, axis.format || powerLabel)
                            : axis.format || scale.tickFormat(count);
    return scale.ticks(count).map((v) => [v, format(v)]);
  }

  // A plot: an SVG (and, under it, a canvas for filled contours) that fills the width of
  // its box; the widget draws it again (layout(), axes(), ...) whenever the width changes.
  // x and y are axes {domain, log, label, format, hidden}; a widget may change a domain
  // between draws, the d3 scales follow.
  DK.Plot = class {
    // equal: one unit of x as long as one unit of y (the plot's height follows its width).
    constructor({x, y, aspect = 0.72, maxHeight = 380, minHeight = 190, margin, label, heat = false, equal = false}) {
      this.x = x; this.y = y; this.aspect = aspect; this.maxHeight = maxHeight; this.minHeight = minHeight;
      this.equal = equal;
      this.margin = Object.assign({l: 52, r: 18, t: 10, b: 40}, margin || {});
      this.clipId = DK.id("dk-clip");
      this.svg = DK.s("svg", {class: "dk-svg", role: "img", "aria-label": label || ""});
      this.canvas = heat ? DK.h("canvas", {class: "dk-heat", "aria-hidden": "true"}) : null;
      this.el = DK.h("div", {class: "dk-plot"}, this.canvas, this.svg);
      this.layers = {};
      this.onDraw = null;
      this.width = 0;
      this.inner = {x: 0, y: 0, w: 1, h: 1};
      this.scales = {};
      const ok = ([u, v]) => Number.isFinite(u) && Number.isFinite(v) && (!this.x.log || u > 0) && (!this.y.log || v > 0);
      this.path = d3.line().defined(ok).x(([u]) => this.sx(u)).y(([, v]) => this.sy(v)).digits(1);
    }
    layout() {
      const m = this.margin;
      const w = Math.max(240, Math.round(this.el.clientWidth || 360));
      const span = (a) => Math.abs(a.log ? Math.log(a.domain[1] / a.domain[0]) : a.domain[1] - a.domain[0]);
      const want = this.equal ? (w - m.l - m.r) * span(this.y) / span(this.x) + m.t + m.b : w * this.aspect;
      const h = Math.round(Math.min(this.maxHeight, Math.max(this.minHeight, want)));
      this.width = w; this.height = h;
      this.inner = {x: m.l, y: m.t, w: w - m.l - m.r, h: h - m.t - m.b};
      this.svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
      this.svg.setAttribute("width", w);
      this.svg.setAttribute("height", h);
      this.el.style.height = `${h}px`;
      this.svg.replaceChildren(DK.s("defs", {}, DK.s("clipPath", {id: this.clipId},
        DK.s("rect", {x: m.l, y: m.t, width: this.inner.w, height: this.inner.h}))));
      for (const name of ["back", "axes", "data", "over"]) {
        this.layers[name] = DK.s("g", {class: `dk-${name}`, "clip-path": name === "data" ? `url(#${this.clipId})` : null});
        this.svg.append(this.layers[name]);
      }
    }
    // The d3 scale of an axis ("x" or "y") onto the inner box, made again when the
    // axis's domain or the box has changed.
    scale(which) {
      const axis = this[which], {x, y, w, h} = this.inner;
      const [a, b] = axis.domain, [r0, r1] = which === "x" ? [x, x + w] : [y + h, y];
      const c = this.scales[which];
      if (c && c.a === a && c.b === b && c.log === !!axis.log && c.r0 === r0 && c.r1 === r1) return c.s;
      const s = (axis.log ? d3.scaleLog() : d3.scaleLinear()).domain([a, b]).range([r0, r1]);
      this.scales[which] = {a, b, log: !!axis.log, r0, r1, s};
      return s;
    }
    sx(v) { return clampPx(this.scale("x")(v)); }
    sy(v) { return clampPx(this.scale("y")(v)); }
    invert(px, py) { return [this.scale("x").invert(px), this.scale("y").invert(py)]; }
    // A data point's position on the screen (for the tests' pointer).
    client(u, v) {
      const r = this.svg.getBoundingClientRect();
      return {x: r.left + this.sx(u) * r.width / this.width, y: r.top + this.sy(v) * r.height / this.height};
    }
    // Pointer position in data coordinates.
    pointer(event) {
      const r = this.svg.getBoundingClientRect();
      return this.invert((event.clientX - r.left) * this.width / r.width, (event.clientY - r.top) * this.height / r.height);
    }
    inside(event) {
      const [x, y] = this.pointer(event);
      const [x0, x1] = this.x.domain, [y0, y1] = this.y.domain;
      return x >= Math.min(x0, x1) && x <= Math.max(x0, x1) && y >= Math.min(y0, y1) && y <= Math.max(y0, y1);
    }
    // The frame, d3's ticks (unlabelled minor ticks on log axes) and the axis labels.
    axes() {
      const g = this.layers.axes, {x, y, w, h} = this.inner;
      g.append(DK.s("rect", {x, y, width: w, height: h, class: "dk-frame"}));
      const nx = Math.max(2, Math.floor(w / 60)), ny = Math.max(2, Math.floor(h / 40));
      for (const [t, label] of tickList(this.x, this.scale("x"), nx)) {
        const px = this.sx(t);
        g.append(DK.s("line", {x1: px, x2: px, y1: y + h, y2: y + h + (label ? 5 : 3), class: "dk-tick"}),
                 label ? DK.s("text", {x: px, y: y + h + 17, class: "dk-ticklabel", "text-anchor": "middle"}, label) : null);
      }
      for (const [t, label] of this.y.hidden ? [] : tickList(this.y, this.scale("y"), ny)) {
        const py = this.sy(t);
        g.append(DK.s("line", {x1: x - (label ? 5 : 3), x2: x, y1: py, y2: py, class: "dk-tick"}),
                 label ? DK.s("text", {x: x - 8, y: py + 4, class: "dk-ticklabel", "text-anchor": "end"}, label) : null);
      }
      if (this.x.label) g.append(DK.s("text", {x: x + w / 2, y: this.height - 6, class: "dk-axislabel", "text-anchor": "middle"}, this.x.label));
      if (this.y.label) g.append(DK.s("text", {x: 13, y: y + h / 2, class: "dk-axislabel", "text-anchor": "middle",
                                              transform: `rotate(-90 13 ${y + h / 2})`}, this.y.label));
    }
    // The SVG path of a line through points [[x, y], ...] (d3-shape's line()): a gap where a
    // point is not finite (or not positive on a log axis).
    d(points) { return this.path(points) || ""; }
    line(points, cls, layer = "data") {
      const p = DK.s("path", {d: this.d(points), class: `dk-line ${cls || ""}`});
      this.layers[layer].append(p);
      return p;
    }
    dots(points, cls, r = 2.6, layer = "data") {
      const g = DK.s("g", {class: `dk-dots ${cls || ""}`});
      for (const [u, v] of points) {
        if (!Number.isFinite(u) || !Number.isFinite(v) || (this.y.log && v <= 0)) continue;
        g.append(DK.s("circle", {cx: this.sx(u).toFixed(1), cy: this.sy(v).toFixed(1), r}));
      }
      this.layers[layer].append(g);
      return g;
    }
    // The course's markers: a black square for the start, a white star for the minimum.
    marker(u, v, kind, title) {
      const px = this.sx(u), py = this.sy(v);
      let node;
      if (kind === "start") node = DK.s("rect", {x: px - 5, y: py - 5, width: 10, height: 10, class: "dk-start"});
      else if (kind === "min") node = DK.s("path", {d: STAR, transform: `translate(${px.toFixed(1)},${py.toFixed(1)})`, class: "dk-min"});
      else node = DK.s("circle", {cx: px, cy: py, r: 5.5, class: `dk-marker ${kind || ""}`});
      if (title) node.append(DK.s("title", {}, title));
      this.layers.over.append(node);
      return node;
    }
    text(u, v, str, cls, anchor = "start", dx = 0, dy = 0) {
      const t = DK.s("text", {x: this.sx(u) + dx, y: this.sy(v) + dy, class: `dk-label ${cls || ""}`, "text-anchor": anchor}, str);
      this.layers.over.append(t);
      return t;
    }
    // Filled contour bands of value(x, y) on the canvas under the SVG: levels are
    // [lo, hi, n] spaced evenly in log(value) (log=true) or in value; colours viridis, values
    // outside [lo, hi] in the end colours, values that are not finite in `none` ([r, g, b]).
    // value is sampled every HEAT_CELL px and d3-contour traces the n - 2 boundaries between
    // the n - 1 bands (marching squares, interpolated), which the canvas fills, lowest first.
    // key: the same key as last time (and the same size) keeps the bands already drawn.
    heat(value, {lo, hi, n = 16, log = true, reverse = false, none = null, key = null}) {
      if (!this.canvas) return;
      this.el.classList.add("dk-has-heat");
      const {x, y, w, h} = this.inner;
      const ratio = Math.min(window.devicePixelRatio || 1, 2);
      const full = `${key}|${w}|${h}|${ratio}|${this.x.domain}|${this.y.domain}`;
      if (key !== null && full === this.heatKey) return;
      this.heatKey = full;
      const W = Math.max(1, Math.round(w * ratio)), H = Math.max(1, Math.round(h * ratio));
      const c = this.canvas;
      c.width = W; c.height = H;
      Object.assign(c.style, {left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px`});
      const nx = Math.max(2, Math.ceil(w / HEAT_CELL)), ny = Math.max(2, Math.ceil(h / HEAT_CELL));
      const L0 = log ? Math.log(lo) : lo, L1 = log ? Math.log(hi) : hi;
      // each sample as its band's number, 0 .. n - 2 (a fraction between boundaries)
      const grid = new Float64Array(nx * ny), bad = none ? new Uint8Array(nx * ny) : null;
      const xs = Array.from({length: nx}, (_, i) => this.invert(x + (i + 0.5) * w / nx, y)[0]);
      let anyBad = false;
      for (let j = 0; j < ny; j++) {
        const [, vy] = this.invert(x, y + (j + 0.5) * h / ny);
        for (let i = 0; i < nx; i++) {
          const v = value(xs[i], vy), k = j * nx + i;
          if (!Number.isFinite(v)) {
            grid[k] = n - 1;
            if (bad) { bad[k] = 1; anyBad = true; }
          } else grid[k] = ((log ? Math.log(Math.max(v, 1e-300)) : v) - L0) / (L1 - L0) * (n - 1);
        }
      }
      const colour = (k) => d3.interpolateViridis(n > 2 ? (reverse ? 1 - k / (n - 2) : k / (n - 2)) : 0.5);
      const ctx = c.getContext("2d");
      ctx.setTransform(W / nx, 0, 0, H / ny, 0, 0);  // contour coordinates: one unit a sample
      const fill = (shape, style) => {
        ctx.beginPath();
        for (const polygon of shape.coordinates) {
          for (const ring of polygon) {
            ring.forEach(([u, v], i) => (i ? ctx.lineTo(u, v) : ctx.moveTo(u, v)));
            ctx.closePath();
          }
        }
        ctx.fillStyle = style;
        ctx.fill("evenodd");
      };
      ctx.fillStyle = colour(0);
      ctx.fillRect(0, 0, nx, ny);
      const bands = d3.contours().size([nx, ny]).thresholds(d3.range(1, n - 1))(grid);
      bands.forEach((shape, k) => fill(shape, colour(k + 1)));
      if (anyBad) fill(d3.contours().size([nx, ny]).thresholds([0.5])(bad)[0], `rgb(${none.join(",")})`);
    }
  };
  const HEAT_CELL = 2;  // px between the samples of a contour map
  const STAR = d3 && d3.symbol ? d3.symbol(d3.symbolStar, 81)() : "";  // outer radius 8.5 px

  // Viridis as [r, g, b] (d3-scale-chromatic's, matplotlib's 256 colours), t in [0, 1].
  DK.viridis = (t) => {
    const c = d3.rgb(d3.interpolateViridis(Math.max(0, Math.min(1, t))));
    return [c.r, c.g, c.b];
  };

  // ------------------------------------------------------------------ the descent loop

  // descentkit.rules in torch.optim's conventions: v <- beta v + g; heavy ball p <- p - lr v;
  // Nesterov p <- p - lr (g + beta v); beta = 0 is the plain gradient step.
  DK.rules = {
    gd: () => ({init: () => null, step: (p, g, lr) => [p.map((pi, i) => pi - lr * g[i]), null]}),
    heavyBall: (beta) => ({
      init: (p) => p.map(() => 0),
      step: (p, g, lr, v) => {
        const nv = beta ? g.map((gi, i) => beta * v[i] + gi) : g.slice();
        return [p.map((pi, i) => pi - lr * nv[i]), nv];
      }}),
    nesterov: (beta) => ({
      init: (p) => p.map(() => 0),
      step: (p, g, lr, v) => {
        const nv = g.map((gi, i) => beta * v[i] + gi);
        return [p.map((pi, i) => pi - lr * (g[i] + beta * nv[i])), nv];
      }}),
  };

  // descentkit.optim.descend for a fixed rate and full or mini-batch gradients: params is
  // an array of points (each an array); a step whose point leaves the finite numbers or has
  // a coordinate beyond the threshold is not taken, and the run reports "diverged".
  // batches: a list of index arrays, one per step (then grad(p, batch)); else numSteps.
  DK.descend = function (grad, x0, lr, {rule, numSteps, batches, f, threshold = 1e10} = {}) {
    rule = rule || DK.rules.gd();
    let p = x0.slice(), state = rule.init(p);
    const params = [p], losses = f ? [f(p)] : null;
    const n = batches ? batches.length : numSteps;
    let status = "completed";
    for (let t = 0; t < n; t++) {
      const g = batches ? grad(p, batches[t]) : grad(p);
      if (!g.every(Number.isFinite)) { status = "diverged"; break; }
      const [np, ns] = rule.step(p, g, lr, state);
      let big = 0;
      for (const c of np) big = Math.max(big, Math.abs(c));
      if (!(big <= threshold)) { status = "diverged"; break; }
      const loss = f ? f(np) : null;
      if (f && !Number.isFinite(loss)) { status = "diverged"; break; }
      p = np; state = ns;
      params.push(p);
      if (f) losses.push(loss);
    }
    return {params, losses, status, numSteps: params.length - 1, diverged: status === "diverged"};
  };

  // descentkit.optim.steps_to_tolerance: the first step from which every error is < tol,
  // or null if the last one is not.
  DK.stepsToTolerance = function (errors, tol) {
    let last = -1;
    errors.forEach((e, i) => { if (!(e < tol)) last = i; });
    return last === errors.length - 1 ? null : last + 1;
  };
  DK.dist = (p, q) => Math.hypot(...p.map((pi, i) => pi - q[i]));

  // descentkit.losses for the line b + w x: the MSE, its gradient on all examples or on the
  // examples idx, the Hessian, and the least-squares line (from centred data).
  DK.mse = function (x, y) {
    const n = x.length;
    const loss = (th) => { let s = 0; for (let i = 0; i < n; i++) { const e = th[0] + th[1] * x[i] - y[i]; s += e * e; } return s / n; };
    const grad = (th, idx) => {
      let s0 = 0, s1 = 0;
      const m = idx ? idx.length : n;
      for (let k = 0; k < m; k++) {
        const i = idx ? idx[k] : k, e = th[0] + th[1] * x[i] - y[i];
        s0 += e; s1 += x[i] * e;
      }
      return [2 * s0 / m, 2 * s1 / m];
    };
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
    mx /= n; my /= n;
    let vx = 0, cxy = 0, vy = 0, mxx = 0;
    for (let i = 0; i < n; i++) {
      const dx = x[i] - mx, dy = y[i] - my;
      vx += dx * dx; cxy += dx * dy; vy += dy * dy; mxx += x[i] * x[i];
    }
    vx /= n; cxy /= n; vy /= n; mxx /= n;
    const w = cxy / vx, star = [my - w * mx, w];
    // the loss of any line from the five statistics (losses.mse_from_statistics)
    const fast = (b, ww) => { const m = b + ww * mx - my; return Math.max(0, m * m + ww * ww * vx - 2 * ww * cxy + vy); };
    return {loss, grad, fast, star, hessian: [[2, 2 * mx], [2 * mx, 2 * mxx]], mean: mx, std: Math.sqrt(vx)};
  };

  // Eigenvalues (ascending) and unit eigenvectors of a symmetric 2x2 matrix, each vector's
  // largest entry positive (descentkit.curvature.hessian_eigen's sign rule).
  DK.eig2 = function (H) {
    const a = H[0][0], b = H[0][1], d = H[1][1];
    const mean = (a + d) / 2, r = Math.hypot((a - d) / 2, b);
    const top = mean + r;
    // the smaller one from the determinant: no cancellation when kappa is large
    const values = [top > 0 && mean > 0 ? (a * d - b * b) / top : mean - r, top];
    const vectors = values.map((lam) => {
      let v = Math.abs(b) > 1e-300 ? [b, lam - a] : (Math.abs(a - lam) <= Math.abs(d - lam) ? [1, 0] : [0, 1]);
      if (Math.abs(b) > 1e-300 && Math.hypot(...v) < 1e-300) v = [lam - d, b];
      const n = Math.hypot(...v);
      v = v.map((c) => c / n);
      const big = Math.abs(v[0]) >= Math.abs(v[1]) ? v[0] : v[1];
      return big < 0 ? v.map((c) => -c) : v;
    });
    return {values, vectors};
  };

  // A small seeded generator (mulberry32) and the batches it draws, mirrored in Python by
  // descentkit.widgets.widget_batches, so the tests can replay a widget's batches through
  // descentkit.optim.minibatch_sgd.
  DK.mulberry32 = function (seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    };
  };
  // Epochs of batches: reshuffled (Fisher-Yates) each epoch, or drawn with replacement;
  // returned as one flat list of batches, one per step.
  DK.batches = function (n, size, epochs, seed, replacement) {
    const next = DK.mulberry32(seed), out = [];
    const below = (k) => Math.floor((next() * k) / 4294967296);
    for (let e = 0; e < epochs; e++) {
      if (replacement) {
        for (let b = 0; b < Math.ceil(n / size); b++) out.push(Array.from({length: size}, () => below(n)));
      } else {
        const order = Array.from({length: n}, (_, i) => i);
        for (let i = n - 1; i > 0; i--) { const j = below(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
        for (let s = 0; s < n; s += size) out.push(order.slice(s, s + size));
      }
    }
    return out;
  };

  // ------------------------------------------------------------------ boot

  // The frame every widget shares: a figure with a caption, controls, plots, a status line.
  DK.frame = function (root, {title, hint}) {
    const capId = DK.id("dk-cap");
    const fig = DK.h("figure", {class: "dk-figure", "aria-labelledby": capId},
      DK.h("figcaption", {id: capId, class: "dk-caption"}, DK.h("strong", {}, title), hint ? [" ", hint] : null));
    root.append(fig);
    return fig;
  };

  function redrawOnResize(widget) {
    if (!window.ResizeObserver || !widget.plots) return;
    let last = 0;
    const ro = new ResizeObserver(() => {
      const w = widget.root.clientWidth;
      if (Math.abs(w - last) > 2) { last = w; widget.render(); }
    });
    ro.observe(widget.root);
  }

  // A widget starts (computes and draws) when the reader comes within a screen of it, so
  // that its computing does not hold up the page's first paint; one named in the URL, or
  // any when IntersectionObserver is missing or window.DK_EAGER is set (tests), at once.
  function boot(report) {
    const lazy = "IntersectionObserver" in window && !window.DK_EAGER;
    for (const root of document.querySelectorAll(".dk-widget[data-dk-kind]")) {
      if (root.dataset.dkReady || root.dataset.dkWaiting) continue;
      const make = makers[root.dataset.dkKind];
      if (!make) {
        if (report) console.error(`descentkit widget ${root.id}: no script for the kind ${root.dataset.dkKind}`);
        continue;
      }
      const note = root.querySelector(".dk-note");  // the note is for readers without scripts
      if (note) note.hidden = true;
      if (lazy && !DK.hashState(root.id)) {
        root.dataset.dkWaiting = "1";
        nearby().observe(root);
      } else startWidget(root);
    }
  }

  let observer = null;
  function nearby() {
    observer = observer || new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && entry.target.dataset.dkWaiting) startWidget(entry.target);
      }
    }, {rootMargin: "100% 0px"});
    return observer;
  }

  function startWidget(root) {
    if (observer) observer.unobserve(root);
    delete root.dataset.dkWaiting;
    const data = JSON.parse(root.querySelector("script.dk-data").textContent);
    const note = root.querySelector(".dk-note");
    if (note) note.hidden = true;
    const widget = makers[root.dataset.dkKind](root, data);
    widget.root = root;
    root.dataset.dkReady = "1";
    const saved = DK.hashState(root.id);
    if (saved) {
      widget.apply(saved);
      requestAnimationFrame(() => root.scrollIntoView({block: "start", behavior: DK.reducedMotion() ? "auto" : "smooth"}));
    }
    widget.render();
    redrawOnResize(widget);
    widgets.push(widget);
    hooks[root.id] = widget.hook;
  }
  window.addEventListener("hashchange", () => {
    for (const root of document.querySelectorAll(".dk-widget[data-dk-waiting]")) {
      if (DK.hashState(root.id)) startWidget(root);
    }
    for (const widget of widgets) {
      const saved = DK.hashState(widget.root.id);
      if (saved) { widget.apply(saved); widget.render(); widget.root.scrollIntoView({block: "start"}); }
    }
  });
  // Deferred scripts run before DOMContentLoaded, so every kind has registered by then.
  const start = () => { if (!started) { started = true; boot(true); } };
  if (document.readyState === "complete") start();
  else { document.addEventListener("DOMContentLoaded", start); window.addEventListener("load", start); }
})();

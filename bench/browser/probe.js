// Injected into every page before Streamlit loads: records the websocket traffic (time, bytes, top-level protobuf
// field numbers, which name the message type) and key presses on the page's own clock, and offers chart watchers.
(() => {
  const W = (window.__nlab = { ws: [], keys: [], charts: [] });

  // Top-level field numbers of a protobuf message (ForwardMsg / BackMsg): enough to tell a delta from script_finished.
  function fields(bytes) {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const out = [];
    let i = 0;
    const varint = () => { let r = 0, s = 0, x; do { x = b[i++]; r += (x & 127) * 2 ** s; s += 7; } while (x & 128 && i < b.length); return r; };
    while (i < b.length) {
      const tag = varint(), wt = tag & 7;
      // (not i += varint(): that reads i before varint moves it)
      if (wt === 0) varint(); else if (wt === 2) { const n = varint(); i += n; } else if (wt === 1) i += 8; else if (wt === 5) i += 4; else break;
      out.push(Math.floor(tag / 8));
    }
    return out;
  }
  const size = (d) => d.byteLength ?? d.size ?? d.length ?? 0;
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("open", () => W.ws.push({ t: performance.now(), dir: "open", bytes: 0, f: [] }));
      this.addEventListener("message", (e) => {
        const f = e.data instanceof ArrayBuffer ? fields(e.data) : [];
        W.ws.push({ t: performance.now(), dir: "in", bytes: size(e.data), f });
      });
    }
    send(d) {
      let f = [];
      try { f = fields(ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : d); } catch (e) { /* not protobuf */ }
      W.ws.push({ t: performance.now(), dir: "out", bytes: size(d), f });
      return super.send(d);
    }
  }
  window.WebSocket = Recorded;
  addEventListener("keydown", () => W.keys.push(performance.now()), true);

  // Charts on screen or scrolled away, not those inside a closed tab (display: none), nor the invisible chart that
  // only loads plotly.js for in-place charts (views/ui/charts.py plotly_js: one trace named "plotly.js loader").
  const loader = (g) => !!(g.data && g.data.length === 1 && g.data[0].name === "plotly.js loader");
  const plots = () => [...document.querySelectorAll(".js-plotly-plot")].filter((g) => g.getClientRects().length && !loader(g));
  W.plots = plots;
  // A chart counts as drawn when plotly has traces and something is painted in its plot area.
  W.drawn = (g) => !!(g.data && g._fullData && g._fullData.length && g.querySelector(".main-svg") &&
    g.getBoundingClientRect().height > 20 &&
    g.querySelector(".trace, .main-svg image, canvas"));
  W.stale = (g) => !!g.closest('[data-stale="true"]');

  // From the first paint on: when the k-th chart was first drawn (k = 1, 2, ...).
  const t0 = performance.now();
  // ... and when the page was whole: a chart drawn, no run going, and no first paint still waiting for the rerun that
  // brings its controls (views/ui/first_paint.py; the floor app has none).
  const whole = () => W.charts.length && !document.querySelector('[data-testid="stStatusWidget"]') &&
    !document.querySelector('[class*="st-key-_normlab_first_paint"]');
  const firstLoop = () => {
    const n = plots().filter(W.drawn).length;
    while (W.charts.length < n) W.charts.push(performance.now());
    if (W.whole === undefined && whole()) W.whole = performance.now();
    if (performance.now() - t0 < 120000) requestAnimationFrame(firstLoop);
  };
  requestAnimationFrame(firstLoop);

  // Arm a watcher: W.change becomes {t, index, remounted} at the first frame where a chart's data is new and
  // different in content (Streamlit may resend the same figure); the time is taken before the content check.
  const text = (g) => JSON.stringify(g.data, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
  W.arm = () => {
    const els = plots(), orig = els.slice(), data = els.map((g) => g.data), before = els.map(text);
    W.change = null;
    W.armed = orig;
    const loop = () => {
      const now = performance.now(), cur = plots();
      for (let i = 0; i < cur.length; i++) {
        const g = cur[i];
        if (g === els[i] && g.data === data[i]) continue;
        if (!W.drawn(g)) continue;
        const same = i < before.length && text(g) === before[i];
        data[i] = g.data; els[i] = g;
        if (same) continue;
        requestAnimationFrame(() => { W.change = { t: now, painted: performance.now(), index: i, remounted: !orig.includes(g) }; });
        return;
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };

  // What each chart on the page is made of (plotly's full data and layout, and the DOM nodes it costs).
  const len = (a) => (a && a.length) || 0;
  const cells = (z) => (z && len(z) && typeof z[0] === "object" && z[0] !== null ? len(z) * len(z[0]) : len(z));
  W.figures = () => plots().map((g, i) => {
    const fd = g._fullData || [], L = g._fullLayout || {}, types = {};
    fd.forEach((t) => { types[t.type] = (types[t.type] || 0) + 1; });
    const t = g.layout && g.layout.title, named = fd.map((d) => d.name).filter((n) => n && !/^trace \d+$/.test(n));
    const title = ((t && (t.text ?? t)) || named.slice(0, 3).join(", ") || "untitled").toString()
      .replace(/<\/?[a-z][^>]*>/gi, "").slice(0, 60);
    return {
      index: i, title, types, traces: fd.length,
      points: fd.reduce((a, t) => a + Math.max(len(t.x), len(t.y)) + cells(t.z) + len(t.i), 0),
      shapes: len(L.shapes), annotations: len(L.annotations), images: len(L.images),
      frames: len(g._transitionData && g._transitionData._frames), nodes: g.querySelectorAll("*").length,
      stale: W.stale(g), drawn: W.drawn(g),
    };
  });
  // The figure as JSON plotly.js can replay elsewhere (typed arrays as lists, animation frames left out).
  W.figureJson = (i) => { const g = plots()[i]; return JSON.stringify({ data: g.data, layout: g.layout },
    (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v)); };
})();

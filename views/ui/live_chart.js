// A chart drawn in place (views/ui/charts.py live): each rerun's figure updates it with Plotly.react, and a reel (a
// list of frames with a pace) is played by the browser, one frame every `every` ms, between two reruns.
const MAX_QUEUE = 20;

// Figures drawn ahead (charts.py Ahead): a live chart may hold the figures of its slider's values next to the one
// on screen. One listener of every slider on the page draws the one for a thumb's new value as soon as it moves.
const sliderKey = (el) => {
  const box = el.closest('[class*="st-key-"]');
  const cls = box && [...box.classList].find((c) => c.startsWith("st-key-"));
  return cls ? cls.slice(7) : null;
};

// Streamlit's slider moves its thumb from its own key and pointer handlers (no input event): after any such event on a
// slider, its value is read in the next frame and, when new, the charts that follow it draw their figure for it.
const seen = window.__nlSeen || (window.__nlSeen = {});
const moved = (el) => {
  const key = sliderKey(el), now = +el.value;
  if (key == null || seen[key] === now) return;
  seen[key] = now;
  for (const div of document.querySelectorAll("div.nl-live")) {
    const st = div.aheadStore;
    if (!st || st.slider !== key) continue;
    const hit = st.specs.find((f) => Math.abs(f.at - now) <= 1e-9 * Math.max(1, Math.abs(now)));
    if (hit) div.nlAheadShow(hit.spec, hit.caption);
  }
};
if (!window.__nlAhead) {
  window.__nlAhead = true;
  const poke = (ev) => {
    const box = ev.target instanceof Element && ev.target.closest('[data-testid="stSlider"]');
    const el = box && box.querySelector('input[type="range"]');
    if (el) requestAnimationFrame(() => moved(el));
  };
  for (const t of ["keydown", "keyup", "input", "change", "pointerdown", "pointermove", "pointerup"]) {
    document.addEventListener(t, poke, true);
  }
}

// The server sends a chart's data as the bytes of its JSON (views/ui/payload.py): parsed once per message.
const parsed = new WeakMap();
function read(raw) {
  if (!(raw instanceof Uint8Array || raw instanceof ArrayBuffer)) return raw;
  let d = parsed.get(raw);
  if (d === undefined) {
    d = JSON.parse(new TextDecoder().decode(raw));
    parsed.set(raw, d);
  }
  return d;
}

export default function ({ data: raw, parentElement, setStateValue }) {
  const data = read(raw);
  if (!data || !(data.frames || data.spec)) return;  // (not a figure: keep the one on screen)
  let div = parentElement.querySelector("div.nl-live");
  if (!div) {
    div = document.createElement("div");
    div.className = "nl-live";
    div.dataset.key = data.key;
    div.queue = [];
    parentElement.appendChild(div);
  }
  div.report = setStateValue;
  // One chart per frame: a rerun that changes several charts had their redraws in one task, and the first one
  // changed was painted only after the last one was drawn (~30 ms a chart). Each later one is drawn at the start of
  // the frame after the one that shows the chart before it.
  const turn = window.__nlTurn || (window.__nlTurn = { taken: false, waiting: [] });
  const draw = () => {
    if (turn.taken) { if (!turn.waiting.includes(div)) turn.waiting.push(div); return; }
    turn.taken = true;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      turn.taken = false;
      const next = turn.waiting.shift();
      if (next) next.nlDraw();
    }));
    paint();
  };
  div.nlDraw = draw;
  const paint = () => {
    if (!window.Plotly) { setTimeout(draw, 50); return; }
    const d = div.pending;
    if (!d || div.busy) return;  // nothing new, or drawn when the current redraw ends: frames never queue up
    div.pending = null;
    div.busy = true;
    // The text follows the light or dark theme, in the page's font (as st.plotly_chart's theme sets them).
    const css = getComputedStyle(parentElement), color = css.color;
    // viz.theme's INK and PAPER placeholders become this theme's text and background colours, as Streamlit's
    // plotly element swaps them (a legend box or a frame line drawn in them would stay near-black otherwise).
    const app = document.querySelector(".stApp"), paper = app ? getComputedStyle(app).backgroundColor : "white";
    const swap = (o) => {
      if (typeof o === "string") {
        const l = o.toLowerCase();
        return l === "#000037" ? color : l === "#000038" ? paper : o;
      }
      if (Array.isArray(o)) return typeof o[0] === "number" ? o : o.map(swap);
      if (o && typeof o === "object") {
        const out = {};
        for (const k in o) out[k] = swap(o[k]);
        return out;
      }
      return o;
    };
    const s = { data: swap(d.spec.data), layout: swap(d.spec.layout || {}) };
    // Backgrounds the figure leaves open stay transparent, as st.plotly_chart's theme makes them: the page shows
    // through in light and dark alike.
    const clear = "rgba(0,0,0,0)";
    const layout = { paper_bgcolor: clear, plot_bgcolor: clear, ...s.layout,
                     font: { family: css.fontFamily, ...(s.layout.font || {}), color }, autosize: true };
    // Grid and zero lines the figure leaves to its template (white, for plotly's pale plot area) turn translucent.
    const line = "rgba(128,128,128,0.25)";
    for (const k of new Set(["xaxis", "yaxis", ...Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))])) {
      layout[k] = { gridcolor: line, zerolinecolor: line, ...(layout[k] || {}) };
    }
    Promise.resolve(window.Plotly.react(div, s.data, layout, { ...d.config, responsive: true }))
      .then(() => {
        // A chart with on_click reports the point clicked (x, y, trace), once per click: the page gets it as the
        // component's "click" state, and the rerun it starts (the fragment's, if the chart is in one).
        if (d.click && !div.clicks) {
          div.clicks = true;
          div.on("plotly_click", (ev) => {
            const p = ev && ev.points && ev.points[0];
            const cd = p && p.customdata;
            if (p) div.report("click", { x: p.x, y: p.y, curve: p.curveNumber, at: Date.now(),
                                         customdata: cd && typeof cd === "object" ? Array.from(cd) : cd ?? null });
          });
        }
      })
      .finally(() => { div.busy = false; if (div.pending && div.visible !== false) draw(); });
  };
  // A chart scrolled out of view keeps its last figure and draws the newest one as soon as it comes back: the
  // browser spends its time on what is on screen.
  if (!div.seen) {
    div.seen = new IntersectionObserver((e) => {
      div.visible = e[0].isIntersecting;
      if (div.visible && div.pending) draw();
    });
    div.seen.observe(div);
  }
  // The line above the chart, as text (a bold "**...**" part allowed): it belongs to the frame on screen.
  const caption = (text) => {
    let p = parentElement.querySelector("p.nl-caption");
    if (text == null) { if (p) p.remove(); return; }
    if (!p) {
      p = document.createElement("p");
      p.className = "nl-caption";
      p.style.margin = "0 0 0.5rem 0";
      parentElement.insertBefore(p, div);
    }
    p.replaceChildren(...text.split("**").map((t, i) => {
      const el = i % 2 ? document.createElement("strong") : document.createTextNode(t);
      if (i % 2) el.textContent = t;
      return el;
    }));
  };
  // Frames keep to a clock: one shown late (a busy main thread delays timers by tens of ms) brings the next one
  // closer, so the pace holds on average and the queue does not grow behind the server.
  const show = (f, due) => {
    div.pending = { spec: f.spec, config: data.config, click: data.click };
    div.onScreen = f.spec;  // (or about to be: drawn when the chart is next in turn and in view)
    div.shown = f.id;
    caption(f.caption);
    const now = performance.now();
    const pace = div.pace || div.every;
    div.nextAt = (due != null && now - due < pace ? due : now) + pace;
    if (div.visible !== false) draw();
  };
  const play = () => {
    div.timer = null;
    const f = div.queue.shift();
    if (!f) return;
    show(f, div.nextAt);
    if (div.queue.length) div.timer = setTimeout(play, Math.max(0, div.nextAt - performance.now()));
  };
  const frames = data.frames || [{ id: null, spec: data.spec, caption: data.caption }];
  const end = frames[frames.length - 1];
  // A figure drawn ahead when the thumb moved (with its line above the chart): the run's own figure, the same one,
  // is not drawn again.
  div.nlAheadShow = (spec, text) => {
    clearTimeout(div.timer);
    div.timer = null;
    div.queue = [];
    div.ahead = spec;
    div.aheadAt = performance.now();  // (read by tests: the moment the thumb's move was answered)
    show({ id: null, spec, caption: text });
  };
  div.aheadStore = data.ahead ? { slider: data.ahead.slider,
    specs: [{ at: data.ahead.at, spec: end.spec, caption: end.caption }, ...data.ahead.specs] } : null;
  if (div.aheadStore) seen[data.ahead.slider] = data.ahead.at;
  const drawn = div.ahead;
  div.ahead = null;
  div.every = data.every || 0;
  if (!div.every || data.reel !== div.reel) {  // a figure, or a new reel: drawn now, whatever was still to play
    clearTimeout(div.timer);
    div.timer = null;
    div.queue = [];
    div.pace = div.perRun = 0;
    div.reel = data.reel;
    if (!div.every) {
      // The figure drawn ahead, or the one on screen sent again (a rerun that only brings new figures ahead): not
      // redrawn. Redrawing three unchanged charts held the main thread ~0.4 s, and a tick then waited for it.
      const was = drawn || div.onScreen;
      if (was && (was === end.spec || JSON.stringify(was) === JSON.stringify(end.spec))) {
        div.shown = end.id;
        caption(end.caption);
        return;
      }
      show(end);
      return;
    }
  }
  // A reel's frames come in order, a few per rerun, and a rerun may send again the frame on screen: only the new
  // ones join the queue, and each is shown `every` ms after the one before it (at once when the queue ran dry).
  const last = div.queue.length ? div.queue[div.queue.length - 1].id : div.shown;
  const fresh = frames.filter((f) => last == null || f.id > last);
  div.queue.push(...fresh);
  // A browser that cannot keep the pace skips the oldest frames: what it shows stays within ~4 s of the server.
  if (div.queue.length > MAX_QUEUE) div.queue.splice(0, div.queue.length - MAX_QUEUE);
  // Catching up: frames arrive as fast as they play, so a tick that came late (a busy server) left every later frame
  // that much behind for good. A queue longer than a rerun brings (the most one brought in this reel) plays faster,
  // all of it in the time of one rerun's frames, and the lag returns to the server's own (bench.load.run.Run.play
  // follows the same rule).
  div.perRun = Math.max(div.perRun || 1, fresh.length);
  div.pace = div.every * Math.min(1, div.perRun / Math.max(1, div.queue.length));
  if (!div.timer && div.queue.length) div.timer = setTimeout(play, Math.max(0, (div.nextAt || 0) - performance.now()));
}

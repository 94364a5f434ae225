"""While something plays: live training's chart updates per second and blank panels, the race's frames per second."""

from __future__ import annotations

from statistics import median

from bench.browser.measure import Failed
from bench.browser.tab import Run, Tab

# Runs in the page for `ms`: counts each chart's data changes (a redraw) frame by frame and samples `n` times
# whether any expected chart is missing, not drawn, or shown stale (greyed by Streamlit while a run replaces it).
_WATCH = """async ({ms, n, expected}) => {
  const W = window.__nlab, plots = W.plots;
  let last = plots().map(g => g.data); const updates = last.map(() => 0), samples = [];
  const t0 = performance.now(); let next = t0 + ms / n / 2, prev = t0, gap = 0;
  await new Promise(done => { const loop = () => {
    const now = performance.now(), els = plots();
    gap = Math.max(gap, now - prev); prev = now;
    els.forEach((g, i) => { if (i < updates.length && g.data !== last[i]) updates[i]++; });
    last = els.map(g => g.data);
    while (now >= next && samples.length < n) { next += ms / n;  // a frozen page still owes its samples
      samples.push({missing: Math.max(0, expected - els.length), blank: els.filter(g => !W.drawn(g)).length,
                    stale: els.filter(W.stale).length}); }
    if (now - t0 < ms) requestAnimationFrame(loop); else done(); };
    requestAnimationFrame(loop); });
  // (a live chart out of view keeps its figure until it is scrolled back: views/ui/live_chart.js)
  return {updates, samples, gap, seconds: (performance.now() - t0) / 1000,
          inView: plots().map(g => g.visible !== false)};
}"""


def _rerun_stats(msgs: list[dict], seconds: float) -> dict:
    """Reruns the browser asked for, KB/s received, and the median ms from a rerun request to its script_finished."""
    runs, sent = [], None
    for m in msgs:
        if m["kind"] == "rerun_script":
            sent = m["t"]
        elif m["kind"] == "script_finished" and sent is not None:
            runs.append(m["t"] - sent)
            sent = None
    return {"reruns": sum(m["kind"] == "rerun_script" for m in msgs), "server_ms": median(runs) if runs else None,
            "kb_per_s": sum(m["bytes"] for m in msgs if m["dir"] == "in") / 1024 / seconds}


def live(run: Run, preset: str, seconds: float = 10, samples: int = 10) -> dict:
    """Histograms page, `preset` chosen in the Preset box, Play: chart updates/s and blank samples over `seconds`."""
    tab = Tab(run)
    page = tab.page
    try:
        try:
            tab.open(f"{run.app}/histograms", charts=4, timeout=180_000)
            box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text("Preset", exact=True))
            if box.count() == 0:
                raise Failed("no selectbox labelled 'Preset'")
            if preset not in box.first.inner_text():
                box.first.click()
                page.get_by_role("option", name=preset, exact=True).click()
                tab.idle(180_000)
            expected = page.evaluate("() => window.__nlab.plots().length")
            page.get_by_role("button", name="Play").first.click(timeout=10_000)
            page.get_by_role("button", name="Pause").first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)  # the first chunk of training and its redraw
        except Failed:
            raise
        except Exception as exc:  # noqa: BLE001 (a page changed by others: say what, keep the run)
            raise Failed(f"live {preset!r}: {str(exc).splitlines()[0][:160]}") from exc
        start = tab.ws_count()
        got = page.evaluate(_WATCH, {"ms": seconds * 1000, "n": samples, "expected": expected})
        stats = _rerun_stats(tab.ws(start), got["seconds"])
        page.get_by_role("button", name="Pause").first.click()
        rates = sorted(u / got["seconds"] for u, seen in zip(got["updates"], got["inView"], strict=False)
                       if seen)
        bad = [s for s in got["samples"] if s["missing"] or s["blank"]]
        return {"first_chart_hz": got["updates"][0] / got["seconds"] if rates else 0.0,
                "min_chart_hz": rates[0] if rates else 0.0, "charts": expected, "samples": len(got["samples"]),
                "blank_samples": len(bad),
                "longest_frame_ms": got["gap"], "stale_samples": sum(bool(s["stale"]) for s in got["samples"]), **stats}
    finally:
        tab.close()


# Counts plotly's animation frames (plotly_animatingframe) and, at each painted frame, whether the loss map
# (contour) is still drawn in the DOM.
_RACE = """({ms}) => { window.__nlab.race = null; (async () => {
  const g = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._transitionData &&
    g._transitionData._frames && g._transitionData._frames.length);
  const times = []; let ended = false, painted = 0, withContour = 0;
  g.on('plotly_animatingframe', () => times.push(performance.now()));
  g.on('plotly_animated', () => { ended = true; });
  // The loss map, however it is drawn: contour paths, a heatmap image, or a layout image under the traces.
  const contour = () => g.querySelectorAll('.contourlayer path, .heatmaplayer image, .imagelayer image').length > 0;
  const t0 = performance.now();
  await new Promise(done => { let seen = 0; const loop = () => {
    if (times.length > seen) { seen = times.length; painted++; if (contour()) withContour++; }
    if (!ended && performance.now() - t0 < ms) requestAnimationFrame(loop); else done(); };
    requestAnimationFrame(loop); });
  const span = times.length > 1 ? (times.at(-1) - times[0]) / 1000 : 0;
  return {frames: times.length, span, painted, withContour, total: g._transitionData._frames.length, ended};
})().then(r => { window.__nlab.race = r; }); }"""


def race(run: Run, seconds: float = 10) -> dict:
    """Optimizers page, Race tab, build the animation and press its Play: frames/s, contour, server reruns."""
    tab = Tab(run)
    page = tab.page
    try:
        try:
            tab.open(f"{run.app}/optimizers", charts=2, timeout=180_000)
            page.get_by_role("tab", name="Race", exact=True).click()
            tab.idle(120_000)
            build = page.get_by_text("Build the animated race")
            t0 = page.evaluate("() => performance.now()")
            if build.count():
                build.first.click()
            page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].some(g => "
                                   "g._transitionData && (g._transitionData._frames || []).length)", timeout=120_000)
            built = page.evaluate("() => performance.now()") - t0
            tab.idle(120_000)
            play = page.locator(".js-plotly-plot .updatemenu-button").filter(has_text="Play")
            if play.count() == 0:
                raise Failed("race: no plotly Play button (updatemenu) on the animated chart")
        except Failed:
            raise
        except Exception as exc:  # noqa: BLE001
            raise Failed(f"race: {str(exc).splitlines()[0][:160]}") from exc
        start = tab.ws_count()
        page.evaluate(_RACE, {"ms": seconds * 1000})  # starts watching (in the background) before the click
        play.first.click()
        page.wait_for_function("() => window.__nlab.race", timeout=seconds * 1000 + 30_000)
        got = page.evaluate("() => window.__nlab.race")
        stats = _rerun_stats(tab.ws(start), max(got["span"], 1e-3))
        return {"build_ms": built, "fps": got["frames"] / got["span"] if got["span"] else 0.0,
                "frames": got["frames"], "of": got["total"], "contour_frames": got["withContour"],
                "sampled": got["painted"], "reruns": stats["reruns"]}
    finally:
        tab.close()

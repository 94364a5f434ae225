"""The run's tables as markdown: targets with ratios to the floor app, the per-tick profile, what each chart is."""

from __future__ import annotations

from statistics import median


def _med(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows if r.get(key) is not None]
    return median(vals) if vals else None


def _s(ms: float | None) -> str:
    return "—" if ms is None else f"{ms / 1000:.2f} s"


def _ratio(ours: float | None, floor: float | None) -> str:
    return "—" if not ours or not floor else f"{ours / floor:.1f}x"


def _table(head: list[str], rows: list[list]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
        "| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]


def targets(res: dict) -> list[str]:
    """The issue's targets: each page's tick and first chart as ratios, live training, the race."""
    rows = []
    for p in res["pages"]:
        if p.get("error"):
            rows.append([f"{p['path']}", "—", "—", "—", "—", f"failed: {p['error']}"])
            continue
        for what, key, rows_key, goal in (("tick → chart", "latency", "ticks", "≤ 2x"),
                                          ("new tab → first chart", "first", "tabs", "≤ 1.3x"),
                                          ("new tab → whole page (controls too)", "whole", "tabs", "—")):
            ours, floor = _med(p[rows_key]["app"], key), _med(p[rows_key]["floor"], key)
            note = p.get(f"{rows_key}_error", "")
            rows.append([f"{p['path']}: {what}" + (f" ({p['slider']})" if key == "latency" else ""),
                         _s(floor), _s(ours), _ratio(ours, floor), goal, note])
    for preset, live in res.get("live", {}).items():
        if live.get("error"):
            rows.append([f"live training, {preset}", "—", "—", "—", "", f"failed: {live['error']}"])
            continue
        rows.append([f"live training, {preset}: chart updates/s (slowest chart in view)", "—",
                     f"{live['first_chart_hz']:.1f} ({live['min_chart_hz']:.1f})", "—", "≥ 4",
                     f"{live['reruns']} reruns, server {live['server_ms'] or 0:.0f} ms/run, "
                     f"{live['kb_per_s']:.0f} KB/s, longest frozen frame {live['longest_frame_ms']:.0f} ms"])
        rows.append([f"live training, {preset}: samples with a chart missing/blank", "—",
                     f"{live['blank_samples']}/{live['samples']}", "—", "0",
                     f"{live['stale_samples']} samples with a chart greyed (stale)"])
    race = res.get("race")
    if race and race.get("error"):
        rows.append(["optimizer race", "—", "—", "—", "", f"failed: {race['error']}"])
    elif race:
        rows += [["optimizer race: frames/s while playing", "—", f"{race['fps']:.1f}", "—", "≥ 20",
                  f"{race['frames']} of {race['of']} frames; building it took {_s(race['build_ms'])}"],
                 ["optimizer race: frames with the contour drawn", "—",
                  f"{race['contour_frames']}/{race['sampled']}", "—", "all", ""],
                 ["optimizer race: server reruns while playing", "—", str(race["reruns"]), "—", "0", ""]]
    return _table(["what", "floor app", "normlab", "ratio", "target", "notes"], rows)


def profile(res: dict) -> list[str]:
    """Median cost of one tick per page (and the floor app's): where the time goes, round trip and browser."""
    keys = ["latency", "debounce", "server", "first_delta", "bytes", "frames", "deltas", "task", "script",
            "layout", "style", "remounted"]
    rows = []
    floors = [t for p in res["pages"] for t in p.get("ticks", {}).get("floor", [])]
    for name, ticks in [("floor app", floors)] + [(p["path"], p.get("ticks", {}).get("app", []))
                                                    for p in res["pages"]]:
        if not ticks:
            continue
        m = {k: _med(ticks, k) for k in keys}
        rows.append([name] + [("—" if m[k] is None else f"{m[k] / 1024:.0f}" if k == "bytes" else f"{m[k]:.0f}")
                              for k in keys])
    return _table(["page", "tick ms", "debounce ms", "server ms", "first delta ms", "KB in", "ws frames", "deltas",
                   "browser task ms", "script ms", "layout ms", "style ms", "charts remounted"], rows)


def charts(res: dict) -> list[str]:
    """What each visible chart of each page's default view is made of, and its cost in plotly.js alone."""
    rows = []
    for p in res["pages"]:
        for f, r in zip(p.get("figures", []), p.get("render", []), strict=False):
            types = ", ".join(f"{n} {t}" for t, n in f["types"].items())
            cost = (f"{r['mount_ms']:.0f} / {r['update_ms']:.0f}" if "mount_ms" in r else r.get("error", "—"))
            rows.append([p["path"], f["title"], types, f["traces"], f["points"], f["shapes"], f["annotations"],
                         f["frames"], f["nodes"], cost])
    return _table(["page", "chart", "traces by type", "traces", "points", "shapes", "annotations", "frames",
                   "DOM nodes", "plotly.js mount / update ms"], rows)


def traced(res: dict) -> list[str]:
    """Main-thread ms by kind in one traced tick per page, the floor app's traced right before it."""
    kinds = ["task", "script", "animation frame", "style", "layout", "paint", "GC"]
    rows = []
    for p in res["pages"]:
        for name, ms in ((f"floor (before {p['path']})", p.get("trace_floor")), (p["path"], p.get("trace"))):
            if ms:
                rows.append([name] + [f"{ms.get(k, 0):.0f}" for k in kinds])
    return _table(["tick of", *kinds], rows)


def markdown(res: dict) -> str:
    """The whole report."""
    meta = res["meta"]
    return "\n".join([
        f"# Browser benchmark, last run ({meta['when']})", "",
        f"`python -m bench.browser {meta['argv']}` · Chromium {meta['chromium']} · load average at start "
        f"{meta['load']} · medians of {meta['ticks']} ticks and {meta['tabs']} new tabs, the floor app measured "
        "interleaved with each page.", "",
        "## Targets (ratios to the floor app)", "", *targets(res), "",
        "## One tick of the main slider, median", "",
        "tick = keydown to the changed chart painted; debounce = keydown to the rerun request; server = rerun "
        "request to script_finished as the page reads them (the browser handles each delta before the next, so "
        "with many deltas this is mostly the browser's time: the script itself runs 30-60 ms of it); browser ms = "
        "Chrome's main-thread time over the whole tick (CDP Performance.getMetrics).", "", *profile(res), "",
        "## One traced tick: the renderer main thread's ms by kind", "",
        "Chrome's trace (devtools.timeline) around one more tick; task is the whole main thread, the others are "
        "parts of it (animation frame includes this benchmark's own watcher).", "", *traced(res), "",
        "## The charts of each page's default view", "", *charts(res), ""])

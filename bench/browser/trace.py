"""Chrome's performance trace around one tick: main-thread time by event (script, layout, paint, GC, ...)."""

from __future__ import annotations

from collections import Counter

from bench.browser import measure
from bench.browser.tab import Tab

CATEGORIES = "devtools.timeline,v8,disabled-by-default-devtools.timeline"
# Leaf-ish timeline events worth naming; RunTask is the container every one of them sits in.
KINDS = {"FunctionCall": "script", "EvaluateScript": "script", "v8.compile": "compile", "v8.compileModule": "compile",
         "MajorGC": "GC", "MinorGC": "GC", "V8.GC_SCAVENGER": "GC", "Layout": "layout",
         "UpdateLayoutTree": "style", "RecalculateStyles": "style", "Paint": "paint", "PrePaint": "paint",
         "Layerize": "paint", "Commit": "paint", "HitTest": "other", "ParseHTML": "parse", "XHRReadyStateChange": "io",
         "TimerFire": "timer", "FireAnimationFrame": "animation frame", "RunTask": "task"}


def traced_tick(tab: Tab, label: str) -> dict:
    """One tick under Chrome's tracing: ms of the renderer main thread by kind, and the tick's own numbers."""
    events: list[dict] = []
    done: list[bool] = []
    tab.cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    tab.cdp.on("Tracing.tracingComplete", lambda e: done.append(True))
    tab.cdp.send("Tracing.start", {"categories": CATEGORIES, "transferMode": "ReportEvents"})
    try:
        got = measure.tick(tab, label)
    finally:
        tab.cdp.send("Tracing.end")
        tab.page.wait_for_function("() => true")  # let the CDP events arrive
        for _ in range(50):
            if done:
                break
            tab.page.wait_for_timeout(100)
    main = {(e["pid"], e["tid"]) for e in events
            if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"}
    ms: Counter = Counter()
    for e in events:
        if (e.get("pid"), e.get("tid")) in main and e.get("ph") == "X" and e.get("name") in KINDS:
            ms[KINDS[e["name"]]] += e.get("dur", 0) / 1000
    return {"tick": got, "main_thread_ms": dict(ms.most_common())}

"""The two per-page timings: a new tab to its first chart, and the main slider's tick to the chart's change."""

from __future__ import annotations

from bench.browser.tab import EXCEPTION, Failed, Run, Tab
from bench.browser.targets import Target

__all__ = ["Failed", "first_chart", "slider", "tick"]


def first_chart(run: Run, base: str, target: Target) -> dict:
    """Open a new tab on the page: ms from navigation start to the first and to the last expected chart drawn, and
    to the whole page (its controls drawn too)."""
    tab = Tab(run)
    try:
        try:
            tab.open(f"{base}/{target.path}", charts=target.charts)
        except Failed:
            raise
        except Exception as exc:  # noqa: BLE001 (a page changed by others: say what, keep the run)
            raise Failed(f"{target.path or 'floor'}: {target.charts} chart(s) not drawn: {_short(exc)}") from exc
        drawn, whole = tab.page.evaluate("() => [window.__nlab.charts, window.__nlab.whole]")
        msgs = tab.ws()
        first = {m["kind"]: m["t"] for m in reversed(msgs)}  # earliest time of each kind
        return {"first": drawn[0], "all": drawn[target.charts - 1], "whole": whole, "ws_open": first.get("open"),
                "first_delta": first.get("delta"), "finished": first.get("script_finished")}
    finally:
        tab.close()


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:160]


def slider(tab: Tab, label: str):
    """The thumb of the slider labelled `label` (by its accessible name, else the label text above it)."""
    page = tab.page
    thumb = page.get_by_role("slider", name=label, exact=True)
    if thumb.count() == 0:
        box = page.locator('[data-testid="stSlider"]').filter(has=page.get_by_text(label, exact=True))
        thumb = box.first.get_by_role("slider")
    if thumb.count() == 0:
        labels = page.locator('[data-testid="stSlider"] label').all_inner_texts()
        raise Failed(f"no slider labelled {label!r} (sliders here: {[x for x in labels if x]})")
    return thumb.first


def tick(tab: Tab, label: str, timeout: float = 60_000) -> dict:
    """One ArrowRight (ArrowLeft at the end of the range) on the slider; what the student waited for and why.

    Times in ms on the page's clock: key (keydown), sent (the rerun request left), finished (script_finished
    arrived), change (the first chart whose data changed was drawn, one frame later).
    """
    page = tab.page
    tab.idle()
    thumb = slider(tab, label)
    at_end = thumb.evaluate("e => e.max !== undefined && e.max !== '' ? +e.value >= +e.max"
                            " : e.getAttribute('aria-valuenow') === e.getAttribute('aria-valuemax')")
    key = "ArrowLeft" if at_end else "ArrowRight"
    m0, start = tab.metrics(), tab.ws_count()
    page.evaluate("() => window.__nlab.arm()")
    thumb.focus()
    page.keyboard.press(key)
    try:
        page.wait_for_function(f"() => window.__nlab.change || {EXCEPTION}", timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        raise Failed(f"{label!r}: no chart changed within {timeout / 1000:.0f} s of {key}") from exc
    tab.check()
    page.wait_for_function(
        "i => { const w = window.__nlab.ws.slice(i); const s = w.findIndex(m => m.dir === 'out' && m.f.includes(11));"
        " return s >= 0 && w.slice(s).some(m => m.dir === 'in' && m.f.includes(6)); }", arg=start, timeout=timeout)
    tab.idle()
    m1 = tab.metrics()
    change = page.evaluate("() => window.__nlab.change")
    pressed = page.evaluate("() => window.__nlab.keys.at(-1)")
    kept = page.evaluate("() => window.__nlab.armed.filter(g => g.isConnected).length")
    armed = page.evaluate("() => window.__nlab.armed.length")
    return {"latency": change["painted"] - pressed, "remounted": armed - kept,
            **rerun(tab.ws(start), pressed), **busy(m0, m1)}


def rerun(msgs: list[dict], pressed: float) -> dict:
    """What the websocket carried for one tick: reruns sent, server ms, bytes, frames and deltas received."""
    sent = [m for m in msgs if m["kind"] == "rerun_script"]
    if not sent:
        return {"reruns": 0}
    t0 = sent[0]["t"]
    done = [m["t"] for m in msgs if m["kind"] == "script_finished" and m["t"] >= t0]
    end = done[-1] if done else msgs[-1]["t"]
    got = [m for m in msgs if m["dir"] == "in" and t0 <= m["t"] <= end]
    deltas = [m for m in got if m["kind"] == "delta"]
    return {"reruns": len(sent), "debounce": t0 - pressed, "server": end - t0,
            "first_delta": deltas[0]["t"] - t0 if deltas else None,
            "bytes": sum(m["bytes"] for m in got), "frames": len(got), "deltas": len(deltas),
            "biggest": max((m["bytes"] for m in got), default=0)}


def busy(m0: dict, m1: dict) -> dict:
    """Browser main-thread ms spent between two CDP metric snapshots, by kind."""
    names = {"task": "TaskDuration", "script": "ScriptDuration", "layout": "LayoutDuration",
             "style": "RecalcStyleDuration"}
    return {k: 1000 * (m1.get(v, 0) - m0.get(v, 0)) for k, v in names.items()}

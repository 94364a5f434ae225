"""`python -m bench.browser [--pages optimizers normalization] [--ticks 5]`: the browser benchmark (see __init__)."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

from bench.browser import measure, play, render, report, trace
from bench.browser.tab import Run, Tab, launched
from bench.browser.targets import FLOOR, LIVE_PRESETS, Target, targets

OUT = Path(__file__).with_name("last_run.md")


def page_row(run: Run, floor: Tab, target: Target, ticks: int, tabs: int) -> dict:
    """One page: a warm visit, new tabs and ticks interleaved with the floor app's, then its charts' make-up."""
    row = {"path": target.path, "slider": target.slider, "tabs": {"app": [], "floor": []},
           "ticks": {"app": [], "floor": []}}
    app = Tab(run)
    try:
        try:
            app.open(f"{run.app}/{target.path}", charts=target.charts, timeout=180_000)  # also warms the server
        except Exception as exc:  # noqa: BLE001 (a page being changed by others: one failed row, not a crash)
            row["error"] = f"{target.charts} chart(s) not drawn: {str(exc).splitlines()[0][:160]}"
            return row
        for what, fn in (("tabs", lambda tab, base, t: measure.first_chart(run, base, t)),
                         ("ticks", lambda tab, base, t: measure.tick(tab, t.slider))):
            for _ in range(tabs if what == "tabs" else ticks):
                try:
                    row[what]["floor"].append(fn(floor, run.floor, FLOOR))
                    row[what]["app"].append(fn(app, run.app, target))
                except measure.Failed as exc:
                    row[f"{what}_error"] = str(exc)
                    break
                except Exception as exc:  # noqa: BLE001
                    row[f"{what}_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
                    break
        try:
            row["trace_floor"] = trace.traced_tick(floor, FLOOR.slider)["main_thread_ms"]
            row["trace"] = trace.traced_tick(app, target.slider)["main_thread_ms"]
        except Exception as exc:  # noqa: BLE001
            row["trace_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
        row["figures"] = app.figures()
        jsons = [app.page.evaluate("i => window.__nlab.figureJson(i)", i) for i in range(len(row["figures"]))]
        row["render"] = render.replay(run, jsons)
        return row
    finally:
        app.close()


def _guarded(fn, *args) -> dict:
    try:
        return fn(*args)
    except measure.Failed as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__)
    ap.add_argument("--pages", nargs="*", help="url paths of the pages to measure (default: all)")
    ap.add_argument("--ticks", type=int, default=5, help="slider ticks per page (median taken)")
    ap.add_argument("--tabs", type=int, default=3, help="new tabs per page (median taken)")
    ap.add_argument("--seconds", type=float, default=10, help="how long live training and the race are watched")
    ap.add_argument("--no-live", action="store_true", help="skip live training")
    ap.add_argument("--no-race", action="store_true", help="skip the optimizer race")
    ap.add_argument("--out", type=Path, default=OUT, help="markdown report (default bench/browser/last_run.md)")
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON")
    args = ap.parse_args(argv)
    rows = targets(args.pages)
    res = {"meta": {"when": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "argv": " ".join(sys.argv[1:]),
                    "load": " ".join(f"{x:.1f}" for x in os.getloadavg()), "ticks": args.ticks, "tabs": args.tabs}}
    with launched() as run:
        res["meta"]["chromium"] = run.browser.version
        floor = Tab(run)
        floor.open(run.floor)
        res["pages"] = []
        for target in rows:
            print(f"… {target.path}", file=sys.stderr, flush=True)
            res["pages"].append(page_row(run, floor, target, args.ticks, args.tabs))
        floor.close()
        if not args.no_live:
            res["live"] = {}
            for preset in LIVE_PRESETS:
                print(f"… live training, {preset}", file=sys.stderr, flush=True)
                res["live"][preset] = _guarded(play.live, run, preset, args.seconds)
        if not args.no_race:
            print("… optimizer race", file=sys.stderr, flush=True)
            res["race"] = _guarded(play.race, run, args.seconds)
    text = report.markdown(res)
    print(text)
    args.out.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return res


if __name__ == "__main__":
    main()

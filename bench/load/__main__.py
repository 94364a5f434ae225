"""`python -m bench.load`: N concurrent students on the real app, direct and through nginx; prints a table.

Each student is a websocket client speaking Streamlit's browser protocol (see session.py): it opens a page,
then moves the page's main control one keyboard step per second and times each move until the run that
draws the new chart has finished. Bounded in count and time; stops the servers it started.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bench.load import server
from bench.load.report import LoadRun, table
from bench.load.runner import load


def _args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[10, 30], help="concurrent sessions (one run per value)")
    ap.add_argument("--seconds", type=float, default=60, help="how long each session keeps moving its control")
    ap.add_argument("--period", type=float, default=1.0, help="seconds between two moves of one session")
    ap.add_argument("--page", action="append", help="url_path of a page (repeatable); default: every "
                    "registered page with a main_control, sessions spread round-robin")
    ap.add_argument("--control", help="label of the control to move (default: the page's main_control)")
    ap.add_argument("--via", nargs="+", choices=["direct", "nginx"], default=["direct", "nginx"],
                    help="start one server, and/or two replicas behind nginx (deploy/run_replicas.sh)")
    ap.add_argument("--url", help="use this running server instead of starting one (e.g. nginx's URL)")
    ap.add_argument("--pid", type=int, nargs="*", default=[], help="server pid(s) for the RSS columns with --url")
    ap.add_argument("--app", default="app.py", help="script to serve (relative to the repo root)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds a move may wait for its chart")
    ap.add_argument("--linger", type=float, default=5, help="seconds after closing sessions before RSS 'after'")
    ap.add_argument("--out", help="also write the markdown table to this file")
    return ap.parse_args(argv)


def _plan(args) -> list[tuple[str, str]]:
    """(url_path, control label) per page under test."""
    if args.control and args.page:
        return [(p, args.control) for p in args.page]
    from views import PAGES

    specs = [p for p in PAGES if p.main_control and (not args.page or p.url_path in args.page)]
    missing = set(args.page or []) - {p.url_path for p in specs}
    if missing or not specs:
        raise SystemExit(f"no page with a main_control to drive (asked {args.page or 'all'}, missing "
                         f"{sorted(missing) or 'every page'}); pass --page NAME --control LABEL")
    return [(p.url_path, args.control or p.main_control) for p in specs]


def _run_one(url, pids, target, n, plan, args) -> LoadRun:
    budget = args.seconds + args.timeout + args.linger + 300  # hard bound: opens, warm-up, drain
    print(f"[load] {target}: N={n} on {', '.join(p for p, _ in plan)} for {args.seconds:.0f} s ...",
          file=sys.stderr, flush=True)
    t0 = time.monotonic()
    run = asyncio.run(asyncio.wait_for(load(url, pids, target, n, plan, seconds=args.seconds, period=args.period,
                                            timeout=args.timeout, linger=args.linger), budget))
    print(f"[load]   done in {time.monotonic() - t0:.0f} s (client CPU {run.client_cpu_s:.0f} s)",
          file=sys.stderr, flush=True)
    return run


def main(argv: list[str]) -> int:
    args = _args(argv)
    plan = _plan(args)
    runs: list[LoadRun] = []
    if args.url:
        runs += [_run_one(args.url.rstrip("/"), args.pid, args.url, n, plan, args) for n in args.n]
    for via in [] if args.url else args.via:
        why = server.nginx_available() if via == "nginx" else None
        if why:
            print(f"[load] skipping nginx: {why}", file=sys.stderr)
            continue
        for n in args.n:  # a fresh server per N, so memory figures do not carry over
            start = server.direct(args.app) if via == "direct" else server.replicas()
            with start as (url, pids):
                runs.append(_run_one(url, pids, "direct" if via == "direct" else "nginx, 2 replicas", n, plan,
                                     args))
    text = table(runs)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 1 if any(r.errors for run in runs for r in run.results) or any(run.warm_up for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

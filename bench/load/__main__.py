"""`python -m bench.load`: students on the real app, direct and through nginx; prints tables, writes last_run.md.

Scenarios (``--scenario``, several may follow one another):
- class: N students each move one page's main control one keyboard step per second and time each move until
  the run that draws the new chart has finished (default N = 10 and 30, direct and two replicas behind nginx);
- adversary: the class alone (its quiet baseline), then the class while tab A opens the heaviest links the app
  accepts and tab B opens many distinct heavy optimizer links (a new seed each); RSS after each checkpoint
  (default N = 30, one server);
- lecture: N tabs on the live-training page press Play at once and count chart updates per second and their
  latency (default N = 30 on one server, 60 through two replicas behind nginx).
Each student is a websocket client speaking Streamlit's browser protocol (see session.py). Bounded in count and
time; stops the servers it started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import shlex
import subprocess
import sys
import time

from bench.load import server
from bench.load.adversary import adversary
from bench.load.heavy import HEAVY
from bench.load.lecture import lecture
from bench.load.report import table
from bench.load.runner import load
from bench.load.verdicts import adversary_table, lecture_table

SCENARIOS = ("class", "adversary", "lecture")
# Sessions per run when --n is not given, per scenario and target (the targets of issue #15).
DEFAULT_N = {"class": {"direct": [10, 30], "nginx": [10, 30]}, "adversary": {"direct": [30]},
             "lecture": {"direct": [30], "nginx": [60]}}
OUT = server.ROOT / "bench" / "load" / "last_run.md"


def _args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", nargs="+", choices=SCENARIOS, default=["class"], help="run these, in order")
    ap.add_argument("--n", type=int, nargs="+", help="concurrent sessions, one run per value (default: per "
                    "scenario, see DEFAULT_N)")
    ap.add_argument("--seconds", type=float, default=60, help="how long sessions move their control or watch")
    ap.add_argument("--period", type=float, default=1.0, help="seconds between two moves of one session")
    ap.add_argument("--page", action="append", help="url_path of a page the class drives (repeatable); default: "
                    "every page with a main_control (class), optimizers and normalization (adversary)")
    ap.add_argument("--control", help="label of the control to move (default: the page's main_control)")
    ap.add_argument("--via", nargs="+", choices=["direct", "nginx"],
                    help="one server and/or two replicas behind nginx (default: per scenario, see DEFAULT_N)")
    ap.add_argument("--url", help="use this running server instead of starting one (e.g. nginx's URL)")
    ap.add_argument("--pid", type=int, nargs="*", default=[], help="server pid(s) for the RSS columns with --url")
    ap.add_argument("--app", default="app.py", help="script to serve (relative to the repo root)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds a move may wait for its chart")
    ap.add_argument("--linger", type=float, default=5, help="seconds after closing sessions before RSS 'after'")
    ap.add_argument("--quiet", type=float, default=30, help="adversary: seconds of the class alone (baseline)")
    ap.add_argument("--links", type=int, nargs="+", default=[25, 100],
                    help="adversary: distinct heavy links tab B opens, RSS read after each count")
    ap.add_argument("--wait", type=float, default=120, help="adversary: seconds a heavy link may take to answer, "
                    "and then to show its result")
    ap.add_argument("--heavy", type=int, nargs="*", help="adversary: which of bench/load/heavy.py's HEAVY links "
                    "tab A opens, by index (default: all)")
    ap.add_argument("--budget", type=float, default=1800, help="adversary: seconds the heavy tabs may take in all")
    ap.add_argument("--lecture-page", default="histograms", help="lecture: url_path of the live-training page")
    ap.add_argument("--lecture-query", default="", help="lecture: the link's query (default: the default preset)")
    ap.add_argument("--play", default="Play", help="lecture: label of the button (or toggle) that starts training")
    ap.add_argument("--out", default=str(OUT), help="also write the markdown report here ('' for nowhere)")
    return ap.parse_args(argv)


def _plan(args, scenario: str) -> list[tuple[str, str]]:
    """(url_path, control label) per page the class drives."""
    pages = args.page or (["optimizers", "normalization"] if scenario == "adversary" else None)
    if args.control and pages:
        return [(p, args.control) for p in pages]
    from views import PAGES

    specs = [p for p in PAGES if p.main_control and (not pages or p.url_path in pages)]
    missing = set(pages or []) - {p.url_path for p in specs}
    if missing or not specs:
        raise SystemExit(f"no page with a main_control to drive (asked {pages or 'all'}, missing "
                         f"{sorted(missing) or 'every page'}); pass --page NAME --control LABEL")
    return [(p.url_path, args.control or p.main_control) for p in specs]


def _targets(args, scenario: str):
    """(label, context manager yielding (url, pids), n) for every run of ``scenario``; a fresh server per run."""
    if args.url:
        for n in args.n or DEFAULT_N[scenario]["direct"]:
            yield args.url, contextlib.nullcontext((args.url.rstrip("/"), args.pid)), n
        return
    for via in args.via or list(DEFAULT_N[scenario]):
        why = server.nginx_available() if via == "nginx" else None
        if why:
            print(f"[load] skipping nginx: {why}", file=sys.stderr)
            continue
        for n in args.n or DEFAULT_N[scenario].get(via, DEFAULT_N[scenario]["direct"]):
            start = server.direct(args.app) if via == "direct" else server.replicas()
            yield ("direct" if via == "direct" else "nginx, 2 replicas"), start, n


def _run(scenario: str, args, url: str, pids: list[int], target: str, n: int):
    warm = 1 if target == "direct" else 4  # behind nginx: first visits land on random replicas, warm them all
    if scenario == "class":
        plan = _plan(args, scenario)
        return load(url, pids, target, n, plan, seconds=args.seconds, period=args.period, timeout=args.timeout,
                    linger=args.linger, warm=warm), args.seconds + args.timeout + args.linger + 600
    if scenario == "adversary":
        plan = _plan(args, scenario)
        heavy_ids = range(len(HEAVY)) if args.heavy is None else args.heavy
        return adversary(url, pids, target, n, plan, quiet=args.quiet, seconds=args.seconds, period=args.period,
                         timeout=args.timeout, links=tuple(args.links), wait=args.wait, budget=args.budget,
                         linger=args.linger, heavy_links=tuple(HEAVY[i] for i in heavy_ids)), \
            args.quiet + args.budget + 2 * args.wait + args.linger + 600
    return lecture(url, pids, target, n, page=args.lecture_page, query=args.lecture_query, play=args.play,
                   seconds=args.seconds, linger=args.linger, warm=warm), \
        args.seconds + args.linger + 900


def _scenario(scenario: str, args) -> tuple[str, bool]:
    """Every run of ``scenario``: its markdown section and whether anything went wrong."""
    runs = []
    for target, start, n in _targets(args, scenario):
        with start as (url, pids):
            print(f"[load] {scenario}, {target}: N={n} ...", file=sys.stderr, flush=True)
            t0 = time.monotonic()
            coro, bound = _run(scenario, args, url, pids, target, n)
            runs.append(asyncio.run(asyncio.wait_for(coro, bound)))
            print(f"[load]   done in {time.monotonic() - t0:.0f} s (client CPU {runs[-1].client_cpu_s:.0f} s)",
                  file=sys.stderr, flush=True)
    if scenario == "class":
        bad = any(r.errors for run in runs for r in run.results) or any(run.warm_up for run in runs)
        return table(runs), bad
    if scenario == "adversary":
        bad = any(r.errors for run in runs for r in run.quiet + run.busy) or any(
            v.errors for run in runs for v in run.heavy + run.distinct)
        return adversary_table(runs), bad
    return lecture_table(runs), any(r.errors for run in runs for r in run.results)


def _header(argv: list[str]) -> str:
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=server.ROOT, capture_output=True, text=True)
    when = datetime.datetime.now().isoformat(timespec="minutes")
    return (f"# `make load`, {when}\n\n`python -m bench.load {shlex.join(argv)}` at {rev.stdout.strip() or '?'} "
            f"(tree may have local changes), {os.cpu_count()} cores.")


def main(argv: list[str]) -> int:
    args = _args(argv)
    sections, bad = [_header(argv)], False
    for scenario in args.scenario:
        text, wrong = _scenario(scenario, args)
        sections.append(f"## {scenario}\n\n{text}")
        bad |= wrong
    report = "\n\n".join(sections)
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Optimizer trajectories: race torch.optim's rules on 2-D loss surfaces, step by step."""

from functools import partial

import numpy as np
import streamlit as st

from core.export import trajectories_csv
from core.optim_presets import COURSE, PRESETS, default_lr, lr_choices
from core.optimizers import MAX_STEPS, OPTIMIZERS
from core.surfaces import SURFACES
from views import _opt_data as data
from views import _opt_inspect as oi
from views import _opt_noise as nz
from views import _ui as ui
from viz.contours import contour
from viz.inspector import state_lines, step_view
from viz.losses import losses
from viz.race import race
from viz.race_gif import race_gif
from viz.surface3d import surface3d
from viz.sweep import sweep_heatmap

SECOND = {"momentum": "momentum", "nesterov": "momentum", "rmsprop": "alpha", "adadelta": "rho", "adam": "beta1",
          "adamw": "beta1", "amsgrad": "beta1", "adamax": "beta1", "nadam": "beta1", "radam": "beta1"}
SURFACE_NAMES = [*SURFACES, "custom"]
TABS = ["Paths", "Race", "3D", "Step inspector", "Sweep", "Equations", "State over time", "Fair race"]
KAPPAS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


def _sweep(key, name, start, steps, yname):
    bar = st.progress(0.0, text="sweeping 4096 runs…")
    bands = []
    for i in range(0, 64, 16):
        bands.append(data.sweep_rows(key, name, start, steps, yname, slice(i, i + 16)))
        bar.progress((i + 16) / 64, text=f"sweeping 4096 runs… {i + 16} of 64 rows")
    bar.empty()
    return np.vstack(bands)


def _apply_preset(name: str) -> None:
    p = PRESETS[name]
    st.session_state.update(surf=p.surface, opt=list(p.optimizers), steps=p.steps, x0=p.start[0], y0=p.start[1])
    st.session_state.update({k: v for k, v in p.params.items()})
    for opt in p.optimizers:
        h = p.hyper.get(opt, {})
        st.session_state[f"lr_{opt}"] = h.get("lr", default_lr(p.surface, opt))
        if opt in SECOND:
            st.session_state[f"h2_{opt}"] = h.get(SECOND[opt], OPTIMIZERS[opt].defaults[SECOND[opt]])


def _take_click() -> None:
    """A click on the contour (previous run's selection) becomes the start point, before the inputs exist."""
    pts = (st.session_state.get("pick") or {}).get("selection", {}).get("points", [])
    if pts and pts != st.session_state.get("_pick_done"):
        st.session_state["_pick_done"] = pts
        st.session_state.update(x0=float(round(pts[0]["x"], 3)), y0=float(round(pts[0]["y"], 3)))


def _controls():
    st.caption("Classic pictures in one click")
    cols = st.columns(2)
    for i, (k, p) in enumerate(PRESETS.items()):
        cols[i % 2].button(p.title, key=f"preset_{k}", on_click=_apply_preset, args=(k,), width="stretch")
    surf = ui.selectbox("Surface", SURFACE_NAMES, key="surf",
                        format_func=lambda k: SURFACES[k].title if k in SURFACES else "Custom expression")
    kappa, angle, expr = 10.0, 0.0, "x**2 + 10*sin(y)"
    if surf == "quadratic":
        kappa = ui.select_slider("Condition number kappa", KAPPAS, 10.0, key="kappa", format_func=lambda v: f"{v:g}")
        angle = ui.slider("Rotation angle (deg)", 0.0, 90.0, 0.0, key="angle")
    if surf == "custom":
        expr = ui.text_input("f(x, y) =", expr, key="expr", help="x, y, numbers, + - * / **, sin, cos, exp, log…")
    names = ui.multiselect("Optimizers", list(OPTIMIZERS), list(COURSE), key="opt",
                           format_func=lambda k: OPTIMIZERS[k].title)
    steps = ui.slider("Steps", 10, MAX_STEPS // 4, 500, key="steps")
    c1, c2 = st.columns(2)
    with c1:
        x0 = ui.number_input("start x", key="x0", placeholder="default", format="%.3f")
    with c2:
        y0 = ui.number_input("start y", key="y0", placeholder="default", format="%.3f")
    st.caption("…or click on the contour to start there.")
    return surf, kappa, angle, expr, names, steps, (x0, y0)


def _hyper(surf: str, names: list[str]) -> tuple:
    configs = []
    with st.expander("Hyper-parameters (torch names and defaults)", expanded=False):
        for n in names:
            spec = OPTIMIZERS[n]
            h = {"lr": ui.select_slider(f"{spec.title}: lr", lr_choices(), default_lr(surf, n), key=f"lr_{n}",
                                        format_func=lambda v: f"{v:g}")}
            if n in SECOND:
                hp = spec.hyper[SECOND[n]]
                h[SECOND[n]] = ui.slider(f"{spec.title}: {SECOND[n]}", 0.0, 0.999, float(hp.default),
                                         key=f"h2_{n}", step=0.001, help=hp.help)
            configs.append((n, tuple(sorted(h.items()))))
    return tuple(configs)


def _start(surface, raw) -> tuple[float, float]:
    x = raw[0] if raw[0] is not None else surface.starts[0][0]
    y = raw[1] if raw[1] is not None else surface.starts[0][1]
    xmin, xmax, ymin, ymax = surface.box
    cx, cy = float(np.clip(x, xmin, xmax)), float(np.clip(y, ymin, ymax))
    if (cx, cy) != (x, y):
        st.warning(f"Start ({x:g}, {y:g}) is outside the plotted box; clamped to ({cx:g}, {cy:g}).")
    return cx, cy


with ui.page("Optimizers", "Each optimizer in `torch.optim` turns the same gradient into a different step. Race them "
             "on a surface and watch *why*: momentum builds speed along a valley, Adagrad's steps shrink as squared "
             "gradients pile up, Adam rescales every coordinate. Every path is computed with torch's exact update "
             "rule (tested against `torch.optim` to 1e-9)."):
    ui.linked_example(_apply_preset, list(PRESETS))  # a home-gallery link names one of the presets
    _take_click()
    left, right = st.columns([1, 3], gap="large")
    with left:
        surf, kappa, angle, expr, names, steps, raw_start = _controls()
        configs = _hyper(surf, names)
        noise, sched = nz.noise_controls(), nz.schedule_controls(steps)
    with right:
        key = (surf, float(kappa), float(angle), expr)
        try:
            surface, (xs, ys, z) = data.surface_grid(*key)
        except ValueError as exc:
            st.error(f"Custom surface refused: {exc}")
            st.stop()
        start = _start(surface, raw_start)
        if not names:
            st.info("Pick at least one optimizer on the left.")
            st.stop()
        configs, lr_mode = oi.lr_mode(key, configs, start, steps, surface)
        run_kw = nz.run_kwargs(noise, sched, configs)
        race_args = (key, configs, start, steps, run_kw)  # everything the race and its figures depend on
        try:
            trajs = data.race(key, configs, start, steps, **run_kw)
        except ValueError as exc:  # a hyper-parameter combination torch refuses: say which, keep the page
            st.error(str(exc))
            st.stop()
        titles = [OPTIMIZERS[n].title for n, _ in configs]
        trajs, bundle = nz.split(trajs, titles, noise.paths)
        paths = {t: tr.points for t, tr in zip(titles, trajs, strict=True)}
        for t, tr in zip(titles, trajs, strict=True):
            if tr.diverged_at is not None:
                st.warning(ui.diverged(t, tr.diverged_at) + " (left the plotted region or overflowed).")
        if surface.note:
            st.caption(surface.note)
        floor = float(surface.value(surface.minima).min()) if len(surface.minima) else float(np.nanmin(z))
        # Lazy tabs: only the open one is built (a slider move pays for one tab, not eight) and a link reopens it.
        tabs = ui.tabs(TABS, key="otab")
        if tabs[0].open:
            with tabs[0]:
                ui.cached_chart("contour", race_args,
                                lambda: contour(xs, ys, z, paths, surface.minima, start, bundle=bundle), key="pick",
                                on_select="rerun", selection_mode="points", config={"scrollZoom": True})
                ui.cached_chart("losses", race_args,
                                lambda: losses({t: tr.losses for t, tr in zip(titles, trajs, strict=True)}, floor,
                                               {t: tr.diverged_at for t, tr in zip(titles, trajs, strict=True)}))
                st.download_button("Download trajectories (CSV)",  # the CSV is built on click, not on every rerun
                                   partial(trajectories_csv, dict(zip(titles, trajs, strict=True))),
                                   file_name=f"normlab-{surf}.csv", mime="text/csv")
        if tabs[1].open:
            with tabs[1]:
                st.caption("The race plays in your browser: press ▶ Play, or drag the step slider to scrub.")
                if ui.toggle("Build the animated race", False, key="race"):  # ~1 s of work, so only on request
                    st.plotly_chart(race(xs, ys, z, paths, surface.minima, start))
                # Drawn only when clicked, on Streamlit's download thread, so the page rerun does not pay for it.
                st.download_button("Download the race as a GIF (for slides)", icon=":material/gif_box:",
                                   data=partial(race_gif, xs, ys, z, paths, surface.minima, start),
                                   file_name=f"normlab-race-{surf}.gif", mime="image/gif")
        if tabs[2].open:
            with tabs[2]:
                st.plotly_chart(surface3d(xs, ys, z, paths,
                                          {t: tr.losses for t, tr in zip(titles, trajs, strict=True)}))
        if tabs[3].open:
            with tabs[3]:
                who = ui.selectbox("Optimizer to inspect", titles, key="inspect")
                tr = trajs[titles.index(who)]
                last = (tr.diverged_at or steps + 1) - 1
                k = min(ui.slider("Step", 0, max(1, last), min(10, last), key="k"), last)
                st.plotly_chart(step_view(xs, ys, z, who, tr.points, tr.grads, tr.state, k, surface.minima))
                st.plotly_chart(state_lines(who, tr.state, k))
                oi.inspector_extras(xs, ys, z, surface, who, tr, k)
        if tabs[4].open:
            with tabs[4]:
                sname = ui.selectbox("Optimizer to sweep", [n for n, _ in configs if n in SECOND] or ["momentum"],
                                     key="sweep_opt", format_func=lambda k: OPTIMIZERS[k].title)
                if ui.toggle("Run the 64 x 64 sweep (lr x second hyper-parameter)", False, key="sweep_on"):
                    zz = _sweep(key, sname, start, min(steps, 500), SECOND[sname])
                    h = dict(dict(configs).get(sname, ()))
                    here = (h["lr"], h[SECOND[sname]]) if SECOND[sname] in h else None
                    st.plotly_chart(sweep_heatmap(data.SWEEP_X, data.SWEEP_Y, zz, "lr", SECOND[sname], floor, here))
        if tabs[5].open:
            with tabs[5]:
                k = ui.slider("Step", 0, steps, min(10, steps), key="eq_k", help="The step whose arithmetic is shown.")
                oi.equations(configs, trajs, k)
        if tabs[6].open:
            with tabs[6]:
                oi.state_tab(titles, trajs)
        if tabs[7].open:
            with tabs[7]:
                oi.fair_tab(key, configs, start, steps, surface, floor if len(surface.minima) else None, lr_mode)

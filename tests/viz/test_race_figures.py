"""Figures of the fair race, state over time and look-ahead: panels, stars and markers where the numbers say."""

import numpy as np

from core.fair_race import lr_sensitivity as sweep_lrs
from core.lookahead import lookahead
from core.optim_state import series
from core.optimizers import run
from core.surfaces import get_surface
from viz.lookahead import lookahead_view
from viz.lr_sensitivity import sensitivity_chart
from viz.state_time import panel_rows, state_time


def test_corrected_moments_sit_beside_the_raw_ones_and_share_their_scale():
    fig = state_time("Adam", series(run("adam", "beale", (1.0, 1.5), 50, lr=0.1)), k=5, logx=True)
    assert panel_rows(["exp_avg", "exp_avg_sq", "m_hat", "v_hat", "eff_step"]) == [
        ["exp_avg", "m_hat"], ["exp_avg_sq", "v_hat"], ["eff_step"]]
    assert fig.layout.yaxis2.matches == "y" and fig.layout.yaxis4.matches == "y3"
    assert fig.layout.xaxis.type == "log" and len(fig.data) == 5 * 2
    assert panel_rows(["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "m_hat", "v_hat", "eff_step"])[2] == [
        "max_exp_avg_sq", "v_hat"]


def test_star_marks_the_cores_best_lr_and_diverged_runs_are_gaps():
    race = sweep_lrs([("sgd", {}), ("adam", {})], "beale", (1.0, 1.5), 100)
    fig = sensitivity_chart(["SGD", "Adam"], race.lrs, race.final, race.best, 0.0, {"SGD": 1e-3})
    stars = [t for t in fig.data if t.marker.symbol == "star"]
    assert [s.x[0] for s in stars] == list(race.best)
    sgd = fig.data[0]
    assert np.isnan(np.asarray(sgd.y, dtype=float)[-1])  # lr = 10 diverges: a gap, not a point
    assert any(t.marker.symbol == "circle-open" and t.x[0] == 1e-3 for t in fig.data)


def test_look_ahead_view_marks_both_landing_points():
    s = get_surface("long_valley")
    xs, ys, z = s.grid(40)
    la = lookahead(run("nesterov", s, (-7.0, 1.5), 30, lr=0.05), s, 20)
    fig = lookahead_view(xs, ys, z, la, 20)
    landed = {t.name: (t.x[0], t.y[0]) for t in fig.data if t.name in ("Nesterov lands", "plain momentum lands")}
    assert landed["Nesterov lands"] == tuple(la.nesterov_next) and landed["plain momentum lands"] == tuple(
        la.plain_next)
    assert len(fig.layout.annotations) == 4  # jump, two gradient steps, torch's own step

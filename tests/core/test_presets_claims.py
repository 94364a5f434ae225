"""Every preset's caption is a claim about the run it shows: each number in it is measured again here, on that run."""

import math

import numpy as np
import pytest

from core.optim.presets import PRESETS, goh_momentum, round_up
from core.optim.run import run_batch
from core.surfaces.registry import get_surface


def _race(name: str) -> dict:
    """The preset's race as the page runs it: optimizer -> Trajectory."""
    p = PRESETS[name]
    surface = get_surface(p.surface, **p.params)
    trajs = run_batch(p.runs(), surface, p.start, p.steps)
    return {t.optimizer: t for t in trajs}


def _flips(y: np.ndarray) -> int:
    """Sign changes of a coordinate along a path."""
    s = np.sign(y[np.isfinite(y)])
    return int((s[1:] * s[:-1] < 0).sum())


def _arrival(points: np.ndarray, target, tol: float = 0.1) -> int | None:
    """First step within `tol` of `target` (None: never)."""
    near = np.linalg.norm(points - np.asarray(target), axis=1) < tol
    return int(np.argmax(near)) if near.any() else None


def _rate(w: np.ndarray) -> float:
    """Per-step contraction of one coordinate of a heavy-ball run, measured from the run itself: fit its two-term
    recurrence w[t+1] = a w[t] + b w[t-1] and take the larger root's modulus (exact for a quadratic, unlike a
    log-fit of the distance, which a near-critical oscillation bends)."""
    a, b = np.linalg.lstsq(np.c_[w[1:-1], w[:-2]], w[2:], rcond=None)[0]
    return float(np.abs(np.roots([1.0, -a, -b])).max())


def test_every_preset_states_its_claim():
    assert all(len(p.caption) > 40 for p in PRESETS.values())


def test_long_valley_sgd_zig_zags_and_momentum_rolls_down_the_floor():
    race, caption = _race("long_valley"), PRESETS["long_valley"].caption
    sgd, mom = race["sgd"].points, race["momentum"].points
    assert _flips(sgd[:31, 1]) == 30 and "each of its first 30 steps" in caption  # a zig-zag: every step
    slow = _flips(mom[:31, 1])
    assert slow <= 30 / 4 and f"{slow} flips in 30 steps" in caption  # swings lasting 4+ steps: a roll, no zig-zag
    at_m, at_s = _arrival(mom, (4.0, 0.0)), _arrival(sgd, (4.0, 0.0))
    assert at_m < at_s / 2 and f"step {at_m}" in caption and f"step {at_s}" in caption
    assert "zig-zags" in caption and "rolls" in caption


def _escape_step(traj, box) -> int | None:
    """First step outside the plotted box (None: stays inside)."""
    xmin, xmax, ymin, ymax = box
    p = traj.points
    out = ~((p[:, 0] >= xmin) & (p[:, 0] <= xmax) & (p[:, 1] >= ymin) & (p[:, 1] <= ymax))
    return int(np.argmax(out)) if out.any() else None


def test_saddle_escapers_leave_downhill_in_the_order_and_at_the_steps_the_caption_says():
    race, caption = _race("saddle"), PRESETS["saddle"].caption
    surface = get_surface("saddle")
    steps = {name: _escape_step(t, surface.box) for name, t in race.items()}
    escaped = sorted((s, n) for n, s in steps.items() if s is not None)
    titles = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
              "adadelta": "Adadelta", "rmsprop": "RMSprop", "adam": "Adam"}
    positions = [caption.index(titles[n]) for _, n in escaped]
    assert positions == sorted(positions)  # named in the order they leave
    for s, n in escaped:
        assert f"{titles[n]} ({s})" in caption or f"{titles[n]} escapes downhill first (leaves the box at step {s})" \
            in caption
        t = race[n]
        assert t.losses[s] < t.losses[0] - 1.0 and abs(t.points[s, 1]) > 2.0  # downhill, along the unbounded y
    inside = [titles[n] for n, s in steps.items() if s is None]
    assert inside == ["SGD", "Adagrad"] and "SGD and Adagrad are still inside after 300 steps" in caption


def test_goh_rounds_beta_up_and_converges_at_goh_rate():
    p = PRESETS["goh"]
    lr, beta = goh_momentum(100.0)
    assert beta == pytest.approx(0.669421, abs=1e-6) and round_up(beta) == 0.670
    assert p.hyper["momentum"] == {"lr": round(lr, 6), "momentum": 0.670}
    race, caption = _race("goh"), p.caption
    angle = math.radians(p.params["angle"])
    rot = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])

    def rates(traj):  # the shallow (u) and the stiff (v) eigen-direction, over the steps before float underflow
        uv = traj.points[:120] @ rot.T
        return _rate(uv[:, 0]), _rate(uv[:, 1])

    goh = (math.sqrt(100.0) - 1) / (math.sqrt(100.0) + 1)  # 9/11 = 0.8182
    for r in rates(race["momentum"]):  # both directions underdamped: both at sqrt(beta) = 0.81854
        assert r == pytest.approx(math.sqrt(0.670), abs=2e-5) and r == pytest.approx(goh, abs=5e-4)
        assert f"{r:.4f}" in caption and f"{goh:.3f}" in caption
    sgd = rates(race["sgd"])
    assert max(sgd) == pytest.approx(99 / 101, abs=1e-4) and f"{max(sgd):.3f}" in caption
    gap = float(np.linalg.norm(race["sgd"].points[-1]))
    assert f"still {gap:.3f} away" in caption or f"still {gap:.1g} away" in caption
    assert np.linalg.norm(race["momentum"].points[-1]) < 1e-20


def test_goh_rounded_down_would_overdamp_the_stiff_direction():
    """The defect the rounding fixes: beta 0.669 makes the stiff direction's rate 0.846."""
    p = PRESETS["goh"]
    surface = get_surface(p.surface, **p.params)
    traj = run_batch([("momentum", {"lr": p.hyper["momentum"]["lr"], "momentum": 0.669})], surface, p.start,
                     120)[0]
    angle = math.radians(p.params["angle"])
    v = -math.sin(angle) * traj.points[:, 0] + math.cos(angle) * traj.points[:, 1]
    assert _rate(v) == pytest.approx(0.846, abs=1e-3)


def test_goh_view_contains_every_iterate():
    box = get_surface("quadratic", **PRESETS["goh"].params).box
    for t in _race("goh").values():
        assert _escape_step(t, box) is None, t.optimizer


def test_beale_every_racer_arrives_within_the_stated_distance():
    race, caption = _race("beale"), PRESETS["beale"].caption
    dist = {n: float(np.linalg.norm(t.points[-1] - [3.0, 0.5])) for n, t in race.items()}
    assert len(race) == 7 and "Seven optimizers" in caption
    assert max(dist.values()) < 0.12 and "within 0.12" in caption
    assert min(dist, key=dist.get) == "adam" and "Adam the closest" in caption
    assert max(dist, key=dist.get) == "adadelta" and "Adadelta the farthest" in caption


def _swing(y: np.ndarray) -> float:
    """Peak-to-peak of a coordinate over a window of the path."""
    return float(np.ptp(y))


def test_nonsmooth_sgd_bounces_at_lr_times_slope_while_adagrad_and_adam_narrow_in():
    race, caption = _race("nonsmooth"), PRESETS["nonsmooth"].caption
    sgd = race["sgd"]
    y = sgd.points[:, 1]
    first = int(np.argmax(np.sign(y) != np.sign(y[0])))  # the first step on the other side of the kink
    assert f"at every step from step {first} on" in caption
    assert _flips(y[first - 1:]) == len(y) - first  # every step after it crosses again: a bounce, for good
    assert (np.abs(race["sgd"].grads[:, 1]) == 5.0).all() and "stays ±5" in caption  # |df/dy| never shrinks
    lr = PRESETS["nonsmooth"].lr("sgd")
    late = _swing(y[-100:])
    assert late == pytest.approx(lr * 5, abs=1e-12) and f"lr × 5 = {late:.2f} peak to peak" in caption
    assert abs(sgd.points[-1, 0] - 3.0) < 1e-3 and "x converges" in caption  # the smooth direction does converge
    mom = race["momentum"].points[:, 1]
    assert _swing(mom[-100:]) > 0.9 * _swing(mom[50:101]) and f"keeps swinging ({_swing(mom[-100:]):.2f})" in caption
    said = {"adagrad": "Adagrad's swing narrows from {:.2f} (steps 50–100) to {:.2f} (last 100 steps)",
            "adam": "Adam's from {:.2f} to {:.2f}."}
    for name, words in said.items():
        w = race[name].points[:, 1]
        early, end = _swing(w[50:101]), _swing(w[-100:])
        assert end < early / 2 < late / 2  # narrowing in, and narrower than SGD's bounce already at steps 50-100
        assert words.format(early, end) in caption

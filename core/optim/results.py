"""A race's results as a table: where each run ended, how close to the minimum, when it got there, how it left.

Definitions (one row per run; surface.minima are the surface's known minima, f* the lowest loss among them):

- final x, y, loss: the run's last point (step T). A run that left the box (Trajectory.diverged_at = k) has no
  last point inside it: these are None, and `left` / `left_at` say how and when.
- distance: Euclidean distance from the final point to the nearest known minimum (None without known minima).
- steps_to_tol: the first step k with f(x_k) - f* <= tol (None if never, or without known minima). Step 0 is the
  start, so a run starting within tol counts 0. tol: that tolerance, in every row (an exported table says it).
- left: "diverged" (overflowed or flew off: see core.optim.trajectory) or "escaped" (left the box downhill,
  below every loss in it); None for a run that stayed in. left_at: for a diverged run the step it blew up
  (Trajectory.diverged_at); for an escaped run the first step off the surface's view box, where the map shows it
  leave (the run itself stops later, at ten times the box: a caption and the table must name the same step).

Noisy races run several paths per optimizer: `paths_summary` aggregates one optimizer's paths (how many reached
tol, the median step they did, the median final loss of those that stayed in, how many left the box).
"""

from __future__ import annotations

import numpy as np

from core.optim.trajectory import Trajectory

TOL = 1e-3  # the page's tolerance on f - f* (absolute: every registered surface with a minimum has f* = 0 there)


def minimum_loss(surface) -> float | None:
    """f* = the lowest loss at the surface's known minima (None if it lists none)."""
    return float(np.min(surface.value(surface.minima))) if len(surface.minima) else None


def steps_to_tol(losses: np.ndarray, f_star: float | None, tol: float) -> int | None:
    """First step k of losses (T+1,) with losses[k] - f_star <= tol; None if never or f_star is None."""
    if f_star is None:
        return None
    with np.errstate(invalid="ignore"):
        hit = np.flatnonzero(losses - f_star <= tol)  # NaN rows (after leaving the box) never count
    return int(hit[0]) if len(hit) else None


def off_map_at(points: np.ndarray, box: tuple[float, float, float, float]) -> int | None:
    """First step k whose point points[k] (T+1, 2) lies outside box (xmin, xmax, ymin, ymax) or is NaN; None if none."""
    x, y = np.asarray(points, float).T
    with np.errstate(invalid="ignore"):
        inside = (x >= box[0]) & (x <= box[1]) & (y >= box[2]) & (y <= box[3])
    out = np.flatnonzero(~inside)
    return int(out[0]) if len(out) else None


def left_at(traj: Trajectory, surface) -> int | None:
    """The step a run left (see the module docstring): off the map if it escaped, its blow-up if it diverged."""
    if traj.diverged_at is None:
        return None
    return off_map_at(traj.points, surface.box) if traj.escaped else traj.diverged_at


def _left(traj: Trajectory) -> str | None:
    if traj.diverged_at is None:
        return None
    return "escaped" if traj.escaped else "diverged"


def run_result(name: str, traj: Trajectory, surface, tol: float = TOL) -> dict:
    """One row of the results table for one run (see the module docstring for each key's definition)."""
    f_star = minimum_loss(surface)
    inside = traj.diverged_at is None
    x, y = (float(v) for v in traj.points[-1]) if inside else (None, None)
    distance = None
    if inside and len(surface.minima):
        distance = float(np.min(np.hypot(*(np.asarray(surface.minima, float) - traj.points[-1]).T)))
    return {"optimizer": name, "steps": len(traj.points) - 1, "final_x": x, "final_y": y,
            "final_loss": float(traj.losses[-1]) if inside else None, "distance_to_minimum": distance,
            "steps_to_tol": steps_to_tol(traj.losses, f_star, tol), "tol": tol, "left": _left(traj),
            "left_at": left_at(traj, surface)}


def paths_summary(trajs: list[Trajectory], surface, tol: float = TOL) -> dict:
    """Aggregate over the noise paths of one optimizer: paths, reached_tol (count), median_steps_to_tol (over the
    paths that reached it, else None), median_final_loss (over the paths that stayed in, else None), left (count)."""
    f_star = minimum_loss(surface)
    hits = [k for t in trajs if (k := steps_to_tol(t.losses, f_star, tol)) is not None]
    finals = [float(t.losses[-1]) for t in trajs if t.diverged_at is None]
    return {"paths": len(trajs), "reached_tol": len(hits) if f_star is not None else None,
            "median_steps_to_tol": float(np.median(hits)) if hits else None,
            "median_final_loss": float(np.median(finals)) if finals else None,
            "paths_left": sum(t.diverged_at is not None for t in trajs)}


def results_table(trajectories: dict[str, Trajectory], surface, tol: float = TOL,
                  paths: dict[str, dict] | None = None) -> list[dict]:
    """One row per named run (name -> Trajectory, in order), each run_result's keys; with `paths` (name ->
    paths_summary of its noise paths) each row also gets that summary's keys, prefixed "paths_" where needed."""
    rows = []
    for name, traj in trajectories.items():
        row = run_result(name, traj, surface, tol)
        if paths and name in paths:
            row |= {k if k.startswith("paths") else f"paths_{k}": v for k, v in paths[name].items()}
        rows.append(row)
    return rows

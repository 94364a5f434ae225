"""The race's trajectories drawn over the loss of a plane through weight space (Li et al. 2018, Sec. 7 and Sec. 4).

>>> race = race_real(("sgd", "adam"), steps=200)
>>> plane = trajectory_plane(race, grid=21)
>>> plane.z.shape, plane.paths[0].shape      # loss over the grid; each rule's recorded weights in the plane
((21, 21), (9, 2))

``plane="pca"``: Li et al.'s Sec. 7 picture. The frame is centred on the final weights of one run (the
*reference*: Li et al. draw one run, centred on its final weights); the axes are the top-2 principal directions of
every recorded weight vector of every rule minus that centre (biases and BN parameters left out, as their
``ignore='biasbn'``); the contour is the loss on the plane those axes span through the centre, so the reference's
own path lies (to the shown variance) in the plane and the other rules' paths are projections onto it.
``plane="random"``: two filter-normalized random directions (Sec. 4) at the reference's final weights, over
[-1, 1]^2; a trajectory barely shows in such a plane, which is Li et al.'s reason for the PCA directions.
The loss is the training loss on the first ``n_examples`` training rows, in eval mode (``core.loss_slice``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from core.datasets import load
from core.loss_slice import filter_mask, filter_normalized_direction, loss_slice, pca_directions, project
from core.real_race import RealRace

__all__ = ["PLANES", "Plane", "trajectory_plane", "MARGIN"]

PLANES = {"pca": "top-2 PCA directions of the trajectories", "random": "two filter-normalized random directions"}
MARGIN = 0.25  # the PCA grid covers every path plus this share of its span on each side


@dataclass(frozen=True)
class Plane:
    """A loss contour and the paths projected on it; coordinates are multiples of the unit directions (PCA) or of
    the filter-normalized directions (random)."""

    kind: str  # "pca" or "random"
    reference: int  # index (in the race's runs) of the run whose final weights are the centre
    xs: np.ndarray  # (A,) grid along the first direction
    ys: np.ndarray  # (B,) grid along the second
    z: np.ndarray  # (B, A) loss at centre + xs[i] d1 + ys[j] d2
    paths: tuple[np.ndarray, ...]  # per run: (K_r, 2) its recorded weights (until divergence) in the plane
    ratio: np.ndarray  # (2,) share of the variance along each axis (PCA; NaN for random directions)
    off_plane: np.ndarray  # (R,) share of each run's final displacement from the centre outside the plane
    centre_loss: float  # the loss at the centre (= z at (0, 0) when 0 is on the grid)


def _rows(race: RealRace, r: int) -> np.ndarray:
    w = race.weights[:, r]
    return w[np.isfinite(w).all(axis=1)].astype(np.float64)


def _reference(race: RealRace) -> int:
    """The run with the lowest final test loss among those that did not diverge (the first run otherwise)."""
    final = np.array([run.test_loss[-1] if run.diverged_at is None else np.inf for run in race.runs])
    return int(np.argmin(final)) if np.isfinite(final).any() else 0


def _span(values: np.ndarray) -> np.ndarray:
    lo, hi = float(values.min()), float(values.max())
    pad = MARGIN * max(hi - lo, 1e-3)
    return np.array([lo - pad, hi + pad])


def trajectory_plane(race: RealRace, reference: int | None = None, *, kind: str = "pca", grid: int = 41,
                     n_examples: int = 500, seed: int = 0,
                     progress: Callable[[float], None] | None = None) -> Plane:
    """The plane, its (grid, grid) loss and every run's projected path; ``progress(fraction)`` while the grid is
    evaluated."""
    if kind not in PLANES:
        raise ValueError(f"Unknown plane {kind!r}; choose one of {', '.join(PLANES)}.")
    if not 5 <= grid <= 101:
        raise ValueError(f"The grid must have between 5 and 101 points a side, got {grid}.")
    ref = _reference(race) if reference is None else int(reference)
    net = race.net(ref)
    mask = filter_mask(net).numpy()
    rows = [_rows(race, r) for r in range(len(race.runs))]
    centre = rows[ref][-1]
    if kind == "pca":
        stacked = np.vstack([w for w in rows if len(w)])
        pca = pca_directions(stacked, centre, mask=mask)
        dirs, ratio = pca.directions, pca.ratio
    else:
        gens = (torch.Generator().manual_seed(int(seed) * 2 + k) for k in (1, 2))
        dirs = np.stack([filter_normalized_direction(net, g).double().numpy() for g in gens])
        ratio = np.full(2, np.nan)
    paths = tuple(project(w, centre, dirs) if len(w) else np.zeros((0, 2)) for w in rows)
    if kind == "pca":
        pts = np.vstack([p for p in paths if len(p)])
        xr, yr = _span(pts[:, 0]), _span(pts[:, 1])
    else:
        xr = yr = np.array([-1.0, 1.0])
    xs, ys = np.linspace(*xr, grid), np.linspace(*yr, grid)
    split = load("digits", seed=race.seed)
    x, y = torch.from_numpy(split.x_train[:n_examples]), torch.from_numpy(split.y_train[:n_examples])
    d = tuple(torch.from_numpy(v.astype(np.float32)) for v in dirs)
    z = loss_slice(net, d, x, y, xs, ys, center=torch.from_numpy(centre.astype(np.float32)), progress=progress)
    centre_loss = float(loss_slice(net, d, x, y, np.zeros(1), np.zeros(1), center=torch.from_numpy(
        centre.astype(np.float32)))[0, 0])
    return Plane(kind, ref, xs, ys, z, paths, np.asarray(ratio, float), _off_plane(rows, centre, dirs, mask),
                 centre_loss)


def _off_plane(rows: list[np.ndarray], centre: np.ndarray, dirs: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per run: |final - centre - its projection| / |final - centre| over the filter weights (0 at the centre)."""
    out = np.zeros(len(rows))
    for r, w in enumerate(rows):
        if not len(w):
            out[r] = np.nan
            continue
        diff = (w[-1] - centre) * mask
        norm = np.linalg.norm(diff)
        if norm > 0:
            coef = np.linalg.lstsq(dirs.T, diff, rcond=None)[0]
            out[r] = np.linalg.norm(diff - dirs.T @ coef) / norm
    return out

"""What the race tab's charts show, read from the data: the curves' sentences and the plane's."""

from __future__ import annotations

import numpy as np

CLEAR = 0.05  # accuracy gaps of 5 points or more are worth a sentence


def race_claims(races: dict) -> list[str]:
    """What the curves show, from the data: who ends highest, and batch norm vs none per rule when both ran."""
    out = []
    for name, race in races.items():
        acc = {run.title: run.test_acc[-1] for run in race.runs if np.isfinite(run.test_acc[-1])}
        if not acc:
            continue
        best, worst = max(acc, key=acc.get), min(acc, key=acc.get)
        where = f" ({name})" if len(races) > 1 else ""
        line = f"**After {race.steps} steps{where} {best} ends highest**: {acc[best]:.0%} of the held-out digits"
        out.append(line + (f"; {worst} {acc[worst]:.0%}." if worst != best else "."))
    if len(races) == 2:
        plain, bn = races.values()
        gaps = {p.title: b.test_acc[-1] - p.test_acc[-1] for p, b in zip(plain.runs, bn.runs, strict=True)}
        up = [t for t, g in gaps.items() if g >= CLEAR]
        down = [t for t, g in gaps.items() if g <= -CLEAR]
        if up:
            out.append("With batch norm " + _names(up) + f" end{'s' if len(up) == 1 else ''} at least "
                       f"{CLEAR * 100:.0f} points higher than without (same weights, same batches).")
        if down:
            out.append("Here batch norm ends lower for " + _names(down) + ".")
        if not up and not down:
            out.append(f"Batch norm and no normalization end within {CLEAR * 100:.0f} points of each other for "
                       "every rule.")
    return out


def _names(titles: list[str]) -> str:
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def plane_claims(plane, race) -> list[str]:
    """What the plane picture shows, from the plane: the variance it holds, or how little a random plane sees."""
    ref = race.runs[plane.reference].title
    if plane.kind == "pca":
        line = (f"The plane holds **{plane.ratio.sum():.0%} of the variance** of the recorded weights (PC 1 "
                f"{plane.ratio[0]:.0%}, PC 2 {plane.ratio[1]:.0%}); centre: {ref}'s final weights, training loss "
                f"{plane.centre_loss:.3f}.")
        others = [(r.title, o) for r, o in zip(race.runs, plane.off_plane, strict=True)
                  if r.title != ref and np.isfinite(o)]
        if others:
            far = max(others, key=lambda t: t[1])
            line += (f" The other paths are projections: for {far[0]}, {far[1]:.0%} of the distance from its final "
                     "weights to the centre lies outside the plane.")
        return [line]
    reach = max((float(np.abs(p).max()) for p in plane.paths if len(p)), default=0.0)
    return [f"In two random filter-normalized directions around {ref}'s final weights the paths span at most "
            f"**{reach:.2g}** of the [−1, 1] box: a random plane misses the directions training moves in (Li et "
            "al.'s reason for PCA directions)."]

"""The race GIF: a real animated GIF whose frames grow the paths, ending where the runs end."""

import io

import numpy as np
import pytest
from PIL import Image

from core.optimizers import run_batch
from core.surfaces import get_surface
from viz.race_gif import _to_px, race_gif
from viz.theme import color


def _hex(c: str) -> np.ndarray:
    return np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)])


@pytest.fixture(scope="module")
def race():
    s = get_surface("beale")
    xs, ys, z = s.grid(80)
    trajs = run_batch([("sgd", {"lr": 0.01}), ("adam", {"lr": 0.1}), ("sgd", {"lr": 5.0})], s, (1.0, 1.5), 200)
    paths = {"SGD": trajs[0].points, "Adam": trajs[1].points, "SGD too fast": trajs[2].points}
    assert trajs[2].diverged_at is not None  # one run leaves the box: the GIF must cope
    return xs, ys, z, paths, s.minima


def test_gif_has_the_frames_and_size(race):
    xs, ys, z, paths, minima = race
    data = race_gif(xs, ys, z, paths, minima, (1.0, 1.5), frames=12, size=200)
    assert data[:6] == b"GIF89a"
    im = Image.open(io.BytesIO(data))
    assert im.n_frames == 12 and im.size == (200, 200)
    assert im.info.get("loop") == 0


def test_paths_grow_to_their_end(race):
    xs, ys, z, paths, minima = race
    size = 240
    im = Image.open(io.BytesIO(race_gif(xs, ys, z, paths, minima, (1.0, 1.5), frames=10, size=size)))
    box = (xs[0], xs[-1], ys[0], ys[-1])
    (ex, ey), = _to_px(paths["Adam"][-1:], box, size)  # Adam's final point: its head dot in the last frame
    want = _hex(color(1))

    def near(frame: int) -> float:
        im.seek(frame)
        rgb = np.asarray(im.convert("RGB"), dtype=float)
        x, y = int(round(ex)), int(round(ey))
        patch = rgb[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3].reshape(-1, 3)
        return float(np.min(np.abs(patch - want).sum(axis=1)))

    assert near(9) < 40  # the last frame has Adam's colour at its final point
    assert near(0) > 60  # the first frame has only the start there


def _thin_dark_lines(grey: np.ndarray, depth: float = 8) -> np.ndarray:
    """Pixels darker than both neighbours across them (left/right or above/below): a drawn line, not a band edge."""
    g = grey.astype(float)
    across_x = (g[1:-1, 1:-1] + depth <= g[1:-1, :-2]) & (g[1:-1, 1:-1] + depth <= g[1:-1, 2:])
    across_y = (g[1:-1, 1:-1] + depth <= g[:-2, 1:-1]) & (g[1:-1, 1:-1] + depth <= g[2:, 1:-1])
    return across_x | across_y


def test_background_has_contour_lines_like_the_contour_view(race):
    """Radford's pictures are read from their contours: the map carries lines where the loss crosses a level,
    not only grey bands. Counted in the lower half of the first frame, away from the legend, start and star."""
    xs, ys, z, paths, minima = race
    size = 240
    im = Image.open(io.BytesIO(race_gif(xs, ys, z, paths, minima, (1.0, 1.5), frames=2, size=size)))
    grey = np.asarray(im.convert("L"))[size // 2 + 10:-2]
    lines = _thin_dark_lines(grey)
    assert lines.sum() > 0.03 * lines.size  # about one pixel in 15 lies on a contour line here
    # and they are contour lines: each runs along a level, so most line pixels touch another line pixel
    padded = np.pad(lines, 1)
    touching = sum(np.roll(np.roll(padded, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                   if dx or dy)[1:-1, 1:-1]
    assert (touching[lines] >= 1).mean() > 0.9

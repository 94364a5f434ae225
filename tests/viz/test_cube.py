"""The cube is built from boxes: exact coverage of each set, one Mesh3d per colour class, fast at the largest size."""

import time

import numpy as np
import pytest

from core.normalization import NORMALIZATIONS, shared_stats_mask
from viz.cube import CubePanel, box_minus_cell, cube_cell, cube_figure, cube_mask, mask_boxes

KINDS = ("batch", "layer", "instance", "group")


def _paint(boxes, shape) -> np.ndarray:
    out = np.zeros(shape, int)
    for lo, hi in boxes:
        out[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] += 1
    return out


@pytest.mark.parametrize("kind", list(NORMALIZATIONS))
@pytest.mark.parametrize("shape", [(3, 4, 2, 5), (1, 6, 1, 1), (4, 7, 3), (5, 8)])
def test_every_set_is_one_box_covering_exactly_the_mask(kind, shape):
    rng = np.random.default_rng(0)
    index = tuple(int(rng.integers(0, d)) for d in shape)
    groups = 2 if (shape[2] if len(shape) == 3 else shape[1]) % 2 == 0 else 1
    mask = cube_mask(shared_stats_mask(shape, kind, index, groups))
    boxes = mask_boxes(mask)
    assert len(boxes) == 1
    np.testing.assert_array_equal(_paint(boxes, mask.shape), mask.astype(int))
    assert mask[cube_cell(index, shape)]


def test_a_mask_that_is_not_a_box_is_covered_by_runs():
    mask = np.zeros((2, 3, 6), bool)
    mask[0, 1, 1:4] = mask[1, 2, [0, 5]] = True
    np.testing.assert_array_equal(_paint(mask_boxes(mask), mask.shape), mask.astype(int))


def test_box_minus_cell_covers_the_box_without_the_cell_once():
    box, cell = ((0, 2, 1), (4, 5, 9)), (2, 3, 4)
    painted = _paint(box_minus_cell(box, cell), (4, 5, 9))
    expected = np.zeros((4, 5, 9), int)
    expected[0:4, 2:5, 1:9] = 1
    expected[cell] = 0
    np.testing.assert_array_equal(painted, expected)
    assert len(box_minus_cell(box, cell)) <= 6


def _figure(shape, index, groups):
    panels = [CubePanel(k, cube_mask(shared_stats_mask(shape, k, index, groups))) for k in KINDS]
    return cube_figure(panels, cube_cell(index, shape), major_s=shape[-1])


def test_one_mesh_per_colour_class_and_size_independent_geometry():
    small = _figure((2, 4, 2, 2), (1, 2, 0, 1), 2)
    large = _figure((16, 64, 16, 16), (7, 33, 9, 2), 8)
    for fig in (small, large):
        meshes = [t for t in fig.data if t.type == "mesh3d"]
        assert len(meshes) == 3 * len(KINDS)  # set, cell, tensor per panel
        assert {t.scene for t in fig.data} == {"scene", "scene2", "scene3", "scene4"}
        assert max(len(t.x) for t in meshes) <= 8 * 6  # at most six boxes around the cell: never per cell
    assert sum(len(t.x) for t in large.data) < 20 * sum(len(t.x) for t in small.data)


def test_largest_cube_builds_well_under_200_ms():
    _figure((16, 64, 16, 16), (0, 0, 0, 0), 8)  # imports and caches warm
    times = []
    for n in range(5):
        t0 = time.perf_counter()
        _figure((16, 64, 16, 16), (n, 3 * n, n, 15 - n), 8)
        times.append(time.perf_counter() - t0)
    assert sorted(times)[2] < 0.2, times


def test_the_chosen_cell_is_drawn_where_the_index_says():
    shape = (3, 4, 2, 5)
    fig = _figure(shape, (2, 1, 1, 3), 2)
    cell = fig.data[1]  # the cell mesh of the first panel
    n, c, s = cube_cell((2, 1, 1, 3), shape)
    assert (min(cell.x), max(cell.x)) == (c, c + 1)
    assert (min(cell.y), max(cell.y)) == (n, n + 1)
    assert (min(cell.z), max(cell.z)) == (10 - s - 1, 10 - s)

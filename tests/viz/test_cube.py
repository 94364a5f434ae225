"""The cube is drawn flat from boxes: exact coverage of each set, a dozen traces whatever the size, cells and click
targets where the index says, a focused panel drawn large, fast at the largest size."""

import time

import numpy as np
import pytest

from core.normalization import NORMALIZATIONS, shared_stats_mask
from viz.cube import MAX_LINES, CubePanel, cube_cell, cube_figure, cube_mask, mask_boxes, panel_frames
from viz.cube_faces import MAX_TARGETS, Frame

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


def _figure(shape, index, groups, focus=None, pick=True):
    panels = [CubePanel(k, cube_mask(shared_stats_mask(shape, k, index, groups))) for k in KINDS]
    return cube_figure(panels, cube_cell(index, shape), major_s=shape[-1], focus=focus, pick=pick)


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def _gaps(trace) -> int:
    return int(np.isnan(np.asarray(trace.x, float)).sum())


def test_a_dozen_svg_traces_and_no_annotation_whatever_the_size():
    small = _figure((2, 4, 2, 2), (1, 2, 0, 1), 2)
    large = _figure((16, 64, 16, 16), (7, 33, 9, 2), 8)
    for fig in (small, large):
        assert {t.type for t in fig.data} == {"scatter"}  # no WebGL scene: four of them took seconds to mount
        assert len(fig.data) <= 16
        assert not fig.layout.annotations and not fig.layout.shapes  # each annotation costs ~2 ms to draw
        assert _gaps(_trace(fig, "grid")) == 4 * 6  # one polyline per panel, face and direction
        assert _gaps(_trace(fig, "edges")) == 4 * 2  # one polyline per set and per block
    assert len(_trace(large, "grid").x) <= 4 * 6 * (2 * (MAX_LINES + 2) + 1)  # at most ~32 lines a face


def test_largest_cube_builds_well_under_200_ms():
    _figure((16, 64, 16, 16), (0, 0, 0, 0), 8)  # imports and caches warm
    times = []
    for n in range(5):
        t0 = time.perf_counter()
        _figure((16, 64, 16, 16), (n, 3 * n, n, 15 - n), 8)
        times.append(time.perf_counter() - t0)
    assert sorted(times)[2] < 0.2, times


def _frames(shape, focus=None):
    return panel_frames(4, shape, focus)


def test_the_chosen_cell_is_drawn_where_the_index_says():
    shape, index = (3, 4, 2, 5), (0, 1, 1, 3)  # n = 0: the cell lies on the front face
    fig = _figure(shape, index, 2)
    n, c, s = cube_cell(index, shape)
    frames = _frames((3, 4, 10))
    dot = _trace(fig, "chosen cell")
    for k, fr in enumerate(frames):
        np.testing.assert_allclose((dot.x[k], dot.y[k]), fr.pt(n, c + 0.5, s + 0.5), atol=1e-5)
    face = np.asarray(_trace(fig, "cell").x, float)[:4]  # the first panel's vermillion front face
    assert (face.min(), face.max()) == pytest.approx((frames[0].pt(0, c, 0)[0], frames[0].pt(0, c + 1, 0)[0]))


@pytest.mark.parametrize("shape", [(3, 4, 2, 2), (2, 5, 1, 3)])
def test_every_surface_cell_has_one_target_at_its_centre_when_cells_are_few(shape):
    fig = _figure(shape, (0, 0, 0, 0), 1)
    (pick,) = [t for t in fig.data if t.name == "pick"]  # all exact: no image-row targets
    n, c, s = shape[0], shape[1], shape[2] * shape[3]
    fr = _frames((n, c, s))[0]
    per_panel = c * s + n * c + n * s
    assert len(pick.x) == 4 * per_panel
    picks = np.asarray(pick.customdata)[:per_panel]
    xy = np.stack([pick.x[:per_panel], pick.y[:per_panel]], 1)
    for (a, b, h, w), p in zip(picks, xy, strict=True):
        cn, cc, cs = cube_cell((a, b, h, w), shape)
        assert a == 0 or cs == 0 or cc == c - 1  # a cell on the front, top or right face
        centres = [fr.pt(0, cc + 0.5, cs + 0.5), fr.pt(cn + 0.5, cc + 0.5, 0), fr.pt(cn + 0.5, c, cs + 0.5)]
        assert min(np.abs(q - p).max() for q in centres) < 1e-5
    front = {tuple(i) for i in picks if i[0] == 0}
    assert {(0, cc, h, w) for cc in range(c) for h in range(shape[2]) for w in range(shape[3])} <= front


def test_dense_positions_are_picked_by_image_row_and_dense_channels_by_block():
    fig = _figure((8, 64, 8, 8), (0, 0, 0, 0), 8)
    rows = next(t for t in fig.data if t.name == "pick" and (np.asarray(t.customdata)[:, 3] < 0).all())
    assert "w stays" in rows.hovertemplate
    picks = np.asarray(rows.customdata)
    assert set(picks[:, 2]) == set(range(8))  # every image row h can be clicked
    assert sorted(set(picks[:, 1]) - {63}) == list(range(1, 64, 64 // MAX_TARGETS))  # 16 blocks of 4 channels
    # (c = 63 is the right face, where every target picks the last channel)
    assert all(t.marker.maxdisplayed == 1 for t in fig.data if t.name == "pick")  # hover and select, no DOM


def test_focus_draws_one_panel_large_and_the_others_small_beside_it():
    shape = (8, 16, 64)
    frames = _frames(shape, focus=2)
    assert frames[2].scale == 1 and all(f.scale < 1 for k, f in enumerate(frames) if k != 2)
    boxes = [f.bounds for f in frames]
    for i, (a0, a1) in enumerate(boxes):  # no two panels overlap
        for b0, b1 in boxes[i + 1:]:
            assert a1[0] <= b0[0] or b1[0] <= a0[0]
    fig = _figure((8, 16, 8, 8), (0, 5, 3, 4), 4, focus=2)
    labels = _trace(fig, "labels")
    assert sum("H·W" in t for t in labels.text) == 1  # sizes written on the large panel only
    size = dict(zip(labels.text, labels.textfont.size, strict=True))
    assert size["instance"] > max(size[k] for k in ("batch", "layer", "group"))


@pytest.mark.parametrize("focus", [None, 0, 3])
def test_every_label_and_panel_lies_inside_the_plotted_range(focus):
    fig = _figure((8, 16, 8, 8), (0, 5, 3, 4), 4, focus=focus)
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    for fr in _frames((8, 16, 64), focus):
        (a, b), (c, d) = fr.bounds
        assert x0 < a < c < x1 and y0 < b < d < y1
    labels = _trace(fig, "labels")
    assert all(x0 < x < x1 and y0 < y < y1 for x, y in zip(labels.x, labels.y, strict=True))


def test_frame_maps_cells_to_the_page_front_face_undistorted():
    fr = Frame((1.0, 2.0), 2.0, (4, 8, 16), (0.5, 1.0, 1.0))
    np.testing.assert_allclose(fr.pt(0, 0, 16), (1.0, 2.0))  # bottom-left of the front face is the origin
    np.testing.assert_allclose(fr.pt(0, 8, 0), (3.0, 4.0))  # top-right of the front face
    back = fr.pt(4, 0, 16) - fr.pt(0, 0, 16)
    assert back[0] > 0 and back[1] > 0  # the batch recedes up and to the right

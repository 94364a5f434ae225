"""The typed lr beside each lr slider: any number in range, exact in the race and in the link, clamped with a
notice outside it, in step with its slider both ways; the same for the shared lr."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from core.optim.presets import PRESETS
from core.optim.run import run
from tests.apptest import bidi, open_page
from views.optimizers.lr_entry import clamp, label, parse
from views.ui.text import literal

PAGE = "views/optimizers/page.py"


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "could not recover" in e.value]


def _share(at) -> dict[str, list[str]]:
    """The query of "Link to this view" as the server built it."""
    link = next(d["share"] for d in (bidi(e) for e in at.get("bidi_component")) if "share" in d)
    return parse_qs(urlsplit(link).query)


def _type(at, key: str, text: str):
    at.text_input(key=f"lrt_{key}").set_value(text).run()
    _ok(at)
    return at


_BUILT: dict = {}  # file name -> the callable of the download button the latest run drew


@pytest.fixture(scope="module", autouse=True)
def _downloads():
    """Record each download's callable: the trajectories CSV's holds the RaceConfig of the race on the page (the
    results table shows 3 digits; the race itself must be exact)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    add = MediaFileManager.add_deferred

    def kept(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        _BUILT[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(MediaFileManager, "add_deferred", kept)
        yield


def _sgd_final_x(at) -> float:
    """SGD's last x in the race the latest run showed (the one its table and downloads are of)."""
    from views.optimizers import data

    race = data.race(_BUILT["normlab-beale.csv"].args[0])
    table = at.table[0].value
    x = next(t.points[-1, 0] for r, t in zip(race.runs, race.trajs, strict=True) if r.title == "SGD")
    assert table.loc[table["optimizer"] == "SGD", "x"].iloc[0] == f"{x:.3g}"  # the table shows that race
    return float(x)


@pytest.fixture(scope="module")
def page(_downloads):
    at = open_page(PAGE, timeout=120)
    _ok(at)
    return at


def test_label_and_parse_are_exact_and_safe():
    for v in (1e-5, 0.01, 0.0123, 0.033058, 1 / 3, 10.0):
        assert float(label(v)) == v
    assert label(0.01) == "0.01" and label(1e-5) == "1e-05" and label(10.0) == "10"  # the grid as links wrote it
    assert [parse(t) for t in ("3e-4", " .5 ", "1_0", "nan", "inf", "١", "0x10", "1e400", "")] == \
        [3e-4, 0.5, None, None, None, None, None, None, None]
    assert clamp(-1.0) == 1e-5 and clamp(0.0) == 1e-5 and clamp(77.0) == 10.0 and clamp(0.0123) == 0.0123


def test_a_typed_lr_off_the_grid_runs_exactly_and_goes_into_the_link(page):
    at = _type(page, "lr_sgd", "0.0123")
    assert at.select_slider(key="lr_sgd").value == 0.0123  # a stop of its own
    assert at.text_input(key="lrt_lr_sgd").value == "0.0123"
    assert _share(at)["lr_sgd"] == ["0.0123"]
    want = run("sgd", "beale", (1.0, 1.5), 500, lr=0.0123).points[-1, 0]
    assert _sgd_final_x(at) == pytest.approx(want, rel=1e-12)  # the race ran at exactly the typed lr
    assert not at.warning


def test_the_slider_sets_the_typed_number(page):
    page.select_slider(key="lr_sgd").set_value(0.002).run()
    _ok(page)
    assert page.text_input(key="lrt_lr_sgd").value == "0.002"
    options = page.select_slider(key="lr_sgd").options
    assert "0.002" in options and "0.0123" not in options  # the typed stop went with the typed value


def test_out_of_range_is_clamped_with_a_notice(page):
    at = _type(page, "lr_sgd", "77")
    assert at.select_slider(key="lr_sgd").value == 10.0 and at.text_input(key="lrt_lr_sgd").value == "10"
    assert [w.value for w in at.warning] == ["SGD: lr 77 is outside the range 1e-05 … 10; clamped to 10."]
    at = _type(at, "lr_sgd", "-3")
    assert at.select_slider(key="lr_sgd").value == 1e-5
    assert "-3 is outside the range 1e-05 … 10; clamped to 1e-05" in at.warning[0].value
    at.run()
    assert not at.warning  # said once, on the run after the typing


def test_a_non_number_keeps_the_lr_and_says_why(page):
    before = page.select_slider(key="lr_sgd").value
    at = _type(page, "lr_sgd", "__import__('os')")
    assert at.select_slider(key="lr_sgd").value == before
    assert at.text_input(key="lrt_lr_sgd").value == label(before)
    assert "is not a number" in at.warning[0].value and "__import__" in at.warning[0].value


def test_a_link_off_the_grid_round_trips():
    at = open_page(PAGE, timeout=120, query={"lr_adam": "3e-4", "lr_sgd": "0.0123"})
    _ok(at)
    assert at.select_slider(key="lr_adam").value == 3e-4 and at.text_input(key="lrt_lr_adam").value == "0.0003"
    assert at.select_slider(key="lr_sgd").value == 0.0123 and not at.info
    link, x = _share(at), _sgd_final_x(at)
    assert link["lr_sgd"] == ["0.0123"] and float(link["lr_adam"][0]) == 3e-4
    again = open_page(PAGE, timeout=120, query={k: v[0] for k, v in link.items()})
    _ok(again)
    assert again.select_slider(key="lr_sgd").value == 0.0123 and again.select_slider(key="lr_adam").value == 3e-4
    assert _sgd_final_x(again) == x


def test_a_link_out_of_range_is_clamped_with_a_notice_and_the_shared_lr_takes_typing_too():
    at = open_page(PAGE, timeout=120, query={"lrmode": "one shared lr", "lr_all": "77"})
    _ok(at)
    assert at.select_slider(key="lr_all").value == 10.0
    assert "Link value **Shared lr** = `77` is outside the range 1e-05 … 10; clamped to 10." in at.info[0].value
    at = _type(at, "lr_all", "0.00777")
    assert at.select_slider(key="lr_all").value == 0.00777 and _share(at)["lr_all"] == ["0.00777"]
    want = run("sgd", "beale", (1.0, 1.5), 500, lr=0.00777).points[-1, 0]
    assert _sgd_final_x(at) == pytest.approx(want, rel=1e-12)  # every optimizer races at the shared lr


def test_a_preset_sets_the_typed_numbers(page):
    page.button_group(key="preset").set_value("long_valley").run()
    _ok(page)
    lr = PRESETS["long_valley"].lr("sgd")
    assert page.select_slider(key="lr_sgd").value == lr and page.text_input(key="lrt_lr_sgd").value == label(lr)


def test_a_link_value_for_the_text_box_is_refused_with_a_notice():
    at = open_page(PAGE, timeout=120, query={"lrt_lr_sgd": "0.5"})
    _ok(at)
    assert "Link value **SGD: lr, typed** = `0.5` ignored" in at.info[0].value
    assert at.select_slider(key="lr_sgd").value == 0.01 and "lrt_lr_sgd" not in at.query_params


def test_typed_markdown_is_shown_as_text(page):
    payload = "[Sign in](https://ev.il/a) ![](https://ev.il/p.png)"
    at = _type(page, "lr_sgd", payload)
    note, shown = at.warning[0].value, literal(payload[:40], 40)  # the box takes 40 characters
    assert shown in note and "https://ev.il" not in note.replace(shown, "")


def _columns_holding(at, key: str) -> int:
    """How many columns enclose the widget ``key`` (0: drawn straight in its container)."""
    def walk(node, depth):
        for child in (getattr(node, "children", None) or {}).values():
            if getattr(child, "key", None) == key:
                return depth
            found = walk(child, depth + (type(child).__name__ == "Column"))
            if found is not None:
                return found
        return None

    return walk(at._tree, 0)


def test_closed_hyper_parameters_send_no_columns_and_open_ones_lay_the_lr_beside_its_box():
    """The expander is collapsed by default: its lr rows go without columns (fewer elements every tick); opened (a
    rerun), each slider and its typed box sit side by side again, with the same values."""
    at = open_page(PAGE, timeout=120)
    _ok(at)
    assert _columns_holding(at, "lr_sgd") == 1  # only the page's left column: no row of its own
    value = at.select_slider(key="lr_sgd").value
    at.session_state["hp_open"] = True
    at.run()
    _ok(at)
    assert _columns_holding(at, "lr_sgd") == 2 and _columns_holding(at, "lrt_lr_sgd") == 2
    assert at.select_slider(key="lr_sgd").value == value

"""The live view builds the next depth in the drag's direction ahead (views/histograms/ahead.py)."""

import time

from tests.apptest import open_page

PAGE = "views/histograms/page.py"

def test_the_next_depth_in_the_direction_of_the_drag_is_built_ahead():
    """After a Depth move, a background job builds the pair one notch further the same way (what a tick asks for)."""
    from core import shared_trainer

    def built(depth: int) -> bool:
        cfg = repr(at.session_state["hist_live"]["config"]).replace(f"depth={at.slider(key='depth').value},",
                                                                     f"depth={depth},")
        return any(k.settings == cfg for k in shared_trainer._REGISTRY)

    at = open_page(PAGE, timeout=120)
    for depth, nxt in ((14, 15), (13, 12)):  # deeper from 3, then shallower: the job follows the drag
        assert not built(nxt)
        at.slider(key="depth").set_value(depth).run()
        assert not at.exception and not at.error
        for _ in range(100):
            if built(nxt):
                break
            time.sleep(0.1)
        assert built(nxt), f"depth {nxt} was not built after a move to {depth}"

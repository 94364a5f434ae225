"""One script run as a tab saw it: when it was asked for, what it drew (charts, alerts, progress) and when."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from views.ui.reel_clock import ReelClock

_SUCCESS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# Elements a student reads as "the chart": any of them redrawn with new content is a chart update.
CHART_KINDS = frozenset({"plotly_chart", "vega_lite_chart", "deck_gl_json_chart", "graphviz_chart", "echarts_chart",
                         "imgs", "live_chart"})  # live_chart: views.ui.charts.live (a bidi component)
ALERT_NAMES = {Alert.ERROR: "error", Alert.WARNING: "warning", Alert.INFO: "info", Alert.SUCCESS: "success"}




def _live_json(proto) -> bytes:
    """A live chart's data as JSON bytes: views.ui.payload sends it as bytes, other components as JSON text."""
    return proto.bytes if proto.WhichOneof("data") == "bytes" else proto.json.encode()


@dataclass
class _Player:
    """A tab's live chart at one place: its clock, and where each queued frame's time is kept (a run's
    frames_shown list and index)."""

    clock: ReelClock = field(default_factory=ReelClock)
    where: dict[int, tuple[list, int]] = field(default_factory=dict)


@dataclass
class Run:
    """One script run: its request, its end, and what it drew on the way."""

    run_id: str
    started: float
    fragment: bool
    requested: float | None = None  # send time of the oldest rerun request this run answers (None: not asked)
    finished: float | None = None
    status: int | None = None
    first_chart: str | None = None  # sha1 of the first main-area chart (plotly spec or live chart data)
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # st.error bodies
    alerts: list[str] = field(default_factory=list)  # "warning: body", "info: body", ... in drawing order
    codes: list[str] = field(default_factory=list)  # st.code texts (the share link lives there)
    shown: dict[tuple[int, ...], str] = field(default_factory=dict)  # element kind drawn at each delta path
    chart_changes: list[float] = field(default_factory=list)  # arrival of each chart that differs from before
    fragment_ids: tuple[str, ...] = ()  # the fragments a fragment run reran
    first_delta: float | None = None  # arrival of its first element: it draws the session's newest move by then
    reel: bool = False  # it sent frames for the browser to play (views.ui.charts.reel)
    frames_shown: list[float] = field(default_factory=list)  # when the browser shows each new frame it sent

    @property
    def ok(self) -> bool:
        return self.status in _SUCCESS

    @property
    def shows_progress(self) -> bool:
        """A progress bar is still on screen at the end of this run (a job running, or a run cut short)."""
        return "progress" in self.shown.values()

    @property
    def draws_charts(self) -> bool:
        return any(k in CHART_KINDS for k in self.shown.values())

    @property
    def updates(self) -> list[float]:
        """When the student sees a new chart because of this run: each new frame of a reel as the browser plays
        it, else the first changed chart (a reel sent again with nothing new changes nothing on screen)."""
        return [t for t in self.frames_shown if t is not None] if self.reel else self.chart_changes[:1]

    @property
    def latency(self) -> float | None:
        """Request -> first new chart of this run on screen (None when nothing changed or nobody asked)."""
        if not self.updates or self.requested is None:
            return None
        return self.updates[0] - self.requested

    def play(self, data: dict, path: tuple[int, ...], now: float, players: dict) -> None:
        """A reel's frames as views/ui/live_chart.js plays them (views.ui.reel_clock): each new frame counted at the
        moment the browser shows it; a later rerun may move or drop (None) frames still queued. ``players`` (path ->
        _Player) is the tab's, kept across runs."""
        self.reel = True
        p = players.setdefault(path, _Player())
        ids, every = [f["id"] for f in data["frames"]], data.get("every", 0) / 1000
        if not every or data.get("reel") != p.clock.reel:  # what was still queued is dropped (ids may start over)
            for shown, k in p.where.values():
                if shown[k] is not None and shown[k] > now:
                    shown[k] = None
            p.where = {}
        for i, t in p.clock.push(data.get("reel"), ids, every, now).items():
            if i not in p.where:  # a new frame: this run's
                self.frames_shown.append(t)
                p.where[i] = (self.frames_shown, len(self.frames_shown) - 1)
            else:
                shown, k = p.where[i]
                shown[k] = t
        p.where = {i: p.where[i] for i, _ in p.clock.queue}  # only queued frames can still move

    def record(self, el, path: tuple[int, ...], now: float, charts: dict[tuple[int, ...], str],
               players: dict | None = None) -> str:
        """Note element ``el`` drawn at ``path``; ``charts`` (path -> digest, the tab's screen) and ``players`` (the
        reels being played, see ``play``) are kept current."""
        kind = el.WhichOneof("type")
        self.shown[path] = kind
        if self.first_delta is None:
            self.first_delta = now
        if kind == "bidi_component" and el.bidi_component.component_name.endswith("normlab_share_link"):
            # "Link to this view" (views/ui/frame.py): the share link, not a chart
            self.codes.append(json.loads(el.bidi_component.json or "{}").get("share", ""))
            return kind
        live = kind == "bidi_component" and "normlab_live_chart" in el.bidi_component.component_name
        if live:
            kind = self.shown[path] = "live_chart"
            raw = _live_json(el.bidi_component)
            data = json.loads(raw or "{}")
            if data.get("frames") and players is not None:
                self.play(data, path, now, players)
        if kind in CHART_KINDS:
            # A plotly chart is its spec (hashing it alone keeps 60 tabs' client cheap), a live chart (views.ui.charts
            # .live, updated in place by the browser) its data; others: the whole element.
            plotly = kind == "plotly_chart"
            body = el.plotly_chart.spec.encode() if plotly else raw if live else el.SerializeToString()
            digest = hashlib.sha1(body).hexdigest()
            if charts.get(path) != digest:
                charts[path] = digest
                self.chart_changes.append(now)
            # The page's first chart: a plotly or live chart in the main area, not the invisible one that only
            # loads plotly.js (views.ui.charts.plotly_js).
            if (plotly or live) and self.first_chart is None and path[:1] == (0,) and b"plotly.js loader" not in body:
                self.first_chart = digest
        elif kind == "exception":
            self.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert":
            self.alerts.append(f"{ALERT_NAMES.get(el.alert.format, 'alert')}: {el.alert.body}")
            if el.alert.format == Alert.ERROR:
                self.errors.append(el.alert.body)
        elif kind == "code":
            self.codes.append(el.code.code_text)
        return kind

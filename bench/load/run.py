"""One script run as a tab saw it: when it was asked for, what it drew (charts, alerts, progress) and when."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

_SUCCESS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
# Elements a student reads as "the chart": any of them redrawn with new content is a chart update.
CHART_KINDS = frozenset({"plotly_chart", "vega_lite_chart", "deck_gl_json_chart", "graphviz_chart", "echarts_chart",
                         "imgs", "live_chart"})  # live_chart: views.ui.charts.live (a bidi component)
ALERT_NAMES = {Alert.ERROR: "error", Alert.WARNING: "warning", Alert.INFO: "info", Alert.SUCCESS: "success"}


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
    def latency(self) -> float | None:
        """Request -> first changed chart of this run (None when nothing changed or nobody asked)."""
        if not self.chart_changes or self.requested is None:
            return None
        return self.chart_changes[0] - self.requested

    def record(self, el, path: tuple[int, ...], now: float, charts: dict[tuple[int, ...], str]) -> str:
        """Note element ``el`` drawn at ``path``; ``charts`` (path -> digest, the tab's screen) is kept current."""
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
        if kind in CHART_KINDS:
            # A plotly chart is its spec (hashing it alone keeps 60 tabs' client cheap), a live chart (views.ui.charts
            # .live, updated in place by the browser) its data; others: the whole element.
            plotly = kind == "plotly_chart"
            body = el.plotly_chart.spec.encode() if plotly else el.bidi_component.json.encode() if live else \
                el.SerializeToString()
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

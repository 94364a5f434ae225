"""One browser tab speaking Streamlit's websocket protocol: BackMsg out, ForwardMsg in, no rendering.

What a tab does that matters to the server is reproduced: the HTTP requests before the socket (page, health,
host-config; cookies kept, so nginx affinity and the XSRF cookie behave as in a browser), the first rerun with
the page name, full widget state on every rerun, the URL kept in sync with bound widgets, the forward-message
cache (hashes reported, references resolved), fragment auto-reruns, and stale widgets dropped at script end.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.cookiejar
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from bench.load.forward_cache import ForwardCache
from bench.load.widgets import KINDS, Widget, current_value, default_value, query_string, sync_url, widget_state

_SUCCESS = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Run:
    """One script run as the tab saw it."""

    run_id: str
    started: float
    fragment: bool
    finished: float | None = None
    status: int | None = None
    first_chart: str | None = None  # sha1 of the first main-area plotly spec
    exceptions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # st.error bodies
    codes: list[str] = field(default_factory=list)  # st.code texts (the share link lives there)

    @property
    def ok(self) -> bool:
        return self.status in _SUCCESS


class Session:
    """A headless Streamlit tab on ``base_url`` + ``/`` + ``page``."""

    def __init__(self, base_url: str, page: str, max_size: int = 200 * 2**20):
        self.base = base_url.rstrip("/")
        self.page = page
        self.max_size = max_size
        self.query: dict[str, list[str]] = {}
        self.widgets: dict[str, Widget] = {}
        self.runs: list[Run] = []
        self.protocol_errors: list[str] = []
        self.page_hash = ""
        self._cookies = http.cookiejar.CookieJar()
        self._cache = ForwardCache()
        self._seen: set[str] = set()  # widget ids drawn in the current full run
        self._auto: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Condition()
        self._ws = None
        self._reader: asyncio.Task | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def open(self, timeout: float = 60) -> Run:
        """Load the page like a browser and wait for its first script run to finish."""
        await asyncio.to_thread(self._http_preamble)
        ws_url = "ws" + self.base[4:] + "/_stcore/stream"
        xsrf = next((c.value for c in self._cookies if c.name == "_streamlit_xsrf"), "PLACEHOLDER_AUTH_TOKEN")
        cookie = "; ".join(f"{c.name}={c.value}" for c in self._cookies)
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base))
        self._ws = await connect(ws_url, subprotocols=["streamlit", xsrf], origin=origin, max_size=self.max_size,
                                 additional_headers={"Cookie": cookie} if cookie else None, open_timeout=timeout)
        self._reader = asyncio.create_task(self._read())
        n = len(self.runs)
        await self._send_rerun(page_name=self.page)
        return await self.wait_run(lambda r: r.ok and not r.fragment, after=n, timeout=timeout)

    def _http_preamble(self) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))
        for path in (f"/{self.page}", "/_stcore/health", "/_stcore/host-config"):
            with opener.open(self.base + path, timeout=30) as r:
                r.read()

    async def close(self) -> None:
        for task in self._auto.values():
            task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    # --- user actions ------------------------------------------------------------------------------------

    def widget(self, label: str) -> Widget:
        """The widget whose label is ``label`` (first match in page order)."""
        for w in self.widgets.values():
            if w.label == label:
                return w
        raise KeyError(f"no widget labelled {label!r}; have {[w.label for w in self.widgets.values()]}")

    async def set_value(self, w: Widget, value) -> float:
        """Change ``w`` as a user would (URL updated, rerun requested); returns the send time."""
        w = self.widgets.get(w.id, w)
        w.value = value
        sync_url(self.query, w)
        return await self._send_rerun()

    async def rerun(self) -> float:
        """Rerun with the current state, as the app menu's "Rerun" does; returns the send time."""
        return await self._send_rerun()

    async def wait_run(self, accept, after: int = 0, timeout: float = 30) -> Run:
        """Wait for a finished run (index >= ``after``) with ``accept(run)`` true."""
        def found():
            return next((r for r in self.runs[after:] if r.finished is not None and accept(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(found), timeout)
            return found()

    # --- wire --------------------------------------------------------------------------------------------

    def _url(self) -> str:
        return f"{self.base}/{self.page}"  # the browser reports origin + path, without the query string

    async def _send_rerun(self, page_name: str = "", fragment_id: str = "", auto: bool = False) -> float:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = query_string(self.query)
        rs.page_script_hash = self.page_hash
        rs.page_name = page_name if not self.page_hash else ""
        rs.fragment_id = fragment_id
        rs.is_auto_rerun = auto
        rs.cached_message_hashes.extend(self._cache.entries)
        states = [widget_state(w) for w in self.widgets.values()]
        rs.widget_states.widgets.extend(s for s in states if s is not None)
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = self._url(), False, "light"
        sent = time.monotonic()
        await self._ws.send(msg.SerializeToString())
        return sent

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                async with self._changed:
                    self._handle(self._cache.resolve(msg, self.protocol_errors))
                    self._changed.notify_all()
        except Exception as exc:  # a dropped socket is an error of this tab, reported, not raised
            self.protocol_errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            async with self._changed:
                self._changed.notify_all()

    # --- ForwardMsg handling -----------------------------------------------------------------------------

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._new_run(msg)
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            self._finished(msg)
        elif kind == "navigation":  # multi-page apps: the page actually shown (new_session names app.py)
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self._set_query(msg.page_info_changed.query_string)
        elif kind == "auto_rerun":
            self._start_auto(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self._auto.pop(fid, None)
                if task:
                    task.cancel()

    def _new_run(self, msg: ForwardMsg) -> None:
        ns = msg.new_session
        self.page_hash = ns.page_script_hash
        self._cache.max_age = ns.config.max_cached_message_age or self._cache.max_age
        fragment = bool(msg.metadata.run.fragment_ids)
        if not fragment:
            self._seen = set()
            for task in self._auto.values():  # the frontend clears auto-reruns on each full run
                task.cancel()
            self._auto.clear()
        self.runs.append(Run(msg.metadata.run.script_run_id, time.monotonic(), fragment))

    def _delta(self, msg: ForwardMsg) -> None:
        if not self.runs or msg.delta.WhichOneof("type") != "new_element":
            return
        el, run = msg.delta.new_element, self.runs[-1]
        kind = el.WhichOneof("type")
        if kind in KINDS:
            self._register(kind, getattr(el, kind))
        elif kind == "plotly_chart" and run.first_chart is None and msg.metadata.delta_path[:1] == [0]:
            run.first_chart = hashlib.sha1(el.plotly_chart.spec.encode()).hexdigest()
        elif kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "alert" and el.alert.format == Alert.ERROR:
            run.errors.append(el.alert.body)
        elif kind == "code":
            run.codes.append(el.code.code_text)

    def _register(self, kind: str, proto) -> None:
        self._seen.add(proto.id)
        known = self.widgets.get(proto.id)
        if known is None:
            self.widgets[proto.id] = Widget(kind, proto, default_value(kind, proto))
        else:
            known.kind, known.proto = kind, proto
        if proto.set_value:
            self.widgets[proto.id].value = current_value(kind, proto)

    def _finished(self, msg: ForwardMsg) -> None:
        if not self.runs:
            return
        run = self.runs[-1]
        run.finished, run.status = time.monotonic(), msg.script_finished
        if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.widgets = {k: w for k, w in self.widgets.items() if k in self._seen}
        if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._cache.age(run.fragment)

    def _set_query(self, qs: str) -> None:
        from urllib.parse import parse_qs

        self.query = {k: v for k, v in parse_qs(qs, keep_blank_values=True).items()}

    def _start_auto(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or fragment_id in self._auto:
            return

        async def tick():
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment_id=fragment_id, auto=True)

        self._auto[fragment_id] = asyncio.create_task(tick())

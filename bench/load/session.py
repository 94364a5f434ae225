"""One browser tab speaking Streamlit's websocket protocol: BackMsg out, ForwardMsg in, no rendering.

What a tab does that matters to the server is reproduced: the HTTP requests before the socket (page, health,
host-config; cookies kept, so nginx affinity and the XSRF cookie behave as in a browser), the first rerun with
the page name and the link's query, full widget state on every rerun, the URL kept in sync with bound widgets,
button clicks (one-shot triggers), the rerun that answers a first paint (views/ui/first_paint.py), the
forward-message cache (hashes reported, references resolved), fragment auto-reruns, and stale widgets dropped at
script end. Every run records when it was asked for and which charts it changed (run.py), so chart updates per
second and their latency can be read off any page.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import time
from urllib.parse import parse_qs

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load import first_paint, widgets
from bench.load.forward_cache import ForwardCache
from bench.load.handshake import open_stream
from bench.load.run import Run
from bench.load.widgets import KINDS, Widget, current_value, default_value, query_string, sync_url, widget_state

__all__ = ["Run", "Session"]


class Session:
    """A headless Streamlit tab on ``base_url`` + ``/`` + ``page`` (+ ``?`` + ``query``, a shared link's settings)."""

    def __init__(self, base_url: str, page: str, query: str = "", max_size: int = 200 * 2**20):
        self.base = base_url.rstrip("/")
        self.page = page
        self.max_size = max_size
        self.query: dict[str, list[str]] = parse_qs(query, keep_blank_values=True)
        self.widgets: dict[str, Widget] = {}
        self.buttons: dict[str, object] = {}  # label -> Button proto, as drawn by the latest runs
        self._button_fragments: dict[str, str] = {}  # label -> the fragment that drew it ("" for a page run)
        self.tabs: dict[str, list[str]] = {}  # URL-bound tab containers: query key -> tab labels
        self.runs: list[Run] = []
        self.protocol_errors: list[str] = []
        self.page_hash = ""
        self._cookies = http.cookiejar.CookieJar()
        self._cache = ForwardCache()
        self._seen: set[str] = set()  # widget ids drawn in the current full run
        self._charts: dict[tuple[int, ...], str] = {}  # delta path -> digest of the chart the tab shows there
        self._players: dict[tuple[int, ...], tuple] = {}  # delta path -> the reel the browser plays there (Run.play)
        self._tab_paths: dict[tuple[int, ...], str] = {}  # tab container path -> its query key
        self._requests: list[float] = []  # send times of reruns asked for and not yet started
        self._auto: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Condition()
        self._ws = None
        self._signal: str | None = None  # the first paint's signal element id, until answered
        self._reader: asyncio.Task | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------

    async def open(self, timeout: float = 60) -> Run:
        """Load the page like a browser: its first script run (returned), and after a first paint the whole page."""
        link = f"/{self.page}" + (f"?{query_string(self.query)}" if self.query else "")
        self._ws = await open_stream(self.base, link, self._cookies, self.max_size, timeout)
        self._reader = asyncio.create_task(self._read())
        n = len(self.runs)
        await self._send_rerun(page_name=self.page)
        first = await self.wait_run(lambda r: r.ok and not r.fragment, after=n, timeout=timeout)
        if self._signal:  # charts first, controls emptied: a browser reruns the page once a chart is drawn
            n, signal, self._signal = len(self.runs), self._signal, None
            await self._send_rerun(trigger=first_paint.drawn(signal))
            await self.wait_run(lambda r: r.ok and not r.fragment, after=n, timeout=timeout)
        return first  # the answer a student saw first (its charts, progress bar or error)

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
        """Change ``w`` as a user would (URL updated, rerun requested: of its fragment if a fragment drew it); returns
        the send time."""
        w = self.widgets.get(w.id, w)
        w.value = value
        sync_url(self.query, w)
        return await self._send_rerun(fragment_id=w.fragment_id)

    async def click(self, label: str) -> float:
        """Press the button labelled ``label`` (a one-shot trigger, as the browser sends: a rerun of the fragment that
        drew it, if one did); returns the send time."""
        button = self.buttons.get(label)
        if button is None:
            raise KeyError(f"no button labelled {label!r}; have {sorted(self.buttons)}")
        return await self._send_rerun(fragment_id=self._button_fragments.get(label, ""),
                                      trigger=WidgetState(id=button.id, trigger_value=True))

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

    async def _send_rerun(self, page_name: str = "", fragment_id: str = "", auto: bool = False,
                          trigger: WidgetState | None = None) -> float:
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
        if trigger is not None:
            rs.widget_states.widgets.append(trigger)
        ci = rs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, "en-US"
        ci.url, ci.is_embedded, ci.color_scheme = self._url(), False, "light"
        sent = time.monotonic()
        self._requests.append(sent)
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
            self.query = parse_qs(msg.page_info_changed.query_string, keep_blank_values=True)
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
        # Requests that arrived while the server was busy are answered together by this run, and so is the request
        # of a run that a rerun replaced before it drew anything (st.rerun after a click): count from the oldest.
        last = self.runs[-1] if self.runs else None
        if last and last.status == ForwardMsg.FINISHED_EARLY_FOR_RERUN and not last.chart_changes and last.requested:
            self._requests.append(last.requested)
        requested = min(self._requests, default=None)
        self._requests.clear()
        self.runs.append(Run(msg.metadata.run.script_run_id, time.monotonic(), fragment, requested,
                             fragment_ids=tuple(msg.metadata.run.fragment_ids)))

    def _delta(self, msg: ForwardMsg) -> None:
        kind, path, el = msg.delta.WhichOneof("type"), tuple(msg.metadata.delta_path), msg.delta.new_element
        if self.runs and kind == "add_block":
            widgets.learn_tab(msg.delta.add_block, path, self._tab_paths, self.tabs)
        elif self.runs and kind == "new_element":
            kind = self.runs[-1].record(el, path, time.monotonic(), self._charts, self._players)
            if kind in KINDS:
                self._register(kind, getattr(el, kind), msg.delta.fragment_id)
            elif signal := first_paint.signal_id(el):
                self._signal = signal
            elif kind == "button":
                self.buttons[el.button.label] = el.button
                self._button_fragments[el.button.label] = msg.delta.fragment_id

    def _register(self, kind: str, proto, fragment_id: str = "") -> None:
        self._seen.add(proto.id)
        known = self.widgets.get(proto.id)
        if known is None:
            self.widgets[proto.id] = Widget(kind, proto, default_value(kind, proto), fragment_id)
        else:
            known.kind, known.proto, known.fragment_id = kind, proto, fragment_id
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
            self._cache.age(run.fragment_ids)

    def _start_auto(self, fragment_id: str, interval: float) -> None:
        if not fragment_id or fragment_id in self._auto:
            return

        async def tick():
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment_id=fragment_id, auto=True)

        self._auto[fragment_id] = asyncio.create_task(tick())

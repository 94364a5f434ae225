"""What a browser tab does before its first rerun: the page, health and host-config requests, then the websocket."""

from __future__ import annotations

import asyncio
import http.cookiejar
import urllib.request
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect


def _preamble(base: str, link: str, cookies: http.cookiejar.CookieJar) -> None:
    # Cookies are kept, so nginx affinity and the XSRF cookie behave as in a browser.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    for path in (link, "/_stcore/health", "/_stcore/host-config"):
        with opener.open(base + path, timeout=30) as r:
            r.read()


async def open_stream(base: str, link: str, cookies: http.cookiejar.CookieJar, max_size: int,
                      timeout: float) -> ClientConnection:
    """GET ``link`` (path and query) and the two config endpoints, then open ``/_stcore/stream`` as the tab would."""
    await asyncio.to_thread(_preamble, base, link, cookies)
    xsrf = next((c.value for c in cookies if c.name == "_streamlit_xsrf"), "PLACEHOLDER_AUTH_TOKEN")
    cookie = "; ".join(f"{c.name}={c.value}" for c in cookies)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    return await connect("ws" + base[4:] + "/_stcore/stream", subprotocols=["streamlit", xsrf], origin=origin,
                         max_size=max_size, additional_headers={"Cookie": cookie} if cookie else None,
                         open_timeout=timeout)

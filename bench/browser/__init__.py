"""Browser benchmark (`python -m bench.browser`): normlab in real Chromium next to Streamlit's floor app.

Per page: new tab to first chart, the main slider's tick to chart change, and what a tick costs (server ms, bytes
and frames on the websocket, browser main-thread ms, what each chart is made of); live training's chart updates per
second and blank panels; the race's frames per second. Every timing is also given as a ratio to the floor app
(`floor_app.py`) measured interleaved in the same run: the machine is shared, absolute seconds mean little.
"""

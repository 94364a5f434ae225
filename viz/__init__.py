"""Plotly figure builders: arrays and small dataclasses in, go.Figure out; no st.* here."""

"""Exports of the activation-histogram page: chart config with the PNG camera button, CSV downloads."""

from __future__ import annotations

import streamlit as st

from core.hist_export import curves_csv, histories_csv


def config(name: str) -> dict:
    """Plotly config of one chart: the modebar (with its camera button) stays, PNGs are named and sharp."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": f"normlab_{name}",
                                                           "scale": 2}}


def chart(fig, key: str, where=st) -> None:
    """``st.plotly_chart`` at full width whose camera button saves ``normlab_<key>.png`` at twice the size."""
    where.plotly_chart(fig, key=key, width="stretch", config=config(key))


def downloads(row, pair, lock, names) -> None:
    """Two download buttons; the CSV is built only when clicked (a full history of a deep net is megabytes)."""
    def snaps():
        with lock:  # the live fragment may be training these nets right now
            out, latest = list(pair.history), pair.snapshot(fresh=False)
        return out + [latest] if latest.step > out[-1].step else out  # what the page shows, latest included

    row.download_button("Histograms CSV", lambda: histories_csv(snaps(), names), "normlab_histograms.csv",
                        "text/csv", key="hist_dl_h", on_click="ignore", icon=":material/download:",
                        help="Every recorded step: each layer's histogram (pre, post, gradient) of both nets.")
    row.download_button("Curves CSV", lambda: curves_csv(snaps(), names), "normlab_curves.csv", "text/csv",
                        key="hist_dl_c", on_click="ignore", icon=":material/download:",
                        help="Loss, test accuracy and each layer's mean, std, saturation, dead units, gradient "
                             "norm per recorded step.")

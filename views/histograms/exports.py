"""CSV downloads of the live pair: every recorded histogram, and the curves (loss, accuracy, per-layer numbers)."""

from __future__ import annotations

from core.hist_export import curves_csv, histories_csv


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

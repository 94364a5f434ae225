"""Peak RSS of one PairedTrainer (default preset) over 20,000 steps: the bounded history must make it plateau.

Run: .venv/bin/python -m bench.memory_histograms [steps]
"""

import resource
import sys
import time

import torch

from core.layer_stats import PairedTrainer

torch.set_num_threads(1)  # as app.py sets it for every page


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB; Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(steps: int = 20_000, every: int = 2_000) -> None:
    pair = PairedTrainer()  # BN paper Figure 1: digits, 3 x 100 sigmoid, SGD lr 0.5, batch 60
    pair.step(every)
    base = peak_rss_mb()
    t0 = time.perf_counter()
    print(f"after {every:>6} steps: peak RSS {base:7.1f} MB (baseline)")
    for done in range(2 * every, steps + 1, every):
        pair.step(every)
        pair.snapshot()
        print(f"after {done:>6} steps: peak RSS {peak_rss_mb():7.1f} MB (+{peak_rss_mb() - base:5.1f}), "
              f"{len(pair.history)} snapshots kept, stride {pair.history.stride}, "
              f"{done / (time.perf_counter() - t0):.0f} steps/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)

"""A process whose shared trainer is still training when it exits ends cleanly: the worker thread finishes its
step and stops at exit instead of being torn down inside a torch op (std::terminate, exit status 134)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]

_SCRIPT = """
import time
from core import shared_trainer
from core.paired_trainer import PairedTrainer
from core.shared_trainer import TrainerKey
t = shared_trainer.get(TrainerKey("exit-test", ((0, 0.1),)),
                       lambda: PairedTrainer(dataset="digits", depth=6, width=256, batch_size=60, record_every=1))
t.want(10**6)  # trains in the background until the process ends
time.sleep(1.0)
"""


def test_exit_while_training_is_clean():
    for _ in range(2):  # the abort needed the thread to be inside a torch op at the moment of finalization
        done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-500:]

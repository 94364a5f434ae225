"""Live pairs shared by every viewer of a process: one trainer per distinct setting, trained ahead in the background.

A class on one preset computes it once: a pair is a deterministic function of its settings and of its learning
rates over time, so ``get(key, build)`` hands every viewer with the same ``TrainerKey`` the same ``SharedTrainer``.
Each viewer keeps its own position (a recorded step) and asks for frames ahead of it with ``want``; one worker
thread trains whichever trainers are behind their furthest viewer, a frame at a time, so a whole class costs at
most one core. A viewer who changes the learning rate ``fork``s: a copy of the trainer as it is now, keyed by its
lr path, so a second viewer making the same change at the same step shares that copy too.

Memory: the registry keeps the most recently used trainers within ``MAX_BYTES`` and drops those idle for
``IDLE_S``; a viewer holding a trainer keeps it alive (and trained) until it lets go.
"""

from __future__ import annotations

import atexit
import copy
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from core.paired_trainer import PairedTrainer, Snapshot

MAX_BYTES = int(float(os.environ.get("NORMLAB_TRAINERS_MB", "256")) * 2**20)
IDLE_S = 600.0


@dataclass(frozen=True)
class TrainerKey:
    """What determines a pair's every number: its structural settings and the learning rate from each step on."""

    settings: str  # repr of the frozen structural config
    lrs: tuple[tuple[int, float], ...]  # ((0, lr0), (step, lr1), ...): the lr in force from each step

    def then(self, step: int, lr: float) -> TrainerKey:
        """The key of this pair switched to ``lr`` at ``step`` (a fresh pair when step is 0)."""
        return TrainerKey(self.settings, ((0, lr),) if step == 0 else (*self.lrs, (step, lr)))


class SharedTrainer:
    """One ``PairedTrainer`` behind a lock, its recorded frames read by any number of viewers."""

    def __init__(self, key: TrainerKey, pair: PairedTrainer):
        self.key, self.pair = key, pair
        self.lock = threading.Lock()  # held by the worker while it trains a step, by a fork or export copying
        self.wanted = 0  # train until this step is recorded (or the pair diverges)
        self.error: BaseException | None = None
        self.used = time.monotonic()

    @property
    def stride(self) -> int:
        """Steps between two recorded frames now."""
        return self.pair.history.stride

    def frames(self, upto: int | None = None) -> list[Snapshot]:
        """Recorded frames, oldest first, up to step ``upto`` (all when None)."""
        self.used = time.monotonic()
        snaps = list(self.pair.history)  # without the lock: see next_after
        return snaps if upto is None else [s for s in snaps if s.step <= upto] or snaps[:1]

    def next_after(self, step: int) -> Snapshot | None:
        """The first recorded frame after ``step``, or None when it is not trained yet."""
        # Without the lock: History's iteration copies its list in one step (atomic under the GIL) and a frame is
        # never written once recorded. Readers that took the lock waited for the step being trained, a class of them
        # behind the worker on a busy core: half the live view's script time under 30 tabs (sampled), and 60 tabs on two
        # replicas fell to 0.1 frames/s for the slowest.
        return next((s for s in self.pair.history if s.step > step), None)

    @property
    def done(self) -> bool:
        """No frame will ever follow the last one (diverged, or training failed)."""
        return self.pair.diverged_at is not None or self.error is not None

    @property
    def behind(self) -> bool:
        """Whether a viewer waits for a frame not recorded yet."""
        return not self.done and self.pair.history.last.step < self.wanted

    def want(self, step: int) -> None:
        """Ask the worker to train until a frame at or after ``step`` is recorded (targets only ever rise)."""
        self.used = time.monotonic()
        self.wanted = max(self.wanted, step)
        if self.behind:
            _WORKER.wake(self)

    def wait_for(self, step: int, timeout: float) -> Snapshot | None:
        """``want(step)`` and wait up to ``timeout`` s for the first frame at or after it."""
        self.want(step)
        deadline = time.monotonic() + timeout
        while True:
            snap = self.next_after(step - 1)
            if snap is not None or self.done or time.monotonic() > deadline:
                return snap
            time.sleep(0.02)

    def fork(self, lr: float) -> SharedTrainer:
        """A copy of this trainer as it is now, continuing with ``lr`` (its history up to now included)."""
        with self.lock:
            shared = [self.pair.split, self.pair._x, self.pair._y, self.pair._test, *self.pair.history]
            pair = copy.deepcopy(self.pair, {id(x): x for x in shared})  # data and frames are never written: shared
        pair.set_lr(lr)
        return SharedTrainer(self.key.then(pair.step_count, lr), pair)

    def train_frame(self) -> None:
        """Train until the next frame is recorded (the worker calls this); the lock is free between steps."""
        last = self.pair.history.last.step
        while not self.done:
            with self.lock:
                self.pair.step(1)
                if self.pair.history.last.step != last:
                    return
            time.sleep(0)  # let a waiting page run have the interpreter between two steps

    def nbytes(self) -> int:
        """Approximate bytes held: weights with their gradients and optimizer state, and the recorded frames."""
        params = sum(p.numel() for net in self.pair.nets for p in net.parameters()) * 4 * 4
        first = self.pair.history.last
        per = sum(h.counts.nbytes + 64 for net in (first.plain, first.normed) for layer in net.layers
                  for h in (layer.pre, layer.post, layer.grad)) + 2 * first.plain.unit_percentiles.nbytes
        return params + per * len(self.pair.history)


class _Worker:
    """The one thread that trains every trainer some viewer is waiting for, a frame each in turn."""

    def __init__(self):
        self.cond = threading.Condition()
        self.behind: list[SharedTrainer] = []
        self.thread: threading.Thread | None = None
        self.stopping = False

    def wake(self, trainer: SharedTrainer) -> None:
        with self.cond:
            if self.stopping:
                return
            if trainer not in self.behind:
                self.behind.append(trainer)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="normlab-live-trainer", daemon=True)
                self.thread.start()
            self.cond.notify()

    def stop(self, timeout: float = 10.0) -> None:
        """At exit: let the step being trained finish, then end the thread. A daemon thread still inside a torch
        op when the interpreter finalizes aborts the process (std::terminate, exit 134), which trainers training a
        tick ahead of a paused viewer made likely."""
        with self.cond:
            self.stopping = True
            self.behind.clear()
            self.cond.notify_all()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.behind and not self.stopping:
                    self.cond.wait()
                if self.stopping:
                    return
                trainer = self.behind.pop(0)
            try:
                trainer.train_frame()
            except Exception as exc:  # kept for its viewers to show; the worker goes on with the others
                trainer.error = exc
            if trainer.behind:
                with self.cond:
                    if trainer not in self.behind and not self.stopping:
                        self.behind.append(trainer)  # round robin: every waiting class gets frames


_WORKER = _Worker()
atexit.register(_WORKER.stop)
_REGISTRY: OrderedDict[TrainerKey, SharedTrainer] = OrderedDict()
_LOCK = threading.Lock()
_BUILDING: dict[TrainerKey, threading.Lock] = {}


def get(key: TrainerKey, build: Callable[[], PairedTrainer]) -> SharedTrainer:
    """The shared trainer of ``key``, built with ``build()`` by its first viewer (others wait for that one build)."""
    with _LOCK:
        found = _touch(key)
        if found is not None:
            return found
        building = _BUILDING.setdefault(key, threading.Lock())
    with building:
        try:
            with _LOCK:
                found = _touch(key)
            return found if found is not None else adopt(SharedTrainer(key, build()))
        finally:
            with _LOCK:
                _BUILDING.pop(key, None)


def adopt(trainer: SharedTrainer) -> SharedTrainer:
    """Register ``trainer`` under its key (or return the one already there), then evict past the budgets."""
    with _LOCK:
        kept = _REGISTRY.setdefault(trainer.key, trainer)
        _REGISTRY.move_to_end(trainer.key)
        _evict()
        return kept


def _touch(key: TrainerKey) -> SharedTrainer | None:
    found = _REGISTRY.get(key)
    if found is not None:
        _REGISTRY.move_to_end(key)
        found.used = time.monotonic()
    return found


def _evict() -> None:
    now = time.monotonic()
    for key in [k for k, t in _REGISTRY.items() if now - t.used > IDLE_S]:
        del _REGISTRY[key]
    total = sum(t.nbytes() for t in _REGISTRY.values())
    while total > MAX_BYTES and len(_REGISTRY) > 1:
        _, dropped = _REGISTRY.popitem(last=False)
        total -= dropped.nbytes()


def stats() -> dict:
    """Trainers held by the registry and their approximate bytes (for tests and the load benchmark)."""
    with _LOCK:
        return {"trainers": len(_REGISTRY), "bytes": sum(t.nbytes() for t in _REGISTRY.values()),
                "max_bytes": MAX_BYTES}

"""A bounded history that always spans the whole run: when full it drops every other entry and halves its rate.

Memory stays at most ``capacity`` entries however long training runs (a session's footprint plateaus), while
the time view still reaches back to step 0, like TensorBoard's reservoir of summaries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class History(Generic[T]):
    """Entries recorded at steps that are multiples of ``stride``; ``stride`` doubles each time it fills up."""

    def __init__(self, capacity: int = 256, stride: int = 10):
        if capacity < 4 or stride < 1:
            raise ValueError("A history needs a capacity of at least 4 and a stride of at least 1.")
        self.capacity, self.stride = capacity, stride
        self._steps: list[int] = []
        self._items: list[T] = []

    def due(self, step: int) -> bool:
        """Whether ``step`` is one this history records."""
        return step % self.stride == 0 and (not self._steps or step > self._steps[-1])

    def add(self, step: int, item: T) -> None:
        """Record ``item`` for ``step`` (steps must increase); thins itself when over capacity."""
        if self._steps and step <= self._steps[-1]:
            raise ValueError(f"History steps must increase: got {step} after {self._steps[-1]}.")
        self._steps.append(step)
        self._items.append(item)
        while len(self._items) > self.capacity:
            self.stride *= 2
            keep = [i for i, s in enumerate(self._steps) if s % self.stride == 0]
            if len(keep) == len(self._steps):  # nothing aligned to drop (odd first step): thin by position
                keep = keep[::2]
            self._steps = [self._steps[i] for i in keep]
            self._items = [self._items[i] for i in keep]

    @property
    def steps(self) -> list[int]:
        """The recorded steps, increasing."""
        return list(self._steps)

    @property
    def last(self) -> T | None:
        """The newest entry, or None."""
        return self._items[-1] if self._items else None

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        # One copy of the list (atomic under the GIL): viewers iterate while the trainer adds, without its lock.
        return iter(list(self._items))

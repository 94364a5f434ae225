"""Where a lockstep race (``core.real_race.race_real``) stands after its last update, so a longer race goes on from it.

Training is deterministic: a race of S + n updates starts with the race of S updates. ``RaceState`` keeps what the
finished ``RealRace`` does not already hold (the weights of diverged rules before masking, every rule's
``torch.optim`` state, the batch stream's position); ``race_real(..., resume=race)`` restores it and trains only the
new updates. Restoring copies every value and the loop then runs the very same float operations in the same order
on the same numbers, so the resumed race equals the one trained from scratch bit for bit
(tests/core/test_race_resume.py).

>>> short = race_real(("sgd", "adam"), steps=50, record_every=4, eval_every=8)
>>> long = race_real(("sgd", "adam"), steps=100, record_every=8, eval_every=8, resume=short)  # trains 50 updates
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["RaceState", "capture", "check_resume", "restore"]


@dataclass(frozen=True)
class RaceState:
    """A race's training state after its last update (beside the ``RealRace`` holding it)."""

    lrs: tuple[float, ...]
    batch_size: int
    record_every: int
    eval_every: int
    flat: torch.Tensor  # (R, P) float32 weights now (a diverged rule's row keeps its last finite-loss weights)
    optimizers: tuple[dict, ...]  # per rule: its torch.optim state_dict
    rng: dict  # the batch-order generator's ``bit_generator.state``
    order: np.ndarray  # (N,) this epoch's permutation of the training rows
    cursor: int  # rows of ``order`` already used


def capture(lrs, batch_size: int, record_every: int, eval_every: int, flat: torch.Tensor, opts, rng, order,
            cursor: int) -> RaceState:
    """The state of a race loop that has just stopped (its optimizers are not stepped again, so no copies)."""
    return RaceState(tuple(lrs), int(batch_size), int(record_every), int(eval_every), flat.detach().clone(),
                     tuple(o.state_dict() for o in opts), rng.bit_generator.state, np.array(order), int(cursor))


def check_resume(race, rules, lrs, spec, seed: int, steps: int, batch_size: int, record_every: int,
                 eval_every: int) -> RaceState:
    """``race``'s state when a race of these settings may go on from it, else ValueError saying why: same rules,
    lrs, net, seed and batch size, at most ``steps`` updates trained, and its records and evaluations on a finer
    schedule (``record_every``, ``eval_every`` multiples of its own) so the longer race keeps a subset of them."""
    state = getattr(race, "state", None)
    if state is None:
        raise ValueError("This race kept no state to go on from.")
    same = (tuple(run.rule for run in race.runs) == tuple(rules) and state.lrs == tuple(lrs) and race.spec == spec
            and race.seed == int(seed) and state.batch_size == batch_size)
    if not same:
        raise ValueError("A race goes on only from a race of the same optimizers, lrs, net, seed and batch size.")
    if race.steps > steps:
        raise ValueError(f"A race of {steps} steps cannot go on from one of {race.steps} steps.")
    if record_every % state.record_every or eval_every % state.eval_every:
        raise ValueError(f"Records every {record_every} and evaluations every {eval_every} steps must be multiples "
                         f"of the resumed race's ({state.record_every}, {state.eval_every}).")
    return state


def restore(race, state: RaceState, flat: torch.Tensor, opts, buffers: dict, rng, record_every: int,
            eval_every: int):
    """Put ``race``'s state into a fresh loop's ``flat``, optimizers, ``buffers`` and ``rng`` (in place, copies of
    every value: the cached race stays as it was); returns (order, cursor, losses (R, done), diverged, evals,
    records) with only the records and evaluations on the new schedule."""
    with torch.no_grad():
        flat.copy_(state.flat)
        for name, b in buffers.items():
            b.copy_(torch.stack([per[name] for per in race.buffers]))
    for opt, sd in zip(opts, state.optimizers, strict=True):
        opt.load_state_dict(copy.deepcopy(sd))  # load_state_dict keeps tensors of the right dtype as they are
    rng.bit_generator.state = copy.deepcopy(state.rng)
    losses = np.stack([run.losses for run in race.runs])
    diverged = [run.diverged_at for run in race.runs]
    test_loss = np.stack([run.test_loss for run in race.runs], axis=1)
    test_acc = np.stack([run.test_acc for run in race.runs], axis=1)
    # The NaNs a diverged rule shows from its divergence on are set again when the longer race is assembled.
    evals = [(int(s), test_loss[i].copy(), test_acc[i].copy()) for i, s in enumerate(race.eval_steps)
             if s % eval_every == 0]
    records = [(int(s), torch.from_numpy(np.array(race.weights[i]))) for i, s in enumerate(race.record_steps)
               if s % record_every == 0]
    return np.array(state.order), state.cursor, losses, diverged, evals, records

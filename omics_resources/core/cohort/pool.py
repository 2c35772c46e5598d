"""A cohort's batches shared out to a few worker threads, whatever the cohort's size.

Each worker takes the next batch, runs it up to its job's end (the job slot given back
then) and takes another; the engine's thread collects the ended jobs and reads their
results together. So 1,000 batches wait with as many threads as the stack has job slots,
and a batch that has no slot yet costs no thread at all.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["BatchPool", "Ended"]

Props = dict[str, Any]
R = TypeVar("R")


@dataclass(frozen=True)
class Ended:
    """A batch's job ended and its slot was given back; its full answer is still to read."""

    job: Props


class BatchPool(Generic[R]):
    """Batches waiting for a worker, ended jobs waiting for their results, and each batch's
    result (``R``) once known."""

    def __init__(self, batches: Iterable[str], workers: int) -> None:
        self._cond = threading.Condition()
        self._todo = deque(batches)
        self._ended: list[tuple[str, Props]] = []
        self._serving = workers
        self.results: dict[str, R] = {}
        #: Unexpected errors (a bug, not an API answer): no batch is taken after the first.
        self.errors: list[BaseException] = []

    def serve(self, run_batch: Callable[[str], R | Ended]) -> None:
        """One worker's life: run batches until none is left (or something went wrong)."""
        try:
            while True:
                with self._cond:
                    if not self._todo or self.errors:
                        return
                    batch = self._todo.popleft()
                outcome = run_batch(batch)
                with self._cond:
                    if isinstance(outcome, Ended):
                        self._ended.append((batch, outcome.job))
                    else:
                        self.results[batch] = outcome
                    self._cond.notify_all()
        except BaseException as error:  # raised in the engine's thread, see CohortRun.run
            self.stop(error)
        finally:
            with self._cond:
                self._serving -= 1
                self._cond.notify_all()

    def next_ended(self) -> Sequence[tuple[str, Props]]:
        """The jobs that ended since the last call, waiting for one while workers are at
        work; empty once every worker is done. Woken by the workers alone: no timer."""
        with self._cond:
            while not self._ended and self._serving:
                self._cond.wait()
            taken, self._ended = self._ended, []
            return taken

    def finished(self, results: Mapping[str, R]) -> None:
        """Record how ended batches ended."""
        with self._cond:
            self.results.update(results)

    def stop(self, error: BaseException) -> None:
        """Something went wrong: the workers take no other batch."""
        with self._cond:
            self.errors.append(error)
            self._cond.notify_all()

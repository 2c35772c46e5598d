"""One scheduler per provider process, shared by every job resource of the stack.

::

    create (any job resource)
      -> slots.acquire(kind)       at most N of our jobs of a kind at once; FIFO queue,
                                   the waiting create says how many are ahead of it
                                   (core/account/slots.py)
      -> api.start_job             (every call paced by the rate limiter of the api)
      -> watcher(kind, store).wait(until_end)
                                   one List*Jobs page per poll for every watched job of
                                   the store, polled closely while jobs are due to end
                                   (core/watch/watcher.py, core/watch/pace.py)
      -> slots.release(kind)       as soon as the end is seen
      -> watcher.wait              the full answer: a COMPLETED import's from ListReadSets
                                   pages (core/watch/results.py), any other from Get*Job

Waits sleep until something they wait for happens (core/watch/wakeup.py): a slot given back, a
poll's news, the deadline, the engine's cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from omics_resources.core.account.api import JobOperations, OmicsApi
from omics_resources.core.account.slots import JobSlots, SlotWaitEndedError
from omics_resources.core.watch.errors import WatchEndedError, WatchFailedError
from omics_resources.core.watch.polling import Clock, SystemClock, Wait
from omics_resources.core.watch.watcher import Watcher

__all__ = [
    "JobSlots",
    "Scheduler",
    "SlotWaitEndedError",
    "WatchEndedError",
    "WatchFailedError",
    "Watcher",
]


@dataclass
class Scheduler:
    """What every job resource of one provider process shares: the API (and its rate
    limiter), job slots per kind, and one watcher per kind and store."""

    api: OmicsApi
    slots: Mapping[str, JobSlots]
    clock: Clock = field(default_factory=SystemClock)
    interval: Wait | None = None
    _watchers: dict[tuple[str, str], Watcher] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watcher(self, operations: JobOperations, store: str) -> Watcher:
        """The watcher of one kind's jobs in one store."""
        with self._lock:
            key = (operations.list, store)
            watcher = self._watchers.get(key)
            if watcher is None:
                watcher = Watcher(
                    self.api,
                    operations,
                    store,
                    clock=self.clock,
                    interval=self.interval,
                )
                self._watchers[key] = watcher
            return watcher

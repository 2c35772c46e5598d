"""The calls a store's watcher makes, and what it learns from them about the calls: the
List put off while the budget's turns are taken, a role that may not list, the count of
each call (for tests and benchmarks). The watcher decides when; this module only calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

import botocore.exceptions

from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import JobOperations, OmicsApi
from omics_resources.core.watch.results import READ_SET_LIST, Asked, answers_from_read_sets

__all__ = ["BUSY_RETRY_SECONDS", "StoreCalls"]

Props = dict[str, Any]
#: A List put off for want of a spare turn is tried again this soon (a try costs no call).
BUSY_RETRY_SECONDS: Final = 0.1
# After this long put off, the List waits in line like any call.
_BUSY_PATIENCE_SECONDS: Final = 5.0


class StoreCalls:
    """One store's List*Jobs, Get*Job and read-set results, for one job kind."""

    def __init__(self, api: OmicsApi, operations: JobOperations, store: str) -> None:
        self.api = api
        self.operations = operations
        self.store = store
        #: The call under way (to name it in an error that ends the poll).
        self.calling = operations.list
        #: Calls made, by operation.
        self.counts: dict[str, int] = {}
        self.list_denied = False
        self.read_sets_denied = False
        self._busy_since: float | None = None

    def listed(self, wanted: Sequence[str], oldest: float, now: float) -> dict[str, Props] | None:
        """The ``wanted`` jobs (created since ``oldest``, epoch seconds) as the List shows
        them; None if the List was put off: a List while Starts wait for their turn frees no
        slot sooner (slots are free already, that is why they wait), so it waits for a spare
        turn, unless put off for long (other callers of the budget must not starve a watch).
        A role that may not list: {} from then on (the jobs are read with their Gets)."""
        if self.list_denied:
            return {}
        patient = self._busy_since is None or now - self._busy_since < _BUSY_PATIENCE_SECONDS
        after = datetime.fromtimestamp(oldest - 1.0).astimezone()
        self.calling = self.operations.list
        try:
            listed = self.api.listed_jobs(
                self.operations, self.store, wanted, after, if_idle=patient
            )
        except botocore.exceptions.ClientError as error:
            self.count(self.calling)
            if aws.error_code(error) != limits.ACCESS_DENIED_ERROR_CODE:
                raise
            # A role allowed Get*Job but not List*Jobs (our README's older permission list):
            # one Get per job and interval still works, at a higher cost in calls.
            self.list_denied = True
            return {}
        if listed is None:
            self._busy_since = now if self._busy_since is None else self._busy_since
            return None
        self._busy_since = None
        self.count(self.calling)
        return listed

    def get(self, job_id: str, *, if_idle: bool = False) -> Props | None:
        """One job's Get*Job (with ``if_idle``, None when the budget is busy). Raises what
        the call raised."""
        self.calling = self.operations.get
        get: Callable[[JobOperations, str, str], Props | None] = (
            self.api.get_job_if_idle if if_idle else self.api.get_job
        )
        try:
            job = get(self.operations, self.store, job_id)
        except botocore.exceptions.ClientError:
            self.count(self.calling)
            raise
        if job is not None:
            self.count(self.calling)
        return job

    def results(self, asked: Sequence[Asked]) -> dict[str, Props]:
        """The full answers of those ended jobs their read sets tell; any error of the
        read-set calls leaves them all to their Gets (a role that may not list read sets:
        from then on)."""
        try:
            found = answers_from_read_sets(self.api, self.store, asked)
        except botocore.exceptions.ClientError as error:
            self.count(READ_SET_LIST)
            if aws.error_code(error) == limits.ACCESS_DENIED_ERROR_CODE:
                self.read_sets_denied = True
            return {}
        except Exception:  # the Get path reports errors to the waiters
            self.count(READ_SET_LIST)
            return {}
        self.counts[READ_SET_LIST] = self.counts.get(READ_SET_LIST, 0) + found.pages
        return found.answers

    def count(self, operation: str) -> None:
        """One more call of ``operation``."""
        self.counts[operation] = self.counts.get(operation, 0) + 1

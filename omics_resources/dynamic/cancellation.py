"""The engine's request to stop, as one process-wide event.

The Pulumi engine sends ``Cancel`` to the provider when the user interrupts ``pulumi up``.
Our plugin host (:mod:`omics_resources.dynamic.provider_host`) sets this event then, and every
wait in progress ends at once (the signal wakes it) with a clear "still running, re-run to
resume" error instead of holding the update open for hours.
"""

from __future__ import annotations

from omics_resources.core.watch.wakeup import CancelSignal

__all__ = ["ENGINE_CANCELLED"]

ENGINE_CANCELLED = CancelSignal()

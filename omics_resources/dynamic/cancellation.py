"""The engine's request to stop, as one process-wide event.

The Pulumi engine sends ``Cancel`` to the provider when the user interrupts ``pulumi up``.
Our plugin host (:mod:`omics_resources.dynamic.provider_host`) sets this event then, and every
wait in progress ends at its next tick with a clear "still running, re-run to resume"
error instead of holding the update open for hours.
"""

from __future__ import annotations

import threading

__all__ = ["ENGINE_CANCELLED"]

ENGINE_CANCELLED = threading.Event()

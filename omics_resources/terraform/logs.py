"""Progress lines in Terraform's log.

The CLI reads a provider's stderr and logs each line; a line in hclog's JSON form is
logged at its own level, so ``TF_LOG=INFO`` (or ``TF_LOG_PROVIDER=INFO``) shows how each
wait stands, under the resource's address-like name."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from omics_resources.core.progress import Sink, print_line

__all__ = ["sink_for"]


def sink_for(resource: str) -> Sink:
    """A sink writing ``resource``'s lines to stderr as hclog JSON at level info."""

    def log(line: str) -> None:
        record = {
            "@level": "info",
            "@message": str(line),
            "@module": "omics",
            "@timestamp": datetime.now(UTC).isoformat(),
            "resource": resource,
        }
        print_line(json.dumps(record), sys.stderr)

    return log

"""A local emulator of the sequence-store part of AWS HealthOmics, with S3 on the same
endpoint (moto), for offline development and tests.

Start it with ``python -m omics_resources.emulator`` or, in-process, with
:class:`EmulatorServer`. Layout (after moto's services): ``models`` the backend (the API's
operations), ``entities`` and ``jobs`` what it holds (each with its wire view), ``sources``
what a Start's sources become, ``filters`` and ``pages`` the List* operations' filters and
pagination, ``lifecycle`` durations and content checks, ``limits`` the service's rates and
job quotas, ``behaviour`` the reading it takes where the documentation is silent, ``wire``
answers by botocore's shapes, ``responses`` the HTTP side of the API, ``request_log`` what
it answered, ``exceptions`` one class per AWS error, ``control`` the ``/_emulator/`` API,
``seeding`` many S3 objects by a key pattern, ``faults`` fault injection, ``persistence``
the state file, ``s3`` moto's S3 on the same endpoint, ``server`` the endpoint.
"""

import importlib.util

# The emulator is an extra (a user's stack needs no S3 mock): say how to get it before
# a submodule fails on a bare `import moto`.
_MISSING = [name for name in ("moto", "werkzeug") if importlib.util.find_spec(name) is None]
if _MISSING:
    raise ImportError(
        f"the HealthOmics emulator needs {' and '.join(_MISSING)}, which come with the "
        "emulator extra: pip install 'omics-resources[emulator]'",
        name=_MISSING[0],
    )

from omics_resources.emulator.behaviour import Behaviour  # noqa: E402 - after the guard
from omics_resources.emulator.lifecycle import Durations  # noqa: E402
from omics_resources.emulator.limits import LimitConfig  # noqa: E402
from omics_resources.emulator.server import EmulatorServer  # noqa: E402

__all__ = ["Behaviour", "Durations", "EmulatorServer", "LimitConfig"]

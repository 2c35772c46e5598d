"""A local emulator of the sequence-store part of AWS HealthOmics, with S3 on the same
endpoint (moto), for offline development and tests.

Start it with ``python -m omics_resources.emulator`` or, in-process, with
:class:`EmulatorServer`. Layout (after moto's services): ``models`` holds state and the
lifecycle, ``responses`` the HTTP side of the API, ``exceptions`` one class per AWS error,
``control`` the ``/_emulator/`` API, ``faults`` fault injection, ``persistence`` the state
file, ``server`` the endpoint.
"""

from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.server import EmulatorServer

__all__ = ["Durations", "EmulatorServer"]

"""``python -m omics_resources.emulator``: serve until interrupted; the first line printed
is the endpoint URL."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.server import EmulatorServer


def main(argv: list[str] | None = None) -> int:
    """Parse the options, serve, exit 0 on SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m omics_resources.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4566, help="port (0 picks a free one)")
    parser.add_argument("--state", help="JSON file that keeps the state across restarts")
    defaults = Durations()
    parser.add_argument("--submit-seconds", type=float, default=defaults.submit_seconds)
    parser.add_argument(
        "--import-seconds",
        type=float,
        default=defaults.import_seconds,
        help="seconds per import source",
    )
    parser.add_argument(
        "--import-seconds-per-mib", type=float, default=defaults.import_seconds_per_mib
    )
    parser.add_argument("--activation-seconds", type=float, default=defaults.activation_seconds)
    parser.add_argument(
        "--speed",
        type=float,
        default=defaults.speed,
        help="multiplies every duration (0: jobs end at once)",
    )
    args = parser.parse_args(argv)
    durations = Durations(
        args.submit_seconds,
        args.import_seconds,
        args.import_seconds_per_mib,
        args.activation_seconds,
        args.speed,
    )
    emulator = EmulatorServer(args.host, args.port, state_file=args.state, durations=durations)
    print(emulator.url, flush=True)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

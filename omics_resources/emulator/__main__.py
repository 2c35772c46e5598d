"""``python -m omics_resources.emulator``: serve until interrupted; the first line printed
is the endpoint URL."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from omics_resources.emulator.behaviour import Behaviour
from omics_resources.emulator.exceptions import ValidationException
from omics_resources.emulator.jobs import TOKEN_REUSE
from omics_resources.emulator.lifecycle import Durations
from omics_resources.emulator.limits import BUDGETS, DEFAULT_BURST_SECONDS, JOB_QUOTAS, LimitConfig
from omics_resources.emulator.server import EmulatorServer


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    budgets = ", ".join(f"{b.name} ({b.rate:g}: {'+'.join(b.operations)})" for b in BUDGETS)
    parser.add_argument(
        "--rate-limits",
        choices=("on", "off"),
        default="on",
        help="the service's API rates, per budget (default on)",
    )
    parser.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="BUDGET=TPS",
        help=f"change one budget's rate (repeatable); budgets and defaults: {budgets}",
    )
    parser.add_argument(
        "--burst-seconds",
        type=float,
        default=DEFAULT_BURST_SECONDS,
        help="a budget holds this many seconds of its rate (default %(default)s)",
    )
    for kind, quota in JOB_QUOTAS.items():
        parser.add_argument(
            f"--max-{kind}-jobs",
            default=str(quota),
            metavar="N|none",
            help=f"concurrent {kind} jobs before Start answers 402 (default %(default)s)",
        )


def _limit_config(parser: argparse.ArgumentParser, args: argparse.Namespace) -> LimitConfig:
    """The limit options as the control API's changes, checked by the same code."""
    rates = {}
    for item in args.rate:
        name, _, rate = item.partition("=")
        try:
            rates[name] = float(rate)
        except ValueError:
            parser.error(f"--rate takes BUDGET=TPS, not {item!r}")
    quotas = {}
    for kind in JOB_QUOTAS:
        raw = getattr(args, f"max_{kind}_jobs")
        try:
            quotas[kind] = None if raw == "none" else int(raw)
        except ValueError:
            parser.error(f"--max-{kind}-jobs takes a whole number or none, not {raw!r}")
    changes = {
        "rateLimits": args.rate_limits == "on",
        "rates": rates,
        "burstSeconds": args.burst_seconds,
        "maxActiveJobs": quotas,
    }
    try:
        return LimitConfig().updated(changes)
    except ValidationException as error:
        parser.error(error.message)


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
    _add_limit_options(parser)
    parser.add_argument(
        "--token-reuse",
        choices=TOKEN_REUSE,
        default="refuse",
        help="what a Start* gets when its client token already started a job for a different "
        "request (the service's documentation does not say): refuse, a 400 "
        "ValidationException (default), or earlier-job, the job that token started",
    )
    args = parser.parse_args(argv)
    durations = Durations(
        args.submit_seconds,
        args.import_seconds,
        args.import_seconds_per_mib,
        args.activation_seconds,
        args.speed,
    )
    emulator = EmulatorServer(
        args.host,
        args.port,
        state_file=args.state,
        durations=durations,
        limits=_limit_config(parser, args),
        behaviour=Behaviour(token_reuse=args.token_reuse),
    )
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

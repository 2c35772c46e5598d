"""Chaos runs with fresh seeds: ``python -m benchmarks.chaos --runs N [--first SEED]``.

Each run is one seeded sequence (see tests/chaos and docs/reliability.md). Prints every
failing seed's whole sequence and its replay command, then the count and the time.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from tests.chaos.runner import ChaosFailedError, run_seed
from tests.support.fake_time import fake_time_emulator

#: Fake credentials: every call goes to the in-process emulator.
_ENVIRONMENT = {"AWS_ACCESS_KEY_ID": "AKIACHAOSBENCH", "AWS_SECRET_ACCESS_KEY": "chaos",
                "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--first", type=int, default=None,
                        help="first seed (default: a fresh one above the CI set's)")
    args = parser.parse_args(argv)
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    first = args.first if args.first is not None else random.SystemRandom().randrange(
        10**6, 10**9)
    failed: list[int] = []
    began = time.monotonic()
    with fake_time_emulator() as emulator:
        for seed in range(first, first + args.runs):
            try:
                run_seed(seed, emulator)
            except ChaosFailedError as failure:
                failed.append(seed)
                print(failure, flush=True)
            done = seed - first + 1
            if done % 100 == 0:
                print(f"{done} runs, {len(failed)} failed, {time.monotonic() - began:.0f} s",
                      flush=True)
    elapsed = time.monotonic() - began
    print(f"chaos: {args.runs} runs from seed {first}, {len(failed)} failed "
          f"({', '.join(map(str, failed)) or 'none'}), {elapsed:.0f} s "
          f"({elapsed / max(1, args.runs):.2f} s a run)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

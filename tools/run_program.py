"""Runs one Pulumi Python program for tools/language_host.py (a child process per run).

Configures the SDK from the engine's settings and runs `__main__.py` (or the named file)
inside the stack, as `pulumi-language-python-exec` does for the stock host.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import pulumi
import pulumi.runtime

BAIL_EXIT_CODE = 32


def main() -> int:
    """Run the program; 0 on success, 32 when the error was already reported."""
    parser = argparse.ArgumentParser()
    for flag in (
        "monitor",
        "engine",
        "project",
        "stack",
        "organization",
        "root-directory",
        "pwd",
        "parallel",
        "dry-run",
    ):
        parser.add_argument(f"--{flag}")
    parser.add_argument("program")
    args = parser.parse_args()

    pulumi.runtime.set_all_config(
        pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
    )
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=int(args.parallel or 0),
            dry_run=args.dry_run == "true",
            organization=args.organization or None,
            root_directory=args.root_directory,
        )
    )
    os.chdir(args.pwd)
    program = os.path.abspath(args.program)
    if os.path.isdir(program):
        program = os.path.join(program, "__main__.py")
    sys.path.insert(0, os.path.dirname(program))
    sys.argv = [program]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # Each resource registration blocks a thread of the loop's executor until the engine
    # has created the resource (for a job: until it ends). Python's default pool has
    # min(32, CPUs + 4) threads (6 on 2 cores), which would cap the jobs running at once;
    # size it to the engine's parallelism, as the stock host does.
    parallel = max(int(args.parallel or 0), 1)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=parallel * 4))
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__"))
        )
    except pulumi.RunError as error:
        pulumi.log.error(str(error))
        return BAIL_EXIT_CODE
    except Exception:
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return BAIL_EXIT_CODE
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())

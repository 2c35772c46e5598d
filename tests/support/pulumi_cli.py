"""The real `pulumi` CLI for tests: :mod:`harness.pulumi_cli`, shared with the benchmarks."""

from harness.pulumi_cli import (
    FAKE_CREDENTIALS,
    PASSPHRASE,
    REPO,
    TOOLS_BIN,
    PulumiStack,
    Run,
    alive,
    children,
    interrupt,
    pulumi_executable,
)

__all__ = [
    "FAKE_CREDENTIALS",
    "PASSPHRASE",
    "REPO",
    "TOOLS_BIN",
    "PulumiStack",
    "Run",
    "alive",
    "children",
    "interrupt",
    "pulumi_executable",
]

"""What the tests and the benchmarks both drive: the real `pulumi` CLI on an isolated
project (``pulumi_cli``) and boto3 clients for the emulator (``clients``). Development only:
not part of the wheel (setuptools packages only ``omics_resources``)."""

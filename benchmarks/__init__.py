"""Benchmarks: scripts that print tables, run on demand (`python -m benchmarks`) and as a
smoke run in CI (`python -m benchmarks --smoke`). No timed assertions: compare the ratios
measured in one run."""

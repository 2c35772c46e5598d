"""Support for the example stack when it targets the local emulator.

Real AWS users create their sequence store, bucket and files by other means; against the
emulator the example stack makes its own: a sequence store, tiny generated FASTQ and BAM
files in the emulator's S3, and (to show activation) an "archive" step that stands in for
HealthOmics' 30-day archiving. These are dynamic resources so that nothing happens at
preview, and they live in this importable package so their providers pickle by reference.
"""

from demo_support.resources import EmulatorArchive, EmulatorObject, EmulatorSequenceStore

__all__ = ["EmulatorArchive", "EmulatorObject", "EmulatorSequenceStore"]

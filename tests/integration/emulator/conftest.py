"""Emulator tests talk to it only as clients do: boto3 over HTTP, or raw signed HTTP."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client

ROLE = "arn:aws:iam::123456789012:role/OmicsImportRole"
BUCKET = "emulator-tests"


def bare_client(url: str, **options: Any) -> Any:
    """An omics client that does not retry, so every answer is seen as it is."""
    config = Config(inject_host_prefix=False, retries={"mode": "standard", "total_max_attempts": 1},
                    **options)
    return boto3.client("omics", endpoint_url=url, region_name="us-east-1", config=config)


@pytest.fixture
def omics(emulator_url: str, control: EmulatorControl) -> Any:
    """An omics client that does not retry."""
    return bare_client(emulator_url)


@pytest.fixture
def unchecked_omics(emulator_url: str, control: EmulatorControl) -> Any:
    """An omics client that skips botocore's own parameter checks, to reach the server's."""
    return bare_client(emulator_url, parameter_validation=False)


@pytest.fixture
def s3(emulator_url: str, control: EmulatorControl) -> Any:
    """An S3 client (default addressing, as users would build it) with one bucket."""
    client = aws_client("s3", emulator_url)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def store(omics: Any) -> str:
    """A fresh sequence store's id."""
    return str(omics.create_sequence_store(name="emulator-tests")["id"])

"""boto3 clients for the emulator, built as any user would build them."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

ROLE_ARN = "arn:aws:iam::123456789012:role/OmicsImportRole"
REGION = "us-east-1"


def aws_client(service: str, url: str) -> Any:
    """A boto3 client for the emulator at ``url`` (no host prefix, path-style S3)."""
    config = Config(
        inject_host_prefix=False,
        s3={"addressing_style": "path"},
        retries={"mode": "standard", "total_max_attempts": 5},
    )
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=config)

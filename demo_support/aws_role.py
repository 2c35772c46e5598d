"""The example stack's import service role on real AWS, declared with ``pulumi_aws``.

HealthOmics reads a job's sources as the role the job names, so the role trusts
``omics.amazonaws.com`` and may read the buckets the stack's sources are in. ``pulumi_aws`` is
the ``example`` extra and is imported only here: the emulator target, and the package itself,
never need it.

The role's ARN is handed out only once its read policy exists (:attr:`ImportRole.arn`), so no
import job starts with a role that cannot read its sources yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

OMICS_PRINCIPAL = "omics.amazonaws.com"
OBJECT_ACTIONS = ("s3:GetObject",)
BUCKET_ACTIONS = ("s3:ListBucket", "s3:GetBucketLocation")
POLICY_VERSION = "2012-10-17"


def trust_policy() -> dict[str, Any]:
    """The role's trust policy: HealthOmics may assume it."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": OMICS_PRINCIPAL},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def source_buckets(uris: Iterable[object]) -> list[str]:
    """The buckets that ``s3://bucket/key`` URIs name, sorted, once each.

    Anything else (unset, not S3) is left out: the resources' check reports a bad URI with
    its source's path, which an error raised here could not.
    """
    return sorted(
        {
            uri.removeprefix("s3://").partition("/")[0]
            for uri in uris
            if isinstance(uri, str) and uri.startswith("s3://") and len(uri) > len("s3://")
        }
    )


def source_read_policy(buckets: Sequence[str]) -> dict[str, Any]:
    """Read access to every object of ``buckets``, and the bucket-level reads an import needs.

    Objects by bucket (``bucket/*``), not one by one: a cohort of thousands of files would
    pass IAM's 10,240-character limit on a role's inline policies.
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Effect": "Allow",
                "Action": list(OBJECT_ACTIONS),
                "Resource": [f"arn:aws:s3:::{bucket}/*" for bucket in buckets],
            },
            {
                "Effect": "Allow",
                "Action": list(BUCKET_ACTIONS),
                "Resource": [f"arn:aws:s3:::{bucket}" for bucket in buckets],
            },
        ],
    }


@dataclass(frozen=True)
class ImportRole:
    """The role, its read policy, and the ARN to give import jobs."""

    role: aws.iam.Role
    policy: aws.iam.RolePolicy
    arn: pulumi.Output[str]
    """The role's ARN, depending on the policy too: a job given it waits for both."""


def import_role(name: str, source_uris: Iterable[pulumi.Input[str] | None]) -> ImportRole:
    """Declare a service role HealthOmics can assume to read the buckets of ``source_uris``."""
    role = aws.iam.Role(
        name,
        assume_role_policy=json.dumps(trust_policy()),
        description="HealthOmics reads read-set import sources as this role",
    )
    document = pulumi.Output.all(*source_uris).apply(
        lambda uris: json.dumps(source_read_policy(source_buckets(uris)))
    )
    policy = aws.iam.RolePolicy(
        f"{name}-read-sources",
        role=role.id,
        policy=document,
        opts=pulumi.ResourceOptions(parent=role),
    )
    arn = pulumi.Output.all(role.arn, policy.id).apply(lambda values: str(values[0]))
    return ImportRole(role=role, policy=policy, arn=arn)

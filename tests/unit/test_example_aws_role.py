"""The example stack's AWS target under Pulumi's unit-test mocks (``pulumi.runtime.set_mocks``).

pulumi-aws's provider plugin cannot be built here, so the real ``__main__.py`` runs with a mock
engine that records what each resource is registered with: the ``pulumi_aws`` import role (its
trust and read policies) and the import job and cohort receiving the role's ARN, waiting for
the policy. The program runs in a child process (``python -m tests.unit.test_example_aws_role``)
because ``set_mocks`` rewires the SDK's process-wide settings, which other tests share.
"""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
import tomllib
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from tests.support.provider_server import REPO

PROJECT = "omics-resources-example"
ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/"
AWS_CONFIG: dict[str, Any] = {
    "target": "aws",
    "sequenceStoreId": "1234567890",
    "sourceBucket": "my-bucket",
    "samples": ["NA12878"],
    "cohort": True,  # examples/cohort.csv: its files are in s3://omics-example-sources/cohort/
}
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers every registration with its inputs (plus an ARN for a role) and records it."""

    def __init__(self) -> None:
        self.registered: dict[str, dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = {k: v for k, v in args.inputs.items() if k != "__provider"}  # a pickle
        state = dict(inputs)
        if args.typ == ROLE:
            state["arn"] = f"{ACCOUNT_ROLE}{args.name}-mock7f3a"
        self.registered[args.name] = {
            "type": args.typ,
            "id": f"{args.name}-id",
            "inputs": inputs,
            "state": state,
        }
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        raise AssertionError(f"the example calls no provider function, got {args.token}")


class RecordingMonitor(MockMonitor):
    """Records each resource's URN and which resources each of its inputs depends on."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.urns: dict[str, str] = {}
        self.property_dependencies: dict[str, dict[str, list[str]]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method's name
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        self.urns[request.name] = response.urn
        self.property_dependencies[request.name] = {
            prop: list(deps.urns) for prop, deps in request.propertyDependencies.items()
        }
        return response


def run_example(config: dict[str, Any]) -> dict[str, Any]:
    """Run ``__main__.py`` with ``config`` under the mocks (an update, not a preview)."""
    pulumi.runtime.set_all_config(
        {
            (key if ":" in key else f"{PROJECT}:{key}"): value
            if isinstance(value, str)
            else json.dumps(value)
            for key, value in config.items()
        }
    )
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="dev", preview=False, monitor=monitor)

    # Runs the program and waits for every registration (the SDK leaves it unannotated).
    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> None:
        runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")

    program()
    return {
        name: {
            **found,
            "urn": monitor.urns[name],
            "dependencies": monitor.property_dependencies[name],
        }
        for name, found in mocks.registered.items()
    }


def registered(config: dict[str, Any]) -> dict[str, Any]:
    """What the example registers with ``config``, from a child process."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.unit.test_example_aws_role", json.dumps(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def created_role() -> dict[str, Any]:
    return registered(AWS_CONFIG)


def only(resources: dict[str, Any], type_: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in resources.values() if r["type"] == type_]
    assert len(found) == 1, (type_, sorted(resources))
    return found[0]


def test_the_role_trusts_healthomics_alone(created_role: dict[str, Any]) -> None:
    role = only(created_role, ROLE)
    trust = json.loads(role["inputs"]["assumeRolePolicy"])
    assert trust["Version"] == "2012-10-17"
    assert trust["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "omics.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ]


def test_the_role_may_read_every_source_bucket_and_no_more(created_role: dict[str, Any]) -> None:
    role, policy = only(created_role, ROLE), only(created_role, ROLE_POLICY)
    assert policy["inputs"]["role"] == role["id"]
    assert policy["urn"].split("::")[-2].startswith(f"{ROLE}$")  # a child of the role
    statements = json.loads(policy["inputs"]["policy"])["Statement"]
    # The import's bucket (config) and the cohort sheet's, each once.
    assert statements == [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::omics-example-sources/*"],
        },
        {
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": ["arn:aws:s3:::my-bucket", "arn:aws:s3:::omics-example-sources"],
        },
    ]


@pytest.mark.parametrize("job", ["reads", "cohort"])
def test_jobs_get_the_role_arn_once_the_policy_exists(
    created_role: dict[str, Any], job: str
) -> None:
    role, policy = only(created_role, ROLE), only(created_role, ROLE_POLICY)
    declared = created_role[job]
    assert declared["inputs"]["role_arn"] == role["state"]["arn"]
    assert declared["inputs"]["role_arn"].endswith("-mock7f3a")  # the mock's, not a config
    assert set(declared["dependencies"]["role_arn"]) == {role["urn"], policy["urn"]}


def test_a_configured_role_arn_creates_no_aws_resource() -> None:
    """The override the offline preview e2e test uses (no aws plugin is needed then)."""
    arn = f"{ACCOUNT_ROLE}OmicsImportRole"
    resources = registered({**AWS_CONFIG, "roleArn": arn})
    assert not [r for r in resources.values() if r["type"].startswith("aws:")], resources
    assert resources["reads"]["inputs"]["role_arn"] == arn
    assert resources["cohort"]["inputs"]["role_arn"] == arn
    assert resources["reads"]["dependencies"].get("role_arn", []) == []


def test_pulumi_aws_is_the_example_extra_pinned_for_the_tests_only() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    example = project["optional-dependencies"]["example"]
    assert [pin.split("==")[0] for pin in example] == ["pulumi-aws"]
    assert not any(dep.startswith("pulumi-aws") for dep in project["dependencies"])
    dev = (REPO / "requirements-dev.txt").read_text().splitlines()
    assert set(example) <= {line.split("#")[0].strip() for line in dev}


if __name__ == "__main__":
    print(json.dumps(run_example(json.loads(sys.argv[1])), default=str))

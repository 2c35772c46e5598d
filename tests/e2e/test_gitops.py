"""The GitOps pipeline a team runs, end to end with the real CLI against the emulator (its
service limits on): the commands of docs/gitops.md's GitHub Actions workflow, in its order.

1. pull request: `pulumi preview` with no AWS credentials, variables or profile at all
   plans the stack and calls nothing; a bad input fails it naming the property;
2. merge: `pulumi up` imports the cohort (CohortImport) and keeps it active (ActiveReadSets);
3. nightly: read sets archived (the emulator standing in for 30 idle days);
   `pulumi refresh --expect-no-changes` fails and names them;
4. next deploy: `pulumi up` activates exactly those, in ceil(archived / 20) jobs, imports
   nothing, and the next drift check passes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.clients import ROLE_ARN, aws_client
from tests.support.emulator_control import EmulatorControl
from tests.support.pulumi_cli import FAKE_CREDENTIALS, PulumiStack

GITOPS_PROGRAM = Path(__file__).parent / "programs" / "gitops"
BUCKET = "omics-e2e-cohort"
SAMPLES = [f"NA{12800 + n}" for n in range(30)]
ARCHIVED = 23
IMPORT, ACTIVATE = "StartReadSetImportJob", "StartReadSetActivationJob"
CREDENTIAL_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_ROLE_ARN")

@dataclass
class PipelineStack(PulumiStack):
    """A stack as CI drives it. With ``credentials=None`` (a pull request's job) the CLI and
    everything it starts see no AWS variable at all and no profile: HOME is an empty folder
    and the AWS config and credentials files are empty."""

    @property
    def env(self) -> dict[str, str]:
        env = super().env
        if self.credentials is None:
            env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
            home = self.state_dir / "empty-home"
            home.mkdir(exist_ok=True)
            empty = home / "empty"
            empty.touch()
            env.update(HOME=str(home), AWS_CONFIG_FILE=str(empty),
                       AWS_SHARED_CREDENTIALS_FILE=str(empty))
        return env

@pytest.fixture
def pipeline(tmp_path: Path, emulator_url: str, control: EmulatorControl) -> Iterator[PipelineStack]:
    omics, s3 = aws_client("omics", emulator_url), aws_client("s3", emulator_url)
    store = omics.create_sequence_store(name="gitops")["id"]
    s3.create_bucket(Bucket=BUCKET)
    for sample in SAMPLES:
        s3.put_object(Bucket=BUCKET, Key=f"{sample}.fastq", Body=f"@{sample}/1\nACGT\n+\nIIII\n".encode())
    stack = PipelineStack(GITOPS_PROGRAM, tmp_path / "pipeline", {
        "aws:region": "us-east-1", "omics-resources:endpoint": emulator_url,
        "sequenceStoreId": store, "roleArn": ROLE_ARN, "bucket": BUCKET, "samples": SAMPLES, "activationTimeout": 3600,
    }, credentials=None)
    control.call("DELETE", "log")
    try:
        yield stack
    finally:
        stack.remove()

def test_pull_request_merge_nightly_drift_check_and_repair(
        pipeline: PipelineStack, control: EmulatorControl) -> None:
    stack = pipeline
    store = stack.config["sequenceStoreId"]

    # 1. Pull request: the plan, with no credentials and no call to anything.
    env = stack.env
    assert not [name for name in CREDENTIAL_VARIABLES if name in env]
    assert not [name for name in env if name.startswith("AWS_") and name not in (
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")]
    assert os.path.getsize(env["AWS_CONFIG_FILE"]) == 0
    plan = stack.preview()
    assert plan.code == 0, plan
    assert "+ 3 to create" in plan.output, plan.output
    assert "cohort-active" in plan.output
    for key, value, resource, problem in [
        ("sequenceStoreId", "store-7", "CohortImport (cohort)",
         "property sequence_store_id value {store-7} has a problem: must have at least 10"),
        ("activationTimeout", -60, "ActiveReadSets (cohort-active)",
         "property wait_timeout value {-60} has a problem: must be a positive number of seconds"),
    ]:
        good = stack.config.get(key)
        stack.set_config(key, value)  # a mistake in the pull request
        bad = stack.preview()
        assert bad.code != 0, bad
        assert f"{resource}:\n    error: " in bad.output, bad.output
        assert problem in bad.output, bad.output
        stack.set_config(key, good)
    assert control.log()["requests"] == [], control.log()["requests"]

    # 2. Merge: the cohort is imported and kept active.
    stack.credentials = dict(FAKE_CREDENTIALS)
    stack.up()
    outs = stack.outputs()
    ids = [outs["readSetIds"][sample] for sample in SAMPLES]
    assert outs["readSetStatuses"] == dict.fromkeys(ids, "ACTIVE")
    imports = control.new_jobs(IMPORT)
    assert len(imports) == 1, imports  # 30 sources: one import job
    assert control.new_jobs(ACTIVATE) == [], outs  # freshly imported: nothing to activate

    # 3. Nightly: 30 idle days archive most of them; the drift check fails naming each.
    archived = ids[:ARCHIVED]
    control.archive(store, archived)
    nightly = stack.refresh("--expect-no-changes", check=False)
    assert nightly.code != 0, nightly
    assert "no changes were expected" in nightly.output, nightly.output
    assert all(f"{i} ARCHIVED" in nightly.output for i in archived), nightly.output
    assert not [i for i in ids[ARCHIVED:] if f"{i} ARCHIVED" in nightly.output]

    # 4. Next deploy: exactly ceil(23 / 20) = 2 activation jobs of just those; no import.
    repair = stack.up()
    jobs = control.new_jobs(ACTIVATE)
    assert len(jobs) == math.ceil(ARCHIVED / 20), repair.output
    omics = aws_client("omics", control.url)
    activated = [s["readSetId"] for j in jobs
                 for s in omics.get_read_set_activation_job(sequenceStoreId=store, id=j)["sources"]]
    assert sorted(activated) == sorted(archived), repair.output
    assert control.new_jobs(IMPORT) == imports, repair.output
    assert stack.outputs()["readSetStatuses"] == dict.fromkeys(ids, "ACTIVE")
    again = stack.refresh("--expect-no-changes", check=False)
    assert again.code == 0, again

    # The whole pipeline kept to the service's limits.
    log = control.log()
    assert control.throttled() == 0, log["budgets"]
    assert control.quota_exceeded() == 0, log["budgets"]

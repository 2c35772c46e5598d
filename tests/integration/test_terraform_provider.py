"""The Terraform provider's server over real gRPC (the handshake's server, in this
process), against the emulator: validation is offline and names the attribute, and
StopProvider ends a create's wait at once with the message that a re-run resumes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from harness.clients import ROLE_ARN
from omics_resources.terraform import cty
from omics_resources.terraform.plugin import MESSAGE_LIMIT, serve
from omics_resources.terraform.proto import tfplugin6_pb2 as pb
from omics_resources.terraform.proto import tfplugin6_pb2_grpc as rpc
from omics_resources.terraform.provider import OmicsTerraformProvider
from omics_resources.terraform.schema import config_type, resource_schemas
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import aws_client

JOB = "omics_read_set_import_job"
BUCKET = "omics-tf-sources"


@pytest.fixture
def stub(emulator_url: str, control: EmulatorControl) -> Iterator[Any]:
    stop = threading.Event()
    server, line = serve(OmicsTerraformProvider(), {"PLUGIN_PROTOCOL_VERSIONS": "5,6"}, stop)
    port = line.split("|")[3]
    channel = grpc.insecure_channel(port, options=[
        ("grpc.max_receive_message_length", MESSAGE_LIMIT),
        ("grpc.max_send_message_length", MESSAGE_LIMIT)])
    provider = rpc.ProviderStub(channel)
    config = {"region": "us-east-1", "endpoint": emulator_url}
    provider.ConfigureProvider(pb.ConfigureProvider.Request(
        config=pb.DynamicValue(msgpack=cty.encode(config, config_type()))))
    yield provider
    channel.close()
    server.stop(grace=0)


def job_config(store: str, source1: str) -> pb.DynamicValue:
    config = {"sequence_store_id": store, "role_arn": ROLE_ARN, "sources": [
        {"source_file_type": "FASTQ", "source1": source1, "subject_id": "s", "sample_id": "s"}]}
    return pb.DynamicValue(msgpack=cty.encode(config, resource_schemas()[JOB].state))


def test_the_handshake_line_names_protocol_6_on_loopback() -> None:
    stop = threading.Event()
    server, line = serve(OmicsTerraformProvider(), {}, stop)
    try:
        core, protocol, network, address, kind = line.split("|")
        assert (core, protocol, network, kind) == ("1", "6", "tcp", "grpc")
        assert address.startswith("127.0.0.1:")
    finally:
        server.stop(grace=0)


def test_validation_names_the_attribute_with_no_call(stub: Any, control: EmulatorControl) -> None:
    before = sum(control.log()["counts"].values())
    answer = stub.ValidateResourceConfig(pb.ValidateResourceConfig.Request(
        type_name=JOB, config=job_config("1234567890", "s3:/typo")))
    (found,) = answer.diagnostics
    steps = [s.WhichOneof("selector") for s in found.attribute.steps]
    assert steps == ["attribute_name", "element_key_int", "attribute_name"]
    assert found.summary.startswith("sources[0].source1") and "s3:/typo" in found.summary
    assert sum(control.log()["counts"].values()) == before


def test_stop_provider_ends_a_wait_at_once_and_says_a_rerun_resumes(
    stub: Any, emulator_url: str, control: EmulatorControl
) -> None:
    omics, s3 = aws_client("omics", emulator_url), aws_client("s3", emulator_url)
    store = omics.create_sequence_store(name="tf-stop")["id"]
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="a.fastq", Body=b"@r/1\nACGT\n+\nIIII\n")
    control.durations(import_seconds=3600)
    config = job_config(store, f"s3://{BUCKET}/a.fastq")
    planned = stub.PlanResourceChange(pb.PlanResourceChange.Request(
        type_name=JOB, config=config, proposed_new_state=config,
        prior_state=pb.DynamicValue(msgpack=cty.encode(None, resource_schemas()[JOB].state))))
    assert not planned.diagnostics
    answers: list[Any] = []
    apply = threading.Thread(target=lambda: answers.append(stub.ApplyResourceChange(
        pb.ApplyResourceChange.Request(type_name=JOB, config=config,
                                       planned_state=planned.planned_state,
                                       prior_state=pb.DynamicValue(msgpack=cty.encode(
                                           None, resource_schemas()[JOB].state))))))
    apply.start()
    deadline = time.monotonic() + 30
    while control.count("StartReadSetImportJob") == 0:
        assert time.monotonic() < deadline, "no job started"
        time.sleep(0.05)
    stopped_at = time.monotonic()
    stub.StopProvider(pb.StopProvider.Request())
    apply.join(timeout=10)
    assert not apply.is_alive()
    assert time.monotonic() - stopped_at < 5
    (answer,) = answers
    (error,) = answer.diagnostics
    assert "cancelled" in error.summary and "`tofu apply`" in error.summary
    assert "no second one is started" in error.summary
    assert control.count("StartReadSetImportJob") == 1

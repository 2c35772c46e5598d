"""The client factory: config keys, endpoint from config or env, host prefix, retries."""

from __future__ import annotations

import pytest

from omics_resources.core.account import aws


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_ENDPOINT_URL_OMICS",
        "AWS_ENDPOINT_URL",
        "AWS_RETRY_MODE",
        "AWS_MAX_ATTEMPTS",
        "AWS_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUNITTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "unit-test-secret")
    aws._clients.clear()


def test_settings_from_stack_config() -> None:
    config = {
        "aws:region": "eu-west-2",
        "aws:profile": "",
        aws.ENDPOINT_CONFIG_KEY: "http://127.0.0.1:4566",
    }
    settings = aws.AwsSettings.from_config(config.get)
    assert settings == aws.AwsSettings("eu-west-2", None, "http://127.0.0.1:4566")


def test_custom_endpoint_turns_host_prefix_off() -> None:
    client = aws.omics_client(
        aws.AwsSettings(region="us-east-1", endpoint_url="http://127.0.0.1:1")
    )
    assert client.meta.endpoint_url == "http://127.0.0.1:1"
    assert client.meta.config.inject_host_prefix is False


def test_endpoint_from_environment_also_turns_host_prefix_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_OMICS", "http://127.0.0.1:2")
    client = aws.omics_client(aws.AwsSettings(region="us-east-1"))
    assert client.meta.endpoint_url == "http://127.0.0.1:2"
    assert client.meta.config.inject_host_prefix is False


def test_aws_endpoint_keeps_host_prefix() -> None:
    client = aws.omics_client(aws.AwsSettings(region="us-west-2"))
    assert "omics.us-west-2.amazonaws.com" in client.meta.endpoint_url
    assert client.meta.config.inject_host_prefix is True


def test_default_retry_mode_and_user_override(monkeypatch: pytest.MonkeyPatch) -> None:
    client = aws.omics_client(aws.AwsSettings(region="us-east-1"))
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 8}
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    client = aws.omics_client(aws.AwsSettings(region="us-east-1"))
    assert client.meta.config.retries in (None, {"mode": "adaptive"})
    assert client.meta.config.retries != {"mode": "standard", "total_max_attempts": 8}


def test_clients_are_shared_per_settings() -> None:
    a = aws.omics_client(aws.AwsSettings(region="us-east-1"))
    assert aws.omics_client(aws.AwsSettings(region="us-east-1")) is a
    assert aws.omics_client(aws.AwsSettings(region="us-east-2")) is not a


def test_missing_region_is_a_clear_error() -> None:
    import botocore.exceptions

    with pytest.raises(botocore.exceptions.NoRegionError):
        aws.omics_client(aws.AwsSettings())


def test_transient_classification() -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError

    def client_error(code: str, status: int) -> ClientError:
        return ClientError(
            {
                "Error": {"Code": code, "Message": "m"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            },
            "Op",
        )

    assert aws.is_transient_error(client_error("ThrottlingException", 429))
    assert aws.is_transient_error(client_error("InternalServerException", 500))
    assert aws.is_transient_error(client_error("RequestTimeoutException", 408))
    assert aws.is_transient_error(EndpointConnectionError(endpoint_url="http://x"))
    assert not aws.is_transient_error(client_error("ValidationException", 400))
    assert not aws.is_transient_error(client_error("ServiceQuotaExceededException", 402))
    assert not aws.is_transient_error(ValueError("x"))

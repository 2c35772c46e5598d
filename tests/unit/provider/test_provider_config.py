"""The provider's config: the core's settings under `omics:` keys, bad values named at
preview by the key users write."""

from __future__ import annotations

import asyncio

from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from omics_resources.core.account import aws
from omics_resources.provider.config import config_getter, config_key_renames
from omics_resources.provider.provider import OmicsProvider

URN = "urn:pulumi:dev::p::pulumi:providers:omics::default"


def test_each_core_setting_is_the_omics_key_of_its_name() -> None:
    get = config_getter({"region": "eu-west-1", "endpoint": "http://127.0.0.1:1",
                         "maxConcurrentImportJobs": "2"})
    settings = aws.AwsSettings.from_config(get)
    assert (settings.region, settings.endpoint_url) == ("eu-west-1", "http://127.0.0.1:1")
    assert get("omics-resources:maxConcurrentImportJobs") == "2"
    assert config_key_renames()["omics-resources:endpoint"] == "omics:endpoint"


def test_a_bad_scheduling_value_is_a_check_failure_naming_the_key() -> None:
    request = rpc.CheckRequest(URN, {}, {"maxConcurrentImportJobs": PropertyValue("0")}, b"")
    answer = asyncio.run(OmicsProvider().check_config(request))
    [failure] = answer.failures or []
    assert failure.property == "maxConcurrentImportJobs"
    assert failure.reason == "omics:maxConcurrentImportJobs must be a whole number above 0, not 0"


def test_configure_takes_region_endpoint_and_slots() -> None:
    provider = OmicsProvider()
    args = {"region": PropertyValue("us-west-2"), "maxConcurrentImportJobs": PropertyValue(3.0)}
    answer = asyncio.run(provider.configure(rpc.ConfigureRequest({}, args, True, False)))
    assert answer.accept_secrets and not answer.supports_preview
    assert provider._settings.region == "us-west-2"
    assert dict(provider._scheduling.slots)["import"] == 3

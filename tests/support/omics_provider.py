"""The real `omics` provider (`pulumi-resource-omics`) as the engine drives it, over gRPC.

The plugin watches the engine whose address it is given and exits once nothing answers
there, so a stand-in engine listens on loopback: a gRPC server with no services, which
answers every call UNIMPLEMENTED (alive; progress lines sent to its Log are dropped)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import grpc
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2

from omics_resources.provider.values import plain
from tests.support.engine_values import engine_props
from tests.support.provider_server import Failure, ProviderServer


@contextmanager
def omics_provider(env: Mapping[str, str], endpoint: str) -> Iterator[OmicsPlugin]:
    """The plugin, configured for ``endpoint`` as a stack's ``omics:endpoint`` does."""
    engine = grpc.server(ThreadPoolExecutor(max_workers=1))
    port = engine.add_insecure_port("127.0.0.1:0")
    engine.start()
    server = ProviderServer(
        module="omics_resources.provider.server", env=dict(env), args=[f"127.0.0.1:{port}"]
    )
    try:
        server.stub.Configure(
            provider_pb2.ConfigureRequest(
                args=PropertyValue.marshal_map(
                    engine_props({"endpoint": endpoint, "region": "us-east-1"})
                ),
                acceptSecrets=True,
            )
        )
        yield OmicsPlugin(server)
    finally:
        server.stop()
        engine.stop(grace=None)


@dataclass
class OmicsPlugin:
    """Engine calls on the plugin, with properties as plain camelCase data."""

    server: ProviderServer

    @staticmethod
    def urn(type_name: str, name: str) -> str:
        return f"urn:pulumi:test::omics-tests::omics:index:{type_name}::{name}"

    def _call(self, method: str, request: Any, timeout: float = 120) -> Any:
        try:
            return getattr(self.server.stub, method)(request, timeout=timeout)
        except grpc.RpcError as error:
            return Failure(error.code(), error.details() or "")

    def check(self, urn: str, news: Mapping[str, Any]) -> Any:
        """Check: (inputs, [(property, reason)]) or a Failure."""
        request = provider_pb2.CheckRequest(
            urn=urn, olds=PropertyValue.marshal_map({}),
            news=PropertyValue.marshal_map(engine_props(news)),
        )
        answer = self._call("Check", request)
        if isinstance(answer, Failure):
            return answer
        return _plain(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def create(self, urn: str, inputs: Mapping[str, Any]) -> Any:
        """Check, then create with the checked inputs: (id, outputs) or a Failure."""
        checked = self.check(urn, inputs)
        if isinstance(checked, Failure) or checked[1]:
            return checked
        request = provider_pb2.CreateRequest(
            urn=urn, properties=PropertyValue.marshal_map(engine_props(checked[0]))
        )
        answer = self._call("Create", request)
        if isinstance(answer, Failure):
            return answer
        return answer.id, _plain(answer.properties)


def _plain(struct: Any) -> dict[str, Any]:
    return {k: plain(v) for k, v in PropertyValue.unmarshal_map(struct).items()}

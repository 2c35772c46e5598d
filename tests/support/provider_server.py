"""Drive a dynamic provider through the real Pulumi dynamic-provider server, over gRPC,
the way the engine does: the same process (`python -m omics_resources.dynamic.provider_host`, or
the SDK's own `python -m pulumi.dynamic`), the same pickled provider in `__provider`, the
same Configure/Check/Diff/Create/Read/Update/Delete calls."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
TYPE = "pulumi-python:dynamic/omics:{name}"


def _to_struct(props: Mapping[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


@dataclass
class Failure:
    """A gRPC call that failed: the status code and the details the engine would print."""

    code: grpc.StatusCode
    details: str


@dataclass
class ProviderServer:
    """One provider-server process; ``output`` collects what it prints (stdout + stderr)."""

    module: str = "omics_resources.dynamic.provider_host"
    env: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)
    #: The plugin's arguments (the `omics` provider's: the engine's address).
    args: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", self.module, *self.args],
            cwd=REPO,
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout and self._process.stderr
        port = self._process.stdout.readline().strip()
        if not port.isdigit():
            self._process.kill()
            raise RuntimeError(
                f"provider server did not print a port: {port!r} {self._process.stderr.read()}"
            )
        for stream in (self._process.stdout, self._process.stderr):
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self._channel)

    def _drain(self, stream: Any) -> None:
        for line in stream:
            self.output.append(line.rstrip("\n"))

    def stop(self) -> None:
        """Close the channel and end the process."""
        self._channel.close()
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._process.pid

    # -- the engine's calls ---------------------------------------------------------------

    def configure(self, config: Mapping[str, str]) -> None:
        """Send stack config (e.g. ``aws:region``) as the engine does on start."""
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=_to_struct(config), acceptSecrets=True)
        )

    def cancel(self) -> None:
        """What the engine sends when the user interrupts `pulumi up`."""
        self.stub.Cancel(empty_pb2.Empty())


@dataclass
class Resource:
    """One resource as the engine sees it: a URN and the provider pickled into its props."""

    server: ProviderServer
    provider: ResourceProvider
    name: str
    type_name: str
    #: What the Resource class adds to the user's inputs (e.g. the token scope).
    extra: dict[str, Any] = field(default_factory=dict)

    def on(self, server: ProviderServer) -> Resource:
        """The same resource, served by another provider process (a later `pulumi up`)."""
        return replace(self, server=server)

    @property
    def urn(self) -> str:
        return f"urn:pulumi:test::omics-tests::{TYPE.format(name=self.type_name)}::{self.name}"

    def _props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**self.extra, **props, "__provider": serialize_provider(self.provider)}

    @staticmethod
    def _plain(struct: Any) -> dict[str, Any]:
        props = rpc.deserialize_properties(struct)
        props.pop("__provider", None)
        return dict(props)

    def _call(self, method: str, request: Any, timeout: float = 120) -> Any:
        try:
            return getattr(self.server.stub, method)(request, timeout=timeout)
        except grpc.RpcError as error:
            return Failure(error.code(), error.details() or "")

    def check(self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None) -> Any:
        """Check: returns (inputs, [(property, reason)]) or a Failure."""
        answer = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=self.urn,
                olds=_to_struct(self._props(olds or {})),
                news=_to_struct(self._props(news)),
            ),
        )
        if isinstance(answer, Failure):
            return answer
        return self._plain(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        """Diff: returns the DiffResponse or a Failure."""
        return self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=self.urn,
                olds=_to_struct(self._props(olds)),
                news=_to_struct(self._props(news)),
            ),
        )

    def create(self, props: Mapping[str, Any], timeout: float = 120) -> Any:
        """Create: returns (id, outputs) or a Failure."""
        answer = self._call(
            "Create",
            provider_pb2.CreateRequest(urn=self.urn, properties=_to_struct(self._props(props))),
            timeout,
        )
        if isinstance(answer, Failure):
            return answer
        return answer.id, self._plain(answer.properties)

    def read(self, id_: str, props: Mapping[str, Any]) -> Any:
        """Read (refresh): returns (id, outputs) or a Failure; id "" means gone."""
        answer = self._call(
            "Read",
            provider_pb2.ReadRequest(
                id=id_, urn=self.urn, properties=_to_struct(self._props(props))
            ),
        )
        if isinstance(answer, Failure):
            return answer
        return answer.id, self._plain(answer.properties)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Any:
        """Update: returns the new outputs or a Failure."""
        answer = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=self.urn,
                olds=_to_struct(self._props(olds)),
                news=_to_struct(self._props(news)),
            ),
        )
        if isinstance(answer, Failure):
            return answer
        return self._plain(answer.properties)

    def delete(self, id_: str, props: Mapping[str, Any]) -> Any:
        """Delete: returns None or a Failure."""
        answer = self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_, urn=self.urn, properties=_to_struct(self._props(props))
            ),
        )
        return answer if isinstance(answer, Failure) else None

"""``terraform-provider-omics``: the plugin process Terraform and OpenTofu start.

The go-plugin handshake: the CLI sets a magic cookie (a provider run by hand says what it
is instead of waiting for calls that never come), the protocol versions it speaks and its
certificate; the provider serves gRPC on a free loopback port, with mutual TLS when a
certificate was given, and prints ``1|6|tcp|127.0.0.1:PORT|grpc|CERT`` on stdout. gRPC's
default 4 MiB message cap is raised: a cohort of 20,000 sources is a plan of some 5 MiB
and more. The CLI stops the process with go-plugin's ``GRPCController.Shutdown`` (or
kills it). Ctrl-C reaches the process group, so SIGINT is ignored here: the CLI sends
``StopProvider`` for it, which ends the waits with the core's resume message.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc

from omics_resources.core import limits
from omics_resources.terraform.certs import ServerCertificate
from omics_resources.terraform.proto import tfplugin6_pb2_grpc as rpc
from omics_resources.terraform.provider import OmicsTerraformProvider

__all__ = ["MAGIC_COOKIE", "MESSAGE_LIMIT", "main", "serve"]

#: go-plugin's handshake cookie for Terraform providers (the same for every provider).
MAGIC_COOKIE = (
    "TF_PLUGIN_MAGIC_COOKIE",
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
)
#: The largest message either way: the CLI's own client allows 2**31-1.
MESSAGE_LIMIT = 1 << 30
_PROTOCOL = "6"


def _controller(stop: threading.Event) -> grpc.GenericRpcHandler:
    """go-plugin's ``plugin.GRPCController``: ``Shutdown`` (an empty message) ends serving."""

    def shutdown(request: bytes, context: Any) -> bytes:
        stop.set()
        return b""

    handler = grpc.unary_unary_rpc_method_handler(
        shutdown, request_deserializer=lambda b: b, response_serializer=lambda b: b
    )
    return grpc.method_handlers_generic_handler("plugin.GRPCController", {"Shutdown": handler})


def serve(
    provider: OmicsTerraformProvider, environ: Mapping[str, str], stop: threading.Event
) -> tuple[grpc.Server, str]:
    """Start serving ``provider`` as ``environ`` asks; the server and the handshake line."""
    versions = environ.get("PLUGIN_PROTOCOL_VERSIONS", _PROTOCOL).split(",")
    if _PROTOCOL not in versions:
        raise SystemExit(f"this provider speaks plugin protocol 6, the CLI asks for {versions}")
    server = grpc.server(
        ThreadPoolExecutor(limits.PROVIDER_WORKERS, thread_name_prefix="omics-tf"),
        options=[
            ("grpc.max_receive_message_length", MESSAGE_LIMIT),
            ("grpc.max_send_message_length", MESSAGE_LIMIT),
        ],
    )
    rpc.add_ProviderServicer_to_server(provider, server)
    server.add_generic_rpc_handlers((_controller(stop),))
    client_cert = environ.get("PLUGIN_CLIENT_CERT", "")
    if client_cert:
        mine = ServerCertificate.make()
        credentials = grpc.ssl_server_credentials(
            [(mine.key_pem, mine.cert_pem)],
            root_certificates=client_cert.encode(),
            require_client_auth=True,
        )
        port = server.add_secure_port("127.0.0.1:0", credentials)
        line = f"1|{_PROTOCOL}|tcp|127.0.0.1:{port}|grpc|{mine.handshake}"
    else:
        port = server.add_insecure_port("127.0.0.1:0")
        line = f"1|{_PROTOCOL}|tcp|127.0.0.1:{port}|grpc"
    server.start()
    return server, line


def main() -> int:
    """Serve until the CLI shuts the plugin down."""
    name, value = MAGIC_COOKIE
    if os.environ.get(name) != value:
        print(
            "This is a Terraform/OpenTofu provider plugin: the CLI runs it "
            "(see docs/terraform.md). It is not meant to be run by hand.",
            file=sys.stderr,
        )
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop = threading.Event()
    provider = OmicsTerraformProvider()
    server, line = serve(provider, os.environ, stop)
    print(line, flush=True)
    # Anything printed after the handshake would reach the CLI as plugin output: send it
    # to stderr, which the CLI logs.
    sys.stdout = sys.stderr
    stop.wait()
    provider.cancelled.set()
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

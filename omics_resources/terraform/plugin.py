"""``terraform-provider-omics``: the plugin process Terraform and OpenTofu start.

The go-plugin handshake: the CLI sets a magic cookie (a provider run by hand says what it
is instead of waiting for calls that never come), the protocol versions it speaks and its
certificate; the provider serves gRPC on a free loopback port, with TLS when a certificate
was given (docs/terraform.md says why one way only), and prints
``1|6|tcp|127.0.0.1:PORT|grpc|CERT`` on stdout. gRPC's default 4 MiB message cap is
raised: a cohort of 20,000 sources is a plan of some 5 MiB and more. The CLI stops the
process with go-plugin's ``GRPCController.Shutdown`` (or kills it). Ctrl-C reaches the
process group, so SIGINT is ignored here: the CLI sends ``StopProvider`` for it, which
ends the waits with the core's resume message.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc

from omics_resources.core import limits
from omics_resources.terraform import mirror
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

    def shutdown(_request: bytes, _context: Any) -> bytes:
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
        # The client's certificate is not asked for: go-plugin makes it on P-521, which
        # the BoringSSL inside grpcio does not verify (no client certificate would come
        # and the handshake would fail). The CLI still checks ours; the port is loopback.
        credentials = grpc.ssl_server_credentials([(mine.key_pem, mine.cert_pem)])
        port = server.add_secure_port("127.0.0.1:0", credentials)
        line = f"1|{_PROTOCOL}|tcp|127.0.0.1:{port}|grpc|{mine.handshake}"
    else:
        port = server.add_insecure_port("127.0.0.1:0")
        line = f"1|{_PROTOCOL}|tcp|127.0.0.1:{port}|grpc"
    server.start()
    return server, line


def main(argv: list[str] | None = None) -> int:
    """Serve until the CLI shuts the plugin down; ``mirror DIR`` lays out a filesystem
    mirror of this installation (:mod:`~omics_resources.terraform.mirror`)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["mirror"] and len(args) == 2:
        print(f"wrote {mirror.lay_out(Path(args[1]))} (source {mirror.SOURCE})")
        return 0
    name, value = MAGIC_COOKIE
    if os.environ.get(name) != value:
        print(
            "This is a Terraform/OpenTofu provider plugin: the CLI runs it (see "
            "docs/terraform.md). `terraform-provider-omics mirror DIR` lays out a "
            "filesystem mirror for `tofu init`.",
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
    sys.stderr.flush()
    # The CLI kills a plugin that has not exited 2 s after Shutdown: no waiting for the
    # interpreter to join worker threads.
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())

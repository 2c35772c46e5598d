"""The engine watch, against a real gRPC server standing in for the engine."""

from __future__ import annotations

import threading
import time
from concurrent import futures

import grpc
import pytest

from omics_resources.dynamic.engine import engine_address, engine_alive, watch_engine


def start_engine() -> tuple[grpc.Server, str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


def test_the_address_is_the_last_positional_argument() -> None:
    assert engine_address(["--logtostderr", "-v=9", "127.0.0.1:4242"]) == "127.0.0.1:4242"
    assert engine_address(["--tracing"]) is None


def test_alive_while_it_answers_gone_once_it_stops() -> None:
    server, address = start_engine()
    try:
        # No health service registered: UNIMPLEMENTED still means someone is there.
        assert engine_alive(address)
    finally:
        server.stop(0).wait()
    assert not engine_alive(address)


def test_watch_calls_back_once_the_engine_is_gone() -> None:
    server, address = start_engine()
    gone = threading.Event()
    stop = threading.Event()
    thread = watch_engine(address, on_gone=gone.set, interval=0.05, stop=stop)
    try:
        time.sleep(0.3)
        assert not gone.is_set()
        server.stop(0).wait()
        assert gone.wait(timeout=10), "the watch did not notice the engine had gone"
        thread.join(timeout=10)
        assert not thread.is_alive()
    finally:
        stop.set()
        server.stop(0)


class BrokenPipe:
    """stderr when the CLI that read it was killed."""

    def write(self, _text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_stderr_does_not_stop_the_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    server, address = start_engine()
    server.stop(0).wait()
    monkeypatch.setattr("sys.stderr", BrokenPipe())
    gone = threading.Event()
    watch_engine(address, on_gone=gone.set, interval=0.01)
    assert gone.wait(timeout=10)

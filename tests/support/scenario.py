"""One integration test's world: the emulator, a sequence store, a bucket, the provider
server, and the helpers to build inputs and wait for things (always bounded)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from harness.clients import ROLE_ARN, aws_client
from omics_resources import ReadSetActivationJobProvider, ReadSetImportJobProvider
from tests.support.provider_server import Failure, ProviderServer, Resource

T = TypeVar("T")
BUCKET = "omics-it-sources"


def fastq(sample: str, mate: int = 1) -> bytes:
    return f"@{sample}:1/{mate}\nACGTACGTAC\n+\nIIIIIIIIII\n".encode()


@dataclass
class Scenario:
    """Inputs and helpers for one test, bound to a fresh sequence store."""

    url: str
    server: ProviderServer
    stack: str
    store_id: str = ""

    def __post_init__(self) -> None:
        self.store_id = self.omics().create_sequence_store(name=f"store-{self.stack}")["id"]
        self.s3().create_bucket(Bucket=BUCKET)

    def omics(self) -> Any:
        return aws_client("omics", self.url)

    def s3(self) -> Any:
        return aws_client("s3", self.url)

    def upload(self, sample: str) -> None:
        self.s3().put_object(Bucket=BUCKET, Key=f"{sample}_R1.fastq", Body=fastq(sample))

    def source(self, sample: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
        source = {"source_file_type": "FASTQ", "source1": f"s3://{BUCKET}/{sample}_R1.fastq",
                  "subject_id": f"subject-{sample}", "sample_id": sample, "name": sample}
        if tags is not None:
            source["tags"] = tags
        return source

    def import_props(self, samples: list[str] | None = None, *, upload: bool = True,
                     tags: dict[str, str] | None = None) -> dict[str, Any]:
        samples = samples or ["s1"]
        if upload:
            for sample in samples:
                self.upload(sample)
        return {"sequence_store_id": self.store_id, "role_arn": ROLE_ARN,
                "sources": [self.source(s, tags) for s in samples]}

    def _resource(self, provider: Any, name: str, type_name: str) -> Resource:
        scope = {"project": "omics-it", "stack": self.stack, "resource_name": name}
        return Resource(self.server, provider, name, type_name, extra={"scope": scope})

    def import_resource(self, name: str) -> Resource:
        return self._resource(ReadSetImportJobProvider(), name, "ReadSetImportJob")

    def activation_resource(self, name: str) -> Resource:
        return self._resource(ReadSetActivationJobProvider(), name, "ReadSetActivationJob")

    def checked(self, resource: Resource, props: dict[str, Any]) -> dict[str, Any]:
        """Check as the engine does before create/diff/update; fails the test on failures."""
        answer = resource.check(props)
        assert not isinstance(answer, Failure), answer
        inputs, failures = answer
        assert failures == [], failures
        return dict(inputs)

    def create(self, resource: Resource, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Check then create, as the engine does; fails the test if create fails."""
        answer = resource.create(self.checked(resource, props))
        assert not isinstance(answer, Failure), answer.details
        return tuple(answer)  # type: ignore[return-value]

    @staticmethod
    def eventually(fn: Callable[[], T], done: Callable[[T], bool], timeout: float = 30) -> T:
        """Call ``fn`` until ``done`` holds for its answer (at most ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            value = fn()
            if done(value):
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"not done after {timeout} s: {value!r}")
            time.sleep(0.1)

    @staticmethod
    def in_background(side: Callable[[], Any], main: Callable[[], T]) -> T:
        """Run ``side`` in a thread while ``main`` runs here; re-raise ``side``'s error."""
        errors: list[BaseException] = []

        def run() -> None:
            try:
                side()
            except BaseException as error:
                errors.append(error)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        result = main()
        thread.join(timeout=60)
        if errors:
            raise errors[0]
        return result

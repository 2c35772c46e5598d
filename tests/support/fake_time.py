"""The emulator and the provider core on one fake clock: hours of waiting in milliseconds.

The emulator runs in this process (real HTTP, its limits on) with its clock switched to the
current test's fake clock, so a job of an hour ends when the provider's sleeps have moved
fake time an hour on, and the emulator's rate limits refill on the same time as our rate
limiter paces: nothing is throttled, nothing sleeps. One emulator serves a whole module;
:meth:`FakeTimeEmulator.world` resets it for each test.
"""

from __future__ import annotations

import io
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.clients import REGION, ROLE_ARN, aws_client
from omics_resources.core import limits
from omics_resources.core.account import aws
from omics_resources.core.account.api import OmicsApi
from omics_resources.core.account.ratelimit import RateLimiter
from omics_resources.core.account.scheduler import JobSlots, Scheduler
from omics_resources.core.jobs.kind import JobKind
from omics_resources.core.jobs.run import JobRun
from omics_resources.core.progress import Progress
from omics_resources.core.tokens import TokenSeed
from omics_resources.core.watch.polling import Clock, Wait, default_policy
from omics_resources.emulator import Durations, EmulatorServer
from tests.support.clock import FakeClock
from tests.support.emulator_control import EmulatorControl
from tests.support.scenario import BUCKET, fastq

PROJECT, STACK = "omics-unit", "fake-time"


class HookedClock(FakeClock):
    """A fake clock that runs each ``(at, action)`` once time has passed ``at``: something
    happening (the engine cancelling, the service changing) while a single-threaded wait
    goes on."""

    def __init__(self, *events: tuple[float, Callable[[], Any]]) -> None:
        super().__init__()
        self.events = sorted(events, key=lambda e: e[0])

    def _moved(self) -> None:
        while self.events and self.now >= self.events[0][0]:
            self.events.pop(0)[1]()

    def sleep(self, seconds: float, cancel: threading.Event | None) -> bool:
        super().sleep(seconds, cancel)
        self._moved()
        return cancel is not None and cancel.is_set()

    def wait(self, condition: threading.Condition, seconds: float) -> None:
        super().wait(condition, seconds)
        self._moved()


class _ClockSwitch:
    """The emulator's clock: whichever fake clock the current test uses."""

    def __init__(self) -> None:
        self.clock: Clock = FakeClock()

    def __call__(self) -> float:
        return self.clock.time()


@dataclass
class FakeWorld:
    """One test's world: a fresh sequence store and bucket in an emulator on ``clock``."""

    clock: Clock
    url: str
    control: EmulatorControl
    store_id: str = ""
    out: io.StringIO = field(default_factory=io.StringIO)

    def __post_init__(self) -> None:
        #: A client as a user builds one (for what the test does besides the provider).
        self.omics = aws_client("omics", self.url)
        self.s3 = aws_client("s3", self.url)
        self.store_id = self.omics.create_sequence_store(name="fake-time")["id"]
        self.s3.create_bucket(Bucket=BUCKET)

    @property
    def settings(self) -> aws.AwsSettings:
        """Where the provider's calls go."""
        return aws.AwsSettings(region=REGION, endpoint_url=self.url)

    def api(self, cancel: threading.Event | None = None) -> OmicsApi:
        """The provider's API object, paced and timed on the fake clock."""
        settings = self.settings
        limiter = RateLimiter(limits.RATE_BUDGETS, clock=self.clock)
        return OmicsApi(lambda: aws.omics_client(settings), limiter, clock=self.clock, cancel=cancel,
                        rng=random.Random(7))

    def scheduler(self, *, slots: int = 10, interval: Wait | None = None,
                  api: OmicsApi | None = None) -> Scheduler:
        """A scheduler of this world's own (as one provider process has)."""
        return Scheduler(api=api or self.api(),
                         slots={k: JobSlots(slots, self.clock) for k in limits.DEFAULT_JOB_SLOTS},
                         clock=self.clock, interval=interval)

    def upload(self, sample: str, size: int = 0) -> None:
        """A FASTQ object for ``sample`` (padded to about ``size`` bytes: imports of bigger
        files take longer, by the emulator's ``import_seconds_per_mib``)."""
        body = fastq(sample)
        body += b"+" * max(0, size - len(body))
        self.s3.put_object(Bucket=BUCKET, Key=f"{sample}_R1.fastq", Body=body)

    def hold_the_quota(self) -> str:
        """Another caller's import job takes the service's whole import-job quota (set to 1)
        for as long as an import lasts; its id."""
        self.control.quota(1, kind="import")
        self.upload("blocker")
        return str(self.omics.start_read_set_import_job(
            sequenceStoreId=self.store_id, roleArn=ROLE_ARN,
            sources=[{"sourceFiles": {"source1": f"s3://{BUCKET}/blocker_R1.fastq"},
                      "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": "b"}])["id"])

    def import_props(self, *samples: str, upload: bool = True, resource: str = "reads",
                     **settings: Any) -> dict[str, Any]:
        """ReadSetImportJob inputs (as the provider sees them after check) for ``samples``."""
        for sample in samples if upload else ():
            self.upload(sample)
        sources = [{"source_file_type": "FASTQ", "source1": f"s3://{BUCKET}/{s}_R1.fastq",
                    "subject_id": f"subject-{s}", "sample_id": s} for s in samples]
        scope = {"project": PROJECT, "stack": STACK, "resource_name": resource}
        return {"sequence_store_id": self.store_id, "role_arn": ROLE_ARN, "sources": sources,
                "scope": scope, **settings}

    def job_run(self, kind: JobKind, props: Mapping[str, Any], scheduler: Scheduler, *,
                cancel: threading.Event | None = None) -> JobRun:
        """One create, as :meth:`JobProvider.create` builds it, on the fake clock."""
        return job_run(kind, props, scheduler, self.clock, self.out, cancel=cancel)

    def lines(self) -> list[str]:
        """The progress lines printed so far."""
        return self.out.getvalue().splitlines()


def job_run(kind: JobKind, props: Mapping[str, Any], scheduler: Scheduler, clock: Clock,
            out: io.StringIO, *, cancel: threading.Event | None = None) -> JobRun:
    """One create, as :meth:`JobProvider.create` builds it, printing to ``out``."""
    request = kind.request(props)
    request.pop("clientToken", None)
    name = str(props["scope"]["resource_name"])
    return JobRun(kind, props, scheduler=scheduler, clock=clock, cancel=cancel,
                  policy=lambda timeout: default_policy(timeout, jitter=False),
                  progress=Progress(name, kind.noun, stream=out, clock=clock.monotonic),
                  seed=seed_of(props, request))


def turn(operation: str) -> float:
    """Seconds between two calls of ``operation`` at our rate limiter's pace (the longest a
    call waits for its turn when it is next in line)."""
    clock = FakeClock()
    limiter = RateLimiter(limits.RATE_BUDGETS, clock=clock)
    limiter.acquire(operation)
    limiter.acquire(operation)
    return clock.now


def seed_of(props: Mapping[str, Any], request: Mapping[str, Any]) -> TokenSeed:
    """The token seed of a resource with these props (as the provider derives it)."""
    scope = props["scope"]
    return TokenSeed(project=scope["project"], stack=scope["stack"],
                     resource_name=scope["resource_name"], request=request)


@dataclass
class FakeTimeEmulator:
    """A running in-process emulator whose clock follows the current test's."""

    server: EmulatorServer
    switch: _ClockSwitch

    def world(self, clock: Clock, durations: Durations) -> FakeWorld:
        """Reset the emulator (limits on), put it on ``clock``, and give a fresh world."""
        self.switch.clock = clock
        control = EmulatorControl(self.server.url)
        control.reset()  # also refills the rate budgets at the new clock's time
        control.durations(**durations.to_wire())
        return FakeWorld(clock, self.server.url, control)


@contextmanager
def fake_time_emulator() -> Iterator[FakeTimeEmulator]:
    """An emulator on a switchable fake clock, for the length of the block."""
    switch = _ClockSwitch()
    with EmulatorServer(port=0, clock=switch) as server:
        yield FakeTimeEmulator(server, switch)

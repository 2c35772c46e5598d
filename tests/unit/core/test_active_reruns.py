"""``ActiveReadSets`` re-runs after an interrupted run, against the emulator on fake time
(real HTTP, its limits on): an activation job started by a run that saved nothing is found
and waited for, not started a second time (issue 26)."""

from __future__ import annotations

import threading
from typing import Any

from harness.clients import ROLE_ARN
from omics_resources.core.active.behaviour import ActiveReadSetsBehaviour
from omics_resources.core.resource import Runtime
from omics_resources.core.watch.polling import default_policy
from omics_resources.emulator import Durations
from tests.support.fake_time import FakeTimeEmulator, FakeWorld
from tests.support.scenario import BUCKET
from tests.support.sim_clock import SimClock

SCOPE = {"project": "p", "stack": "s", "resource_name": "active"}


def imported(world: FakeWorld, count: int) -> list[str]:
    """``count`` read sets, imported as a user would, then archived."""
    for n in range(count):
        world.upload(f"r{n}")
    job = world.omics.start_read_set_import_job(
        sequenceStoreId=world.store_id, roleArn=ROLE_ARN,
        sources=[{"sourceFiles": {"source1": f"s3://{BUCKET}/r{n}_R1.fastq"},
                  "sourceFileType": "FASTQ", "subjectId": "s", "sampleId": f"r{n}"}
                 for n in range(count)])
    world.clock.sleep(700, None)
    done = world.omics.get_read_set_import_job(sequenceStoreId=world.store_id, id=job["id"])
    ids = [str(s["readSetId"]) for s in done["sources"]]
    world.control.archive(world.store_id, ids)
    return ids


def behaviour(world: FakeWorld) -> ActiveReadSetsBehaviour:
    return ActiveReadSetsBehaviour(Runtime(
        clock=world.clock, cancel=threading.Event(), settings=world.settings,
        policy=lambda timeout: default_policy(timeout, jitter=False),
        given_scheduler=world.scheduler(), sink=lambda _line: None))


def jobs_of(world: FakeWorld) -> dict[str, list[str]]:
    """Each read set's activation jobs."""
    found: dict[str, list[str]] = {}
    listed = world.omics.list_read_set_activation_jobs(sequenceStoreId=world.store_id)
    for item in listed["activationJobs"]:
        job = world.omics.get_read_set_activation_job(sequenceStoreId=world.store_id,
                                                      id=item["id"])
        for source in job["sources"]:
            found.setdefault(source["readSetId"], []).append(job["id"])
    return found


def test_a_job_an_interrupted_run_left_submitted_is_waited_for_not_started_again(
    fake_emulator: FakeTimeEmulator,
) -> None:
    """The first run starts a job for two read sets and is killed before its state is
    saved; the job is still SUBMITTED (its read sets still ARCHIVED) when the next run,
    with a third read set added, looks: it waits for that job and activates the third."""
    clock = SimClock()
    world = fake_emulator.world(clock, Durations(submit_seconds=600, import_seconds=1,
                                                 activation_seconds=5))
    ids = imported(world, 3)
    props: dict[str, Any] = {"sequence_store_id": world.store_id, "scope": SCOPE}
    # wait=False returns once the job is started: the outputs are then thrown away, as a
    # killed run's are.
    [_] = clock.run(lambda: behaviour(world).create(
        {**props, "read_set_ids": ids[:2], "wait": False}))
    [created] = clock.run(lambda: behaviour(world).create({**props, "read_set_ids": ids}))
    jobs = jobs_of(world)
    assert all(len(jobs[i]) == 1 for i in ids), jobs
    assert jobs[ids[0]] == jobs[ids[1]] != jobs[ids[2]]
    assert created.outputs["read_set_statuses"] == dict.fromkeys(ids, "ACTIVE")

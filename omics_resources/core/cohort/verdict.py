"""The verdict on a cohort's run: every batch ended and every source has a read set, or an
error that names each failed source with its message and says what the next `pulumi up`
does (resume the same jobs; import only the failed sources)."""

from __future__ import annotations

from collections.abc import Sequence

from omics_resources.core.cohort.run import BatchResult
from omics_resources.core.cohort.state import SAMPLE_FAILED, Declared
from omics_resources.core.errors import OmicsResourceError, PartialCreateError
from omics_resources.core.progress import Progress

__all__ = ["CohortImportError", "CohortPartlyCreatedError", "verdict"]


class CohortImportError(OmicsResourceError):
    """Some sources of a cohort were not imported: they failed, or their jobs have not
    ended (``pulumi up`` again resumes, or retries only the failed sources)."""


class CohortPartlyCreatedError(PartialCreateError, CohortImportError):
    """A cohort's create that failed after its batches were planned and run: the message is
    the :class:`CohortImportError`'s; the outputs hold the batches, jobs and samples."""


#: How many failed sources an error message lists.
_SHOWN_FAILURES = 50


def verdict(
    progress: Progress,
    declared: Declared,
    results: Sequence[BatchResult],
    *,
    allow_partial: bool,
) -> None:
    """Raise :class:`CohortImportError` unless every batch ended and every source has a read
    set (or, with ``allow_partial``, failed); failed sources are named, each with its message."""
    problems = [r.problem for r in results if r.problem]
    failed = sorted(
        ((k, s) for r in results for k, s in r.samples.items() if s.status == SAMPLE_FAILED),
        key=lambda item: declared.index.get(item[0], 0),
    )
    total = sum(len(r.samples) for r in results)
    imported = sum(1 for r in results for s in r.samples.values() if s.read_set_id)
    if not problems and not failed:
        return
    lines = [
        f"{declared.label(k)}: FAILED: {s.status_message} (import job {s.job_id})"
        for k, s in failed[:_SHOWN_FAILURES]
    ]
    if len(failed) > _SHOWN_FAILURES:
        lines.append(f"... and {len(failed) - _SHOWN_FAILURES} more failed sources")
    if not problems and allow_partial:
        progress.say(
            f"{len(failed)} of {total} sources failed, accepted (allow_partial); the next "
            f"`pulumi up` imports them again:\n  " + "\n  ".join(lines)
        )
        return
    advice = []
    if any(r.cancelled for r in results):
        advice.append(
            "the update was cancelled; started jobs keep running: run `pulumi up` again to "
            "resume (the same jobs are picked up, none is started twice)"
        )
    elif any(r.problem and not r.resumable for r in results):
        advice.append(
            "fix what the service refused (above), then run `pulumi up` again: jobs already "
            "started are picked up, none is started twice"
        )
    elif problems:
        advice.append(
            "run `pulumi up` again to resume: jobs already started are picked up, none is "
            "started twice"
        )
    if failed:
        advice.append(
            f"fix the cause and run `pulumi up` again: only the {len(failed)} failed sources "
            f"are imported again (the {imported} with read sets keep them); or set "
            "allow_partial to accept the failures for now"
        )
    body = "\n".join(f"  - {line}" for line in [*problems, *lines, *advice])
    raise CohortImportError(
        f"{progress.resource}: {imported}/{total} sources imported, {len(failed)} failed"
        + (f", {len(problems)} batch(es) not finished" if problems else "")
        + f":\n{body}"
    )

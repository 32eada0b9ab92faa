"""Jobs a client starts and polls: a Huey task whose state and result live in a Job row.

@job_task("outreach.change_requests_apply_all")
def apply_all(*, site_pk, reviewer_pk) -> dict: ...

job = apply_all.start(user=request.user, site_pk=..., reviewer_pk=...)
# -> 202 with job_data(job); the client polls GET /jobs/<uuid>
"""

import logging
from collections.abc import Callable
from typing import Annotated, TypedDict

from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from connect_api.api.outputs import DateTime, Doc, Uuid, iso_utc
from connect_api.choices import JobStatus
from connect_api.dependencies import DependencyUnavailable
from connect_api.models import Job
from connect_api.queue import enqueue

logger = logging.getLogger("connect_api.jobs")


def job_task(name: str) -> Callable:
    """Wrap `fn(**kwargs) -> JSON-able result` as a Huey task with a Job row per run.

    `task.start(user=..., **kwargs)` creates the QUEUED row and enqueues the task once the
    surrounding transaction commits (the worker must see the row). A failure is stored as the
    exception's type only: messages may quote data that does not belong in a status endpoint.
    """

    def decorator(fn: Callable) -> Callable:
        @db_task(name=name)
        def run(job_pk: int, kwargs: dict):
            Job.objects.filter(pk=job_pk).update(status=JobStatus.RUNNING, started=timezone.now())
            try:
                result = fn(**kwargs)
            except Exception as exc:
                logger.exception("job %s failed", name, extra={"job": name, "job_pk": job_pk})
                Job.objects.filter(pk=job_pk).update(
                    status=JobStatus.FAILED,
                    error=f"{type(exc).__name__}",
                    finished=timezone.now(),
                )
                raise
            Job.objects.filter(pk=job_pk).update(
                status=JobStatus.SUCCEEDED, result=result, finished=timezone.now()
            )
            return result

        def start(*, user, **kwargs) -> Job:
            job = Job.objects.create(name=name, user=user)
            transaction.on_commit(lambda: _enqueue(job, kwargs))
            return job

        def _enqueue(job: Job, kwargs: dict) -> None:
            try:
                enqueue(run, job.pk, kwargs)
            except DependencyUnavailable:
                # Nobody will run it: say so in the row; the client gets 503 naming the queue.
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.FAILED, error="QueueUnavailable", finished=timezone.now()
                )
                raise

        run.start = start
        return run

    return decorator


def job_get(*, user, uuid) -> Job | None:
    """The job if this user started it (staff: any job)."""
    jobs = Job.objects.all() if user.is_staff else Job.objects.filter(user=user)
    return jobs.filter(uuid=uuid).first()


class JobOutput(TypedDict):
    """The schema of job_data (GET /jobs/<uuid>, and the 202 of an endpoint that started it)."""

    id: Uuid
    name: str
    status: JobStatus
    result: Annotated[
        dict | None, Doc("The finished job's result object (null until it succeeds).")
    ]
    error: str | None
    created: DateTime
    started: DateTime | None
    finished: DateTime | None


def job_data(job: Job) -> JobOutput:
    return {
        "id": str(job.uuid),
        "name": job.name,
        "status": job.status,
        "result": job.result,
        "error": job.error or None,
        "created": iso_utc(job.created),
        "started": iso_utc(job.started),
        "finished": iso_utc(job.finished),
    }

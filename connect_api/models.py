import uuid

from django.conf import settings
from django.db import models

from connect_api.choices import JobStatus


class Job(models.Model):
    """A background job a client started and may poll (`GET /jobs/<uuid>`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "finished"])]

    def __str__(self):
        return f"{self.name} {self.uuid} ({self.status})"


class Event(models.Model):
    """An outbox row of connect_api.events: written in the transaction of the change it
    reports, dispatched to the subscribers (mail, webhooks) after that commits."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=64)
    data = models.JSONField()
    refs = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    dispatched = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["dispatched", "created"])]

    def __str__(self):
        return f"{self.name} {self.uuid}"


class ThrottleCounter(models.Model):
    """One client's request count in its current rate-limit window (connect_api/throttling.py).

    Written only by one upsert statement; rows of ended windows are reset in place by the
    next request and deleted by the cache purge job.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    window_end = models.BigIntegerField(help_text="End of the counted window, epoch seconds.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_end"])]

    def __str__(self):
        return f"{self.cache_key}: {self.hits} until {self.window_end}"


class IdempotencyKey(models.Model):
    """The first answer to a POST/PATCH sent with an `Idempotency-Key`, replayed to a retry.

    One row per (user, key); `status_code` is null while the first request still runs (a
    concurrent retry then gets 409). `fingerprint` is a sha256 of the method, the path and the
    parsed body: the same key with another request is 422. Purged after IDEMPOTENCY_KEY_TTL.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content = models.BinaryField(default=b"", blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]
        indexes = [models.Index(fields=["created"])]

    def __str__(self):
        return f"{self.key} ({self.status_code or 'running'})"


class ScheduledRun(models.Model):
    """One run of a periodic job for one slot of its schedule (connect_api.schedule).

    Every job worker's scheduler enqueues a periodic job under the same id for the same minute;
    the first worker to start it inserts this row, every other copy finds it and is skipped,
    so the cluster runs each job once per schedule however many workers schedule. Purged after
    SCHEDULED_RUN_RETENTION.
    """

    task = models.CharField(max_length=200)
    slot = models.CharField(max_length=16, help_text="The scheduled minute, UTC: YYYYMMDDTHHMM.")
    claimed = models.DateTimeField(auto_now_add=True)
    worker = models.CharField(max_length=200, help_text="host:pid of the worker that ran it.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "slot"], name="scheduled_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["claimed"])]

    def __str__(self):
        return f"{self.task} @ {self.slot}"

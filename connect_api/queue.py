"""The job queue's storage, chosen by QUEUE_URL (settings.HUEY names this factory)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from huey import MemoryHuey, RedisHuey, SqliteHuey


def huey_class(name: str, *, url: str, **options):
    """A Huey for `sqlite:///path`, `redis://host:port/db` (or rediss://) or `memory://`."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        filename = url.removeprefix("sqlite:///")
        if not filename:
            raise ImproperlyConfigured("QUEUE_URL=sqlite:///<path> needs a file path.")
        return SqliteHuey(name, filename=filename, **options)
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=url, **options)
    if scheme == "memory":
        return MemoryHuey(name, **options)
    raise ImproperlyConfigured(
        f"QUEUE_URL scheme {scheme!r} is not sqlite://, redis://, rediss:// or memory://."
    )

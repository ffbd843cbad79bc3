"""The Celery app, configured from Django settings (CELERY_* names), and small task helpers."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("frontier_gap")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["benchmarks.probes"])  # benchmarks/probes/tasks.py


@contextmanager
def single_flight(key: str, *, timeout: int) -> Iterator[bool]:
    """Yield True if this caller holds the lock `key` (cache.add is SET NX on Redis), else False."""
    from django.core.cache import cache

    lock_key = f"lock:{key}"
    acquired = cache.add(lock_key, "1", timeout)
    try:
        yield acquired
    finally:
        if acquired:
            cache.delete(lock_key)


@app.task(name="config.celery.debug_count_labs")
def debug_count_labs() -> int:
    """A health check: how many labs the worker's database holds (proves broker + database wiring)."""
    from models_registry.models import Lab

    return Lab.objects.count()

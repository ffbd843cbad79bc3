"""Celery entry points of the price refresh: thin, safe to run twice, one run per source at a time."""

import logging

from celery import shared_task
from django.conf import settings

from pricing.sources import PRICE_SOURCES
from pricing.sources.base import SourceUnavailable

logger = logging.getLogger(__name__)

# A refresh must finish well inside the lock's life (the hard limit), and a retry waits minutes, not seconds:
# the HTTP client has already retried quickly. acks_late: a worker lost mid-run leaves the message queued.
REFRESH_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (SourceUnavailable,),
    "retry_backoff": 60,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": settings.SOURCE_TASK_MAX_RETRIES,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


@shared_task(name="pricing.tasks.price_refresh_from_source", **REFRESH_TASK_OPTIONS)
def price_refresh_from_source(source: str) -> int | None:
    """Refresh one price upstream; the SourceRun id, or None when a refresh of it is already running."""
    from pricing.services import price_refresh_from_source, source_refresh_lock

    with source_refresh_lock(source) as acquired:
        if not acquired:
            logger.info("refresh of %s is already running; skipped", source)
            return None
        return price_refresh_from_source(source=source).pk


@shared_task(name="pricing.tasks.price_refresh_all", acks_late=True, time_limit=60)
def price_refresh_all() -> list[str]:
    """Queue one refresh per price upstream (beat runs this); one failing upstream never blocks the others."""
    return fan_out(price_refresh_from_source, sorted(PRICE_SOURCES))


def fan_out(task, sources: list[str]) -> list[str]:
    queued = []
    for source in sources:
        try:
            task.delay(source)
        except Exception:  # eager mode runs the task inline; a failure there must not stop the next source
            logger.exception("refresh of %s failed", source)
        else:
            queued.append(source)
    return queued

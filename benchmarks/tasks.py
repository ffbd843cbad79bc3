"""Celery entry points of the score refresh: thin, safe to run twice, one run per source at a time."""

import logging

from celery import shared_task

from benchmarks.sources import score_source_configs
from pricing.tasks import REFRESH_TASK_OPTIONS, fan_out

logger = logging.getLogger(__name__)


@shared_task(name="benchmarks.tasks.score_refresh_from_source", **REFRESH_TASK_OPTIONS)
def score_refresh_from_source(source: str) -> int | None:
    """Refresh one configured score upstream; the SourceRun id, or None when one is already running."""
    from benchmarks.services import score_refresh_from_source
    from pricing.services import source_refresh_lock

    with source_refresh_lock(source) as acquired:
        if not acquired:
            logger.info("refresh of %s is already running; skipped", source)
            return None
        return score_refresh_from_source(source=source).pk


@shared_task(name="benchmarks.tasks.score_refresh_all", acks_late=True, time_limit=60)
def score_refresh_all() -> list[str]:
    """Queue one refresh per configured score upstream (beat runs this daily)."""
    return fan_out(score_refresh_from_source, list(score_source_configs()))


@shared_task(name="benchmarks.tasks.epoch_refresh", **REFRESH_TASK_OPTIONS)
def epoch_refresh() -> int | None:
    """Refresh Epoch AI's Benchmarking Hub scores and proposals (beat runs this daily); the SourceRun id, or None
    when a refresh of `epoch` is already running."""
    from benchmarks.services import epoch_refresh
    from benchmarks.sources import EPOCH
    from pricing.services import source_refresh_lock

    with source_refresh_lock(EPOCH) as acquired:
        if not acquired:
            logger.info("refresh of %s is already running; skipped", EPOCH)
            return None
        return epoch_refresh().pk

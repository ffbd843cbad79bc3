"""Thin Celery tasks over benchmarks.probes.services (discovered through config/celery.py)."""

import logging

from celery import shared_task

from config.celery import single_flight

logger = logging.getLogger(__name__)


@shared_task
def probe_run_enabled() -> int:
    """The scheduled round (beat: every 30 minutes): probe every live probe_enabled offering once."""
    from benchmarks.probes.services import probe_run_enabled

    with single_flight("probe-run-enabled", timeout=30 * 60) as acquired:  # a round is bounded by its timeouts
        if not acquired:
            logger.info("a probe round is already running; skipping")
            return 0
        return len(probe_run_enabled())


@shared_task
def probe_offerings(offering_ids: list[int]) -> int:
    """Probe these offerings now (the admin action); offerings that no longer exist or are retired are skipped."""
    from benchmarks.probes.selectors import probe_target_list
    from benchmarks.probes.services import probe_run

    return len(probe_run(targets=probe_target_list(offering_ids=offering_ids)))


@shared_task
def probe_results_prune() -> int:
    """Daily: delete raw probe results older than PROBE_RETENTION_DAYS."""
    from benchmarks.probes.services import probe_results_prune

    return probe_results_prune()

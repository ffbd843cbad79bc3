"""Thin Celery tasks over dashboards.warming (discovered through config/celery.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def warm_analytics_cache() -> int:
    """Compute the default pages' analytics under the current data version (after a change, and daily)."""
    from dashboards.warming import warm_default_queries

    return warm_default_queries()


@shared_task(ignore_result=True)
def warm_index_intervals() -> bool:
    """Compute /index/'s capability index with its bootstrap intervals (queued by warm_analytics_cache), one run
    at a time."""
    from dashboards.warming import warm_index_intervals as warm

    return warm()

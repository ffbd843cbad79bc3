"""Thin Celery tasks over dashboards.warming (discovered through config/celery.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def warm_analytics_cache() -> int:
    """Compute the default pages' analytics under the current data version (after a change, and daily)."""
    from dashboards.warming import warm_default_queries

    return warm_default_queries()

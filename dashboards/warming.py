"""Compute the dashboards' default analytics after each data change, so that no visitor waits for them.

At the issue's scale (20,000 models, 200,000 scores) the overview page's three analytics answers take seconds to
compute and milliseconds to read from the cache. Every data change makes the cache unreachable (the data version
moves), so after each change a Celery task computes the default views' answers again under the new version.

Queued by `queue_cache_warm` (connected to `models_registry.cache_version.data_changed` in dashboards.apps) when
ANALYTICS_CACHE_WARM is on (by default when REDIS_URL is set, i.e. a worker exists), and daily just after 00:00
UTC, when the default `as_of` (today) changes the keys. A burst of changes queues one task: a flag in the cache
marks one as pending until it starts.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.utils.http import urlencode

from config.celery import single_flight
from dashboards.queries import analytics_report, newest_data_dates_cached
from dashboards.selectors import default_benchmark_slug
from models_registry.cache_version import REGISTRY, data_version

logger = logging.getLogger(__name__)

PENDING_KEY = "analytics:warm-pending"
PENDING_SECONDS = 10 * 60  # a lost task (worker gone) blocks new ones no longer than this
QUEUE_DELAY_SECONDS = 1  # lets a burst of commits settle into one version first


def default_queries() -> list[tuple[str, dict[str, str]]]:
    """The analytics queries of the pages as a visitor first sees them: `/`, `/gap/<default>/` and `/costs/`
    (`/index/`'s, with intervals, is INTERVALS_QUERY).

    Parameters exactly as the views pass them (dashboards/views.py), so the cache keys are the same.
    """
    benchmark = default_benchmark_slug()
    if benchmark is None:
        return []
    one = {"benchmark": benchmark}
    return [
        ("summary", {}),
        ("gap", {"benchmark": "capability-index"}),  # the overview's index chart
        ("gap", one),
        ("gap", {**one, "a": "CN", "b": "US"}),  # the gap page's other direction
        ("cost-ratio", one),
        ("price-performance", {**one, "countries": "US,CN"}),
    ]


# /index/ shows 90% intervals: 100 bootstrap refits, seconds of work on the reference data and minutes at the
# harness's scale. A task of its own, queued after the default queries and coalesced like them, and never two at
# once, so the worker's other process stays free for the default warms.
INTERVALS_QUERY = ("capability-index", {"ci": "true"})
INTERVALS_PENDING_KEY = "analytics:warm-intervals-pending"
INTERVALS_LOCK = "analytics-warm-intervals"


def warm_default_queries() -> int:
    """Compute (or find cached) every default query under the current data version, then queue the index's
    intervals; returns how many queries it computed."""
    cache.delete(PENDING_KEY)  # a change from now on queues another warm
    queries = default_queries()
    for endpoint, params in queries:
        analytics_report(endpoint, QueryDict(urlencode(params)))
    newest_data_dates_cached()  # every page's footer
    if queries:
        _queue_once(INTERVALS_PENDING_KEY, "warm_index_intervals")
    return len(queries)


def warm_index_intervals() -> bool:
    """Compute (or find cached) /index/'s capability index with its bootstrap intervals; False when another run
    is under way. That one queues the next run when it ends if the data changed meanwhile, so each change is
    warmed once, one run at a time (two at once kept both worker processes from the default warms for minutes)."""
    cache.delete(INTERVALS_PENDING_KEY)
    with single_flight(INTERVALS_LOCK, timeout=PENDING_SECONDS) as running_here:
        if not running_here:
            return False
        version = data_version()
        endpoint, params = INTERVALS_QUERY
        analytics_report(endpoint, QueryDict(urlencode(params)))
    if data_version() != version:
        _queue_once(INTERVALS_PENDING_KEY, "warm_index_intervals")
    return True


def _queue_once(pending_key: str, task_name: str) -> None:
    """Queue dashboards.tasks.<task_name> unless one is pending already (a flag in the cache until it starts)."""
    if not cache.add(pending_key, 1, PENDING_SECONDS):  # pending already, or the cache is down
        return
    from dashboards import tasks

    try:
        getattr(tasks, task_name).apply_async(countdown=QUEUE_DELAY_SECONDS)
    except Exception:  # the broker is down: the pages compute on demand, as without warming
        cache.delete(pending_key)
        logger.warning("could not queue %s", task_name, exc_info=True)


def queue_cache_warm(scope: str, **kwargs) -> None:
    """Receiver of `data_changed`: after a registry change, queue one warm task unless one is already pending."""
    if scope != REGISTRY or not settings.ANALYTICS_CACHE_WARM:
        return
    _queue_once(PENDING_KEY, "warm_analytics_cache")

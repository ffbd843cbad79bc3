"""One version number for "the registry's data changed", kept in the Django cache.

Anything computed from registry rows and cached (the analytics) puts this version in its cache keys, so
bumping it makes every such entry unreachable at once. It lives in models_registry, the app every other
app may import, so a service of any app can call `registry_data_changed()` after a bulk write (bulk_create
and queryset.update send no signals); `dashboards` bumps it from post_save/post_delete signals.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

DATA_VERSION_KEY = "registry:data-version"

# Sent after the version moved (after commit). dashboards.warming listens: it recomputes the default pages.
data_changed = Signal()


def data_version() -> int:
    """The current version. Starts from the clock, so a version lost with the cache is never reused.

    While Redis is unreachable the cache answers None to everything (django-redis IGNORE_EXCEPTIONS): then a
    fresh clock value each call, so nothing is looked up under a shared key and answers come from the database.
    """
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        cache.add(DATA_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(DATA_VERSION_KEY)
    if version is None:  # the cache is down
        return time.time_ns()
    return int(version)


def _bump() -> None:
    try:
        cache.incr(DATA_VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any fresh one differs from the old
        if not cache.add(DATA_VERSION_KEY, time.time_ns(), timeout=None):
            cache.incr(DATA_VERSION_KEY)
    data_changed.send(sender=None)


def registry_data_changed() -> None:
    """Invalidate everything cached from registry data, once the current transaction commits
    (immediately when there is none)."""
    transaction.on_commit(_bump)

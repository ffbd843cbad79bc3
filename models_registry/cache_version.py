"""One cache key that changes whenever registry data changes, so cached analytics can key on it.

Readers build cache keys with `registry_data_version()`; writers call `registry_data_changed()` after
commit (`transaction.on_commit(registry_data_changed)`), which makes every older key unreachable.
"""

import time

from django.core.cache import cache

KEY = "registry-data-version"


def registry_data_version() -> int:
    """The current version (created on first use; seeded with the clock so a lost key never repeats one)."""
    return cache.get_or_set(KEY, time.time_ns(), timeout=None)


def registry_data_changed() -> None:
    """Move to a new version: atomic INCR on Redis; re-created if the key was evicted."""
    try:
        cache.incr(KEY)
    except ValueError:  # the key is missing (never read, or evicted)
        cache.add(KEY, time.time_ns(), timeout=None)

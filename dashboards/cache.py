"""Analytics results in the Django cache (Redis when REDIS_URL is set), keyed by the registry's data version.

Any saved or deleted Lab, AIModel, Provider, Offering, PricePoint, Benchmark or BenchmarkScore bumps the
version after commit (dashboards.signals); bulk writes call `analytics_cache_bump()` (or, from apps that must
not import dashboards, `models_registry.cache_version.registry_data_changed()`, the same function).
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from models_registry.cache_version import data_version, registry_data_changed

# Entries die with the version; the timeout only bounds what a quiet registry keeps around.
TIMEOUT_SECONDS = 24 * 60 * 60

analytics_cache_bump = registry_data_changed


def analytics_cache_key(endpoint: str, params: dict[str, Any]) -> str:
    """A key for one endpoint's response to one query, from its parsed parameters with the defaults filled in
    (as_of included, so the default moves with the day), at the current data version."""
    canonical = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return f"analytics:{data_version()}:{endpoint}:{digest}"


def analytics_cached(key: str, compute: Callable[[], dict]) -> dict:
    """The cached value under `key`, computed and stored when missing."""
    payload = cache.get(key)
    if payload is None:
        payload = compute()
        cache.set(key, payload, TIMEOUT_SECONDS)
    return payload

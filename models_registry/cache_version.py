"""Version numbers for "this data changed", kept in the Django cache, one per scope.

Anything computed from rows and cached puts its scope's version in its cache keys, so bumping the version makes
every such entry unreachable at once:

- `registry`: labs, models, providers, offerings, prices, benchmarks and scores (REGISTRY_MODELS). The analytics
  and the API's list counts key on it. `dashboards` bumps it from post_save/post_delete signals; a service that
  writes in bulk (bulk_create and queryset.update send no signals) calls `registry_data_changed()`.
- `probes`: probe results, written in bulk by probe rounds and the prune, which call `probe_results_changed()`.

It lives in models_registry, the app every other app may import. A bump waits for the commit (`on_commit`), so
it is safe to call inside `@transaction.atomic`; then `data_changed` is sent (dashboards.warming listens).
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

REGISTRY = "registry"
PROBES = "probes"
REGISTRY_MODELS = (
    "models_registry.Lab",
    "models_registry.AIModel",
    "pricing.Provider",
    "pricing.Offering",
    "pricing.PricePoint",
    "benchmarks.Benchmark",
    "benchmarks.BenchmarkScore",
)
SCOPE_OF_MODEL = {**dict.fromkeys(REGISTRY_MODELS, REGISTRY), "benchmarks.ProbeResult": PROBES}

# Sent with `scope` after a version moved (after the commit).
data_changed = Signal()


def _key(scope: str) -> str:
    return f"{scope}:data-version"


DATA_VERSION_KEY = _key(REGISTRY)


def data_version(scope: str = REGISTRY) -> int:
    """The current version of `scope`. Starts from the clock, so a version lost with the cache is never reused.

    While Redis is unreachable the cache answers None to everything (django-redis IGNORE_EXCEPTIONS): then a
    fresh clock value each call, so nothing is looked up under a shared key and answers come from the database.
    """
    key = _key(scope)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), timeout=None)
        version = cache.get(key)
    if version is None:  # the cache is down
        return time.time_ns()
    return int(version)


def scope_of(model: type) -> str | None:
    """The scope whose version moves whenever rows of `model` change; None for a model no scope tracks."""
    return SCOPE_OF_MODEL.get(model._meta.label)


def _bump(scope: str) -> None:
    key = _key(scope)
    try:
        cache.incr(key)
    except ValueError:  # no version yet (or evicted): any fresh one differs from the old
        if not cache.add(key, time.time_ns(), timeout=None):
            cache.incr(key)
    data_changed.send(sender=None, scope=scope)


def registry_data_changed() -> None:
    """Invalidate everything cached from registry data, once the current transaction commits
    (immediately when there is none)."""
    transaction.on_commit(lambda: _bump(REGISTRY))


def probe_results_changed() -> None:
    """Invalidate everything cached from probe results, once the current transaction commits."""
    transaction.on_commit(lambda: _bump(PROBES))

"""Writes of the probes: run a round (no database work while the calls are in flight), store it, prune old results.

Keys are read from the environment here, at the moment of the probe, and handed to the runner; they
are never stored, logged or returned. Every message that leaves this module went through `scrub()`.
"""

import asyncio
import datetime
import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from benchmarks.models import ProbeResult
from benchmarks.probes.clients import (
    ErrorKind,
    ProbeConfig,
    ProbeOutcome,
    ProbeTarget,
    not_attempted,
    scrub,
    usable_key,
)
from benchmarks.probes.guard import Resolver, allowed_host_set, url_refusal
from benchmarks.probes.runner import ProbeJob, RoundResult, probe_round
from benchmarks.probes.selectors import probe_target_list
from benchmarks.probes.tasks import probe_offerings as probe_offerings_task
from models_registry.cache_version import probe_results_changed
from models_registry.validators import API_KEY_ENV_SUFFIX, is_api_key_env_name
from pricing.models import Offering

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeRecord:
    """One probe of a round: what was called, what happened (with a scrubbed detail), and the stored row."""

    target: ProbeTarget
    outcome: ProbeOutcome
    result: ProbeResult | None  # None when the offering was deleted while the round ran


def probe_config() -> ProbeConfig:
    return ProbeConfig(
        allowed_hosts=allowed_host_set(settings.PROBE_ALLOWED_HOSTS),
        connect_timeout=settings.PROBE_CONNECT_TIMEOUT,
        read_timeout=settings.PROBE_READ_TIMEOUT,
        total_timeout=settings.PROBE_TOTAL_TIMEOUT,
        max_bytes=settings.PROBE_MAX_BYTES,
        max_tokens=settings.PROBE_MAX_TOKENS,
        per_provider=settings.PROBE_CONCURRENCY_PER_PROVIDER,
        max_concurrency=settings.PROBE_MAX_CONCURRENCY,
        anthropic_version=settings.PROBE_ANTHROPIC_VERSION,
        backoff_max_seconds=settings.PROBE_BACKOFF_MAX_SECONDS,
    )


def backoff_cache_key(provider: str) -> str:
    return f"probe:backoff:{provider}"


def probe_run(
    *,
    targets: Sequence[ProbeTarget],
    on_outcome: Callable[[ProbeTarget, ProbeOutcome], None] | None = None,
    resolve: Resolver | None = None,
) -> list[ProbeRecord]:
    """Probe every target once, concurrently, and store one ProbeResult per target.

    Not attempted, but recorded: `skipped_no_key` (the provider's key variable is unset or empty), `refused`
    (the base URL is not allowed), `rate_limited` (the provider is backed off after a 429). Must not run
    inside a transaction: the calls take seconds, and the results are written in one short one at the end.
    `on_outcome` is called on this thread as each probe finishes (the command's progress bar). `resolve`
    replaces the system DNS resolver (tests).
    """
    config = probe_config()
    backed_off = cache.get_many([backoff_cache_key(p) for p in {t.provider for t in targets}])
    outcomes: dict[int, ProbeOutcome] = {}
    jobs: list[ProbeJob] = []
    secrets: set[str] = set()
    for index, target in enumerate(targets):
        # Only variables named like API keys are read: never the service's own secrets (see Provider.clean).
        key_variable = target.api_key_env if is_api_key_env_name(target.api_key_env) else ""
        key = usable_key(os.environ.get(key_variable)) if key_variable else None
        refusal = url_refusal(target.base_url, allowed_hosts=config.allowed_hosts)
        if key is None:
            variable = key_variable or f"(no variable named like *{API_KEY_ENV_SUFFIX})"
            outcome = not_attempted(ErrorKind.SKIPPED_NO_KEY, f"no usable key in {variable}")
        elif refusal:
            outcome = not_attempted(ErrorKind.REFUSED, f"base URL refused: {refusal}")
        elif backoff_cache_key(target.provider) in backed_off:
            until = backed_off[backoff_cache_key(target.provider)]
            outcome = not_attempted(ErrorKind.RATE_LIMITED, f"{target.provider} backed off until {until} (429)")
        else:
            secrets.add(key)
            jobs.append(ProbeJob(target=target, key=key))
            continue
        outcomes[index] = outcome
        if on_outcome is not None:
            on_outcome(target, outcome)

    round_result = RoundResult(outcomes=[], backoffs={})
    if jobs:
        round_result = asyncio.run(
            probe_round(
                jobs,
                config,
                on_outcome=(lambda job, outcome: on_outcome(job.target, outcome)) if on_outcome else None,
                resolve=resolve,
            )
        )
    attempted = iter(round_result.outcomes)
    ordered = [outcomes[i] if i in outcomes else next(attempted) for i in range(len(targets))]
    _remember_backoffs(round_result.backoffs, config=config)
    records = _store(targets, ordered)
    _log(records, secrets)
    return records


def probe_run_enabled(**kwargs) -> list[ProbeRecord]:
    """The scheduled round: every live probe_enabled offering."""
    return probe_run(targets=probe_target_list(), **kwargs)


def probe_enqueue(*, offering_ids: Sequence[int]) -> int:
    """Queue one probe round of these offerings, after the current transaction commits (the admin action)."""
    ids = sorted(set(offering_ids))
    if ids:
        transaction.on_commit(lambda: probe_offerings_task.delay(ids))
    return len(ids)


def _remember_backoffs(backoffs: dict[str, float], *, config: ProbeConfig) -> None:
    """Keep a provider backed off across rounds for as long as its Retry-After asked (capped)."""
    for provider, seconds in backoffs.items():
        seconds = min(seconds, config.backoff_max_seconds)
        if seconds >= 1:
            until = timezone.now() + datetime.timedelta(seconds=seconds)
            cache.set(backoff_cache_key(provider), until.isoformat(timespec="seconds"), timeout=int(seconds))


@transaction.atomic
def _store(targets: Sequence[ProbeTarget], outcomes: Sequence[ProbeOutcome]) -> list[ProbeRecord]:
    existing = set(Offering.objects.filter(id__in=[t.offering_id for t in targets]).values_list("id", flat=True))
    rows = [
        ProbeResult(offering_id=t.offering_id, **o.stored_fields())
        for t, o in zip(targets, outcomes, strict=True)
        if t.offering_id in existing
    ]
    ProbeResult.objects.bulk_create(rows)
    probe_results_changed()
    stored = iter(rows)
    return [
        ProbeRecord(target=t, outcome=o, result=next(stored) if t.offering_id in existing else None)
        for t, o in zip(targets, outcomes, strict=True)
    ]


def _log(records: Sequence[ProbeRecord], secrets: set[str]) -> None:
    for record in records:
        outcome = record.outcome
        if outcome.ok:
            logger.info(
                "probe %s ok: ttft %.0f ms, total %.0f ms, %s tokens",
                record.target.label,
                outcome.ttft_ms,
                outcome.total_ms,
                outcome.output_tokens,
            )
        else:
            detail = outcome.detail
            for secret in secrets:  # details are scrubbed where made; this is the belt to those braces
                detail = scrub(detail, secret)
            logger.info("probe %s %s: %s", record.target.label, outcome.error_kind, detail)
    tally = Counter(r.outcome.error_kind or "ok" for r in records)
    logger.info("probe round: %s", ", ".join(f"{kind} {n}" for kind, n in sorted(tally.items())) or "nothing to probe")


def probe_results_prune(*, retention_days: int | None = None, batch_size: int = 5000) -> int:
    """Delete raw results older than PROBE_RETENTION_DAYS, in batches (short transactions, bounded locks)."""
    days = settings.PROBE_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            ProbeResult.objects.filter(started_at__lt=cutoff).order_by().values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            break
        deleted += ProbeResult.objects.filter(id__in=ids).delete()[0]
        probe_results_changed()
    logger.info("probe results pruned: %d older than %d days", deleted, days)
    return deleted

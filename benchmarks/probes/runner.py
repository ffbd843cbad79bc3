"""One round of probes on one event loop: all at once, bounded per provider and overall.

A round's wall time is about that of its slowest few probes, not their sum: every probe starts
as soon as its provider has a free slot (PROBE_CONCURRENCY_PER_PROVIDER) and the round has one
(PROBE_MAX_CONCURRENCY). A provider that answers 429 is backed off for the rest of the round: its
probes that have not started yet are recorded as rate_limited without a call, and the service
keeps the back-off for the Retry-After the provider asked for.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from benchmarks.probes.clients import (
    ErrorKind,
    ProbeConfig,
    ProbeOutcome,
    ProbeTarget,
    make_client,
    not_attempted,
    probe_endpoint,
    scrub,
)
from benchmarks.probes.guard import Resolver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeJob:
    target: ProbeTarget
    key: str = field(repr=False)  # never in a repr, a log line or a traceback's locals summary


@dataclass
class RoundResult:
    outcomes: list[ProbeOutcome]  # in the order of the jobs
    backoffs: dict[str, float]  # provider slug -> seconds it asked us to wait (0: none given)


async def probe_round(
    jobs: Sequence[ProbeJob],
    config: ProbeConfig,
    *,
    on_outcome: Callable[[ProbeJob, ProbeOutcome], None] | None = None,
    resolve: Resolver | None = None,
) -> RoundResult:
    """Probe every job concurrently and return their outcomes; never raises for a single probe's failure."""
    provider_slots: dict[str, asyncio.Semaphore] = {}
    round_slots = asyncio.Semaphore(config.max_concurrency)
    backoffs: dict[str, float] = {}

    async with make_client(config, resolve=resolve) as client:

        async def run(job: ProbeJob) -> ProbeOutcome:
            provider = job.target.provider
            slots = provider_slots.setdefault(provider, asyncio.Semaphore(config.per_provider))
            async with slots, round_slots:
                if provider in backoffs:
                    outcome = not_attempted(ErrorKind.RATE_LIMITED, f"{provider} answered 429 this round; skipped")
                else:
                    outcome = await _probe_safely(client, job, config)
                    if outcome.error_kind == ErrorKind.RATE_LIMITED:
                        backoffs[provider] = max(backoffs.get(provider, 0.0), outcome.retry_after or 0.0)
            if on_outcome is not None:
                on_outcome(job, outcome)
            return outcome

        outcomes = await asyncio.gather(*(run(job) for job in jobs))
    return RoundResult(outcomes=list(outcomes), backoffs=backoffs)


async def _probe_safely(client: httpx.AsyncClient, job: ProbeJob, config: ProbeConfig) -> ProbeOutcome:
    try:
        return await probe_endpoint(client, job.target, key=job.key, config=config)
    except Exception as exc:  # a bug must cost one probe, not the round; no traceback, as it could quote a header
        detail = scrub(f"probe failed unexpectedly: {type(exc).__name__}: {exc}", job.key)
        logger.error("%s: %s", job.target.label, detail)
        return not_attempted(ErrorKind.MALFORMED, detail)

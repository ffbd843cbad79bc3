"""Read paths of the probes: what to probe, and per-offering latency, speed and availability over time windows.

Definitions (the summary API returns exactly these):
- an *attempt* is a stored result other than `skipped_no_key` and `refused` (those are our configuration,
  not the endpoint's behaviour); `rate_limited` counts, as a user would have been refused too;
- `availability` = ok results / attempts in the window (null without attempts);
- `ttft_ms_p50`, `ttft_ms_p95`, `output_tokens_per_s_p50`: continuous percentiles (linear interpolation,
  PostgreSQL's percentile_cont) over the window's ok results.
On PostgreSQL all of it is one aggregate query; elsewhere (SQLite) counts are SQL and percentiles are computed
in Python over the window's ok rows, which the window bounds (7 days of results).
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Max, Q
from django.utils import timezone

from benchmarks.models import ProbeResult
from benchmarks.probes.clients import ProbeTarget
from pricing.models import Offering

ErrorKind = ProbeResult.ErrorKind
WINDOWS: dict[str, datetime.timedelta] = {"24h": datetime.timedelta(hours=24), "7d": datetime.timedelta(days=7)}
NOT_ATTEMPTS = [ErrorKind.SKIPPED_NO_KEY, ErrorKind.REFUSED]
# (output field, column, fraction)
PERCENTILES = [
    ("ttft_ms_p50", "ttft_ms", 0.5),
    ("ttft_ms_p95", "ttft_ms", 0.95),
    ("output_tokens_per_s_p50", "output_tokens_per_s", 0.5),
]


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`; nulls are ignored."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)r) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra) -> None:
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """The same interpolation as PostgreSQL's percentile_cont, in Python (the SQLite path)."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    position = fraction * (len(data) - 1)
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


@dataclass(frozen=True)
class ProbeWindowStats:
    attempts: int
    ok: int
    availability: float | None
    ttft_ms_p50: float | None
    ttft_ms_p95: float | None
    output_tokens_per_s_p50: float | None


@dataclass(frozen=True)
class OfferingProbeSummary:
    offering_id: int
    provider: str
    model: str
    provider_model_id: str
    probe_enabled: bool
    last_probe_at: datetime.datetime | None  # within the longest window
    last_ok_at: datetime.datetime | None
    windows: dict[str, ProbeWindowStats]


def probe_target_list(
    *, provider: str | None = None, offering_ids: Sequence[int] | None = None, today: datetime.date | None = None
) -> list[ProbeTarget]:
    """Live offerings to probe: the probe_enabled ones (of `provider`, if given), or exactly `offering_ids` if given.

    Offerings named by id are probed even when probe_enabled is off (someone asked for them); retired ones never are.
    """
    offerings = Offering.objects.live_on(today or timezone.now().date()).select_related("provider")
    offerings = (
        offerings.filter(id__in=offering_ids) if offering_ids is not None else offerings.filter(probe_enabled=True)
    )
    if provider:
        offerings = offerings.filter(provider__slug=provider)
    return [
        ProbeTarget(
            offering_id=o.id,
            provider=o.provider.slug,
            api_style=o.provider.api_style,
            base_url=o.provider.base_url,
            model_id=o.provider_model_id,
            api_key_env=o.provider.api_key_env,
        )
        for o in offerings.order_by("provider__slug", "provider_model_id", "id")
    ]


def probe_summary(
    *,
    now: datetime.datetime | None = None,
    provider: str | None = None,
    model: str | None = None,
    offering_id: int | None = None,
) -> list[OfferingProbeSummary]:
    """Per offering: stats over each of WINDOWS, for live probe_enabled offerings and any probed in the longest window.

    Three queries whatever the number of offerings or results (stats, [SQLite: ok rows], offerings).
    """
    now = now or timezone.now()
    since = {name: now - span for name, span in WINDOWS.items()}
    scope = Q()
    if provider:
        scope &= Q(provider__slug=provider)
    if model:
        scope &= Q(model__slug=model)
    if offering_id is not None:
        scope &= Q(id=offering_id)
    stats = _window_stats(now=now, since=since, offerings=Offering.objects.filter(scope))
    offerings = (
        Offering.objects.filter(scope)
        .filter(Q(id__in=list(stats)) | Q(probe_enabled=True, retired_on__isnull=True))
        .select_related("provider", "model")
        .order_by("provider__slug", "provider_model_id", "id")
    )
    empty = {
        "last_probe_at": None,
        "last_ok_at": None,
        **{name: ProbeWindowStats(0, 0, None, None, None, None) for name in WINDOWS},
    }
    summaries = []
    for offering in offerings:
        row = stats.get(offering.id, empty)
        summaries.append(
            OfferingProbeSummary(
                offering_id=offering.id,
                provider=offering.provider.slug,
                model=offering.model.slug,
                provider_model_id=offering.provider_model_id,
                probe_enabled=offering.probe_enabled,
                last_probe_at=row["last_probe_at"],
                last_ok_at=row["last_ok_at"],
                windows={name: row[name] for name in WINDOWS},
            )
        )
    return summaries


def _window_stats(*, now: datetime.datetime, since: dict[str, datetime.datetime], offerings) -> dict[int, dict]:
    """offering id -> {"last_probe_at", "last_ok_at", <window name>: ProbeWindowStats} for offerings probed lately."""
    earliest = min(since.values())
    results = ProbeResult.objects.filter(offering__in=offerings, started_at__gte=earliest, started_at__lte=now)
    in_sql = connection.vendor == "postgresql"
    annotations = {"last_probe_at": Max("started_at"), "last_ok_at": Max("started_at", filter=Q(ok=True))}
    for name, start in since.items():
        window = Q(started_at__gte=start)
        annotations[f"{name}__attempts"] = Count("id", filter=window & ~Q(error_kind__in=NOT_ATTEMPTS))
        annotations[f"{name}__ok"] = Count("id", filter=window & Q(ok=True))
        if in_sql:
            for field, column, fraction in PERCENTILES:
                annotations[f"{name}__{field}"] = PercentileCont(column, fraction, filter=window & Q(ok=True))
    rows = {row["offering_id"]: row for row in results.values("offering_id").annotate(**annotations).order_by()}
    if not in_sql:
        _add_percentiles_in_python(rows, results=results, since=since)
    return {offering_id: _shape(row, since) for offering_id, row in rows.items()}


def _add_percentiles_in_python(rows: dict[int, dict], *, results, since: dict[str, datetime.datetime]) -> None:
    samples: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for offering_id, started_at, ttft_ms, tokens_per_s in results.filter(ok=True).values_list(
        "offering_id", "started_at", "ttft_ms", "output_tokens_per_s"
    ):
        for name, start in since.items():
            if started_at >= start:
                samples[(offering_id, name, "ttft_ms")].append(ttft_ms)
                samples[(offering_id, name, "output_tokens_per_s")].append(tokens_per_s)
    for offering_id, row in rows.items():
        for name in since:
            for field, column, fraction in PERCENTILES:
                row[f"{name}__{field}"] = percentile_cont(samples[(offering_id, name, column)], fraction)


def _shape(row: dict, since: dict[str, datetime.datetime]) -> dict:
    shaped = {"last_probe_at": row["last_probe_at"], "last_ok_at": row["last_ok_at"]}
    for name in since:
        attempts, ok = row[f"{name}__attempts"], row[f"{name}__ok"]
        shaped[name] = ProbeWindowStats(
            attempts=attempts,
            ok=ok,
            availability=ok / attempts if attempts else None,
            **{field: row[f"{name}__{field}"] for field, _column, _fraction in PERCENTILES},
        )
    return shaped

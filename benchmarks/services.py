"""Writes of the score refresh, and the one entry point that refreshes any upstream by name."""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from benchmarks.models import Benchmark, BenchmarkScore
from benchmarks.sources import EPOCH, ScoreRecord, score_source, score_source_configs
from benchmarks.sources.epoch import EpochBatch, EpochSource, EpochVersion
from models_registry.models import AIModel, SourceRun
from models_registry.services import ProposalCandidate, model_proposals_record
from pricing.services import Progress, Tally, price_refresh_from_source, source_refresh_run
from pricing.sources import PRICE_SOURCES
from pricing.sources.base import Batch, Rejection, UnknownSourceError


def source_names() -> list[str]:
    """Every upstream `refresh` knows: the price sources and `epoch`, then the configured score sources."""
    return [*sorted([*PRICE_SOURCES, EPOCH]), *score_source_configs()]


def source_refresh(
    *, source: str, dry_run: bool = False, today: date | None = None, progress: Progress | None = None
) -> SourceRun:
    """Refresh the upstream called `source`, whichever kind it is; UnknownSourceError lists the known names."""
    if source in PRICE_SOURCES:
        return price_refresh_from_source(source=source, dry_run=dry_run, today=today, progress=progress)
    if source == EPOCH:
        return epoch_refresh(dry_run=dry_run, today=today, progress=progress)
    if source in score_source_configs():
        return score_refresh_from_source(source=source, dry_run=dry_run, today=today, progress=progress)
    raise UnknownSourceError(source, source_names())


def score_refresh_from_source(
    *, source: str, dry_run: bool = False, today: date | None = None, progress: Progress | None = None
) -> SourceRun:
    """Fetch one configured score upstream and upsert its scores; see pricing.services.source_refresh_run."""
    configs = score_source_configs()
    if source not in configs:
        raise UnknownSourceError(source, list(configs))
    adapter = score_source(source)

    def write(*, batch: Batch[ScoreRecord], run: SourceRun, seen_on: date, retrieved_at: datetime) -> Tally:
        return scores_record(records=batch.records, run=run, seen_on=seen_on, source_url=adapter.url)

    return source_refresh_run(
        source=source, fetch=adapter.fetch, write=write, dry_run=dry_run, today=today, progress=progress
    )


def epoch_refresh(*, dry_run: bool = False, today: date | None = None, progress: Progress | None = None) -> SourceRun:
    """Fetch Epoch AI's Benchmarking Hub zip, record its scores on the mapped benchmarks and propose the model
    versions no model holds (see benchmarks/sources/epoch.py); one SourceRun, see source_refresh_run."""
    adapter = EpochSource()

    def write(*, batch: EpochBatch, run: SourceRun, seen_on: date, retrieved_at: datetime) -> Tally:
        models = epoch_model_index(versions=batch.versions)
        records = best_per_model(batch.records, models=models)
        tally = scores_record(records=records, run=run, seen_on=seen_on, source_url=adapter.url, models=models)
        candidates = epoch_proposal_candidates(versions=batch.versions, unmatched=tally.unmatched, models=models)
        lines = model_proposals_record(candidates=candidates, run=run)
        tally.proposed += len(lines)
        tally.changes.extend(lines)
        return tally

    return source_refresh_run(
        source=EPOCH, fetch=adapter.fetch, write=write, dry_run=dry_run, today=today, progress=progress
    )


def _release_group(version: EpochVersion) -> tuple[str, date] | None:
    """Epoch's (model_group, release date) of a version: the versions of one model (its reasoning efforts, the
    hosts it was run through) share both. None when Epoch leaves either empty: such a version stands alone."""
    if not version.model_group or version.release_date is None:
        return None
    return version.model_group, version.release_date


def epoch_model_index(
    *, versions: Mapping[str, EpochVersion], models: dict[str, dict[str, Any]] | None = None
) -> dict[str, dict[str, Any]]:
    """The model index (`models`, default _model_index(): aliases and slugs), plus each Epoch version none of
    those names whose release group holds versions that do, all of one model: that model at another reasoning
    effort (`gpt-5-2025-08-07_low`) or through another host. Only aliased versions are seeded, and Epoch's own
    loader counts a model_group as one model. If the group's matched versions name two models, the others stay
    unmatched (ambiguous: an admin adds the alias). One query, or none when `models` is given."""
    index = _model_index() if models is None else models
    owners: dict[tuple[str, date], dict[int, dict[str, Any]]] = defaultdict(dict)
    for version in versions.values():
        group, model = _release_group(version), index.get(version.model_version)
        if group is not None and model is not None:
            owners[group][model["id"]] = model
    siblings = {}
    for version in versions.values():
        group = _release_group(version)
        matched = owners.get(group, {}) if group is not None else {}
        if version.model_version not in index and len(matched) == 1:
            siblings[version.model_version] = next(iter(matched.values()))
    return {**index, **siblings}


def epoch_proposal_candidates(
    *, versions: Mapping[str, EpochVersion], unmatched: Iterable[str], models: Mapping[str, Any]
) -> list[ProposalCandidate]:
    """One candidate per release group that has an unmatched version and no version any model holds (a group
    with one is that model's, or ambiguous: nothing to propose). Named after Epoch's model_group (else the
    display name, else the id), under the group's first version id in sort order, which stays the same from run
    to run: a rejected group is not proposed again, and accepting makes that id the new model's alias, through
    which the whole group then matches (epoch_model_index). A version Epoch does not describe is not proposed."""
    members: dict[tuple[str, date] | str, list[EpochVersion]] = defaultdict(list)
    for version in versions.values():
        members[_release_group(version) or version.model_version].append(version)
    candidates: dict[tuple[str, date] | str, ProposalCandidate] = {}
    for upstream_id in unmatched:
        version = versions.get(upstream_id)
        if version is None:
            continue
        key = _release_group(version) or version.model_version
        if key in candidates or any(v.model_version in models for v in members[key]):
            continue
        first, *others = sorted(members[key], key=lambda v: v.model_version)
        candidates[key] = ProposalCandidate(
            upstream_id=first.model_version,
            name=first.model_group or first.display_name or first.model_version,
            organization=first.organization,
            country=first.country,
            release_date=first.release_date,
            other_ids=tuple(v.model_version for v in others),
        )
    return list(candidates.values())


def best_per_model(
    records: Sequence[ScoreRecord], *, models: dict[str, dict[str, Any]] | None = None
) -> list[ScoreRecord]:
    """Where several upstream ids (Epoch's versions of one model at several reasoning efforts, or several runs of
    one version) match one model, keep the highest score per (model, benchmark, metric, publisher, date);
    unmatched records pass through, one per id and series. `models`: the index to match with (default
    _model_index(), one query)."""
    models = _model_index() if models is None else models
    best: dict[tuple, ScoreRecord] = {}
    for record in records:
        model = models.get(record.upstream_id)
        owner = ("model", model["id"]) if model else ("id", record.upstream_id)
        key = (owner, record.benchmark, record.metric, record.evaluated_by, record.reported_on)
        held = best.get(key)
        if held is None or record.value > held.value:
            best[key] = record
    return list(best.values())


def scores_record(
    *,
    records: Sequence[ScoreRecord],
    run: SourceRun,
    seen_on: date,
    source_url: str = "",
    models: dict[str, dict[str, Any]] | None = None,
) -> Tally:
    """Upsert scores on (model, benchmark, metric, evaluated_by, reported_on); re-running writes nothing.

    A model is found by alias, then by slug; an unknown one is listed as unmatched. An unknown benchmark
    or a value outside the benchmark's scale is refused. A record without a date counts from `seen_on`,
    unless the publisher's latest score for it already has that value, at the decimals that score was written
    with (see _same_as_written). `models` is the index to match with (default _model_index(); epoch_refresh adds
    the versions matched through their release group). Queries: a constant handful.
    """
    tally = Tally()
    benchmarks = {b.slug: b for b in Benchmark.objects.filter(slug__in={r.benchmark for r in records})}
    models = _model_index() if models is None else models
    existing, latest = _score_index(benchmark_ids=[b.id for b in benchmarks.values()])
    new_rows: list[BenchmarkScore] = []
    updates: dict[int, ScoreRecord] = {}
    seen_keys: set[tuple] = set()
    for record in records:
        benchmark = benchmarks.get(record.benchmark)
        if benchmark is None:
            tally.rejected.append(Rejection(record.upstream_id, f"unknown benchmark {record.benchmark!r}"))
            continue
        if not benchmark.scale_min <= record.value <= benchmark.scale_max:
            scale = f"{benchmark.scale_min:g}-{benchmark.scale_max:g}"
            reason = f"value {record.value:g} is outside {benchmark.slug}'s scale {scale}"
            tally.rejected.append(Rejection(record.upstream_id, reason))
            continue
        model = models.get(record.upstream_id)
        if model is None:
            tally.unmatched.append(record.upstream_id)
            continue
        series = (model["id"], benchmark.id, record.metric, record.evaluated_by)
        label = f"{model['slug']} {benchmark.slug} {record.metric} by {record.evaluated_by}"
        if record.reported_on is None:
            previous = latest.get(series)
            if previous is not None and _same_as_written(previous["value"], record.value):
                tally.unchanged += 1
                continue
        reported_on = record.reported_on or seen_on
        key = (*series, reported_on)
        if key in seen_keys:
            tally.rejected.append(Rejection(record.upstream_id, f"listed twice: {label} on {reported_on}"))
            continue
        seen_keys.add(key)
        row = existing.get(key)
        if row is None:
            new_rows.append(
                BenchmarkScore(
                    model_id=model["id"],
                    benchmark=benchmark,
                    metric=record.metric,
                    value=record.value,
                    evaluated_by=record.evaluated_by,
                    reported_on=reported_on,
                    note=record.note,
                    source_url=record.source_url or source_url,
                    source_note=f"{run.source} refresh: upstream model {record.upstream_id}",
                    source_run=run,
                )
            )
            tally.created += 1
            tally.changes.append(f"+ {label} on {reported_on}: {record.value:g}")
        elif _same(row["value"], record.value):
            tally.unchanged += 1
        else:
            updates[row["id"]] = record
            tally.updated += 1
            tally.changes.append(f"~ {label} on {reported_on}: {row['value']:g} -> {record.value:g}")

    reason = f"{run.source} refresh"
    if new_rows:
        bulk_create_with_history(new_rows, BenchmarkScore, default_change_reason=reason)
    if updates:
        rows = list(BenchmarkScore.objects.filter(id__in=updates))
        now = timezone.now()
        for row in rows:
            row.value, row.source_run, row.updated_at = updates[row.id].value, run, now
        bulk_update_with_history(
            rows, BenchmarkScore, ["value", "source_run", "updated_at"], default_change_reason=reason
        )
    return tally


def _model_index() -> dict[str, dict[str, Any]]:
    """Upstream model id -> model (id, slug): every alias, and every slug not already an alias. One query."""
    by_slug, by_alias = {}, {}
    for row in AIModel.objects.values("id", "slug", "aliases"):
        by_slug[row["slug"]] = row
        for alias in row["aliases"] or []:
            by_alias[alias] = row
    return {**by_slug, **by_alias}


def _score_index(*, benchmark_ids: list[int]) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """Existing scores on these benchmarks: by full unique key, and the latest per (model, benchmark, metric,
    evaluated_by). One query."""
    existing, latest = {}, {}
    rows = (
        BenchmarkScore.objects.filter(benchmark_id__in=benchmark_ids)
        .order_by("reported_on", "created_at", "id")
        .values("id", "model_id", "benchmark_id", "metric", "evaluated_by", "reported_on", "value")
    )
    for row in rows:
        series = (row["model_id"], row["benchmark_id"], row["metric"], row["evaluated_by"])
        existing[(*series, row["reported_on"])] = row
        latest[series] = row
    return existing, latest


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _same_as_written(stored: float, new: float) -> bool:
    """Whether `new` is `stored` at the decimals `stored` was written with: 86.174242 is the 86.2 of a row
    rounded to one decimal (the shipped reference data round Epoch's values so), 86.31 is not.

    Only for an upstream value without a date: it may be the very result a curated row already holds, and
    counting it as new would add a row dated today (making a stale benchmark look fresh). A refresh writes
    6 decimals, so its own rows still compare at that precision.
    """
    decimals = max(0, -int(Decimal(repr(stored)).normalize().as_tuple().exponent))
    return _same(stored, new) or _same(stored, round(new, decimals))

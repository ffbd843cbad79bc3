"""Writes of the refresh pipeline: one recorded run per upstream refresh, and the price upsert.

A refresh fetches first (network I/O, outside any transaction), then writes everything in one transaction
together with its SourceRun counts. Unknown upstream ids are listed on the run, never created as models.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from config.celery import single_flight
from models_registry.cache_version import registry_data_changed
from models_registry.models import AIModel, SourceRun
from models_registry.services import ProposalCandidate, model_proposals_record
from pricing.models import Offering, PricePoint, Provider
from pricing.sources import PRICE_SOURCES, price_source
from pricing.sources.base import Batch, PriceQuote, Rejection, SourceError, SourceUnavailable, UnknownSourceError

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class Tally:
    """What a write did, per upstream record: created, updated or left unchanged; or unmatched / refused.

    `changes` has one readable line per write (what `refresh --dry-run` prints).
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    proposed: int = 0  # ModelProposals added (models_registry.services.model_proposals_record)

    @property
    def wrote(self) -> bool:
        return bool(self.created or self.updated)


Writer = Callable[..., Tally]  # write(batch=, run=, seen_on=, retrieved_at=) -> Tally, inside the transaction


def source_refresh_run(
    *,
    source: str,
    fetch: Callable[[], Batch],
    write: Writer,
    dry_run: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> SourceRun:
    """Refresh one upstream and record it as one SourceRun (status ok, partial or failed).

    `fetch` runs before any transaction. `write` runs in one transaction with the run's final counts, so a
    run's writes land together or not at all; with `dry_run` that transaction is rolled back and the
    returned run (unsaved) tells what would have changed. The run carries `changes` (see Tally).
    A whole-answer problem (bad JSON, HTTP 4xx) fails the run and writes nothing; SourceUnavailable is
    re-raised after the failed run is recorded (with `.run` set), so a Celery task can retry later.
    """
    notify = progress or (lambda stage: None)
    run = SourceRun(source=source, started_at=timezone.now(), status=SourceRun.Status.RUNNING)
    run.changes = []
    if not dry_run:
        run.save()
    notify("fetch")
    try:
        batch = fetch()
    except SourceUnavailable as exc:
        _fail(run, str(exc), dry_run=dry_run)
        exc.run = run
        raise
    except SourceError as exc:
        return _fail(run, str(exc), dry_run=dry_run)
    except Exception as exc:  # a bug or a soft time limit: record it, then let it surface
        _fail(run, f"unexpected error while fetching: {exc!r}", dry_run=dry_run)
        raise
    notify("write")
    retrieved_at = timezone.now()
    seen_on = today or timezone.localdate(retrieved_at)
    try:
        with transaction.atomic():
            if dry_run:
                run.save()  # rows written below point at it; rolled back with them
            tally = write(batch=batch, run=run, seen_on=seen_on, retrieved_at=retrieved_at)
            _finish(run, batch=batch, tally=tally)
            if dry_run:
                transaction.set_rollback(True)
            elif tally.wrote:
                registry_data_changed()  # bumps the analytics cache version once this transaction commits
    except Exception as exc:
        logger.exception("refresh of %s failed while writing; nothing was written", source)
        if dry_run:
            run.pk = None
        _fail(run, f"write failed, nothing written: {exc!r}", dry_run=dry_run)
        raise
    if dry_run:
        run.pk = None
    run.changes = tally.changes
    notify("done")
    return run


def _finish(run: SourceRun, *, batch: Batch, tally: Tally) -> None:
    rejected = [*batch.rejected, *tally.rejected]
    unmatched = sorted(set(tally.unmatched))
    run.created_count, run.updated_count, run.unchanged_count = tally.created, tally.updated, tally.unchanged
    run.unmatched, run.unmatched_count = unmatched, len(unmatched)
    run.rejected, run.rejected_count = [r.as_json() for r in rejected], len(rejected)
    run.proposed_count = tally.proposed
    run.status = SourceRun.Status.PARTIAL if rejected else SourceRun.Status.OK
    run.finished_at = timezone.now()
    run.save()


def _fail(run: SourceRun, error: str, *, dry_run: bool) -> SourceRun:
    logger.warning("refresh of %s failed: %s", run.source, error)
    run.status = SourceRun.Status.FAILED
    run.error = error
    run.finished_at = timezone.now()
    if not dry_run:
        run.save()
    return run


@contextmanager
def source_refresh_lock(source: str) -> Iterator[bool]:
    """True if this caller may refresh `source` now: one refresh per source at a time (Redis SET NX),
    shared by Celery tasks and the `refresh` command. Expires with the hard task time limit."""
    with single_flight(f"source-refresh:{source}", timeout=settings.CELERY_TASK_TIME_LIMIT) as acquired:
        yield acquired


# Prices


def price_refresh_from_source(
    *, source: str, dry_run: bool = False, today: date | None = None, progress: Progress | None = None
) -> SourceRun:
    """Fetch one price upstream (`openrouter`, `litellm`) and record its prices; see source_refresh_run."""
    if source not in PRICE_SOURCES:
        raise UnknownSourceError(source, sorted(PRICE_SOURCES))
    adapter = price_source(source)

    def write(*, batch: Batch[PriceQuote], run: SourceRun, seen_on: date, retrieved_at: datetime) -> Tally:
        tally = price_points_record(
            quotes=batch.records, run=run, seen_on=seen_on, retrieved_at=retrieved_at, source_url=adapter.url
        )
        if getattr(adapter, "proposes_models", False):
            _propose_unmatched(batch.records, tally=tally, run=run)
        return tally

    return source_refresh_run(
        source=source, fetch=adapter.fetch, write=write, dry_run=dry_run, today=today, progress=progress
    )


def _propose_unmatched(quotes: Sequence[PriceQuote], *, tally: Tally, run: SourceRun) -> None:
    """Propose the unmatched ids whose author prefix (`deepseek` of `deepseek/deepseek-v4`) names a lab; a variant
    of a listing (`deepseek/deepseek-r1:free`) is a way to buy a model, not a model, and is never proposed."""
    unmatched = set(tally.unmatched)
    candidates = [
        ProposalCandidate(
            upstream_id=q.upstream_id,
            name=q.name or q.upstream_id,
            organization=q.upstream_id.split("/", 1)[0],
            release_date=q.listed_on,
        )
        for q in quotes
        if q.upstream_id in unmatched and "/" in q.upstream_id and ":" not in q.upstream_id
    ]
    lines = model_proposals_record(candidates=candidates, run=run)
    tally.proposed += len(lines)
    tally.changes.extend(lines)


@dataclass
class _Match:
    quote: PriceQuote
    offering_id: int | None  # None: a new offering, created below
    new_offering: Offering | None
    model_id: int


def price_points_record(
    *, quotes: Sequence[PriceQuote], run: SourceRun, seen_on: date, retrieved_at: datetime, source_url: str = ""
) -> Tally:
    """Upsert list prices: add a PricePoint only where an offering's price changed. Re-running writes nothing.

    Matching, per quote: the provider's offering live on `seen_on` under `provider_model_id`; else a model
    whose `aliases` hold one of the quote's ids, for which an offering is created when the provider may
    serve it (a host without a lab, or the model's own lab) and no live offering holds that id. Anything
    else is unmatched. A change is dated `seen_on` (a second change the same day updates that day's row);
    a move by more than PRICE_MAX_STEP_FACTOR is held for review (refused, not applied). Empty context
    windows of matched models are filled in; curated ones are never overwritten.
    Queries: a constant handful, whatever the number of quotes (bulk reads and bulk writes).
    """
    tally = Tally()
    providers = {p.slug: p for p in Provider.objects.filter(slug__in={q.provider for q in quotes})}
    index = _OfferingIndex(providers=list(providers.values()), day=seen_on)
    aliases = _alias_index()
    latest = _latest_list_prices(provider_ids=[p.id for p in providers.values()], day=seen_on)
    factor = Decimal(str(settings.PRICE_MAX_STEP_FACTOR))

    matches: list[_Match] = []
    seen_keys: set[tuple[str, str]] = set()
    for quote in quotes:
        if quote.offering_key in seen_keys:
            tally.rejected.append(Rejection(quote.upstream_id, "listed twice in one answer"))
            continue
        seen_keys.add(quote.offering_key)
        provider = providers.get(quote.provider)
        match = index.match(quote, provider=provider, aliases=aliases, run=run, source_url=source_url)
        if match is None:
            tally.unmatched.append(quote.upstream_id)
        else:
            matches.append(match)

    new_offerings = [m.new_offering for m in matches if m.new_offering is not None]
    if new_offerings:
        bulk_create_with_history(new_offerings, Offering, default_change_reason=f"{run.source} refresh")

    new_rows: list[PricePoint] = []
    same_day: dict[int, PriceQuote] = {}  # PricePoint id -> quote
    windows: dict[int, int] = {}  # model id -> context window to fill in
    for match in matches:
        quote = match.quote
        offering_id = match.offering_id or match.new_offering.pk
        previous = latest.get(offering_id)
        unchanged = previous is not None and _same_price(previous, quote)
        held = None if unchanged or previous is None else _held_for_review(previous, quote, factor=factor)
        if held:
            tally.rejected.append(Rejection(quote.upstream_id, held))
            continue
        fills_window = bool(
            quote.context_window and match.model_id in index.models_without_window and match.model_id not in windows
        )
        if fills_window:
            windows[match.model_id] = quote.context_window
        if unchanged:
            if fills_window:
                tally.updated += 1
                tally.changes.append(f"~ {_label(quote)}: model context window -> {quote.context_window}")
            else:
                tally.unchanged += 1
        elif previous is not None and previous["effective_from"] == seen_on:
            same_day[previous["id"]] = quote
            tally.updated += 1
            tally.changes.append(f"~ {_label(quote)}: {_show(previous)} -> {_show(quote)} (same day)")
        else:
            new_rows.append(
                PricePoint(
                    offering_id=offering_id,
                    effective_from=seen_on,
                    input_per_mtok=quote.input_per_mtok,
                    output_per_mtok=quote.output_per_mtok,
                    cached_input_per_mtok=quote.cached_input_per_mtok,
                    note=quote.note,
                    retrieved_at=retrieved_at,
                    source_run=run,
                    source_url=source_url,
                    source_note=f"{run.source} refresh: upstream id {quote.upstream_id}",
                )
            )
            tally.created += 1
            if previous is not None:
                was = f"{_show(previous)} -> "
            elif match.new_offering is not None:
                was = "new offering, "
            else:
                was = "first price "
            tally.changes.append(f"+ {_label(quote)}: {was}{_show(quote)} from {seen_on}")

    reason = f"{run.source} refresh"
    if new_rows:
        bulk_create_with_history(new_rows, PricePoint, default_change_reason=reason)
    if same_day:
        rows = list(PricePoint.objects.filter(id__in=same_day))
        now = timezone.now()
        for row in rows:
            quote = same_day[row.id]
            row.input_per_mtok, row.output_per_mtok = quote.input_per_mtok, quote.output_per_mtok
            row.cached_input_per_mtok, row.note = quote.cached_input_per_mtok, quote.note
            row.retrieved_at, row.source_run, row.updated_at = retrieved_at, run, now
        fields = [
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
            "note",
            "retrieved_at",
            "source_run",
            "updated_at",
        ]
        bulk_update_with_history(rows, PricePoint, fields, default_change_reason=reason)
    if windows:
        _context_windows_fill(windows, reason=reason)
    return tally


def _context_windows_fill(windows: dict[int, int], *, reason: str) -> None:
    """Set each model's empty context window: one UPDATE per distinct window size (a few dozen at most, where a
    bulk_update would build one CASE over thousands of rows), plus their history rows."""
    models = list(AIModel.objects.filter(id__in=windows, context_window__isnull=True))
    now = timezone.now()
    by_size: dict[int, list[int]] = defaultdict(list)
    for model in models:
        model.context_window, model.updated_at = windows[model.id], now
        by_size[model.context_window].append(model.id)
    for size, ids in by_size.items():
        AIModel.objects.filter(id__in=ids, context_window__isnull=True).update(context_window=size, updated_at=now)
    AIModel.history.bulk_history_create(models, update=True, default_change_reason=reason)


class _OfferingIndex:
    """The providers' offerings in memory (one query): live ones by API id, and which ids/starts are taken."""

    def __init__(self, *, providers: list[Provider], day: date):
        self.day = day
        self.providers_by_id = {p.id: p for p in providers}
        self.live: dict[tuple[str, str], dict[str, Any]] = {}
        self.taken_live: set[tuple[int, str]] = set()  # the DB allows one not-retired offering per (provider, id)
        self.taken_start: set[tuple[int, str, date | None]] = set()
        self.models_without_window: set[int] = set()
        rows = Offering.objects.filter(provider__in=providers).values(
            "id",
            "provider_id",
            "provider_model_id",
            "available_from",
            "retired_on",
            "model_id",
            "model__context_window",
        )
        for row in rows:
            provider_id, model_id = row["provider_id"], row["provider_model_id"]
            self.taken_start.add((provider_id, model_id, row["available_from"]))
            if row["retired_on"] is None:
                self.taken_live.add((provider_id, model_id))
            started = row["available_from"] is None or row["available_from"] <= day
            if started and (row["retired_on"] is None or row["retired_on"] > day):
                key = (self.providers_by_id[provider_id].slug, model_id)
                held = self.live.get(key)
                if held is None or (held["available_from"] or date.min) < (row["available_from"] or date.min):
                    self.live[key] = row
            if row["model__context_window"] is None:
                self.models_without_window.add(row["model_id"])

    def match(
        self,
        quote: PriceQuote,
        *,
        provider: Provider | None,
        aliases: dict[str, dict[str, Any]],
        run: SourceRun,
        source_url: str,
    ) -> _Match | None:
        if provider is None:
            return None
        row = self.live.get(quote.offering_key)
        if row is not None:
            return _Match(quote, offering_id=row["id"], new_offering=None, model_id=row["model_id"])
        model = next((aliases[a] for a in quote.aliases if a in aliases), None)
        if model is None or (provider.lab_id is not None and provider.lab_id != model["lab_id"]):
            return None
        start = quote.listed_on if quote.listed_on and quote.listed_on <= self.day else None
        if (provider.id, quote.provider_model_id) in self.taken_live or (
            (provider.id, quote.provider_model_id, start) in self.taken_start
        ):
            return None  # an admin must sort out the existing (not yet started or clashing) offering
        offering = Offering(
            model_id=model["id"],
            provider=provider,
            provider_model_id=quote.provider_model_id,
            available_from=start,
            source_url=source_url,
            source_note=f"Created by the {run.source} refresh: upstream id {quote.upstream_id} "
            f"is an alias of {model['slug']}.",
        )
        self.taken_live.add((provider.id, quote.provider_model_id))
        self.taken_start.add((provider.id, quote.provider_model_id, start))
        if model["context_window"] is None:
            self.models_without_window.add(model["id"])
        return _Match(quote, offering_id=None, new_offering=offering, model_id=model["id"])


def _alias_index() -> dict[str, dict[str, Any]]:
    """alias -> the model holding it (id, slug, lab_id, context_window), one query."""
    index = {}
    for row in AIModel.objects.exclude(aliases=[]).values("id", "slug", "lab_id", "context_window", "aliases"):
        for alias in row["aliases"] or []:
            index[alias] = row
    return index


def _latest_list_prices(*, provider_ids: list[int], day: date) -> dict[int, dict[str, Any]]:
    """offering id -> its list price in force on `day` (latest effective_from <= day), one query."""
    rows = (
        PricePoint.objects.filter(offering__provider_id__in=provider_ids, off_peak=False, effective_from__lte=day)
        .order_by("offering_id", "effective_from", "id")
        .values(
            "id",
            "offering_id",
            "effective_from",
            "effective_to",
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
        )
    )
    latest = {row["offering_id"]: row for row in rows}  # ascending order: the last row per offering wins
    return {k: v for k, v in latest.items() if v["effective_to"] is None or v["effective_to"] > day}


def _same_price(previous: dict[str, Any], quote: PriceQuote) -> bool:
    """Equal list price; an upstream that does not give a cached-input price leaves that part unknown."""
    return (
        previous["input_per_mtok"] == quote.input_per_mtok
        and previous["output_per_mtok"] == quote.output_per_mtok
        and (quote.cached_input_per_mtok is None or previous["cached_input_per_mtok"] == quote.cached_input_per_mtok)
    )


def _held_for_review(previous: dict[str, Any], quote: PriceQuote, *, factor: Decimal) -> str | None:
    """A reason to hold the quote when a price moves by more than `factor` either way (or to or from zero)."""
    parts = (
        ("input", previous["input_per_mtok"], quote.input_per_mtok),
        ("output", previous["output_per_mtok"], quote.output_per_mtok),
        ("cached input", previous["cached_input_per_mtok"], quote.cached_input_per_mtok),
    )
    for label, old, new in parts:
        if old is None or new is None or old == new:
            continue
        if old == 0 or new == 0:
            return f"held for review: {label} price {_num(old)} -> {_num(new)} USD/Mtok (to or from zero)"
        step = max(new / old, old / new)
        if step > factor:
            return (
                f"held for review: {label} price {_num(old)} -> {_num(new)} USD/Mtok moves x{step:.1f}, "
                f"more than PRICE_MAX_STEP_FACTOR={_num(factor)}"
            )
    return None


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _label(quote: PriceQuote) -> str:
    return f"{quote.provider}:{quote.provider_model_id}"


def _show(price: dict[str, Any] | PriceQuote) -> str:
    """`input/output (cached c)` in USD per million tokens, for a stored row or a quote."""
    get = price.get if isinstance(price, dict) else lambda name: getattr(price, name)
    cached = get("cached_input_per_mtok")
    shown = f"{_num(get('input_per_mtok'))}/{_num(get('output_per_mtok'))}"
    return shown if cached is None else f"{shown} (cached {_num(cached)})"

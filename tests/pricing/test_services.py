"""The price refresh end to end through the real adapters and a local upstream: counts, matching, history,
idempotency, bad upstreams, dry runs."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from models_registry.cache_version import DATA_VERSION_KEY, data_version
from models_registry.models import AIModel, Lab, SourceRun
from pricing.models import Offering, PricePoint, Provider
from pricing.services import price_points_record, price_refresh_from_source
from pricing.sources.base import PriceQuote, SourceUnavailable, UnknownSourceError
from tests.registry import build_price_registry
from tests.upstream import Answer, fixture_json

pytestmark = pytest.mark.django_db

M = Decimal
DAY1, DAY2, DAY3 = datetime.date(2026, 11, 26), datetime.date(2026, 11, 27), datetime.date(2026, 11, 28)
OPENROUTER_UNMATCHED = [
    "deepseek/deepseek-r1-0528",
    "deepseek/deepseek-r1:free",
    "google/gemini-2.5-pro",
    "meta-llama/llama-3.3-70b-instruct",
    "minimax/minimax-m2",
    "mistralai/mistral-large-2411",
    "moonshotai/kimi-k2-thinking",
    "openai/gpt-4o-mini",
    "qwen/qwen3-max",
    "x-ai/grok-4",
    "z-ai/glm-4.6",
]


@pytest.fixture
def registry(db):
    return build_price_registry()


@pytest.fixture
def openrouter(upstream, settings, fast_retries):
    """Serve the recorded catalogue; `serve(document)` swaps in another answer."""
    settings.OPENROUTER_MODELS_URL = upstream.serve_fixture("/api/v1/models", "openrouter_models.json")

    class Feed:
        @staticmethod
        def serve(*answers):
            upstream.serve("/api/v1/models", *answers)

        @staticmethod
        def serve_json(document):
            upstream.serve_json("/api/v1/models", document)

    return Feed


@pytest.fixture
def litellm(upstream, settings, fast_retries):
    settings.LITELLM_PRICES_URL = upstream.serve_fixture("/litellm.json", "litellm_prices.json")

    class Feed:
        @staticmethod
        def serve_json(document):
            upstream.serve_json("/litellm.json", document)

    return Feed


def snapshot() -> dict:
    """Everything a refresh may write, to compare before and after."""
    return {
        "prices": list(PricePoint.objects.order_by("id").values()),
        "offerings": list(Offering.objects.order_by("id").values()),
        "models": list(AIModel.objects.order_by("id").values()),
        "price_history": PricePoint.history.count(),
        "offering_history": Offering.history.count(),
        "model_history": AIModel.history.count(),
    }


def list_prices(offering: Offering) -> list[tuple]:
    rows = PricePoint.objects.filter(offering=offering, off_peak=False).order_by("effective_from")
    return [(p.effective_from, p.input_per_mtok, p.output_per_mtok, p.cached_input_per_mtok) for p in rows]


def openrouter_offering(api_id: str) -> Offering:
    return Offering.objects.get(provider__slug="openrouter", provider_model_id=api_id)


# OpenRouter: matching and the first run


def test_first_openrouter_run_records_new_prices_and_lists_the_unknown(registry, openrouter):
    run = price_refresh_from_source(source="openrouter", today=DAY1)
    run.refresh_from_db()
    assert run.source == "openrouter"
    assert run.status == SourceRun.Status.OK
    assert (run.created_count, run.updated_count, run.unchanged_count) == (2, 0, 1)
    assert run.unmatched == OPENROUTER_UNMATCHED
    assert (run.unmatched_count, run.rejected_count, run.rejected) == (11, 0, [])
    assert run.finished_at is not None and run.error == ""
    assert AIModel.objects.count() == 5  # unknown upstream models are never created


def test_openrouter_price_of_an_aliased_model_creates_its_openrouter_offering(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    offering = openrouter_offering("deepseek/deepseek-r1")
    assert offering.model == registry.models["deepseek-r1"]
    assert offering.available_from == datetime.date(2025, 1, 20)  # OpenRouter's `created`
    assert offering.retired_on is None
    assert "alias of deepseek-r1" in offering.source_note
    (point,) = offering.prices.all()
    assert (point.effective_from, point.input_per_mtok, point.output_per_mtok) == (DAY1, M("0.4"), M("2"))
    assert point.cached_input_per_mtok is None
    assert point.source_run.source == "openrouter"
    assert point.retrieved_at is not None
    assert point.source_url.endswith("/api/v1/models")
    assert offering.history.count() == 1 and point.history.count() == 1  # admin history sees refresh writes


def test_openrouter_price_attaches_to_an_existing_openrouter_offering_by_its_api_id(registry, openrouter):
    existing = registry.offerings["openrouter:anthropic/claude-sonnet-4.5"]
    existing.model.aliases = []  # matched by provider_model_id, not by alias
    existing.model.save()
    price_refresh_from_source(source="openrouter", today=DAY1)
    assert Offering.objects.filter(provider__slug="openrouter", model=existing.model).count() == 1
    assert list_prices(existing) == [(datetime.date(2025, 10, 1), M("3"), M("15"), M("0.3"))]  # unchanged


def test_openrouter_fills_an_empty_context_window_but_never_overwrites_one(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    assert AIModel.objects.get(slug="deepseek-r1").context_window == 163840  # was empty
    assert AIModel.objects.get(slug="gpt-4o").context_window == 128000  # curated, kept
    assert AIModel.objects.get(slug="claude-sonnet-4.5").context_window == 200000  # OpenRouter says 1,000,000


def test_an_alias_does_not_create_a_first_party_offering_for_another_labs_model(registry, openrouter):
    gpt = registry.models["gpt-4o"]
    gpt.aliases = ["deepseek-v4-flash-clone"]
    gpt.save()
    quote = PriceQuote(
        provider="deepseek",
        provider_model_id="deepseek-v4-flash-clone",
        upstream_id="deepseek/deepseek-v4-flash-clone",
        input_per_mtok=M("1"),
        output_per_mtok=M("2"),
        aliases=("deepseek-v4-flash-clone",),
    )
    run = SourceRun.objects.create(source="litellm", started_at=datetime.datetime.now(datetime.UTC))
    tally = price_points_record(quotes=[quote], run=run, seen_on=DAY1, retrieved_at=run.started_at)
    assert tally.unmatched == ["deepseek/deepseek-v4-flash-clone"]
    assert not Offering.objects.filter(provider_model_id="deepseek-v4-flash-clone").exists()


# Idempotency and history


def test_second_run_with_the_same_answer_writes_nothing(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    before = snapshot()
    version = data_version()
    run = price_refresh_from_source(source="openrouter", today=DAY1)
    assert (run.created_count, run.updated_count, run.unchanged_count, run.unmatched_count) == (0, 0, 3, 11)
    assert snapshot() == before
    assert data_version() == version  # nothing changed: cached analytics stay valid


def test_unchanged_price_on_a_later_day_adds_no_row(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    before = snapshot()
    run = price_refresh_from_source(source="openrouter", today=DAY3)
    assert run.created_count == 0
    assert snapshot() == before


def test_a_price_change_adds_a_row_dated_the_day_it_was_seen_and_keeps_history(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    catalogue = fixture_json("openrouter_models.json")
    r1 = next(m for m in catalogue["data"] if m["id"] == "deepseek/deepseek-r1")
    r1["pricing"].update(prompt="0.0000003", completion="0.0000012")
    openrouter.serve_json(catalogue)

    run = price_refresh_from_source(source="openrouter", today=DAY2)
    assert (run.created_count, run.updated_count, run.unchanged_count) == (1, 0, 2)
    offering = openrouter_offering("deepseek/deepseek-r1")
    assert list_prices(offering) == [(DAY1, M("0.4"), M("2"), None), (DAY2, M("0.3"), M("1.2"), None)]
    newest = offering.prices.get(effective_from=DAY2)
    assert newest.source_run_id == run.pk


def test_a_second_change_on_the_same_day_updates_that_days_row(registry, openrouter):
    catalogue = fixture_json("openrouter_models.json")
    r1 = next(m for m in catalogue["data"] if m["id"] == "deepseek/deepseek-r1")
    price_refresh_from_source(source="openrouter", today=DAY1)
    r1["pricing"].update(prompt="0.0000003")
    openrouter.serve_json(catalogue)
    first = price_refresh_from_source(source="openrouter", today=DAY2)
    r1["pricing"].update(prompt="0.00000035")
    openrouter.serve_json(catalogue)
    second = price_refresh_from_source(source="openrouter", today=DAY2)

    assert (second.created_count, second.updated_count) == (0, 1)
    offering = openrouter_offering("deepseek/deepseek-r1")
    assert list_prices(offering) == [(DAY1, M("0.4"), M("2"), None), (DAY2, M("0.35"), M("2"), None)]
    today_row = offering.prices.get(effective_from=DAY2)
    assert today_row.source_run_id == second.pk != first.pk
    assert today_row.history.count() == 2  # created, then updated


def test_a_price_that_returns_to_an_earlier_level_is_recorded_again(registry, openrouter):
    catalogue = fixture_json("openrouter_models.json")
    r1 = next(m for m in catalogue["data"] if m["id"] == "deepseek/deepseek-r1")
    price_refresh_from_source(source="openrouter", today=DAY1)
    r1["pricing"].update(prompt="0.0000003")
    openrouter.serve_json(catalogue)
    price_refresh_from_source(source="openrouter", today=DAY2)
    r1["pricing"].update(prompt="0.0000004")
    openrouter.serve_json(catalogue)
    price_refresh_from_source(source="openrouter", today=DAY3)
    prices = [row[1] for row in list_prices(openrouter_offering("deepseek/deepseek-r1"))]
    assert prices == [M("0.4"), M("0.3"), M("0.4")]


def test_an_upstream_without_a_cached_price_does_not_erase_the_known_one(registry, openrouter):
    catalogue = fixture_json("openrouter_models.json")
    claude = next(m for m in catalogue["data"] if m["id"] == "anthropic/claude-sonnet-4.5")
    del claude["pricing"]["input_cache_read"]
    openrouter.serve_json(catalogue)
    run = price_refresh_from_source(source="openrouter", today=DAY1)
    assert run.unchanged_count == 1
    assert list_prices(registry.offerings["openrouter:anthropic/claude-sonnet-4.5"])[-1][3] == M("0.3")


# Bad upstreams keep the last good data


def test_bad_records_are_rejected_with_reasons_and_the_good_ones_applied(registry, openrouter):
    catalogue = fixture_json("openrouter_models.json")
    by_id = {m["id"]: m for m in catalogue["data"]}
    by_id["openai/gpt-4o"]["pricing"]["prompt"] = "-0.0000025"
    del by_id["anthropic/claude-sonnet-4.5"]["pricing"]["completion"]
    by_id["x-ai/grok-4"]["pricing"]["prompt"] = "12"  # $12 per token: absurd
    openrouter.serve_json(catalogue)

    run = price_refresh_from_source(source="openrouter", today=DAY1)
    assert run.status == SourceRun.Status.PARTIAL
    assert run.rejected_count == 3
    assert {r["id"]: r["reason"].split(":")[0] for r in run.rejected} == {
        "openai/gpt-4o": "negative pricing.prompt",
        "anthropic/claude-sonnet-4.5": "missing pricing.completion",
        "x-ai/grok-4": "absurd pricing.prompt",
    }
    assert run.created_count == 1  # deepseek/deepseek-r1 still applied
    assert not Offering.objects.filter(provider__slug="openrouter", provider_model_id="openai/gpt-4o").exists()
    claude = registry.offerings["openrouter:anthropic/claude-sonnet-4.5"]
    assert list_prices(claude) == [(datetime.date(2025, 10, 1), M("3"), M("15"), M("0.3"))]


def test_a_jump_beyond_the_step_factor_is_held_for_review_not_applied(registry, openrouter, settings):
    settings.PRICE_MAX_STEP_FACTOR = 10
    catalogue = fixture_json("openrouter_models.json")
    claude = next(m for m in catalogue["data"] if m["id"] == "anthropic/claude-sonnet-4.5")
    claude["pricing"]["completion"] = "0.0000015"  # $15 -> $1.5: x10, allowed
    openrouter.serve_json(catalogue)
    run = price_refresh_from_source(source="openrouter", today=DAY1)
    assert run.rejected == []
    offering = registry.offerings["openrouter:anthropic/claude-sonnet-4.5"]
    assert list_prices(offering)[-1] == (DAY1, M("3"), M("1.5"), M("0.3"))

    claude["pricing"]["prompt"] = "0.0003"  # $3 -> $300: x100
    openrouter.serve_json(catalogue)
    run = price_refresh_from_source(source="openrouter", today=DAY2)
    assert run.status == SourceRun.Status.PARTIAL
    (held,) = run.rejected
    assert held["id"] == "anthropic/claude-sonnet-4.5"
    assert held["reason"].startswith("held for review: input price 3 -> 300 USD/Mtok moves x100.0")
    assert list_prices(offering)[-1] == (DAY1, M("3"), M("1.5"), M("0.3"))  # the last good price stands


def test_a_drop_to_zero_is_held_for_review(registry, openrouter):
    catalogue = fixture_json("openrouter_models.json")
    claude = next(m for m in catalogue["data"] if m["id"] == "anthropic/claude-sonnet-4.5")
    claude["pricing"].update(prompt="0", completion="0")
    openrouter.serve_json(catalogue)
    run = price_refresh_from_source(source="openrouter", today=DAY1)
    assert [r["reason"] for r in run.rejected] == ["held for review: input price 3 -> 0 USD/Mtok (to or from zero)"]


def test_malformed_json_fails_the_run_and_changes_nothing(registry, openrouter):
    price_refresh_from_source(source="openrouter", today=DAY1)
    before = snapshot()
    openrouter.serve(Answer(body=b'{"data": [{"id": "openai/gpt-4o", "pricing": {'))
    run = price_refresh_from_source(source="openrouter", today=DAY2)
    run.refresh_from_db()
    assert run.status == SourceRun.Status.FAILED
    assert "not valid JSON" in run.error
    assert (run.created_count, run.rejected_count) == (0, 0)
    assert snapshot() == before


def test_an_unreachable_upstream_fails_the_run_after_retries_and_raises_for_a_later_retry(
    registry, openrouter, upstream
):
    price_refresh_from_source(source="openrouter", today=DAY1)
    before = snapshot()
    openrouter.serve(Answer(status=503))
    with pytest.raises(SourceUnavailable) as info:
        price_refresh_from_source(source="openrouter", today=DAY2)
    run = SourceRun.objects.get(pk=info.value.run.pk)
    assert run.status == SourceRun.Status.FAILED
    assert "HTTP 503 (after 3 attempts)" in run.error
    assert upstream.hits["/api/v1/models"] == 1 + 3
    assert snapshot() == before


def test_a_failing_write_rolls_back_everything_and_records_a_failed_run(registry, openrouter, monkeypatch):
    def broken_write(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pricing.services._context_windows_fill", broken_write)  # fault injection: the last write
    before = snapshot()
    with pytest.raises(RuntimeError):
        price_refresh_from_source(source="openrouter", today=DAY1)
    assert snapshot() == before  # the offerings and prices written before the failure are gone too
    run = SourceRun.objects.get()
    assert run.status == SourceRun.Status.FAILED
    assert "disk full" in run.error


def test_unknown_source_is_refused_with_the_known_names(db):
    with pytest.raises(UnknownSourceError, match="known sources: litellm, openrouter"):
        price_refresh_from_source(source="openrouterr")


# Dry run and side effects


def test_dry_run_reports_the_plan_and_writes_nothing(registry, openrouter):
    before = snapshot()
    run = price_refresh_from_source(source="openrouter", today=DAY1, dry_run=True)
    assert (run.created_count, run.unchanged_count, run.unmatched_count) == (2, 1, 11)
    assert run.pk is None
    assert "+ openrouter:deepseek/deepseek-r1: new offering, 0.4/2 from 2026-11-26" in run.changes
    assert snapshot() == before
    assert not SourceRun.objects.exists()


def test_the_analytics_cache_version_moves_only_after_a_commit_that_wrote(
    registry, openrouter, django_capture_on_commit_callbacks
):
    version = data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        price_refresh_from_source(source="openrouter", today=DAY1)
    assert cache.get(DATA_VERSION_KEY) == version  # not yet: the callback waits for the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert data_version() == version + 1


# LiteLLM: first-party prices


def test_litellm_run_updates_first_party_prices_and_leaves_retired_ids_unmatched(registry, litellm):
    run = price_refresh_from_source(source="litellm", today=DAY1)
    assert run.status == SourceRun.Status.OK
    assert (run.created_count, run.updated_count, run.unchanged_count) == (1, 1, 2)
    # gpt-4o: same list price, but LiteLLM also gives the cached-input price the registry lacked
    assert list_prices(registry.offerings["openai:gpt-4o"])[-1] == (DAY1, M("2.5"), M("10"), M("1.25"))
    # deepseek-v4-flash: price unchanged, its empty context window filled from max_input_tokens
    assert AIModel.objects.get(slug="deepseek-v4-flash").context_window == 1_000_000
    # deepseek-reasoner is retired (it now serves no model): its price must not land on DeepSeek-R1
    assert "deepseek/deepseek-reasoner" in run.unmatched
    assert list_prices(registry.offerings["deepseek:deepseek-reasoner"]) == [
        (datetime.date(2025, 1, 20), M("0.55"), M("2.19"), M("0.14"))
    ]
    assert "gemini/gemini-2.5-pro" in run.unmatched  # the test registry has no google provider
    assert "azure/gpt-4o" not in run.unmatched  # not a registry provider: not listed at all
    assert run.unmatched_count == 18


def test_litellm_tiered_price_lands_as_its_first_tier_with_a_note(registry, litellm):
    lab = Lab.objects.create(slug="alibaba", name="Alibaba", country="CN")
    provider = Provider.objects.create(
        slug="alibaba-cloud", name="Alibaba Cloud", country="CN", lab=lab, base_url="https://dashscope.test/v1"
    )
    model = AIModel.objects.create(slug="qwen-plus", name="Qwen-Plus", lab=lab, release_date=datetime.date(2025, 9, 11))
    offering = Offering.objects.create(model=model, provider=provider, provider_model_id="qwen-plus-2025-09-11")
    run = price_refresh_from_source(source="litellm", today=DAY1)
    assert "dashscope/qwen-plus-2025-09-11" not in run.unmatched
    assert not [r for r in run.rejected if "qwen-plus" in str(r)]
    point = offering.prices.get()
    assert (point.effective_from, point.input_per_mtok, point.output_per_mtok) == (DAY1, M("0.4"), M("1.2"))
    assert "first tier (0-256,000 input tokens) is taken as the list price" in point.note


def test_litellm_second_run_writes_nothing(registry, litellm):
    price_refresh_from_source(source="litellm", today=DAY1)
    before = snapshot()
    run = price_refresh_from_source(source="litellm", today=DAY2)
    assert (run.created_count, run.updated_count) == (0, 0)
    assert snapshot() == before


def test_litellm_against_the_shipped_reference_data(reference_data, litellm):
    """The recorded LiteLLM shape matches the real registry's providers and API ids."""
    run = price_refresh_from_source(source="litellm", today=DAY1)
    assert run.status == SourceRun.Status.OK
    matched = run.created_count + run.updated_count + run.unchanged_count
    assert matched >= 12
    for api_id in ["deepseek/deepseek-reasoner", "deepseek/deepseek-chat"]:  # retired on 2026-07-24
        assert api_id in run.unmatched
    sonnet = Offering.objects.get(provider__slug="anthropic", provider_model_id="claude-sonnet-4-5-20250929")
    assert sonnet.prices.count() == 1  # 3/15/0.3 as in prices.csv: unchanged
    flash = Offering.objects.get(provider__slug="deepseek", provider_model_id="deepseek-v4-flash", retired_on=None)
    # The id now serves DeepSeek-V4.1-Flash, listed at 0.3/1.2 in prices.csv; the recorded LiteLLM entry says
    # 0.14/0.28, so the live offering gets one new list price that day, and its retired predecessors none.
    assert flash.model.slug == "deepseek-v4.1-flash"
    new = flash.prices.get(effective_from=DAY1)
    assert (new.input_per_mtok, new.output_per_mtok, new.off_peak) == (Decimal("0.14"), Decimal("0.28"), False)
    assert not PricePoint.objects.filter(
        offering__provider_model_id="deepseek-v4-flash", offering__retired_on__isnull=False, effective_from=DAY1
    ).exists()
    assert (
        Offering.objects.filter(provider__slug="mistral", provider_model_id="mistral-large-2407")
        .get()
        .prices.order_by("effective_from")
        .last()
        .effective_from
        == DAY1
    )  # $3/$9 -> $2/$6: a change
    before = snapshot()
    price_refresh_from_source(source="litellm", today=DAY2)
    assert snapshot() == before


# Speed shape: the number of queries does not grow with the number of quotes


def test_price_upsert_query_count_does_not_grow_with_quotes(registry):
    run = SourceRun.objects.create(source="openrouter", started_at=datetime.datetime.now(datetime.UTC))
    models = [
        AIModel.objects.create(slug=f"m-{i}", name=f"M {i}", lab=registry.labs["deepseek"], aliases=[f"x/m-{i}"])
        for i in range(40)
    ]

    def quotes(batch, price):
        return [
            PriceQuote(
                provider="openrouter",
                provider_model_id=f"x/{m.slug}",
                upstream_id=f"x/{m.slug}",
                input_per_mtok=M(price),
                output_per_mtok=M(price),
                aliases=(f"x/{m.slug}",),
            )
            for m in batch
        ]

    counts = []
    for batch in (models[:4], models[4:40]):
        with CaptureQueriesContext(connection) as ctx:
            price_points_record(quotes=quotes(batch, "1"), run=run, seen_on=DAY1, retrieved_at=run.started_at)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as ctx:  # the same day again, changed prices: same-day updates
        price_points_record(quotes=quotes(models, "2"), run=run, seen_on=DAY1, retrieved_at=run.started_at)
    assert len(ctx.captured_queries) <= counts[0] + 2
    assert PricePoint.objects.filter(offering__provider__slug="openrouter", input_per_mtok=2).count() == 40

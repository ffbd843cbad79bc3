"""Adapters against recorded-format fixtures, fetched for real from a local HTTP server; the retrying client."""

import copy
import json
import time
from decimal import Decimal

import pytest

from pricing.sources import litellm, openrouter
from pricing.sources.base import RecordError, SourceError, SourceUnavailable, per_token_to_mtok
from pricing.sources.http import backoff_delay, http_get
from pricing.sources.litellm import LiteLLMSource
from pricing.sources.openrouter import OpenRouterSource
from tests.upstream import Answer, fixture_bytes, fixture_json, unused_port_url

M = Decimal


def quotes_by_id(batch) -> dict:
    return {q.upstream_id: q for q in batch.records}


# OpenRouter


def test_openrouter_fetch_parses_the_catalogue_served_over_http(upstream, settings):
    settings.OPENROUTER_MODELS_URL = upstream.serve_fixture("/api/v1/models", "openrouter_models.json")
    batch = OpenRouterSource().fetch()
    quotes = quotes_by_id(batch)
    assert upstream.hits["/api/v1/models"] == 1
    assert batch.rejected == []
    r1 = quotes["deepseek/deepseek-r1"]
    assert (r1.provider, r1.provider_model_id) == ("openrouter", "deepseek/deepseek-r1")
    assert (r1.input_per_mtok, r1.output_per_mtok, r1.cached_input_per_mtok) == (M("0.4"), M("2"), None)
    assert r1.context_window == 163840
    assert str(r1.listed_on) == "2025-01-20"  # `created` 1737381095 is a unix time
    assert r1.aliases == ("deepseek/deepseek-r1",)
    gpt4o = quotes["openai/gpt-4o"]
    assert (gpt4o.input_per_mtok, gpt4o.output_per_mtok, gpt4o.cached_input_per_mtok) == (M("2.5"), M("10"), M("1.25"))


def test_openrouter_per_token_strings_become_exact_prices_per_million():
    pricing = {"prompt": "0.000000075", "completion": "0.0000001", "input_cache_read": "0.00000000375"}
    payload = {"data": [{"id": "a/b", "pricing": pricing}]}
    (quote,) = openrouter.parse(payload).records
    assert (quote.input_per_mtok, quote.output_per_mtok, quote.cached_input_per_mtok) == (
        M("0.075"),
        M("0.1"),
        M("0.00375"),
    )


def test_openrouter_router_with_variable_price_is_skipped_and_free_models_are_kept():
    quotes = quotes_by_id(openrouter.parse(fixture_json("openrouter_models.json")))
    assert "openrouter/auto" not in quotes
    assert quotes["deepseek/deepseek-r1:free"].input_per_mtok == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m["pricing"].pop("prompt"), "missing pricing.prompt"),
        (lambda m: m.pop("pricing"), "missing pricing"),
        (lambda m: m.pop("id"), "missing id"),
        (lambda m: m["pricing"].update(completion="-0.000002"), "negative pricing.completion"),
        (lambda m: m["pricing"].update(prompt="cheap"), "pricing.prompt is not a number"),
        (lambda m: m["pricing"].update(prompt="NaN"), "pricing.prompt is not a finite number"),
        (lambda m: m["pricing"].update(prompt="0.5"), "absurd pricing.prompt"),  # $500,000 per million tokens
    ],
)
def test_openrouter_bad_entry_is_rejected_with_its_reason_and_the_rest_parse(change, reason):
    payload = fixture_json("openrouter_models.json")
    bad = next(m for m in payload["data"] if m["id"] == "openai/gpt-4o")
    change(bad)
    batch = openrouter.parse(payload)
    assert len(batch.rejected) == 1
    assert batch.rejected[0].reason.startswith(reason)
    assert batch.rejected[0].upstream_id in ("openai/gpt-4o", "data[9]")
    assert len(batch.records) == len(payload["data"]) - 2  # the bad one, and openrouter/auto
    assert "openai/gpt-4o" not in quotes_by_id(batch)


@pytest.mark.parametrize("payload", [[], {"models": []}, {"data": {"id": "x"}}, "data"])
def test_openrouter_document_without_a_data_list_is_a_source_error(payload):
    with pytest.raises(SourceError, match="no `data` list"):
        openrouter.parse(payload)


def test_openrouter_answer_that_is_not_json_is_a_source_error(upstream, settings, fast_retries):
    settings.OPENROUTER_MODELS_URL = upstream.serve("/models", Answer(body=b'{"data": [{"id": '))
    with pytest.raises(SourceError, match="not valid JSON"):
        OpenRouterSource().fetch()
    assert upstream.hits["/models"] == 1  # a broken document is not retried


# LiteLLM


def test_litellm_fetch_keeps_first_party_chat_entries_only(upstream, settings):
    settings.LITELLM_PRICES_URL = upstream.serve_fixture("/prices.json", "litellm_prices.json")
    batch = LiteLLMSource().fetch()
    assert batch.rejected == []
    keys = {q.offering_key for q in batch.records}
    assert ("openai", "gpt-4o") in keys
    assert ("openai", "o3-pro") in keys  # mode "responses" is chat too
    assert ("google", "gemini-2.5-pro") in keys  # litellm_provider gemini -> registry provider google
    assert ("alibaba-cloud", "qwen-max") in keys
    assert ("zhipu", "glm-4.6") in keys
    assert ("minimax", "MiniMax-M2") in keys
    skipped = {"text-embedding-3-small", "tts-1", "whisper-1", "omni-moderation-latest", "1024-x-1024/dall-e-3"}
    skipped |= {"azure/gpt-4o", "anthropic.claude-3-5-sonnet-20240620-v1:0", "groq/llama-3.3-70b-versatile"}
    skipped |= {"openrouter/deepseek/deepseek-r1", "gpt-3.5-turbo-instruct", "sample_spec", "mistral/mistral-embed"}
    assert not skipped & {q.upstream_id for q in batch.records}
    assert all(q.provider != "vertex_ai-language-models" for q in batch.records)


def test_litellm_json_numbers_are_read_as_exact_decimals():
    quotes = quotes_by_id(litellm.parse(fixture_json("litellm_prices.json")))
    flash = quotes["deepseek/deepseek-v4-flash"]
    assert (flash.provider, flash.provider_model_id) == ("deepseek", "deepseek-v4-flash")
    assert (flash.input_per_mtok, flash.output_per_mtok, flash.cached_input_per_mtok) == (
        M("0.14"),
        M("0.28"),
        M("0.0028"),
    )
    assert flash.context_window == 1_000_000
    assert quotes["claude-sonnet-4-5-20250929"].cached_input_per_mtok == M("0.3")
    assert quotes["dashscope/qwen-max"].cached_input_per_mtok is None


def test_litellm_tiered_entry_without_a_flat_price_takes_its_first_tier_and_says_so():
    """`dashscope/qwen-plus-2025-09-11` as LiteLLM lists it: two prompt-length tiers and no flat price."""
    payload = fixture_json("litellm_prices.json")
    assert "input_cost_per_token" not in payload["dashscope/qwen-plus-2025-09-11"]
    batch = litellm.parse(payload)
    assert batch.rejected == []
    plus = quotes_by_id(batch)["dashscope/qwen-plus-2025-09-11"]
    assert (plus.provider, plus.provider_model_id) == ("alibaba-cloud", "qwen-plus-2025-09-11")
    assert (plus.input_per_mtok, plus.output_per_mtok, plus.cached_input_per_mtok) == (M("0.4"), M("1.2"), None)
    assert plus.note == (
        "LiteLLM lists 2 price tier(s) by prompt length; the first tier (0-256,000 input tokens) is taken as the "
        "list price."
    )
    assert quotes_by_id(batch)["dashscope/qwen-max"].note == ""  # a flat price needs no note


def test_litellm_first_tier_is_the_lowest_range_whatever_the_order_and_falls_back_to_flat_rates():
    payload = fixture_json("litellm_prices.json")
    entry = payload["dashscope/qwen-plus-2025-09-11"]
    entry["tiered_pricing"].reverse()
    entry["tiered_pricing"][1].pop("output_cost_per_token")  # the first tier, now listed second
    entry["output_cost_per_token"] = 2e-06
    entry["tiered_pricing"][0]["range"] = [256000.0, None]
    plus = quotes_by_id(litellm.parse(payload))["dashscope/qwen-plus-2025-09-11"]
    assert (plus.input_per_mtok, plus.output_per_mtok) == (M("0.4"), M("2"))


@pytest.mark.parametrize(
    ("tiers", "reason"),
    [
        ("cheap", "tiered_pricing is not a list of tiers"),
        ([], "tiered_pricing is not a list of tiers"),
        ([{"input_cost_per_token": 1e-07, "output_cost_per_token": 2e-07}], "tiered_pricing range is not [from, to]"),
        ([{"range": [-1, 10], "input_cost_per_token": 1e-07}], "tiered_pricing range starts at -1"),
        ([{"range": [0, 1000], "output_cost_per_token": 1e-07}], "missing tiered_pricing[first].input_cost_per_token"),
        (
            [{"range": [0, 1000], "input_cost_per_token": -1e-07, "output_cost_per_token": 1e-07}],
            "negative tiered_pricing[first].input_cost_per_token",
        ),
    ],
)
def test_litellm_bad_tiers_are_rejected_with_the_reason(tiers, reason):
    payload = fixture_json("litellm_prices.json")
    payload["dashscope/qwen-plus-2025-09-11"]["tiered_pricing"] = tiers
    rejected = {r.upstream_id: r.reason for r in litellm.parse(payload).rejected}
    assert rejected["dashscope/qwen-plus-2025-09-11"].startswith(reason), rejected


def test_litellm_prefixed_key_wins_over_the_bare_key_for_the_same_api_id():
    payload = fixture_json("litellm_prices.json")
    payload["deepseek-chat"]["input_cost_per_token"] = 9e-07  # a stale bare entry
    quotes = [q for q in litellm.parse(payload).records if q.offering_key == ("deepseek", "deepseek-chat")]
    assert [(q.upstream_id, q.input_per_mtok) for q in quotes] == [("deepseek/deepseek-chat", M("0.28"))]


def test_litellm_bad_chat_entries_are_rejected_and_unrelated_ones_ignored():
    payload = fixture_json("litellm_prices.json")
    del payload["gpt-4o"]["output_cost_per_token"]
    payload["o3"]["input_cost_per_token"] = -2e-06
    payload["zai/glm-4.6"] = "not an object"
    del payload["azure/gpt-4o"]["input_cost_per_token"]  # not a registry provider: not our business
    batch = litellm.parse(payload)
    reasons = {r.upstream_id: r.reason for r in batch.rejected}
    assert reasons == {
        "gpt-4o": "missing output_cost_per_token",
        "o3": "negative input_cost_per_token: -0.000002",
        "zai/glm-4.6": "entry is not an object",
    }


def test_litellm_document_that_is_not_an_object_is_a_source_error():
    with pytest.raises(SourceError):
        litellm.parse([{"gpt-4o": {}}])


def test_litellm_parse_reads_a_full_size_file_in_one_pass():
    """About 5,000 entries like the real file; most belong to providers that are not ours."""
    base = fixture_json("litellm_prices.json")
    big = {}
    for i in range(140):
        for key, entry in base.items():
            big[f"{key}-{i}" if key != "sample_spec" else key] = copy.deepcopy(entry)
    assert len(big) > 5000
    batch = litellm.parse(json.loads(json.dumps(big)))
    assert batch.rejected == []
    assert len(batch.records) == 140 * len(litellm.parse(base).records)


# The retrying HTTP client


def test_5xx_is_retried_with_backoff_then_succeeds(upstream, fast_retries):
    url = upstream.serve("/flaky", Answer(status=503), Answer(status=502), Answer(body=b"ok"))
    assert http_get(url) == b"ok"
    assert upstream.hits["/flaky"] == 3


def test_persistent_5xx_raises_source_unavailable_after_the_configured_attempts(upstream, fast_retries):
    url = upstream.serve("/down", Answer(status=500, body=b"oops"))
    with pytest.raises(SourceUnavailable, match=r"HTTP 500 \(after 3 attempts\)"):
        http_get(url)
    assert upstream.hits["/down"] == 3


def test_rate_limit_is_retried(upstream, fast_retries):
    url = upstream.serve("/busy", Answer(status=429), Answer(body=b"fine"))
    assert http_get(url) == b"fine"


def test_timeout_is_retried_then_raises_source_unavailable(upstream, fast_retries):
    fast_retries.SOURCE_HTTP_TIMEOUT = 0.2
    url = upstream.serve("/slow", Answer(body=b"late", delay=1.0))
    with pytest.raises(SourceUnavailable, match="timed out"):
        http_get(url)
    assert upstream.hits["/slow"] == 3


def test_timeout_then_answer_succeeds(upstream, fast_retries):
    fast_retries.SOURCE_HTTP_TIMEOUT = 0.2
    url = upstream.serve("/slow-once", Answer(delay=1.0), Answer(body=b"now"))
    assert http_get(url) == b"now"


def test_an_answer_trickling_past_the_timeout_is_cut_off_and_retried(upstream, fast_retries):
    """Every byte comes within the timeout (httpx's read timeout never fires), the whole answer would take 20 s."""
    fast_retries.SOURCE_HTTP_TIMEOUT = 0.5
    fast_retries.SOURCE_HTTP_ATTEMPTS = 2
    url = upstream.serve("/trickle", Answer(body=b'{"data": []}'.ljust(200), trickle=0.1))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match=r"timed out \(ReadTimeout\) \(after 2 attempts\)"):
        http_get(url)
    assert time.monotonic() - started < 3
    assert upstream.hits["/trickle"] == 2


def test_dropped_connection_is_retried(upstream, fast_retries):
    url = upstream.serve("/drop", Answer(drop=True), Answer(body=b"back"))
    assert http_get(url) == b"back"
    assert upstream.hits["/drop"] == 2


def test_connection_refused_raises_source_unavailable(fast_retries):
    with pytest.raises(SourceUnavailable, match="connection error"):
        http_get(unused_port_url())


def test_4xx_fails_at_once_without_retry(upstream, fast_retries):
    url = upstream.serve("/gone", Answer(status=404))
    with pytest.raises(SourceError, match="HTTP 404") as info:
        http_get(url)
    assert not isinstance(info.value, SourceUnavailable)
    assert upstream.hits["/gone"] == 1


def test_answer_over_the_size_ceiling_is_refused(upstream, fast_retries):
    fast_retries.SOURCE_HTTP_MAX_BYTES = 1000
    url = upstream.serve("/huge", Answer(body=fixture_bytes("litellm_prices.json")))
    with pytest.raises(SourceError, match="larger than 1000 bytes"):
        http_get(url)


def test_backoff_delays_grow_exponentially_with_bounded_jitter():
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (8, 30.0)]:
        delays = [backoff_delay(attempt, base=1.0, cap=30.0) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_http_get_sleeps_between_attempts_only(upstream, fast_retries):
    url = upstream.serve("/down2", Answer(status=503))
    slept = []
    with pytest.raises(SourceUnavailable):
        http_get(url, sleep=slept.append)
    assert len(slept) == 2  # 3 attempts, 2 waits
    assert slept[1] >= fast_retries.SOURCE_HTTP_BACKOFF_BASE  # second wait: at least half of base * 2


@pytest.mark.parametrize("value", ["1e30", 1e30, "9" * 40])
def test_a_price_too_large_to_round_is_refused_as_absurd_not_a_crash(value):
    """Found by the bad-input fuzz: 1e30 per token overflowed the decimal context's rounding (InvalidOperation)."""
    with pytest.raises(RecordError, match="absurd"):
        per_token_to_mtok(value, "pricing.prompt")

"""LiteLLM's community price list: first-party list prices of the providers it names.

`model_prices_and_context_window.json` (LITELLM_PRICES_URL, ~5,000 entries, 3.5 MB) maps a model key to
`input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost` (per-token USD, JSON
numbers), `litellm_provider`, `max_input_tokens` and `mode`. https://github.com/BerriAI/litellm

Only entries whose `litellm_provider` is a first-party API in the registry (PROVIDERS below) and whose
`mode` is a chat mode become quotes; the rest (Azure, Bedrock, Vertex, embeddings, images ...) are not
ours and are skipped without a word. The provider's API id is the key without its `<litellm_provider>/`
prefix (`deepseek/deepseek-chat` -> `deepseek-chat`). When a bare and a prefixed key name the same id,
the prefixed entry wins (it is the one LiteLLM routes provider-qualified calls through).

Some entries (DashScope's, e.g. `dashscope/qwen-plus-2025-09-11`) price by prompt length in `tiered_pricing`,
a list of `{"range": [from, to], "input_cost_per_token", "output_cost_per_token", ...}`, and have no flat
`input_cost_per_token`. Their first tier (the lowest `range`, what a short prompt pays) is taken as the list
price, and the quote's note says so.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings

from pricing.sources.base import (
    Batch,
    PriceQuote,
    RecordError,
    SourceError,
    optional_positive_int,
    per_token_to_mtok,
)
from pricing.sources.http import http_get
from pricing.sources.json_payload import load_json

# litellm_provider -> registry Provider slug (pricing/reference/providers.csv).
PROVIDERS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "xai": "xai",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "dashscope": "alibaba-cloud",
    "moonshot": "moonshot",
    "zai": "zhipu",
    "minimax": "minimax",
}
CHAT_MODES = {"chat", "responses"}
SKIPPED_KEYS = {"sample_spec"}  # the file's schema example, not a model


class LiteLLMSource:
    name = "litellm"

    def __init__(self, url: str | None = None):
        self.url = url or settings.LITELLM_PRICES_URL

    def fetch(self) -> Batch[PriceQuote]:
        return parse(load_json(http_get(self.url), source=self.name))


def parse(payload: Any) -> Batch[PriceQuote]:
    """Pure, one pass over the decoded file: validated quotes of mapped chat entries, and refused entries.

    A document that is not an object raises SourceError (the run fails, nothing changes).
    """
    if not isinstance(payload, dict):
        raise SourceError("litellm: the answer is not a JSON object of model entries")
    batch: Batch[PriceQuote] = Batch()
    chosen: dict[tuple[str, str], tuple[bool, PriceQuote]] = {}  # offering key -> (prefixed?, quote)
    for key, entry in payload.items():
        if key in SKIPPED_KEYS:
            continue
        if not isinstance(entry, dict):
            batch.reject(key, "entry is not an object")
            continue
        litellm_provider = entry.get("litellm_provider")
        provider = PROVIDERS.get(litellm_provider) if isinstance(litellm_provider, str) else None
        mode = entry.get("mode")
        if provider is None or not isinstance(mode, str) or mode not in CHAT_MODES:  # a list is unhashable
            continue
        prefix = f"{litellm_provider}/"
        prefixed = key.startswith(prefix)
        model_id = key[len(prefix) :] if prefixed else key
        try:
            quote = _quote(entry, key=key, provider=provider, model_id=model_id)
        except RecordError as exc:
            batch.reject(key, str(exc))
            continue
        held = chosen.get(quote.offering_key)
        if held is None or (prefixed and not held[0]):
            chosen[quote.offering_key] = (prefixed, quote)
    batch.records.extend(quote for _prefixed, quote in chosen.values())
    return batch


def _quote(entry: dict, *, key: str, provider: str, model_id: str) -> PriceQuote:
    if not model_id.strip():
        raise RecordError("empty model id")
    rates, where, note = _list_rates(entry)
    cached = rates.get("cache_read_input_token_cost")
    return PriceQuote(
        provider=provider,
        provider_model_id=model_id,
        upstream_id=key,
        input_per_mtok=per_token_to_mtok(rates.get("input_cost_per_token"), f"{where}input_cost_per_token"),
        output_per_mtok=per_token_to_mtok(rates.get("output_cost_per_token"), f"{where}output_cost_per_token"),
        cached_input_per_mtok=None
        if cached is None
        else per_token_to_mtok(cached, f"{where}cache_read_input_token_cost"),
        context_window=optional_positive_int(entry.get("max_input_tokens")),
        aliases=(key,),
        note=note,
    )


def _list_rates(entry: dict) -> tuple[dict, str, str]:
    """The per-token rates to quote, where they were read (a prefix for error messages) and the note.

    The flat fields when the entry has a flat input price (or no tiers); else the first tier of
    `tiered_pricing`, whose missing output or cache rate falls back to the entry's flat one."""
    tiers = entry.get("tiered_pricing")
    if entry.get("input_cost_per_token") is not None or tiers is None:
        return entry, "", ""
    if not isinstance(tiers, list) or not tiers or not all(isinstance(t, dict) for t in tiers):
        raise RecordError("tiered_pricing is not a list of tiers")
    starts = [_tier_bounds(tier)[0] for tier in tiers]
    first = tiers[starts.index(min(starts))]
    low, high = _tier_bounds(first)
    rates = {
        name: first.get(name, entry.get(name))
        for name in ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost")
    }
    span = f"{low:,}-{high:,}" if high is not None else f"{low:,} and more"
    note = (
        f"LiteLLM lists {len(tiers)} price tier(s) by prompt length; the first tier ({span} input tokens) is taken "
        "as the list price."
    )
    return rates, "tiered_pricing[first].", note


def _tier_bounds(tier: dict) -> tuple[int, int | None]:
    """A tier's `range` [from, to] as whole token counts (`to` may be null: no upper bound)."""
    bounds = tier.get("range")
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise RecordError(f"tiered_pricing range is not [from, to]: {bounds!r}")
    low, high = bounds
    number = int | float | Decimal  # load_json reads JSON numbers as Decimal
    if isinstance(low, bool) or not isinstance(low, number) or low < 0:
        raise RecordError(f"tiered_pricing range starts at {low!r}, not a token count")
    if high is not None and (isinstance(high, bool) or not isinstance(high, number) or high <= low):
        raise RecordError(f"tiered_pricing range ends at {high!r}, not a token count above {low!r}")
    return int(low), None if high is None else int(high)

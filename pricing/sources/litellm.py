"""LiteLLM's community price list: first-party list prices of the providers it names.

`model_prices_and_context_window.json` (LITELLM_PRICES_URL, ~5,000 entries, 3.5 MB) maps a model key to
`input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost` (per-token USD, JSON
numbers), `litellm_provider`, `max_input_tokens` and `mode`. https://github.com/BerriAI/litellm

Only entries whose `litellm_provider` is a first-party API in the registry (PROVIDERS below) and whose
`mode` is a chat mode become quotes; the rest (Azure, Bedrock, Vertex, embeddings, images ...) are not
ours and are skipped without a word. The provider's API id is the key without its `<litellm_provider>/`
prefix (`deepseek/deepseek-chat` -> `deepseek-chat`). When a bare and a prefixed key name the same id,
the prefixed entry wins (it is the one LiteLLM routes provider-qualified calls through).
"""

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
    cached = entry.get("cache_read_input_token_cost")
    return PriceQuote(
        provider=provider,
        provider_model_id=model_id,
        upstream_id=key,
        input_per_mtok=per_token_to_mtok(entry.get("input_cost_per_token"), "input_cost_per_token"),
        output_per_mtok=per_token_to_mtok(entry.get("output_cost_per_token"), "output_cost_per_token"),
        cached_input_per_mtok=None if cached is None else per_token_to_mtok(cached, "cache_read_input_token_cost"),
        context_window=optional_positive_int(entry.get("max_input_tokens")),
        aliases=(key,),
    )

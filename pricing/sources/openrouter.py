"""OpenRouter's public model catalogue: the `openrouter` provider's own (third-party) prices and context windows.

`GET https://openrouter.ai/api/v1/models` (OPENROUTER_MODELS_URL) answers `{"data": [model, ...]}`; each
model has `id` (e.g. `deepseek/deepseek-r1`), `created` (unix time it was added to OpenRouter),
`context_length`, and `pricing` with per-token USD prices as decimal strings: `prompt`, `completion`
and, where caching is offered, `input_cache_read`. https://openrouter.ai/docs/models

Every quote is for provider `openrouter` under the OpenRouter id; the id is also offered as an alias,
so a model whose `aliases` list it gets an `openrouter` offering on first sight (see pricing.services).
"""

import re
from datetime import UTC, date, datetime
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

PROVIDER = "openrouter"
# OpenRouter lists its router meta-models (openrouter/auto) with "-1": "price varies by routed model".
VARIABLE_PRICE = "-1"


class OpenRouterSource:
    name = "openrouter"
    proposes_models = True  # unmatched ids whose author prefix names a lab become ModelProposals

    def __init__(self, url: str | None = None):
        self.url = url or settings.OPENROUTER_MODELS_URL

    def fetch(self) -> Batch[PriceQuote]:
        return parse(load_json(http_get(self.url), source=self.name))


def parse(payload: Any) -> Batch[PriceQuote]:
    """Pure: the decoded catalogue in, validated quotes and refused entries out.

    A document without a `data` list raises SourceError (the run fails, nothing changes); a bad entry
    is refused with its reason and the others go on.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise SourceError("openrouter: the answer has no `data` list")
    batch: Batch[PriceQuote] = Batch()
    for position, item in enumerate(payload["data"]):
        upstream_id = item.get("id") if isinstance(item, dict) else None
        try:
            quote = parse_model(item)
        except RecordError as exc:
            named = isinstance(upstream_id, str) and upstream_id.strip()  # else by position, not a Python repr
            batch.reject(upstream_id.strip() if named else f"data[{position}]", str(exc))
            continue
        if quote is not None:
            batch.records.append(quote)
    return batch


def parse_model(item: Any) -> PriceQuote | None:
    """One catalogue entry as a quote; None for a router with variable pricing; RecordError when unusable."""
    if not isinstance(item, dict):
        raise RecordError("entry is not an object")
    upstream_id = item.get("id")
    if not isinstance(upstream_id, str) or not upstream_id.strip():
        raise RecordError("missing id")
    pricing = item.get("pricing")
    if not isinstance(pricing, dict):
        raise RecordError("missing pricing")
    if pricing.get("prompt") == VARIABLE_PRICE and pricing.get("completion") == VARIABLE_PRICE:
        return None
    cached = pricing.get("input_cache_read")
    return PriceQuote(
        provider=PROVIDER,
        provider_model_id=upstream_id,
        upstream_id=upstream_id,
        input_per_mtok=per_token_to_mtok(pricing.get("prompt"), "pricing.prompt"),
        output_per_mtok=per_token_to_mtok(pricing.get("completion"), "pricing.completion"),
        cached_input_per_mtok=None if cached in (None, "") else per_token_to_mtok(cached, "pricing.input_cache_read"),
        context_window=optional_positive_int(item.get("context_length")),
        listed_on=_day(item.get("created")),
        aliases=(upstream_id,),
        name=_display_name(item.get("name")),
    )


def _display_name(value: Any) -> str:
    """OpenRouter's display name as a model name: `OpenAI: GPT-5` -> `GPT-5`, `Qwen: Qwen3 Max` -> `Qwen3 Max`,
    but `DeepSeek: R1 0528` -> `DeepSeek R1 0528`, where the rest alone (a bare version) would not name a model."""
    if not isinstance(value, str):
        return ""
    author, sep, rest = value.partition(": ")
    if not sep or not rest.strip():
        return value.strip()[:200]
    names_a_model = re.match(r"[A-Za-z]{3,}", rest.strip()) is not None
    return (rest.strip() if names_a_model else f"{author.strip()} {rest.strip()}")[:200]


def _day(timestamp: Any) -> date | None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | Decimal):
        return None
    try:
        return datetime.fromtimestamp(float(timestamp), tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None

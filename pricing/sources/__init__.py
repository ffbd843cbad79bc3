"""Price upstreams by name. Adding one means adding a module with a Source class and a line here."""

from pricing.sources.base import PriceQuote, Source, SourceError, SourceUnavailable
from pricing.sources.litellm import LiteLLMSource
from pricing.sources.openrouter import OpenRouterSource

PRICE_SOURCES: dict[str, type] = {
    OpenRouterSource.name: OpenRouterSource,
    LiteLLMSource.name: LiteLLMSource,
}

__all__ = ["PRICE_SOURCES", "PriceQuote", "Source", "SourceError", "SourceUnavailable", "price_source"]


def price_source(name: str) -> Source[PriceQuote]:
    """A fresh adapter for `name` (its URL read from settings now); KeyError when there is none."""
    return PRICE_SOURCES[name]()

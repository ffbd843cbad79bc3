"""A small registry shaped like the shipped reference data (same slugs and API ids), for refresh tests.

Smaller than `reference_data` (which takes seconds to load), and it pins the prices the tests compare with.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from models_registry.models import AIModel, Lab
from pricing.models import Offering, PricePoint, Provider

D = datetime.date


@dataclass
class PriceRegistry:
    labs: dict[str, Lab]
    providers: dict[str, Provider]
    models: dict[str, AIModel]
    offerings: dict[str, Offering]  # "provider:api id" -> offering


def price(offering: Offering, day: datetime.date, inp: str, out: str, cached: str | None = None) -> PricePoint:
    return PricePoint.objects.create(
        offering=offering,
        effective_from=day,
        input_per_mtok=Decimal(inp),
        output_per_mtok=Decimal(out),
        cached_input_per_mtok=None if cached is None else Decimal(cached),
        source_note="test registry",
    )


def build_price_registry() -> PriceRegistry:
    labs = {
        slug: Lab.objects.create(slug=slug, name=name, country=country)
        for slug, name, country in [
            ("openai", "OpenAI", "US"),
            ("anthropic", "Anthropic", "US"),
            ("deepseek", "DeepSeek", "CN"),
        ]
    }
    providers = {
        slug: Provider.objects.create(
            slug=slug,
            name=slug.title(),
            country=labs[slug].country if slug in labs else "US",
            lab=labs.get(slug),
            base_url=f"https://api.{slug}.test/v1",
            api_key_env=f"{slug.upper()}_API_KEY",
        )
        for slug in ["openai", "anthropic", "deepseek", "openrouter"]
    }
    spec = [
        ("gpt-4o", "openai", D(2024, 5, 13), ["openai/gpt-4o"], 128000),
        ("o3", "openai", D(2025, 4, 16), [], 200000),
        ("claude-sonnet-4.5", "anthropic", D(2025, 9, 29), ["anthropic/claude-sonnet-4.5"], 200000),
        ("deepseek-r1", "deepseek", D(2025, 1, 20), ["deepseek/deepseek-r1"], None),
        ("deepseek-v4-flash", "deepseek", D(2026, 4, 24), [], None),
    ]
    models = {
        slug: AIModel.objects.create(
            slug=slug, name=slug, lab=labs[lab], release_date=released, aliases=aliases, context_window=window
        )
        for slug, lab, released, aliases, window in spec
    }

    def offer(model: str, provider: str, api_id: str, start, retired=None) -> Offering:
        return Offering.objects.create(
            model=models[model],
            provider=providers[provider],
            provider_model_id=api_id,
            available_from=start,
            retired_on=retired,
        )

    offerings = {
        "openai:gpt-4o": offer("gpt-4o", "openai", "gpt-4o", D(2024, 5, 13)),
        "openai:o3": offer("o3", "openai", "o3", D(2025, 4, 16)),
        "anthropic:claude-sonnet-4-5-20250929": offer(
            "claude-sonnet-4.5", "anthropic", "claude-sonnet-4-5-20250929", D(2025, 9, 29)
        ),
        "deepseek:deepseek-reasoner": offer(
            "deepseek-r1", "deepseek", "deepseek-reasoner", D(2025, 1, 20), retired=D(2025, 5, 28)
        ),
        "deepseek:deepseek-v4-flash": offer("deepseek-v4-flash", "deepseek", "deepseek-v4-flash", D(2026, 4, 24)),
        "openrouter:anthropic/claude-sonnet-4.5": offer(
            "claude-sonnet-4.5", "openrouter", "anthropic/claude-sonnet-4.5", D(2025, 9, 29)
        ),
    }
    price(offerings["openai:gpt-4o"], D(2024, 5, 13), "5", "15")
    price(offerings["openai:gpt-4o"], D(2024, 8, 6), "2.5", "10")
    price(offerings["openai:o3"], D(2025, 4, 16), "10", "40", "2.5")
    price(offerings["openai:o3"], D(2025, 6, 10), "2", "8", "0.5")
    price(offerings["anthropic:claude-sonnet-4-5-20250929"], D(2025, 9, 29), "3", "15", "0.3")
    price(offerings["deepseek:deepseek-reasoner"], D(2025, 1, 20), "0.55", "2.19", "0.14")
    price(offerings["deepseek:deepseek-v4-flash"], D(2026, 4, 26), "0.14", "0.28", "0.0028")
    price(offerings["openrouter:anthropic/claude-sonnet-4.5"], D(2025, 10, 1), "3", "15", "0.3")
    return PriceRegistry(labs=labs, providers=providers, models=models, offerings=offerings)

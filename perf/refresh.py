"""The price refresh at scale: a 5,000-entry upstream, first run and unchanged re-run, through the real adapters
fetching from a local HTTP server (so the timings include the fetch, parsing, matching and the writes).

- openrouter: 5,000 catalogue entries; 2,250 match existing openrouter offerings (half at a new price), 2,250 match
  a model alias (an offering is created), 500 are unknown.
- litellm: 5,000 entries shaped like the real file (most for hosts we do not track, or not chat); 1,000 match
  first-party offerings (half at a new price).

Its registry rows are added once to the seeded registry; each repetition then runs inside a transaction that is
rolled back, so every first run starts from the same state.
"""

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from perf.figures import Figure, figure

ENTRIES = 5_000
SOURCES = ("openrouter", "litellm")
URL_SETTINGS = {"openrouter": "OPENROUTER_MODELS_URL", "litellm": "LITELLM_PRICES_URL"}


def serve_upstreams(upstream) -> dict[str, str]:
    """Add the fixtures' registry rows and serve both documents; returns source -> URL (for the Celery worker)."""
    urls = {}
    for source, build in (("openrouter", seed_openrouter), ("litellm", seed_litellm)):
        urls[source] = upstream.serve_json(f"/{source}.json", build())
        setattr(settings, URL_SETTINGS[source], urls[source])
    return urls


def measure(*, repeat: int) -> list[Figure]:
    from pricing.services import price_refresh_from_source

    today = timezone.now().date()
    figures = []
    for source in SOURCES:
        first_s, rerun_s, first, rerun_writes = [], [], None, set()
        for _ in range(repeat):
            with transaction.atomic():
                before = _rows()
                start = time.perf_counter()
                run = price_refresh_from_source(source=source, today=today)
                first_s.append(time.perf_counter() - start)
                after_first = _rows()
                start = time.perf_counter()
                again = price_refresh_from_source(source=source, today=today)
                rerun_s.append(time.perf_counter() - start)
                rerun_writes.add(sum(_rows()[k] - after_first[k] for k in after_first))
                first = {
                    "run": _counts(run),
                    "rows_written": {k: after_first[k] - before[k] for k in before},
                    "rerun": _counts(again),
                }
                transaction.set_rollback(True)  # the next repetition's first run starts from the same rows
        figures.append(
            figure(f"refresh {source}: 5,000 entries, first run", first_s, unit="s", digits=3, limit=10, **first)
        )
        fig = figure(f"refresh {source}: unchanged re-run", rerun_s, unit="s", digits=3, limit=3)
        fig.extra["rows_written"] = max(rerun_writes)
        fig.target = "< 3 s, writing nothing"
        fig.passed = fig.passed and max(rerun_writes) == 0
        figures.append(fig)
    return figures


def _counts(run) -> dict:
    return {
        "status": run.status,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "unmatched": run.unmatched_count,
        "rejected": run.rejected_count,
    }


def _rows() -> dict[str, int]:
    from models_registry.models import AIModel
    from pricing.models import Offering, PricePoint

    return {
        "pricepoint": PricePoint.objects.count(),
        "pricepoint_history": PricePoint.history.count(),
        "offering": Offering.objects.count(),
        "offering_history": Offering.history.count(),
        "aimodel_history": AIModel.history.count(),
    }


def _price(i: int) -> Decimal:
    """A deterministic list price in USD per million tokens, 0.1 .. 10.0."""
    return Decimal(1 + (i * 37) % 100) / 10


def _per_token(per_mtok: Decimal) -> str:
    return f"{(per_mtok / 1_000_000).normalize():f}"


def _known_since() -> datetime.date:
    return timezone.now().date() - datetime.timedelta(days=58)


def seed_openrouter() -> dict:
    """The openrouter provider, 4,500 models (half with an openrouter offering and a price) and the catalogue."""
    from models_registry.models import AIModel, Lab
    from pricing.models import Offering, PricePoint, Provider

    lab = Lab.objects.create(slug="refresh-lab", name="Refresh Lab", country="US")
    openrouter = Provider.objects.create(
        slug="openrouter", name="OpenRouter", country="US", base_url="https://openrouter.ai/api/v1"
    )
    matched_by_id, matched_by_alias = 2_250, 2_250
    models = AIModel.objects.bulk_create(
        AIModel(
            slug=f"or-model-{i}",
            name=f"OR model {i}",
            lab=lab,
            aliases=[f"vendor-{i % 50}/or-model-{i}"] if i >= matched_by_id else [],
            context_window=None if i % 3 == 0 else 131072,  # a third still lack one: the refresh fills them
        )
        for i in range(matched_by_id + matched_by_alias)
    )
    offerings = Offering.objects.bulk_create(
        Offering(model=models[i], provider=openrouter, provider_model_id=f"vendor-{i % 50}/or-model-{i}")
        for i in range(matched_by_id)
    )
    PricePoint.objects.bulk_create(
        PricePoint(
            offering=o,
            effective_from=_known_since(),
            input_per_mtok=_price(i),
            output_per_mtok=4 * _price(i),
            cached_input_per_mtok=_price(i) / 10,
        )
        for i, o in enumerate(offerings)
    )
    data = []
    for i in range(ENTRIES):
        price = _price(i) * (Decimal("0.8") if i % 2 and i < matched_by_id else 1)  # half the known ones changed
        data.append(
            {
                "id": f"vendor-{i % 50}/or-model-{i}" if i < matched_by_id + matched_by_alias else f"unknown/model-{i}",
                "canonical_slug": f"vendor-{i % 50}/or-model-{i}-20250101",
                "name": f"Vendor {i % 50}: Model {i}",
                "created": 1735689600 + i * 600,
                "description": "A synthetic model for the refresh benchmark. " * 8,
                "context_length": 131072,
                "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"]},
                "pricing": {
                    "prompt": _per_token(price),
                    "completion": _per_token(4 * price),
                    "request": "0",
                    "image": "0",
                    "input_cache_read": _per_token(price / 10),
                },
                "top_provider": {"context_length": 131072, "max_completion_tokens": 16384, "is_moderated": False},
                "per_request_limits": None,
                "supported_parameters": ["max_tokens", "temperature", "top_p", "tools", "tool_choice", "stop"],
            }
        )
    return {"data": data}


def seed_litellm() -> dict:
    """A 5,000-entry price file shaped like LiteLLM's, and first-party offerings for 1,000 of its entries."""
    from models_registry.models import AIModel, Lab
    from pricing.models import Offering, PricePoint, Provider

    mapped = ["openai", "anthropic", "deepseek", "mistral", "xai"]
    others = ["azure", "bedrock", "vertex_ai-language-models", "groq", "together_ai", "fireworks_ai", "ollama"]
    providers = {}
    for name in mapped:
        lab = Lab.objects.create(slug=f"{name}-lab", name=name, country="US")
        providers[name] = Provider.objects.create(
            slug=name, name=name, country="US", lab=lab, base_url=f"https://api.{name}.test"
        )
    document = {"sample_spec": {"input_cost_per_token": 0.0, "litellm_provider": "one of ...", "mode": "chat"}}
    known = []
    for i in range(ENTRIES - 1):
        if i % 4 == 0:  # a first-party chat entry
            provider = mapped[i % len(mapped)]
            key = f"{provider}/model-{i}" if i % 8 else f"model-{i}"
            mode = "chat"
            if len(known) < 1_000:
                known.append((provider, f"model-{i}", i))
        else:
            provider = others[i % len(others)]
            key = f"{provider}/model-{i}"
            mode = "embedding" if i % 10 == 1 else "chat"
        price = _price(i)
        document[key] = {
            "max_tokens": 8192,
            "max_input_tokens": 128000,
            "max_output_tokens": 8192,
            "input_cost_per_token": float(price / 1_000_000),
            "output_cost_per_token": float(4 * price / 1_000_000),
            "cache_read_input_token_cost": float(price / 10_000_000),
            "litellm_provider": provider,
            "mode": mode,
            "supports_function_calling": True,
            "supports_parallel_function_calling": True,
            "supports_tool_choice": True,
            "supports_system_messages": True,
            "supports_response_schema": True,
            "supports_prompt_caching": True,
            "supports_vision": i % 3 == 0,
            "supports_reasoning": i % 5 == 0,
            "supports_web_search": False,
            "supported_endpoints": ["/v1/chat/completions", "/v1/responses"],
            "supported_modalities": ["text", "image"],
            "supported_output_modalities": ["text"],
            "tpm": 4_000_000,
            "rpm": 10_000,
            "source": f"https://docs.{provider}.example/pricing#model-{i}",
        }
    models = AIModel.objects.bulk_create(
        AIModel(slug=f"ll-model-{i}", name=f"LL model {i}", lab=providers[p].lab, context_window=128000)
        for p, _, i in known
    )
    offerings = Offering.objects.bulk_create(
        Offering(model=m, provider=providers[p], provider_model_id=api_id)
        for m, (p, api_id, _) in zip(models, known, strict=True)
    )
    PricePoint.objects.bulk_create(
        PricePoint(
            offering=o,
            effective_from=_known_since(),
            input_per_mtok=_price(i) * (Decimal("1.25") if n % 2 else 1),  # half will change
            output_per_mtok=4 * _price(i) * (Decimal("1.25") if n % 2 else 1),
            cached_input_per_mtok=_price(i) / 10,
        )
        for n, (o, (_, _, i)) in enumerate(zip(offerings, known, strict=True))
    )
    return document

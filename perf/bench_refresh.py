"""Benchmark the price refresh: a 5,000-entry upstream, first run and unchanged re-run, on PostgreSQL.

    python -m perf.bench_refresh            # targets: first run < 10 s, unchanged re-run < 3 s with zero writes

Uses its own database (PERF_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/fg_perf_refresh), created
fresh and dropped at the end (`--keep` keeps it). The upstreams are served by a local HTTP server, so the timings
include the HTTP fetch, parsing, matching and the writes. Prints JSON.

- openrouter: 5,000 catalogue entries; 2,250 match existing openrouter offerings (half of them at a new price),
  2,250 match a model alias (an offering is created), 500 are unknown.
- litellm: 5,000 entries shaped like the real file (most for hosts we do not track, or not chat); 1,000 match
  first-party offerings (half of them at a new price).
"""

import argparse
import json
import os
import sys
import time
from decimal import Decimal
from urllib.parse import urlparse

import psycopg

os.environ.setdefault("PERF_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fg_perf_refresh")
os.environ.pop("REDIS_URL", None)  # the benchmark needs no Redis; leave everyone's Redis alone

from perf.db import use_perf_database

ENTRIES = 5_000
DAY = "2026-11-28"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the perf database afterwards")
    args = parser.parse_args()
    url = use_perf_database(fresh=True)
    try:
        import django

        django.setup()
        results = {"database": urlparse(url).path.lstrip("/"), "entries": ENTRIES, "sources": {}}
        from tests.upstream import Upstream

        upstream = Upstream()
        try:
            results["sources"]["openrouter"] = bench("openrouter", upstream, seed_openrouter)
            results["sources"]["litellm"] = bench("litellm", upstream, seed_litellm)
        finally:
            upstream.close()
        print(json.dumps(results, indent=2))
    finally:
        if not args.keep:
            drop(url)


def bench(source: str, upstream, seed) -> dict:
    import datetime

    from django.conf import settings
    from django.db import connection

    from pricing.services import price_refresh_from_source

    document = seed()
    body = json.dumps(document).encode()
    path = f"/{source}.json"
    upstream.serve_json(path, document)
    setattr(settings, "OPENROUTER_MODELS_URL" if source == "openrouter" else "LITELLM_PRICES_URL", upstream.url(path))
    day = datetime.date.fromisoformat(DAY)
    connection.close()

    before = rows()
    started = time.perf_counter()
    first = price_refresh_from_source(source=source, today=day)
    first_s = time.perf_counter() - started
    after_first = rows()

    started = time.perf_counter()
    again = price_refresh_from_source(source=source, today=day)
    rerun_s = time.perf_counter() - started
    after_rerun = rows()
    rerun_writes = sum(after_rerun[k] - after_first[k] for k in after_rerun)
    return {
        "payload_bytes": len(body),
        "first_run_s": round(first_s, 3),
        "first_run": counts(first),
        "rows_written_first_run": {k: after_first[k] - before[k] for k in before},
        "rerun_s": round(rerun_s, 3),
        "rerun": counts(again),
        "rerun_rows_written": rerun_writes,
        "targets_met": first_s < 10 and rerun_s < 3 and rerun_writes == 0,
    }


def counts(run) -> dict:
    return {
        "status": run.status,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "unmatched": run.unmatched_count,
        "rejected": run.rejected_count,
    }


def rows() -> dict[str, int]:
    from models_registry.models import AIModel
    from pricing.models import Offering, PricePoint

    return {
        "pricepoint": PricePoint.objects.count(),
        "pricepoint_history": PricePoint.history.count(),
        "offering": Offering.objects.count(),
        "offering_history": Offering.history.count(),
        "aimodel": AIModel.objects.count(),
        "aimodel_history": AIModel.history.count(),
    }


def _registry_base():
    from models_registry.models import Lab
    from pricing.models import Provider

    lab, _ = Lab.objects.get_or_create(slug="perf-lab", defaults={"name": "Perf Lab", "country": "US"})
    return lab, Provider


def seed_openrouter() -> dict:
    """5,000 catalogue entries and the registry they partly match."""
    from models_registry.models import AIModel
    from pricing.models import Offering, PricePoint

    lab, provider_model = _registry_base()
    openrouter, _ = provider_model.objects.get_or_create(
        slug="openrouter", defaults={"name": "OpenRouter", "country": "US", "base_url": "https://openrouter.ai/api/v1"}
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
            effective_from="2026-10-01",
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
        lab, _ = Lab.objects.get_or_create(slug=f"{name}-lab", defaults={"name": name, "country": "US"})
        providers[name] = Provider.objects.get_or_create(
            slug=name, defaults={"name": name, "country": "US", "lab": lab, "base_url": f"https://api.{name}.test"}
        )[0]
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
            effective_from="2026-10-01",
            input_per_mtok=_price(i) * (Decimal("1.25") if n % 2 else 1),  # half will change
            output_per_mtok=4 * _price(i) * (Decimal("1.25") if n % 2 else 1),
            cached_input_per_mtok=_price(i) / 10,
        )
        for n, (o, (_, _, i)) in enumerate(zip(offerings, known, strict=True))
    )
    return document


def _price(i: int) -> Decimal:
    """A deterministic list price in USD per million tokens, 0.1 .. 10.0."""
    return Decimal(1 + (i * 37) % 100) / 10


def _per_token(per_mtok: Decimal) -> str:
    return f"{(per_mtok / 1_000_000).normalize():f}"


def drop(url: str) -> None:
    from django.db import connections

    connections.close_all()
    parsed = urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())

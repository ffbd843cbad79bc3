"""Analytics at scale: 20,000 models and 200,000 scores, timed through the API.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fg_analytics REDIS_URL=redis://127.0.0.1:6379/2 \
        python -m perf.bench_analytics [--keep]

Creates its own database (`fg_perf_analytics` on the server DATABASE_URL names; PERF_DATABASE_NAME overrides),
migrates it, bulk-loads the registry with COPY, then prints JSON: the gap endpoint computed cold (target
< 0.5 s), the same response served from the cache (target < 20 ms; Redis when REDIS_URL is set), and the
frontier, cost-ratio and summary endpoints cold. Drops the database at the end unless --keep.
"""

import datetime
import json
import os
import random
import sys
import time

from perf.common import scratch_database, timings

N_MODELS = 20_000
N_SCORES = 200_000
N_LABS = 200
SEED = 20250131
LAB_COUNTRIES = ["US"] * 40 + ["CN"] * 40 + ["FR"] * 10 + ["GB"] * 10  # percent of labs
BENCHMARKS = [  # slug, higher_is_better, scale_max, main metric, other metric
    ("gpqa-diamond", True, 100, "pass@1", "cons@64"),
    ("aime-2024", True, 100, "pass@1", "cons@64"),
    ("math-500", True, 100, "pass@1", "maj@8"),
    ("livecodebench", True, 100, "pass@1", "pass@5"),
    ("codeforces-elo", True, 4000, "elo", "percentile"),
    ("swe-bench-verified", True, 100, "resolved", "pass@1"),
    ("mmlu", True, 100, "pass@1", "5-shot"),
    ("mmlu-pro", True, 100, "pass@1", "5-shot"),
    ("simpleqa", True, 100, "pass@1", "f1"),
    ("hallucination-rate", False, 100, "rate", "rate-strict"),
]
FIRST_DAY = datetime.date(2020, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days


def copy_rows(model, rows: list[dict]) -> None:
    """COPY `rows` (field name -> value, ids included) into `model`'s table; other fields get their defaults."""
    from django.db import connection
    from django.db.models import JSONField
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(f'"{f.column}"' for f in fields)

    def value(field, row):
        name = field.attname if field.attname in row else field.name
        if name in row:
            v = row[name]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            v = now
        elif field.has_default():
            v = field.get_default()
        else:
            v = None if field.null else ""
        return Jsonb(v) if isinstance(field, JSONField) else v

    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([value(f, row) for f in fields])
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{model._meta.db_table}\"', 'id'), "
            f'(SELECT MAX(id) FROM "{model._meta.db_table}"))'
        )


def seed() -> dict:
    """Labs, providers, models, benchmarks, scores, offerings and prices; returns the row counts."""
    from benchmarks.models import Benchmark, BenchmarkScore
    from models_registry.models import AIModel, Lab
    from pricing.models import Offering, PricePoint, Provider

    rng = random.Random(SEED)
    labs = [
        {"id": i, "slug": f"lab-{i}", "name": f"Lab {i}", "country": LAB_COUNTRIES[i % len(LAB_COUNTRIES)]}
        for i in range(1, N_LABS + 1)
    ]
    copy_rows(Lab, labs)
    providers = [
        {
            "id": lab["id"],
            "slug": f"api-{lab['id']}",
            "name": f"API {lab['id']}",
            "country": lab["country"],
            "lab_id": lab["id"],
            "base_url": "https://api.example.com/v1",
        }
        for lab in labs
    ] + [
        {
            "id": N_LABS + h,
            "slug": f"host-{h}",
            "name": f"Host {h}",
            "country": "US",
            "lab_id": None,
            "base_url": "https://host.example.com/v1",
        }
        for h in range(1, 6)
    ]
    copy_rows(Provider, providers)
    models = []
    for i in range(1, N_MODELS + 1):
        lab = labs[rng.randrange(N_LABS)]
        released = None if rng.random() < 0.02 else FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        models.append(
            {
                "id": i,
                "slug": f"model-{i}",
                "name": f"Model {i}",
                "lab_id": lab["id"],
                "release_date": released,
                "_lab": lab,
            }
        )
    copy_rows(AIModel, [{k: v for k, v in m.items() if k != "_lab"} for m in models])
    copy_rows(
        Benchmark,
        [
            {
                "id": n,
                "slug": slug,
                "name": slug,
                "category": "math",
                "higher_is_better": hib,
                "scale_min": 0,
                "scale_max": top,
            }
            for n, (slug, hib, top, _main, _other) in enumerate(BENCHMARKS, start=1)
        ],
    )
    scores, seen = [], set()
    while len(scores) < N_SCORES:
        m = models[rng.randrange(N_MODELS)]
        n = rng.randrange(len(BENCHMARKS))
        _slug, hib, top, main, other = BENCHMARKS[n]
        metric = main if rng.random() < 0.9 else other
        by = m["_lab"]["slug"] if rng.random() < 0.6 else f"evals-org-{rng.randrange(20)}"
        base = m["release_date"] or FIRST_DAY
        reported = base + datetime.timedelta(days=rng.randrange(90))
        key = (m["id"], n, metric, by, reported)
        if key in seen:
            continue
        seen.add(key)
        progress = ((base - FIRST_DAY).days / DAYS) if m["release_date"] else 0.5
        quality = 0.2 + 0.6 * progress + rng.gauss(0, 0.12)
        quality = min(max(quality, 0.0), 1.0)
        value = round((quality if hib else 1 - quality) * top, 1)
        scores.append(
            {
                "id": len(scores) + 1,
                "model_id": m["id"],
                "benchmark_id": n + 1,
                "metric": metric,
                "value": value,
                "evaluated_by": by,
                "reported_on": reported,
            }
        )
    copy_rows(BenchmarkScore, scores)
    offerings, prices = [], []
    for m in models:
        if rng.random() >= 0.5:
            continue
        hosts = [m["_lab"]["id"]] + ([N_LABS + 1 + rng.randrange(5)] if rng.random() < 0.2 else [])
        for provider_id in hosts:
            offering_id = len(offerings) + 1
            start = m["release_date"] or FIRST_DAY
            offerings.append(
                {
                    "id": offering_id,
                    "model_id": m["id"],
                    "provider_id": provider_id,
                    "provider_model_id": m["slug"],
                    "available_from": start,
                }
            )
            price_in = round(rng.uniform(0.05, 20), 2)
            day = start
            for _ in range(rng.randint(1, 3)):
                prices.append(
                    {
                        "id": len(prices) + 1,
                        "offering_id": offering_id,
                        "effective_from": day,
                        "input_per_mtok": price_in,
                        "output_per_mtok": round(price_in * 4, 2),
                        "off_peak": False,
                    }
                )
                if rng.random() < 0.1:
                    prices.append(
                        {
                            "id": len(prices) + 1,
                            "offering_id": offering_id,
                            "effective_from": day,
                            "effective_to": day + datetime.timedelta(days=120),
                            "input_per_mtok": round(price_in / 4, 4),
                            "output_per_mtok": round(price_in, 4),
                            "off_peak": True,
                        }
                    )
                day += datetime.timedelta(days=rng.randint(30, 400))
                price_in = round(price_in * rng.uniform(0.3, 0.9), 4)
    copy_rows(Offering, offerings)
    copy_rows(PricePoint, prices)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "labs": len(labs),
        "models": len(models),
        "scores": len(scores),
        "offerings": len(offerings),
        "price_points": len(prices),
    }


def measure() -> dict:
    from django.test import Client

    from dashboards.cache import analytics_cache_bump

    client = Client(HTTP_ACCEPT="application/json")

    def get(path: str) -> dict:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
        return response.json()

    def cold() -> None:
        analytics_cache_bump()  # outside any transaction: runs at once

    gap = "/api/v1/analytics/gap/?benchmark=gpqa-diamond"
    body = get(gap)
    figures = {
        "gap_cold": timings(lambda: get(gap), repeat=7, before=cold),
        "gap_cached": timings(lambda: get(gap), repeat=100),
        "gap_cold_lower_is_better": timings(
            lambda: get("/api/v1/analytics/gap/?benchmark=hallucination-rate"), repeat=5, before=cold
        ),
        "frontier_cold": timings(
            lambda: get("/api/v1/analytics/frontier/?benchmark=gpqa-diamond&countries=US,CN,FR,GB"),
            repeat=5,
            before=cold,
        ),
        "cost_ratio_cold": timings(
            lambda: get("/api/v1/analytics/cost-ratio/?benchmark=gpqa-diamond&providers=all&include_off_peak=true"),
            repeat=5,
            before=cold,
        ),
        "summary_cold": timings(lambda: get("/api/v1/analytics/summary/"), repeat=3, before=cold),
    }
    figures["gap_response"] = {
        "series_points": len(body["series"]),
        "lags": len(body["lags"]),
        "current_gap": body["current"]["gap"],
    }
    return figures


def main() -> None:
    keep = "--keep" in sys.argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production-like: DEBUG off (no query log), a dedicated cache key prefix.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "perf-benchmark-only")
    os.environ["CACHE_KEY_PREFIX"] = "fg-perf"
    name = os.environ.get("PERF_DATABASE_NAME", "fg_perf_analytics")
    with scratch_database(name, keep=keep):
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        counts = seed()
        seeded = time.perf_counter() - start
        figures = measure()
        from django.conf import settings

        report = {
            "database": name,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "rows": counts,
            "seed_seconds": round(seeded, 1),
            **figures,
            "targets": {"gap_cold_median_ms": 500, "gap_cached_median_ms": 20},
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

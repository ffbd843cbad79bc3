"""REST API list speed at scale: seed a throwaway database, time list, filtered, `?at=` and CSV requests, print JSON.

    python perf/api_lists.py [--models 2000] [--repeat 5]

Uses DATABASE_URL's server (SQLite in memory without it) but its own database `<name>_apiperf`, created and
dropped here. Each figure is the median wall time of `--repeat` in-process requests (Django test client, no
network), with the number of SQL queries one request ran.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from rest_framework.throttling import SimpleRateThrottle  # noqa: E402


def seed(models: int) -> None:
    """`models` models over 20 labs, 2 offerings each (first-party and a host), 3 prices per offering, 4 scores each."""
    from benchmarks.models import Benchmark, BenchmarkScore
    from models_registry.models import AIModel, Lab
    from pricing.models import Offering, PricePoint, Provider

    labs = Lab.objects.bulk_create(
        Lab(slug=f"lab-{i}", name=f"Lab {i}", country="US" if i % 2 else "CN") for i in range(20)
    )
    own = Provider.objects.bulk_create(
        Provider(
            slug=f"api-{lab.slug}", name=f"{lab.name} API", country=lab.country, lab=lab, base_url="https://x.example"
        )
        for lab in labs
    )
    host = Provider.objects.create(slug="host", name="Host", country="US", base_url="https://h.example")
    day0 = datetime.date(2024, 1, 1)
    rows = AIModel.objects.bulk_create(
        AIModel(
            slug=f"m-{i}.0", name=f"Model {i}", lab=labs[i % 20], release_date=day0 + datetime.timedelta(days=i % 700)
        )
        for i in range(models)
    )
    offerings = Offering.objects.bulk_create(
        [Offering(model=m, provider=own[i % 20], provider_model_id=m.slug) for i, m in enumerate(rows)]
        + [Offering(model=m, provider=host, provider_model_id=f"h/{m.slug}") for m in rows]
    )
    PricePoint.objects.bulk_create(
        PricePoint(
            offering=o,
            effective_from=day0 + datetime.timedelta(days=100 * k),
            input_per_mtok=Decimal(k + 1),
            output_per_mtok=Decimal(4 * (k + 1)),
        )
        for o in offerings
        for k in range(3)
    )
    benches = Benchmark.objects.bulk_create(Benchmark(slug=f"b-{i}", name=f"B {i}", category="math") for i in range(4))
    BenchmarkScore.objects.bulk_create(
        BenchmarkScore(model=m, benchmark=b, metric="pass@1", value=50, evaluated_by=m.lab.slug, reported_on=day0)
        for m in rows
        for b in benches
    )


def measure(client: Client, url: str, repeat: int) -> dict:
    client.get(url)  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None}  # measure the API, not the throttle
    settings_dict = connection.settings_dict
    settings_dict.setdefault("TEST", {})["NAME"] = (
        None if connection.vendor == "sqlite" else f"{settings_dict['NAME']}_apiperf"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        seed(args.models)
        seeded_s = time.perf_counter() - start
        client = Client()
        urls = [
            "/api/v1/models/?page_size=100",
            "/api/v1/models/?page_size=500&country=CN&ordering=-release_date",
            "/api/v1/offerings/?page_size=500&first_party=true",
            "/api/v1/prices/?page_size=500",
            "/api/v1/prices/?page_size=500&at=2024-06-01",
            "/api/v1/scores/?page_size=500&country=US",
            "/api/v1/models/?format=csv",
            "/api/v1/prices/?format=csv&at=2024-06-01",
        ]
        results = [measure(client, url, args.repeat) for url in urls]
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "models": args.models,
                    "seed_s": round(seeded_s, 1),
                    "results": results,
                },
                indent=2,
            )
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

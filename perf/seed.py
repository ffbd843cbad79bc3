"""Seed a synthetic registry at scale with PostgreSQL COPY (fast bulk loads, with progress).

Full scale: 300 labs, 20,000 models, 30 benchmarks, 200,000 scores, 30,000 offerings with 60,000
price points, 1,000,000 probe results. `small` is a twentieth of that. Deterministic (seeded RNG).
"""

import datetime
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from tqdm import tqdm


@dataclass(frozen=True)
class Scale:
    labs: int
    models: int
    benchmarks: int
    scores: int
    offerings: int
    prices_per_offering: int
    probes: int
    probed_offerings: int


SCALES = {
    "full": Scale(300, 20_000, 30, 200_000, 30_000, 2, 1_000_000, 2_000),
    "small": Scale(60, 1_000, 10, 10_000, 1_500, 2, 50_000, 200),
}
COUNTRIES = ["US"] * 4 + ["CN"] * 4 + ["FR", "GB"]
FIRST_DAY = datetime.date(2022, 1, 1)
LAST_DAY = datetime.date(2026, 11, 1)
TABLES = [
    "benchmarks_proberesult",
    "benchmarks_benchmarkscore",
    "pricing_pricepoint",
    "pricing_offering",
    "pricing_provider",
    "benchmarks_benchmark",
    "models_registry_aimodel",
    "models_registry_lab",
]


def seed(scale: Scale, *, seed_value: int = 7, progress: bool = True) -> dict[str, int]:
    """Empty the registry tables and fill them at `scale`. Returns row counts per table."""
    rng = random.Random(seed_value)
    now = timezone.now()
    days = (LAST_DAY - FIRST_DAY).days
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    counts = {}

    def load(table: str, columns: list[str], rows: Iterable[tuple], total: int) -> None:
        counts[table] = _copy(table, columns, rows, total=total, progress=progress)

    lab_country = [COUNTRIES[i % len(COUNTRIES)] for i in range(scale.labs)]
    load(
        "models_registry_lab",
        [
            "slug",
            "name",
            "country",
            "headquarters_city",
            "website",
            "source_url",
            "source_note",
            "created_at",
            "updated_at",
        ],
        ((f"lab-{i}", f"Lab {i}", lab_country[i], "", "", "", "synthetic", now, now) for i in range(scale.labs)),
        scale.labs,
    )
    model_lab = [rng.randrange(scale.labs) + 1 for _ in range(scale.models)]
    release = [FIRST_DAY + datetime.timedelta(days=rng.randrange(days)) for _ in range(scale.models)]
    load(
        "models_registry_aimodel",
        [
            "slug",
            "name",
            "lab_id",
            "release_date",
            "open_weights",
            "license",
            "reasoning",
            "aliases",
            "source_url",
            "source_note",
            "created_at",
            "updated_at",
        ],
        (
            (
                f"model-{i}.0",
                f"Model {i}",
                model_lab[i],
                release[i],
                i % 2 == 0,
                "",
                i % 3 == 0,
                json.dumps([f"perf/model-{i}"]),
                "",
                "synthetic",
                now,
                now,
            )
            for i in range(scale.models)
        ),
        scale.models,
    )
    load(
        "benchmarks_benchmark",
        ["slug", "name", "category", "higher_is_better", "scale_min", "scale_max", "url", "created_at", "updated_at"],
        ((f"bench-{i}", f"Bench {i}", "math", i % 10 != 9, 0, 100, "", now, now) for i in range(scale.benchmarks)),
        scale.benchmarks,
    )

    def score_rows() -> Iterator[tuple]:
        seen = set()
        while len(seen) < scale.scores:
            model, bench = rng.randrange(scale.models), rng.randrange(scale.benchmarks)
            if (model, bench) in seen:
                continue
            seen.add((model, bench))
            base = (release[model] - FIRST_DAY).days / days * 60 + 20
            reported = min(release[model] + datetime.timedelta(days=rng.randrange(30)), LAST_DAY)
            yield (
                model + 1,
                bench + 1,
                "pass@1",
                round(min(100.0, max(0.0, rng.gauss(base, 8))), 1),
                f"lab-{model_lab[model] - 1}",
                reported,
                "",
                "",
                "synthetic",
                now,
                now,
            )

    load(
        "benchmarks_benchmarkscore",
        [
            "model_id",
            "benchmark_id",
            "metric",
            "value",
            "evaluated_by",
            "reported_on",
            "note",
            "source_url",
            "source_note",
            "created_at",
            "updated_at",
        ],
        score_rows(),
        scale.scores,
    )
    providers = scale.labs + 10  # one first-party provider per lab, plus ten hosts
    load(
        "pricing_provider",
        [
            "slug",
            "name",
            "country",
            "lab_id",
            "base_url",
            "api_style",
            "api_key_env",
            "created_at",
            "updated_at",
        ],
        (
            (
                f"provider-{i}",
                f"Provider {i}",
                lab_country[i] if i < scale.labs else "US",
                i + 1 if i < scale.labs else None,
                "https://api.example.com/v1",
                "openai",
                "EXAMPLE_API_KEY",
                now,
                now,
            )
            for i in range(providers)
        ),
        providers,
    )
    offering_model = [i % scale.models for i in range(scale.offerings)]
    load(
        "pricing_offering",
        [
            "model_id",
            "provider_id",
            "provider_model_id",
            "available_from",
            "retired_on",
            "probe_enabled",
            "source_url",
            "source_note",
            "created_at",
            "updated_at",
        ],
        (
            (
                m + 1,
                model_lab[m] if i < scale.models else scale.labs + 1 + i % 10,
                f"model-{m}.0",
                release[m],
                None,
                i < scale.probed_offerings,
                "",
                "synthetic",
                now,
                now,
            )
            for i, m in enumerate(offering_model)
        ),
        scale.offerings,
    )

    def price_rows() -> Iterator[tuple]:
        for i, m in enumerate(offering_model):
            price = round(rng.uniform(0.05, 20), 3)
            for step in range(scale.prices_per_offering):
                day = min(release[m] + datetime.timedelta(days=90 * step), LAST_DAY - datetime.timedelta(days=1))
                if step and day <= release[m]:
                    break
                yield (i + 1, day, None, price, price * 4, None, False, "", None, "", "synthetic", now, now)
                price = round(price * 0.6, 3)

    load(
        "pricing_pricepoint",
        [
            "offering_id",
            "effective_from",
            "effective_to",
            "input_per_mtok",
            "output_per_mtok",
            "cached_input_per_mtok",
            "off_peak",
            "note",
            "retrieved_at",
            "source_url",
            "source_note",
            "created_at",
            "updated_at",
        ],
        price_rows(),
        scale.offerings * scale.prices_per_offering,
    )

    def probe_rows() -> Iterator[tuple]:
        span = 7 * 24 * 3600
        for i in range(scale.probes):
            ok = rng.random() > 0.03
            ttft = rng.lognormvariate(6, 0.5) if ok else None
            started = now - datetime.timedelta(seconds=rng.randrange(span))
            yield (
                i % scale.probed_offerings + 1,
                started,
                ok,
                "" if ok else "http_5xx",
                200 if ok else 503,
                ttft,
                ttft + 900 if ok else None,
                20 if ok else None,
                64 if ok else None,
                rng.uniform(20, 120) if ok else None,
            )

    load(
        "benchmarks_proberesult",
        [
            "offering_id",
            "started_at",
            "ok",
            "error_kind",
            "http_status",
            "ttft_ms",
            "total_ms",
            "input_tokens",
            "output_tokens",
            "output_tokens_per_s",
        ],
        probe_rows(),
        scale.probes,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
    return counts


def _copy(table: str, columns: list[str], rows: Iterable[tuple], *, total: int, progress: bool) -> int:
    written = 0
    bar = tqdm(total=total, desc=f"seed {table}", unit="row", disable=not progress, leave=False)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
            if written % 10_000 == 0:
                bar.update(10_000)
    bar.update(written % 10_000)
    bar.close()
    return written

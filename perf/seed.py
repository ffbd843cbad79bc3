"""Seed a synthetic registry at scale with PostgreSQL COPY (fast bulk loads, with progress).

Full scale: 300 labs, 20,000 models, 30 benchmarks, 200,000 scores, 30,000 offerings with 60,000 price points,
1,000,000 probe results. `small` is a twentieth of that. Deterministic (seeded RNG), and shaped so the
analytics have real work: ten named benchmarks (the pages default to gpqa-diamond) plus synthetic ones, one in
ten lower-is-better; a main metric and a second one; 60% self-reported scores and the rest by evaluation orgs,
several reports per model; 2% of models without a release date; first-party offerings for every model and host
offerings for half, 5% retired, price cuts over time and some off-peak discounts; probe results every 30 minutes
for the probe-enabled offerings, reaching back past the 90-day retention so pruning has work.
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
    name: str
    labs: int
    models: int
    benchmarks: int
    scores: int
    offerings: int
    price_points: int
    probes: int
    probed_offerings: int


SCALES = {
    "full": Scale("full", 300, 20_000, 30, 200_000, 30_000, 60_000, 1_000_000, 200),
    "small": Scale("small", 60, 1_000, 10, 10_000, 1_500, 3_000, 50_000, 10),
}
COUNTRIES = ["US"] * 4 + ["CN"] * 4 + ["FR", "GB"]
FIRST_DAY = datetime.date(2022, 1, 1)
DAYS = 1400  # releases up to late 2025; scores are reported within 90 days of a release
# slug, higher_is_better, scale_max, main metric, second metric
NAMED_BENCHMARKS = [
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
HOSTS = 10
PROBE_INTERVAL = datetime.timedelta(minutes=30)
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


def benchmark_specs(count: int) -> list[tuple[str, bool, int, str, str]]:
    extra = [(f"bench-{i}", i % 10 != 9, 100, "pass@1", "maj@8") for i in range(count - len(NAMED_BENCHMARKS))]
    return (NAMED_BENCHMARKS + extra)[:count]


def seed(scale: Scale, *, seed_value: int = 7, progress: bool = True) -> dict[str, int]:
    """Empty the registry tables and fill them at `scale`. Returns row counts per table."""
    rng = random.Random(seed_value)
    now = timezone.now()
    stamps = (now, now)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    counts: dict[str, int] = {}

    def load(table: str, columns: str, rows: Iterable[tuple], total: int) -> None:
        counts[table] = _copy(table, columns.split(), rows, total=total, progress=progress)

    # Labs and their first-party providers (ids 1..labs), then the hosts.
    lab_country = [COUNTRIES[i % len(COUNTRIES)] for i in range(scale.labs)]
    load(
        "models_registry_lab",
        "id slug name country headquarters_city website aliases source_url source_note created_at updated_at",
        (
            (i + 1, f"lab-{i}", f"Lab {i}", lab_country[i], "", "", "[]", "", "synthetic", *stamps)
            for i in range(scale.labs)
        ),
        scale.labs,
    )
    providers = [(i + 1, f"api-{i}", lab_country[i], i + 1) for i in range(scale.labs)]
    providers += [(scale.labs + h + 1, f"host-{h}", "US", None) for h in range(HOSTS)]
    load(
        "pricing_provider",
        "id slug name country lab_id base_url api_style api_key_env created_at updated_at",
        (
            (pk, slug, slug.title(), country, lab, "https://api.example.com/v1", "openai", "EXAMPLE_API_KEY", *stamps)
            for pk, slug, country, lab in providers
        ),
        len(providers),
    )

    model_lab = [rng.randrange(scale.labs) for _ in range(scale.models)]
    release = [
        None if rng.random() < 0.02 else FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))
        for _ in range(scale.models)
    ]
    load(
        "models_registry_aimodel",
        "id slug name lab_id release_date open_weights license reasoning aliases context_window "
        "source_url source_note created_at updated_at",
        (
            (
                i + 1,
                f"model-{i}.0",
                f"Model {i}",
                model_lab[i] + 1,
                release[i],
                i % 2 == 0,
                "",
                i % 3 == 0,
                json.dumps([f"lab-{model_lab[i]}/model-{i}"]),
                None if i % 4 == 0 else 131072,
                "",
                "synthetic",
                *stamps,
            )
            for i in range(scale.models)
        ),
        scale.models,
    )

    specs = benchmark_specs(scale.benchmarks)
    load(
        "benchmarks_benchmark",
        "id slug name category higher_is_better scale_min scale_max url in_index created_at updated_at",
        (
            (n + 1, slug, slug.replace("-", " ").title(), "math", hib, 0, top, "", True, *stamps)
            for n, (slug, hib, top, _main, _other) in enumerate(specs)
        ),
        len(specs),
    )

    def score_rows() -> Iterator[tuple]:
        seen: set[tuple] = set()
        while len(seen) < scale.scores:
            m, n = rng.randrange(scale.models), rng.randrange(len(specs))
            _slug, hib, top, main, other = specs[n]
            metric = main if rng.random() < 0.9 else other
            by = f"lab-{model_lab[m]}" if rng.random() < 0.6 else f"evals-org-{rng.randrange(20)}"
            base = release[m] or FIRST_DAY
            reported = base + datetime.timedelta(days=rng.randrange(90))
            key = (m, n, metric, by, reported)
            if key in seen:
                continue
            seen.add(key)
            progress_ = (base - FIRST_DAY).days / DAYS if release[m] else 0.5
            quality = min(max(0.2 + 0.6 * progress_ + rng.gauss(0, 0.12), 0.0), 1.0)
            value = round((quality if hib else 1 - quality) * top, 1)
            yield (len(seen), m + 1, n + 1, metric, value, by, reported, "", "", "synthetic", *stamps)

    load(
        "benchmarks_benchmarkscore",
        "id model_id benchmark_id metric value evaluated_by reported_on note source_url source_note "
        "created_at updated_at",
        score_rows(),
        scale.scores,
    )

    # Offerings: one first-party offering per model, then host offerings for models picked at random.
    hosted = rng.sample(range(scale.models), scale.offerings - scale.models)
    offering_model = list(range(scale.models)) + hosted
    offering_start = [release[m] or FIRST_DAY for m in offering_model]
    retired = [
        offering_start[i] + datetime.timedelta(days=rng.randrange(120, 400)) if rng.random() < 0.05 else None
        for i in range(scale.offerings)
    ]

    def offering_rows() -> Iterator[tuple]:
        for i, m in enumerate(offering_model):
            first_party = i < scale.models
            provider = model_lab[m] + 1 if first_party else scale.labs + 1 + i % HOSTS
            api_id = f"model-{m}.0" if first_party else f"lab-{model_lab[m]}/model-{m}"
            yield (i + 1, m + 1, provider, api_id, offering_start[i], retired[i], i < scale.probed_offerings)

    load(
        "pricing_offering",
        "id model_id provider_id provider_model_id available_from retired_on probe_enabled "
        "source_url source_note created_at updated_at",
        ((*row, "", "synthetic", *stamps) for row in offering_rows()),
        scale.offerings,
    )

    def price_rows() -> Iterator[tuple]:
        """Price points spread over the offerings: each a list price, later cuts, now and then an off-peak one."""
        per_offering = [1] * scale.offerings
        for _ in range(scale.price_points - scale.offerings):
            per_offering[rng.randrange(scale.offerings)] += 1
        pk = 0
        for i in range(scale.offerings):
            price, day, off_peak_today = round(rng.uniform(0.05, 20), 3), offering_start[i], False
            for step in range(per_offering[i]):
                pk += 1
                if step and not off_peak_today and rng.random() < 0.15:  # off-peak from the list price's first day
                    off_peak_today = True
                    yield (pk, i + 1, day, day + datetime.timedelta(days=120), price / 4, price, True)
                    continue
                off_peak_today = False
                if step:
                    day += datetime.timedelta(days=rng.randint(30, 300))
                    price = round(price * rng.uniform(0.3, 0.9), 4)
                yield (pk, i + 1, day, None, price, round(price * 4, 4), False)

    load(
        "pricing_pricepoint",
        "id offering_id effective_from effective_to input_per_mtok output_per_mtok off_peak "
        "cached_input_per_mtok note retrieved_at source_url source_note created_at updated_at",
        ((*row, None, "", None, "", "synthetic", *stamps) for row in price_rows()),
        scale.price_points,
    )

    def probe_rows() -> Iterator[tuple]:
        """Rounds every 30 minutes, newest first, one result per probe-enabled offering per round."""
        for i in range(scale.probes):
            round_, offering = divmod(i, scale.probed_offerings)
            ok = rng.random() > 0.03
            ttft = rng.lognormvariate(6, 0.5) if ok else None
            started = now - PROBE_INTERVAL * round_ - datetime.timedelta(seconds=rng.randrange(60))
            yield (
                i + 1,
                offering + 1,
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
        "id offering_id started_at ok error_kind http_status ttft_ms total_ms input_tokens output_tokens "
        "output_tokens_per_s",
        probe_rows(),
        scale.probes,
    )
    with connection.cursor() as cursor:
        for table in TABLES:  # rows came with their ids: move each sequence past them
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
        cursor.execute(f"ANALYZE {', '.join(TABLES)}")
    return counts


def _copy(table: str, columns: list[str], rows: Iterable[tuple], *, total: int, progress: bool) -> int:
    written = 0
    bar = tqdm(total=total, desc=f"seed {table}", unit="row", disable=not progress, leave=False, mininterval=0.5)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
            if written % 10_000 == 0:
                bar.update(10_000)
    bar.update(written % 10_000)
    bar.close()
    return written

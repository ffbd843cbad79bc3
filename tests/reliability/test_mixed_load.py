"""Mixed load: reads and writes on loopback against gunicorn (2 workers), PostgreSQL, Redis and a Celery worker that
refreshes prices and runs probe rounds all the while.

For LOAD_TEST_SECONDS (default 120, what CI runs) READERS client threads fetch pages, API lists and details, CSV
exports and analytics with varied parameters, and WRITERS client threads post scores, prices and events and patch
models with a token; the test process sends price refreshes (from the local upstream, whose prices move each round)
and probe rounds (against the local probe server) to the worker one after another. Afterwards:

- no 5xx, no connection error and no timeout over all requests; reads answer 200 and writes 201/200 (429 would be
  counted and reported, but throttling is set out of reach);
- every accepted write is in the database exactly once, with the values sent; nothing else was written; and the
  accepted patches of a model are in its change history once each, in order, and the last is the value it holds
  (two writers patch different fields of the same model, so a PATCH that saved a stale copy of the row shows);
- every refresh ended ok or partial and every probe round stored one result per probed offering;
- memory is flat: the RSS of each gunicorn worker and of the Celery worker is sampled every few seconds, and the
  median of the last quarter of the run may exceed the median of the second quarter (after warm-up: imports,
  pandas, connection pools) by less than RSS_GROWTH_MAX_MB and RSS_GROWTH_MAX_FRACTION. Steady processes stay
  within 0.5-4 MB here; on this shared 2-core machine (18-29 req/s, 500-900 requests per gunicorn worker between
  the two quarters) a leak of 20-30 KB per request crosses it.

Run it with `-s` to see the summary (requests, req/s, latencies, writes, tasks, RSS); failures carry it too.
"""

import datetime
import itertools
import json
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest
from rest_framework.authtoken.models import Token

from benchmarks.models import Benchmark, BenchmarkScore, ProbeResult
from models_registry.models import AIModel, EventKind, Lab, SourceRun, TimelineEvent
from pricing.models import Offering, PricePoint, Provider
from tests.api_helpers import make_user
from tests.benchmarks.conftest import KEY_ENV, SECRET
from tests.conftest import database_url_of_test_db
from tests.factories import OfferingFactory, ProviderFactory
from tests.probe_server import Behaviour, ProbeServer
from tests.reliability.load import MB, CallLog, RssGrowth, RssSampler, traffic_summary
from tests.reliability.services import celery_client
from tests.upstream import Answer, fixture_json

LOAD_SECONDS = int(os.environ.get("LOAD_TEST_SECONDS", "120"))
SETUP_SECONDS = 300  # reference data, collectstatic, gunicorn and worker start, the last task, the checks
READERS = 4
WRITERS = 2
REQUEST_TIMEOUT = 30  # gunicorn's own worker timeout: a request slower than this is an error either way
TASK_TIMEOUT = 120
RSS_GROWTH_MAX_MB = 15
RSS_GROWTH_MAX_FRACTION = 0.15

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REFRESH = "pricing.tasks.price_refresh_from_source"
PROBE_ROUND = "benchmarks.probes.tasks.probe_run_enabled"
OPENROUTER_PATH = "/api/v1/models"
LITELLM_PATH = "/litellm/model_prices_and_context_window.json"
LOAD_EVALUATOR = "load-test"  # evaluated_by of every score the writers post
EVENT_TITLE = "Load test event"
PATCHED_MODEL = "deepseek-r1"
PATCHED_FIELDS = ("license", "source_note")  # writer i patches PATCHED_FIELDS[i] of PATCHED_MODEL


@dataclass
class Catalog:
    """What the clients name in their URLs and bodies, read from the registry before the load starts."""

    models: list[str]
    labs: list[str]
    providers: list[str]
    benchmarks: dict[str, tuple[float, float]]  # slug -> scale
    score_benchmarks: dict[str, str]  # slug -> the metric most of its scores use (writes keep it the default)
    offerings: list[int]
    priced_offerings: list[int]
    prices: list[int]
    scores: list[int]
    events: list[int]


SCALE = ("scale_min", "scale_max")


def registry_catalog() -> Catalog:
    metrics = {}
    for slug in ("gpqa-diamond", "aime-2024", "mmlu-pro"):
        values = list(BenchmarkScore.objects.filter(benchmark__slug=slug).values_list("metric", flat=True))
        metrics[slug] = max(set(values), key=values.count)
    return Catalog(
        models=sorted(AIModel.objects.values_list("slug", flat=True)),
        labs=sorted(Lab.objects.values_list("slug", flat=True)),
        providers=sorted(Provider.objects.values_list("slug", flat=True)),
        benchmarks={slug: (low, high) for slug, low, high in Benchmark.objects.values_list("slug", *SCALE)},
        score_benchmarks=metrics,
        offerings=sorted(Offering.objects.values_list("id", flat=True)),
        priced_offerings=sorted(set(PricePoint.objects.values_list("offering_id", flat=True))),
        prices=sorted(PricePoint.objects.values_list("id", flat=True)),
        scores=sorted(BenchmarkScore.objects.values_list("id", flat=True)),
        events=sorted(TimelineEvent.objects.values_list("id", flat=True)),
    )


# Reads ------------------------------------------------------------------------------------------------------------

FIRST_DAY = datetime.date(2024, 1, 1)


def read_path(rng: random.Random, c: Catalog) -> str:
    """One GET of what a visitor or an API client asks for, with varied parameters (so caches miss, too)."""
    bench = rng.choice(sorted(c.benchmarks))
    low, high = c.benchmarks[bench]
    as_of = (FIRST_DAY + datetime.timedelta(days=rng.randrange(900))).isoformat()
    pair = rng.choice(["a=US&b=CN", "a=CN&b=US", "a=US&b=FR"])
    publisher = rng.choice(["", "&evaluated_by=deepseek", "&evaluated_by=openai"])
    prices = rng.choice(["", "&providers=all", "&providers=all&include_off_peak=true"])
    model, offering = rng.choice(c.models), rng.choice(c.offerings)
    paths = [
        "/",
        f"/?benchmark={bench}&as_of={as_of}{prices}",
        "/gap/gpqa-diamond/",
        f"/gap/{bench}/?{pair}&as_of={as_of}{publisher}",
        "/costs/",
        f"/costs/?benchmark={bench}&{pair}{prices}",
        "/models/",
        "/models/?country=CN&open_weights=true",
        f"/models/{model}/",
        "/status/",
        "/api/v1/models/?country=CN",
        f"/api/v1/models/?search=deep&ordering=-release_date&page_size={rng.choice([1, 20, 100])}",
        "/api/v1/models/?format=csv",
        f"/api/v1/models/{model}/",
        f"/api/v1/labs/{rng.choice(c.labs)}/",
        "/api/v1/labs/?country=US",
        f"/api/v1/providers/{rng.choice(c.providers)}/",
        f"/api/v1/offerings/?model={model}",
        f"/api/v1/offerings/{offering}/",
        f"/api/v1/prices/?at={as_of}&first_party=true",
        f"/api/v1/prices/?at={as_of}&format=csv",
        f"/api/v1/prices/{rng.choice(c.prices)}/",
        f"/api/v1/scores/?benchmark={bench}&ordering=-value",
        f"/api/v1/scores/?benchmark={bench}&format=csv",
        f"/api/v1/scores/{rng.choice(c.scores)}/",
        f"/api/v1/benchmarks/{bench}/",
        f"/api/v1/events/{rng.choice(c.events)}/",
        "/api/v1/events/?kind=export-control",
        "/api/v1/source-runs/?ordering=-started_at",
        "/api/v1/probes/?ok=true&page_size=100",
        "/api/v1/probes/summary/",
        f"/api/v1/analytics/frontier/?benchmark={bench}&countries=US,CN,FR&as_of={as_of}{publisher}",
        f"/api/v1/analytics/gap/?benchmark={bench}&{pair}&as_of={as_of}{publisher}",
        f"/api/v1/analytics/cost-ratio/?benchmark={bench}&{pair}&threshold={rng.uniform(low, high):.1f}{prices}",
        f"/api/v1/analytics/cost-ratio/?benchmark=gpqa-diamond&as_of={as_of}{publisher}",
        f"/api/v1/analytics/summary/?{pair}&as_of={as_of}{prices}",
        f"/api/v1/analytics/price-performance/?benchmark={bench}&as_of={as_of}{prices}",
    ]
    return rng.choice(paths)


def read_until(stop_at: float, index: int, base_url: str, catalog: Catalog, log: CallLog) -> None:
    rng = random.Random(f"reader-{index}")
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        while time.monotonic() < stop_at:
            log.send(client, "read", "GET", read_path(rng, catalog))


# Writes -----------------------------------------------------------------------------------------------------------


@dataclass
class Accepted:
    """A write the service accepted: the row it names (`lookup`) must hold `expected` afterwards, once."""

    model: type
    lookup: dict
    expected: dict


@dataclass
class Writes:
    accepted: list[Accepted] = field(default_factory=list)
    patches: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (model slug, field) -> accepted values
    refused: list[str] = field(default_factory=list)  # every answer that was not 2xx (429 included)
    sequence: itertools.count = field(default_factory=itertools.count)  # next() is atomic: unique values


def day_after(start: datetime.date, n: int) -> datetime.date:
    return start + datetime.timedelta(days=n)


def write_once(
    client: httpx.Client, rng: random.Random, writer: int, step: int, c: Catalog, writes: Writes, log: CallLog
) -> None:
    """One write of the kind `step` picks; unique values (dates, titles, notes) come from a shared sequence, so
    no two writes collide on a unique key and each accepted one can be found by its tag."""
    n = next(writes.sequence)
    tag = f"load-{n}"
    kind = step % 4
    if kind == 0:
        bench = rng.choice(sorted(c.score_benchmarks))
        body = {
            "model": rng.choice(c.models),
            "benchmark": bench,
            "metric": c.score_benchmarks[bench],
            "value": round(rng.uniform(*c.benchmarks[bench]), 2),
            "evaluated_by": LOAD_EVALUATOR,
            "reported_on": day_after(datetime.date(2000, 1, 1), n).isoformat(),
            "note": tag,
        }
        response = log.send(client, "write", "POST", "/api/v1/scores/", json=body)
        expected = {
            "model__slug": body["model"],
            "benchmark__slug": bench,
            "metric": body["metric"],
            "value": body["value"],
            "evaluated_by": LOAD_EVALUATOR,
            "reported_on": datetime.date.fromisoformat(body["reported_on"]),
        }
        record = BenchmarkScore, {"note": tag}, expected
    elif kind == 1:
        body = {
            "offering": rng.choice(c.priced_offerings),
            "effective_from": day_after(
                datetime.date(2000, 1, 1), n
            ).isoformat(),  # history (2000 on: the price guards refuse earlier)
            "input_per_mtok": f"{rng.uniform(0.01, 60):.6f}",
            "output_per_mtok": f"{rng.uniform(0.01, 240):.6f}",
            "note": tag,
        }
        response = log.send(client, "write", "POST", "/api/v1/prices/", json=body)
        expected = {
            "offering_id": body["offering"],
            "effective_from": datetime.date.fromisoformat(body["effective_from"]),
            "input_per_mtok": Decimal(body["input_per_mtok"]),
            "output_per_mtok": Decimal(body["output_per_mtok"]),
            "off_peak": False,
        }
        record = PricePoint, {"note": tag}, expected
    elif kind == 2:
        body = {
            "date": day_after(datetime.date(2000, 1, 1), n).isoformat(),
            "title": f"{EVENT_TITLE} {tag}",
            "kind": rng.choice(EventKind.values),
            "country": rng.choice(["US", "CN", ""]),
            "source_note": tag,
        }
        response = log.send(client, "write", "POST", "/api/v1/events/", json=body)
        expected = {"date": datetime.date.fromisoformat(body["date"]), "kind": body["kind"], "country": body["country"]}
        record = TimelineEvent, {"title": body["title"], "source_note": tag}, expected
    else:
        slug, name = PATCHED_MODEL, PATCHED_FIELDS[writer]
        response = log.send(client, "write", "PATCH", f"/api/v1/models/{slug}/", json={name: tag})
        if response is not None and response.status_code == 200:
            writes.patches.setdefault((slug, name), []).append(tag)  # one writer per field: in commit order
        elif response is not None:
            writes.refused.append(f"PATCH {slug} {name}: {response.status_code} {response.text[:200]}")
        return
    if response is None:
        return
    if response.status_code == 201:
        model, lookup, expected = record
        writes.accepted.append(Accepted(model, lookup, {"id": response.json()["id"], **expected}))
    else:
        writes.refused.append(f"{kind=} {tag}: {response.status_code} {response.text[:200]}")


def write_until(
    stop_at: float, writer: int, base_url: str, token: str, c: Catalog, writes: Writes, log: CallLog
) -> None:
    rng = random.Random(f"writer-{writer}")
    headers = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT, headers=headers) as client:
        for step in itertools.count():  # in step: both writers patch the same row at about the same time
            if time.monotonic() >= stop_at:
                return
            write_once(client, rng, writer, step, c, writes, log)


def assert_every_accepted_write_is_stored_once(writes: Writes, summary: str) -> None:
    for write in writes.accepted:
        rows = list(write.model.objects.filter(**write.lookup).values(*write.expected))
        assert rows == [write.expected], f"{write.model.__name__} {write.lookup}: {rows}\n{summary}"
    counts = {
        "scores": BenchmarkScore.objects.filter(evaluated_by=LOAD_EVALUATOR).count(),
        "prices": PricePoint.objects.filter(note__startswith="load-").count(),
        "events": TimelineEvent.objects.filter(title__startswith=EVENT_TITLE).count(),
    }
    accepted = {
        "scores": sum(w.model is BenchmarkScore for w in writes.accepted),
        "prices": sum(w.model is PricePoint for w in writes.accepted),
        "events": sum(w.model is TimelineEvent for w in writes.accepted),
    }
    assert counts == accepted, f"rows written by the load vs writes accepted\n{summary}"
    for (slug, name), accepted_values in writes.patches.items():
        assert getattr(AIModel.objects.get(slug=slug), name) == accepted_values[-1], f"{slug}.{name}\n{summary}"
        # The change history holds every save: each accepted value once, in order. A PATCH of the other field that
        # saved a stale copy of the row would show as an earlier value coming back.
        history = AIModel.history.filter(slug=slug).order_by("history_id").values_list(name, flat=True)
        values = [value for value, _run in itertools.groupby(history) if value.startswith("load-")]
        assert values == accepted_values, f"{slug}.{name} history {values} != accepted {accepted_values}\n{summary}"


# Refreshes and probe rounds, on the worker ----------------------------------------------------------------------


@dataclass
class TaskRun:
    name: str
    variant: int
    value: int | None
    seconds: float
    error: str = ""


def scaled(value: str | float | None, factor: float) -> str | float | None:
    """A per-token price (a decimal string for OpenRouter, a number for LiteLLM) scaled by `factor`; zero, missing
    and negative (variable) prices stay as they are."""
    if value is None or float(value) <= 0:
        return value
    return f"{float(value) * factor:.12f}" if isinstance(value, str) else float(value) * factor


def serve_price_variant(upstream, variant: int) -> None:
    """Both price upstreams, every positive price raised by `variant` percent: each refresh round has news."""
    factor = 1 + variant / 100
    catalogue = fixture_json("openrouter_models.json")
    for entry in catalogue["data"]:
        prices = entry.get("pricing", {})
        for key in ("prompt", "completion", "input_cache_read"):
            if key in prices:
                prices[key] = scaled(prices[key], factor)
    litellm = fixture_json("litellm_prices.json")
    for entry in litellm.values():
        for key in ("input_cost_per_token", "output_cost_per_token", "cache_read_input_token_cost"):
            if key in entry:
                entry[key] = scaled(entry[key], factor)
    upstream.serve(OPENROUTER_PATH, Answer(body=json.dumps(catalogue).encode()))
    upstream.serve(LITELLM_PATH, Answer(body=json.dumps(litellm).encode()))


TASKS = [  # (name, task, args): one round
    ("openrouter", REFRESH, ["openrouter"]),
    ("litellm", REFRESH, ["litellm"]),
    ("probe round", PROBE_ROUND, []),
]


def run_tasks_until(stop_at: float, redis_url: str, upstream, runs: list[TaskRun]) -> None:
    """Refresh both price sources, then a probe round, again and again (each waits for the previous: one worker)."""
    app = celery_client(redis_url)
    for variant in itertools.count(1):
        if time.monotonic() >= stop_at:
            return
        serve_price_variant(upstream, variant)
        for name, task, args in TASKS:
            started = time.monotonic()
            try:
                value = app.send_task(task, args=args).get(timeout=TASK_TIMEOUT)
            except Exception as exc:  # a failed task is recorded and asserted on; the load goes on
                runs.append(TaskRun(name, variant, None, time.monotonic() - started, f"{type(exc).__name__}: {exc}"))
            else:
                runs.append(TaskRun(name, variant, value, time.monotonic() - started))
        time.sleep(1)


# OpenRouter ids that name reference models (the reference data ships no aliases): the refresh then creates
# OpenRouter offerings for them on its first run and moves their prices on every later one.
OPENROUTER_ALIASES = {
    "claude-sonnet-4.5": "anthropic/claude-sonnet-4.5",
    "deepseek-r1": "deepseek/deepseek-r1",
    "gpt-4o": "openai/gpt-4o",
    "glm-4.6": "z-ai/glm-4.6",
}


def probed_offerings(probes: ProbeServer) -> list[Offering]:
    """Four live probe-enabled offerings on the local probe server, two in each API style."""
    models = AIModel.objects.filter(slug__in=["deepseek-r1", "o1", "claude-sonnet-4.5", "qwen3-235b-a22b"])
    offerings = []
    for index, model in enumerate(models.order_by("slug")):
        style = "anthropic" if index % 2 else "openai"
        behaviour = Behaviour(style=style, first_token_delay=0.05, chunks=8, token_interval=0.01)
        provider = ProviderFactory(
            slug=f"load-host-{index}",
            lab=None,
            base_url=probes.endpoint(f"load-{index}", behaviour),
            api_style=style,
            api_key_env=KEY_ENV,
        )
        offering = OfferingFactory(model=model, provider=provider, provider_model_id=model.slug, probe_enabled=True)
        offerings.append(offering)
    return offerings


def assert_every_task_succeeded(runs: list[TaskRun], probed: list[Offering], summary: str) -> None:
    failed = [run for run in runs if run.error or run.value is None]
    assert not failed, f"tasks that failed or were skipped: {failed}\n{summary}"
    refreshes = [run for run in runs if run.name != "probe round"]
    rounds = [run for run in runs if run.name == "probe round"]
    assert refreshes and rounds, f"no refresh or no probe round ran\n{summary}"
    statuses = dict(SourceRun.objects.filter(pk__in=[run.value for run in refreshes]).values_list("pk", "status"))
    assert sorted(statuses) == sorted(run.value for run in refreshes), summary
    assert set(statuses.values()) <= {"ok", "partial"}, f"refresh statuses {statuses}\n{summary}"
    assert SourceRun.objects.count() == len(refreshes), f"every SourceRun is one of the refreshes sent\n{summary}"
    written = SourceRun.objects.filter(pk__in=statuses).values_list("source", "created_count", "updated_count")
    assert all(created + updated for _source, created, updated in written), (
        f"each round moved the upstream prices, so each refresh wrote: {list(written)}\n{summary}"
    )
    assert all(run.value == len(probed) for run in rounds), f"probe rounds: {rounds}\n{summary}"
    results = ProbeResult.objects.filter(offering__in=probed)
    assert results.count() == len(rounds) * len(probed), summary
    failed_probes = list(results.filter(ok=False).values("offering_id", "error_kind", "http_status"))
    assert not failed_probes, f"failed probes: {failed_probes}\n{summary}"


def task_summary(runs: list[TaskRun]) -> str:
    lines = []
    for name in ("openrouter", "litellm", "probe round"):
        mine = [run for run in runs if run.name == name]
        seconds = [run.seconds for run in mine]
        lines.append(f"  {name}: {len(mine)} runs, longest {max(seconds, default=0):.1f} s")
    return "tasks on the worker:\n" + "\n".join(lines)


# The test ---------------------------------------------------------------------------------------------------------


@pytest.mark.timeout(LOAD_SECONDS + SETUP_SECONDS)
def test_mixed_load_answers_every_request_keeps_every_write_and_stays_flat_in_memory(
    reference_data, private_redis, start_web, start_worker, upstream
):
    catalog = registry_catalog()
    writer = make_user(
        "benchmarks.add_benchmarkscore",
        "pricing.add_pricepoint",
        "models_registry.add_timelineevent",
        "models_registry.change_aimodel",
        username="load-writer",
    )
    token = Token.objects.create(user=writer).key
    database_url, redis_url = database_url_of_test_db(), private_redis.url(0)

    for slug, alias in OPENROUTER_ALIASES.items():
        AIModel.objects.filter(slug=slug).update(aliases=[alias])

    with ProbeServer() as probes:
        probed = probed_offerings(probes)
        assert set(Offering.objects.filter(probe_enabled=True)) == set(probed), "probes reach only the local server"
        serve_price_variant(upstream, 0)
        worker = start_worker(
            database_url=database_url,
            redis_url=redis_url,
            OPENROUTER_MODELS_URL=upstream.url(OPENROUTER_PATH),
            LITELLM_PRICES_URL=upstream.url(LITELLM_PATH),
            PROBE_ALLOWED_HOSTS="127.0.0.1",
            PROBE_READ_TIMEOUT="5",
            **{KEY_ENV: SECRET},
        )
        web = start_web(
            database_url=database_url,
            redis_url=redis_url,
            API_THROTTLE_ANON="1000000/minute",
            API_THROTTLE_USER="1000000/minute",
        )
        gunicorn_workers = web.worker_pids()
        processes = {f"gunicorn worker {pid}": pid for pid in gunicorn_workers} | {"celery worker": worker.process.pid}
        sampler = RssSampler(processes, interval=min(3.0, max(0.5, LOAD_SECONDS / 40)))

        log, writes, runs = CallLog(), Writes(), []
        started = time.monotonic()
        stop_at = started + LOAD_SECONDS
        sampler.start()
        with ThreadPoolExecutor(max_workers=READERS + WRITERS + 1) as pool:
            futures = [pool.submit(read_until, stop_at, i, web.base_url, catalog, log) for i in range(READERS)]
            futures += [
                pool.submit(write_until, stop_at, i, web.base_url, token, catalog, writes, log) for i in range(WRITERS)
            ]
            futures.append(pool.submit(run_tasks_until, stop_at, redis_url, upstream, runs))
            for future in futures:
                future.result()  # a client thread that crashed fails the test here
        elapsed = time.monotonic() - started
        sampler.stop()
        restarted = web.worker_pids() != gunicorn_workers

    calls = log.calls
    growth = [RssGrowth.of(name, samples) for name, samples in sampler.samples.items()]
    summary = "\n".join(
        [
            f"mixed load, {READERS} readers and {WRITERS} writers for {LOAD_SECONDS} s:",
            traffic_summary(calls, elapsed),
            f"writes accepted: {len(writes.accepted)} rows and {sum(map(len, writes.patches.values()))} patches "
            f"({sum(call.kind == 'write' for call in calls)} write requests); refused: {len(writes.refused)}",
            task_summary(runs),
            "RSS (median of the second quarter vs the last quarter):",
            *(f"  {g.describe()}" for g in growth),
        ]
    )
    print("\n" + summary)

    server_errors = [call for call in calls if call.status is not None and call.status >= 500]
    unanswered = [call for call in calls if call.status is None]
    assert not server_errors, f"5xx answers: {server_errors[:10]}\n{summary}\n{web.log_path.read_text()[-3000:]}"
    assert not unanswered, f"connection errors or timeouts: {unanswered[:10]}\n{summary}"
    not_ok = [call for call in calls if call.kind == "read" and call.status not in (200, 429)]
    assert not not_ok, f"reads that did not answer 200: {not_ok[:10]}\n{summary}"
    assert not [r for r in writes.refused if ": 429 " not in r], f"refused writes: {writes.refused[:10]}\n{summary}"
    assert not restarted, f"a gunicorn worker was replaced (crash or timeout)\n{summary}"

    assert_every_accepted_write_is_stored_once(writes, summary)
    assert_every_task_succeeded(runs, probed, summary)

    for g in growth:
        assert g.growth < RSS_GROWTH_MAX_MB * MB and g.growth < RSS_GROWTH_MAX_FRACTION * g.warm, (
            f"{g.describe()}: memory grew under steady load\n{summary}"
        )

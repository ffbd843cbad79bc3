"""Upstreams that answer garbage, hang, or change their schema: the last good data is kept, end to end.

A real Celery worker refreshes OpenRouter and LiteLLM prices and two configured score sources (a CSV and a JSON
file) from the local upstream server (tests/upstream.py), and gunicorn serves the API, both on this test's
database and a private Redis. After one good refresh of each, every bad answer is a refresh recorded as failed
(or partial, when the document still parses but its records do not) with its reason; it writes nothing (the
registry's rows and their change history are as they were) and the API answers exactly as before.

What each adapter does with a malformed record or document in-process is covered by tests/pricing/test_sources.py,
tests/benchmarks/test_score_sources.py and tests/security/test_bad_input_sources.py; this is the whole path.
"""

import copy
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.db.models import Max
from django.utils import timezone

from benchmarks.models import BenchmarkScore
from models_registry.models import AIModel, SourceRun
from pricing.models import Offering, PricePoint
from tests.conftest import database_url_of_test_db
from tests.factories import BenchmarkFactory
from tests.registry import build_price_registry
from tests.reliability.services import celery_client
from tests.upstream import EPOCH_GPQA_SOURCE, LEADERBOARD_SOURCE, Answer, fixture_bytes

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TIMEOUT = 1.0  # SOURCE_HTTP_TIMEOUT of the worker; a hanging upstream answers after HANG seconds
HANG = 3.0
ATTEMPTS = 2
RUN_BOUND_SECONDS = 10.0  # a refresh against a hanging upstream is over within this (2 attempts of 1 s, and slack)

PATHS = {
    "openrouter": "/api/v1/models",
    "litellm": "/model_prices_and_context_window.json",
    "epoch-gpqa": "/gpqa_diamond.csv",
    "leaderboard": "/scores.json",
}
TASKS = {
    "openrouter": "pricing.tasks.price_refresh_from_source",
    "litellm": "pricing.tasks.price_refresh_from_source",
    "epoch-gpqa": "benchmarks.tasks.score_refresh_from_source",
    "leaderboard": "benchmarks.tasks.score_refresh_from_source",
}
GOOD = {
    "openrouter": fixture_bytes("openrouter_models.json"),
    "litellm": fixture_bytes("litellm_prices.json"),
    "epoch-gpqa": fixture_bytes("scores_benchmark_hub.csv"),
    "leaderboard": fixture_bytes("scores_leaderboard.json"),
}
CONTENT_TYPES = {"epoch-gpqa": "text/csv"}
SCORE_SOURCES = [EPOCH_GPQA_SOURCE, LEADERBOARD_SOURCE]  # the CSV has no dates: a wrong value would land as new


def good_answer(source: str) -> Answer:
    return Answer(body=GOOD[source], content_type=CONTENT_TYPES.get(source, "application/json"))


def changed(source: str, change: Callable[[Any], Any]) -> Answer:
    """The good JSON document of `source` after `change` (which edits it in place or returns a new one)."""
    document = copy.deepcopy(json.loads(GOOD[source]))
    result = change(document)
    return Answer(body=json.dumps(document if result is None else result).encode())


def changed_csv(edit: Callable[[str], str]) -> Answer:
    return Answer(body=edit(GOOD["epoch-gpqa"].decode()).encode(), content_type="text/csv")


def each_record(edit: Callable[[dict], None]) -> Callable[[Any], None]:
    def change(document: Any) -> None:
        records = document["data"] if "data" in document else [v for k, v in document.items() if k != "sample_spec"]
        for record in records:
            edit(record)

    return change


def rename(record: dict, old: str, new: str) -> None:
    if old in record:
        record[new] = record.pop(old)


def percent_instead_of_fraction(text: str) -> str:
    """The CSV's scores as percentages (71.28 for 0.7128): with value_scale 100 they are out of scale."""
    lines = text.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        cells[1] = f"{float(cells[1]) * 100:g}"
        lines[i] = ",".join(cells)
    return "\n".join(lines) + "\n"


HTML_ERROR = b"<!doctype html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"


@dataclass
class Bad:
    """One bad answer of one upstream, and how the run that meets it must be recorded."""

    source: str
    what: str
    answer: Answer
    status: str  # SourceRun status: failed, or partial when the answer parses but its records do not
    reason: str  # a regex found in the run's error (failed) or in every refused record's reason (partial)
    including: str = ""  # partial: a regex found in at least one refused record's reason


def garbage(source: str) -> list[Bad]:
    csv = source == "epoch-gpqa"
    good = GOOD[source]
    not_parsed = "has no column" if csv else "not valid JSON"
    cut = good.index(b"DeepSeek-R1,0.71") + len(b"DeepSeek-R1,0.71") if csv else len(good) // 2
    return [
        Bad(
            source,
            "an HTML error page with 200",
            Answer(body=HTML_ERROR, content_type="text/html"),
            "failed",
            not_parsed,
        ),
        Bad(source, "an HTML error page with 503", Answer(503, HTML_ERROR, "text/html"), "failed", "HTTP 503"),
        Bad(
            source,
            "binary noise",
            Answer(body=bytes(range(256)) * 4),
            "failed",
            "not UTF-8" if csv else "not valid JSON",
        ),
        Bad(source, "nothing at all", Answer(body=b""), "failed", not_parsed),
        # A download cut short: JSON does not parse; a CSV parses up to a last line cut mid-value (0.71 of 0.7128).
        Bad(
            source,
            "a truncated answer",
            Answer(body=good[:cut], content_type=CONTENT_TYPES.get(source, "application/json")),
            "partial" if csv else "failed",
            "a line cut short" if csv else "not valid JSON",
        ),
    ]


def hangs(source: str) -> list[Bad]:
    body = good_answer(source).body
    timed_out = re.escape(f"timed out (ReadTimeout) (after {ATTEMPTS} attempts)")
    return [
        Bad(source, f"an answer after {HANG:g}s", Answer(body=body, delay=HANG), "failed", timed_out),
        # Each byte in time for httpx's read timeout, the whole answer never: cut off by the attempt's deadline.
        Bad(source, "an answer trickling in", Answer(body=body, trickle=0.05), "failed", timed_out),
    ]


SCHEMA_CHANGES = [
    Bad("openrouter", "`data` renamed", changed("openrouter", lambda d: {"models": d["data"]}), "failed", "`data`"),
    Bad(
        "openrouter",
        "`data` an object",
        changed("openrouter", lambda d: {"data": {"models": d["data"]}}),
        "failed",
        "`data`",
    ),
    Bad(
        "openrouter",
        "prices moved out of `pricing`",
        changed("openrouter", each_record(lambda m: m.update(price=m.pop("pricing")))),
        "partial",
        "missing pricing",
    ),
    Bad(
        "openrouter",
        "`pricing` a list",
        changed("openrouter", each_record(lambda m: m.update(pricing=list(m["pricing"].values())))),
        "partial",
        "missing pricing",
    ),
    Bad(
        "openrouter",
        "prices per million tokens",
        changed("openrouter", each_record(lambda m: m["pricing"].update(prompt="3", completion="15"))),
        "partial",
        "absurd pricing.prompt",
    ),
    Bad("litellm", "a list of entries", changed("litellm", lambda d: list(d.values())), "failed", "not a JSON object"),
    Bad(
        "litellm",
        "cost fields renamed",
        changed("litellm", each_record(lambda e: rename(e, "input_cost_per_token", "input_cost_per_1m_tokens"))),
        "partial",
        "missing input_cost_per_token",
    ),
    Bad(
        "litellm",
        "prices per thousand tokens",
        changed(
            "litellm",
            each_record(
                lambda e: e.update(
                    {k: e[k] * 1000 for k in ("input_cost_per_token", "output_cost_per_token") if k in e}
                )
            ),
        ),
        "partial",
        "held for review|absurd (in|out)put_cost_per_token",  # x1000 is over the ceiling for the dearest
        including="held for review",
    ),
    Bad("leaderboard", "records moved", changed("leaderboard", lambda d: {"results": d["data"]}), "failed", "no list"),
    Bad(
        "leaderboard",
        "records keyed by model",
        changed("leaderboard", lambda d: {"data": {r["model"]: r for r in d["data"]}}),
        "failed",
        "no list",
    ),
    Bad(
        "leaderboard",
        "`score` renamed",
        changed("leaderboard", each_record(lambda r: rename(r, "score", "value"))),
        "partial",
        "missing value",
    ),
    Bad(
        "epoch-gpqa",
        "score column renamed",
        changed_csv(lambda t: t.replace("Best score (across scorers)", "Best score")),
        "failed",
        "has no column",
    ),
    Bad("epoch-gpqa", "percent instead of fraction", changed_csv(percent_instead_of_fraction), "partial", "outside"),
]


class Stack:
    """The worker and the web on this test's database and a private Redis, and the upstream they fetch from."""

    def __init__(self, upstream, worker, web, redis_url: str):
        self.upstream, self.worker, self.web = upstream, worker, web
        self.tasks = celery_client(redis_url)

    def serve(self, source: str, answer: Answer) -> None:
        self.upstream.serve(PATHS[source], answer)

    def refresh(self, source: str) -> tuple[SourceRun, float]:
        """Queue the refresh task on the worker and wait for it; its run, and how long it took."""
        last = SourceRun.objects.filter(source=source).aggregate(last=Max("pk"))["last"] or 0
        started = time.monotonic()
        self.tasks.send_task(TASKS[source], args=[source]).get(timeout=60, propagate=False)
        elapsed = time.monotonic() - started
        run = SourceRun.objects.filter(source=source).latest("pk")
        assert run.pk > last and run.finished_at is not None, f"{source}: no finished run ({self.worker.log()[-2000:]})"
        return run, elapsed

    def api(self) -> dict[str, Any]:
        """The API's answers that show prices and scores: the data a client sees."""
        day = timezone.localdate().isoformat()
        urls = [
            f"/api/v1/prices/?at={day}&page_size=500",
            "/api/v1/scores/?page_size=500",
            "/api/v1/offerings/?page_size=500",
            f"/api/v1/analytics/gap/?benchmark=gpqa-diamond&as_of={day}",
            f"/api/v1/analytics/cost-ratio/?benchmark=aime-2024&providers=all&as_of={day}",
            f"/api/v1/analytics/summary/?providers=all&as_of={day}",
        ]
        answers = {}
        with httpx.Client(base_url=self.web.base_url, timeout=30) as client:
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code, response.text[:300])
                answers[url] = response.json()
        return answers


def registry_rows() -> dict[str, Any]:
    """Every row a refresh may write, and the size of each change history."""
    return {
        "prices": sorted(
            PricePoint.objects.values_list(
                "id", "offering_id", "effective_from", "input_per_mtok", "output_per_mtok", "cached_input_per_mtok"
            )
        ),
        "offerings": sorted(Offering.objects.values_list("id", "provider_id", "provider_model_id", "available_from")),
        "scores": sorted(BenchmarkScore.objects.values_list("id", "model_id", "benchmark_id", "reported_on", "value")),
        "windows": sorted(AIModel.objects.values_list("id", "context_window")),
        "history": [m.history.model.objects.count() for m in (PricePoint, Offering, BenchmarkScore, AIModel)],
    }


@pytest.fixture
def stack(upstream, private_redis, start_worker, start_web) -> Stack:
    registry = build_price_registry()
    for slug, category, high in [
        ("gpqa-diamond", "science", 100),
        ("aime-2024", "math", 100),
        ("math-500", "math", 100),
    ]:
        BenchmarkFactory(slug=slug, category=category, scale_max=high)
    BenchmarkFactory(slug="codeforces-elo", category="code", scale_max=4000)
    for slug, alias in [("deepseek-r1", "DeepSeek-R1"), ("gpt-4o", "gpt-4o-2024-11-20")]:  # the CSV's model names
        model = registry.models[slug]
        model.aliases = [*model.aliases, alias]
        model.save()
    for source in PATHS:
        upstream.serve(PATHS[source], good_answer(source))
    score_sources = [{**entry, "url": upstream.url(PATHS[entry["name"]])} for entry in SCORE_SOURCES]
    worker = start_worker(
        database_url=database_url_of_test_db(),
        redis_url=private_redis.url(0),
        OPENROUTER_MODELS_URL=upstream.url(PATHS["openrouter"]),
        LITELLM_PRICES_URL=upstream.url(PATHS["litellm"]),
        SCORE_SOURCES=json.dumps(score_sources),
        SOURCE_HTTP_TIMEOUT=str(TIMEOUT),
        SOURCE_HTTP_ATTEMPTS=str(ATTEMPTS),
        SOURCE_HTTP_BACKOFF_BASE="0.01",
        SOURCE_HTTP_BACKOFF_MAX="0.02",
        SOURCE_TASK_MAX_RETRIES="0",  # one run per bad answer here; the Celery retry is tests/pricing/test_tasks.py's
    )
    web = start_web(database_url=database_url_of_test_db(), redis_url=private_redis.url(0), workers=1)
    return Stack(upstream, worker, web, private_redis.url(0))


def test_garbage_hangs_and_schema_changes_fail_the_run_and_keep_the_last_good_data(stack):
    # A good refresh of every source lands data, and the API serves it.
    empty = stack.api()
    for source in PATHS:
        run, _elapsed = stack.refresh(source)
        assert (run.status, run.error, run.rejected) == ("ok", "", []), (source, run.error, run.rejected)
        assert run.created_count > 0, (source, run.created_count, run.unchanged_count, run.unmatched)
    good_rows, good_api = registry_rows(), stack.api()
    assert good_api != empty
    gap = good_api[next(url for url in good_api if "/gap/" in url)]["current"]
    assert (gap["b_model"], gap["b_value"]) == ("deepseek-r1", 71.28)  # from the CSV, 0.7128 x 100
    today_prices = good_api[next(url for url in good_api if "/prices/" in url)]["results"]
    assert any(p["provider"] == "openrouter" and p["model"] == "deepseek-r1" for p in today_prices)

    bad_answers = [bad for source in PATHS for bad in garbage(source) + hangs(source)] + SCHEMA_CHANGES
    for bad in bad_answers:
        stack.serve(bad.source, bad.answer)
        run, elapsed = stack.refresh(bad.source)
        what = f"{bad.source}, {bad.what}"
        assert run.status == bad.status, (what, run.status, run.error, run.rejected[:3])
        if bad.status == "failed":
            assert re.search(bad.reason, run.error), (what, run.error)
        else:
            reasons = [r["reason"] for r in run.rejected]
            assert reasons and all(re.search(bad.reason, reason) for reason in reasons), (what, reasons)
            assert any(re.search(bad.including, reason) for reason in reasons), (what, reasons)
        assert (run.created_count, run.updated_count) == (0, 0), what
        assert elapsed < RUN_BOUND_SECONDS, (what, elapsed)
        assert registry_rows() == good_rows, f"{what}: the registry changed"
        assert stack.api() == good_api, f"{what}: the API answers differently"

    # The upstreams are good again: every source refreshes, and finds nothing it does not already hold.
    for source in PATHS:
        stack.serve(source, good_answer(source))
        run, _elapsed = stack.refresh(source)
        assert (run.status, run.created_count, run.updated_count) == ("ok", 0, 0), (source, run.error, run.rejected)
    assert registry_rows() == good_rows
    assert stack.api() == good_api

"""Malformed upstream records against every source adapter (`pricing/sources/*`, `benchmarks/sources/*`).

Each adapter's recorded upstream answer (tests/fixtures/) is served by a local HTTP server; hypothesis breaks one
field of one record (or replaces or empties the record), and the real refresh runs twice in savepoints: once on
the answer without that record (the control), once with the broken record. A refused record is listed on the
SourceRun with its upstream id and a reason that names the field, and it writes nothing: the registry ends up
exactly as in the control. An accepted one holds sane values.
"""

import copy
import csv
import datetime
import io
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.services import source_refresh
from models_registry.models import AIModel, Lab, SourceRun
from pricing.sources import PRICE_SOURCES
from pricing.sources.base import PriceQuote
from tests.factories import BenchmarkFactory
from tests.registry import build_price_registry
from tests.security.nasty import json_values, nasty_text
from tests.upstream import EPOCH_GPQA_SOURCE, LEADERBOARD_SOURCE, Answer, fixture_bytes, fixture_json

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TODAY = datetime.date(2026, 11, 28)
DELETE = object()  # the mutation that removes a field
REGISTRY_APPS = ("models_registry", "pricing", "benchmarks")
VOLATILE = {"id", "created_at", "updated_at", "retrieved_at", "source_run_id", "started_at", "finished_at"}


@dataclass
class Feed:
    """One adapter, its recorded answer, and how to reach into that answer's records."""

    source: str
    path: str
    document: Callable[[], object]  # a fresh copy of the recorded answer
    keys: Callable[[object], list]  # the keys (index or name) of its records
    record_id: Callable[[object, object], str]  # (document, key) -> the id the adapter reports for that record
    fields: dict[str, set[str]]  # field path in a record -> words its refusal reason may use to name it
    encode: Callable[[object], bytes] = lambda doc: json.dumps(doc).encode()
    content_type: str = "application/json"

    def without(self, document, key):
        copy_ = copy.deepcopy(document)
        records = copy_["data"] if isinstance(copy_, dict) and "data" in copy_ else copy_
        if isinstance(records, list):
            records.pop(key)
        else:
            del records[key]
        return copy_


def records_of(document):
    return document["data"] if isinstance(document, dict) and "data" in document else document


def _csv_records(text: str) -> dict:
    reader = csv.DictReader(io.StringIO(text))
    return {"header": reader.fieldnames, "data": list(reader)}


def _csv_encode(document) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=document["header"])
    writer.writeheader()
    writer.writerows(document["data"])
    return out.getvalue().encode()


def _words(*names: str) -> set[str]:
    return set(names)


FEEDS = {
    "openrouter": Feed(
        source="openrouter",
        path="/api/v1/models",
        document=lambda: fixture_json("openrouter_models.json"),
        keys=lambda doc: list(range(len(doc["data"]))),
        record_id=lambda doc, i: doc["data"][i].get("id") if isinstance(doc["data"][i], dict) else None,
        fields={
            "id": _words("id"),
            "pricing": _words("pricing"),
            # A price that parses but jumps (to zero, or by more than the step factor) is held for review, named
            # by its kind ("held for review: output price 15 -> 0 USD/Mtok"): found by this fuzz.
            "pricing.prompt": _words("pricing.prompt", "input price"),
            "pricing.completion": _words("pricing.completion", "output price"),
            "pricing.input_cache_read": _words("pricing.input_cache_read", "cached input price"),
            "created": _words("created"),
            "context_length": _words("context_length"),
        },
    ),
    "litellm": Feed(
        source="litellm",
        path="/litellm.json",
        document=lambda: fixture_json("litellm_prices.json"),
        keys=lambda doc: [key for key in doc if key != "sample_spec"],
        record_id=lambda doc, key: key,
        fields={
            "input_cost_per_token": _words("input_cost_per_token", "input price"),
            "output_cost_per_token": _words("output_cost_per_token", "output price"),
            "cache_read_input_token_cost": _words("cache_read_input_token_cost", "cached input price"),
            "max_input_tokens": _words("max_input_tokens"),
            "mode": _words("mode"),
            "litellm_provider": _words("litellm_provider"),
        },
    ),
    "epoch-gpqa": Feed(
        source="epoch-gpqa",
        path="/gpqa.csv",
        document=lambda: _csv_records(fixture_bytes("scores_benchmark_hub.csv").decode()),
        keys=lambda doc: list(range(len(doc["data"]))),
        record_id=lambda doc, i: doc["data"][i].get("Model version"),
        fields={column: _words(column, field) for field, column in EPOCH_GPQA_SOURCE["mapping"].items()},
        encode=_csv_encode,
        content_type="text/csv",
    ),
    "leaderboard": Feed(
        source="leaderboard",
        path="/board.json",
        document=lambda: fixture_json("scores_leaderboard.json"),
        keys=lambda doc: list(range(len(doc["data"]))),
        record_id=lambda doc, i: doc["data"][i].get("model") if isinstance(doc["data"][i], dict) else None,
        fields={column: _words(column, field) for field, column in LEADERBOARD_SOURCE["mapping"].items()},
    ),
}


def test_every_source_adapter_is_fuzzed():
    """A new adapter (a price source, or a score source format) needs a Feed here."""
    assert set(PRICE_SOURCES) | {"epoch-gpqa", "leaderboard"} == set(FEEDS)
    from benchmarks.sources.configured import FORMATS

    assert {EPOCH_GPQA_SOURCE["format"], LEADERBOARD_SOURCE["format"]} == set(FORMATS)


@pytest.fixture
def feeds(db, upstream, settings, fast_retries):
    """The price registry the recorded answers match, plus what the score files need; every feed served locally."""
    build_price_registry()
    openai, deepseek = Lab.objects.get(slug="openai"), Lab.objects.get(slug="deepseek")
    AIModel.objects.filter(slug="gpt-4o").update(aliases=["openai/gpt-4o", "gpt-4o-2024-11-20"])
    AIModel.objects.filter(slug="deepseek-r1").update(aliases=["deepseek/deepseek-r1", "DeepSeek-R1"])
    AIModel.objects.create(slug="o1", name="o1", lab=openai, aliases=["o1-2024-12-17"])
    AIModel.objects.create(slug="deepseek-v3", name="DeepSeek-V3", lab=deepseek, aliases=["DeepSeek-V3"])
    for slug, scale in [("gpqa-diamond", 100), ("aime-2024", 100), ("math-500", 100), ("codeforces-elo", 4000)]:
        BenchmarkFactory(slug=slug, scale_max=scale)
    settings.OPENROUTER_MODELS_URL = upstream.url(FEEDS["openrouter"].path)
    settings.LITELLM_PRICES_URL = upstream.url(FEEDS["litellm"].path)
    settings.SCORE_SOURCES = [
        {**EPOCH_GPQA_SOURCE, "url": upstream.url(FEEDS["epoch-gpqa"].path)},
        {**LEADERBOARD_SOURCE, "url": upstream.url(FEEDS["leaderboard"].path)},
    ]
    return upstream


def natural_columns(model, prefix: str = "") -> list[str]:
    """The columns that say what a row is without its database ids: a related row by its slug, or (an offering)
    by its own such columns. Ids are no good here: PostgreSQL sequences do not roll back with a savepoint."""
    if prefix and any(f.name == "slug" for f in model._meta.fields):
        return [f"{prefix}slug"]
    names = []
    for field in model._meta.concrete_fields:
        if field.attname in VOLATILE or field.related_model is SourceRun:
            continue
        if field.is_relation:
            names += natural_columns(field.related_model, f"{prefix}{field.name}__")
        else:
            names.append(f"{prefix}{field.name}")
    return names


def registry_state() -> dict[str, list]:
    """Every registry row by its natural columns (no ids, timestamps or the run that wrote it)."""
    state = {}
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in REGISTRY_APPS or model.__name__.startswith("Historical") or model is SourceRun:
            continue
        state[opts.label] = sorted(map(repr, model.objects.values_list(*natural_columns(model))))
    return state


def refresh_in_savepoint(upstream, feed: Feed, document) -> tuple[SourceRun, dict]:
    """Serve `document`, run the real refresh, note the run and the registry, then roll it all back."""
    upstream.serve(feed.path, Answer(body=feed.encode(document), content_type=feed.content_type))
    with transaction.atomic():
        run = source_refresh(source=feed.source, today=TODAY)
        state = registry_state()
        transaction.set_rollback(True)
    return run, state


def assert_sane(quote) -> None:
    if isinstance(quote, PriceQuote):
        ceiling = Decimal(str(django_settings.PRICE_MAX_PER_MTOK))
        for value in (quote.input_per_mtok, quote.output_per_mtok, quote.cached_input_per_mtok):
            assert value is None or (value.is_finite() and 0 <= value <= ceiling), quote
        assert quote.provider_model_id.strip() and quote.upstream_id.strip()
        assert quote.context_window is None or 0 < quote.context_window <= 2_147_483_647
    else:
        assert math.isfinite(quote.value), quote
        assert quote.upstream_id.strip()


def set_path(record: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    for name in parents:
        if not isinstance(record.get(name), dict):
            record[name] = {}
        record = record[name]
    if value is DELETE:
        record.pop(leaf, None)
    else:
        record[leaf] = value


@st.composite
def broken_record(draw, feed: Feed, document):
    """(key of the record, the document with that record broken, the field path broken or None for all of it)."""
    key = draw(st.sampled_from(feed.keys(document)), label="record")
    broken = copy.deepcopy(document)
    records = records_of(broken)
    if feed.content_type == "text/csv":
        column = draw(st.sampled_from(sorted(feed.fields)), label="column")
        records[key][column] = draw(nasty_text, label="value")
        return key, broken, column
    path = draw(st.sampled_from([*sorted(feed.fields), None]), label="field")
    if path is None:
        records[key] = draw(json_values.filter(lambda v: not isinstance(v, dict)), label="record value")
    else:
        set_path(records[key], path, draw(st.one_of(st.just(DELETE), json_values), label="value"))
    return key, broken, path


@pytest.mark.parametrize("name", sorted(FEEDS))
@HYPOTHESIS
@given(data=st.data())
def test_a_broken_record_is_refused_by_id_and_field_and_writes_nothing(feeds, name, data):
    feed = FEEDS[name]
    original = feed.document()
    key, broken, path = data.draw(broken_record(feed, original))
    assume(broken != original)
    control_run, control = refresh_in_savepoint(feeds, feed, feed.without(original, key))
    run, state = refresh_in_savepoint(feeds, feed, broken)
    assert run.status != SourceRun.Status.FAILED, run.error  # one bad record never fails the whole run

    refused = [r for r in run.rejected if r not in control_run.rejected]
    if refused:
        assert len(refused) == 1, refused
        rejection = refused[0]
        labels = {str(feed.record_id(original, key)), str(feed.record_id(broken, key)).strip()[:300]}
        assert rejection["id"] in labels or re.fullmatch(r"row \d+|item \d+|data\[\d+\]", rejection["id"]), rejection
        if path is not None:
            assert any(word in rejection["reason"] for word in reason_words(feed, original, key, path)), rejection
        assert state == control  # the refused record wrote nothing
    else:
        for record in source_batch(feed, feed.encode(broken)).records:
            assert_sane(record)


def reason_words(feed: Feed, original, key, path: str) -> set[str]:
    """Words a refusal of record `key` with `path` broken must use: that field's names. A record the original answer
    neither accepts nor refuses was skipped as a whole (openrouter/auto: both prices -1, "varies by routed model");
    breaking one field ends the skip, so the refusal may name any of the record's fields (the other -1 price)."""
    batch = source_batch(feed, feed.encode(original))
    record_id = str(feed.record_id(original, key))
    seen = {q.upstream_id for q in batch.records} | {r.upstream_id for r in batch.rejected}
    if record_id in seen:
        return feed.fields[path]
    return set().union(*feed.fields.values())


def test_breaking_one_price_of_a_skipped_router_entry_is_refused_for_its_other_price(feeds):
    """Found by the fuzz above: openrouter/auto with one -1 price made real is refused for the other -1."""
    feed = FEEDS["openrouter"]
    original = feed.document()
    key = next(i for i in feed.keys(original) if original["data"][i]["id"] == "openrouter/auto")
    broken = copy.deepcopy(original)
    broken["data"][key]["pricing"]["prompt"] = "0.000001"
    run, _state = refresh_in_savepoint(feeds, feed, broken)
    (rejection,) = [r for r in run.rejected if r["id"] == "openrouter/auto"]
    assert "pricing.completion" in rejection["reason"]
    assert any(word in rejection["reason"] for word in reason_words(feed, original, key, "pricing.prompt"))


@pytest.mark.parametrize("name", sorted(FEEDS))
@HYPOTHESIS
@given(data=st.data())
def test_an_answer_of_the_wrong_shape_fails_the_run_and_writes_nothing(feeds, name, data):
    """Not the expected document at all (another JSON value, a list where an object was, bytes that are not
    JSON or CSV): the run fails with a reason, and the registry is as it was."""
    feed = FEEDS[name]
    if feed.content_type == "text/csv":
        body = data.draw(st.one_of(st.binary(max_size=200), nasty_text.map(str.encode)), label="body")
    else:
        body = data.draw(
            st.one_of(json_values.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200)),
            label="body",
        )
    feeds.serve(feed.path, Answer(body=body, content_type=feed.content_type))
    before = registry_state()
    run = source_refresh(source=feed.source, today=TODAY)
    if run.status == SourceRun.Status.FAILED:
        assert run.error.strip()
    else:
        for record in source_batch(feed, body).records:
            assert_sane(record)
    if run.status == SourceRun.Status.FAILED or not run.created_count + run.updated_count:
        assert registry_state() == before


def source_batch(feed: Feed, body: bytes):
    """What the adapter's pure parse makes of `body` (as fetch() would, without the network)."""
    from benchmarks.sources import score_source
    from benchmarks.sources.configured import parse_csv, parse_json
    from pricing.sources.json_payload import load_json

    if feed.source in PRICE_SOURCES:
        return import_module(f"pricing.sources.{feed.source}").parse(load_json(body, source=feed.source))
    adapter = score_source(feed.source)
    if adapter.config.format == "csv":
        return parse_csv(body.decode("utf-8-sig"), adapter.config)
    return parse_json(load_json(body, source=feed.source), adapter.config)

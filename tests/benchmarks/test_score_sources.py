"""Configured score sources: the mapping, CSV and JSON files fetched from a local server, the upsert."""

import datetime
import json

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ImproperlyConfigured

from benchmarks.models import BenchmarkScore
from benchmarks.services import score_refresh_from_source, source_names, source_refresh
from benchmarks.sources import score_source_configs
from benchmarks.sources.configured import ScoreSourceConfig, parse_csv, parse_json
from benchmarks.tasks import score_refresh_all
from benchmarks.tasks import score_refresh_from_source as score_task
from config.celery import app
from models_registry.models import SourceRun
from pricing.sources.base import SourceError, UnknownSourceError
from tests.factories import AIModelFactory, BenchmarkFactory, LabFactory
from tests.upstream import EPOCH_GPQA_SOURCE, LEADERBOARD_SOURCE, Answer, fixture_bytes, fixture_json

DAY1, DAY2 = datetime.date(2026, 11, 26), datetime.date(2026, 11, 27)


def config(entry: dict, url: str = "http://127.0.0.1/x") -> ScoreSourceConfig:
    return ScoreSourceConfig.from_setting({"url": url, **entry}, position=0)


@pytest.fixture
def score_feeds(upstream, settings, fast_retries):
    settings.SCORE_SOURCES = [
        {
            **EPOCH_GPQA_SOURCE,
            "url": upstream.serve_fixture("/gpqa.csv", "scores_benchmark_hub.csv", content_type="text/csv"),
        },
        {**LEADERBOARD_SOURCE, "url": upstream.serve_fixture("/board.json", "scores_leaderboard.json")},
    ]
    return upstream


@pytest.fixture
def score_registry(db):
    openai, deepseek = LabFactory(slug="openai", country="US"), LabFactory(slug="deepseek", country="CN")
    models = {
        "gpt-4o": AIModelFactory(slug="gpt-4o", lab=openai, aliases=["gpt-4o-2024-11-20"]),
        "o1": AIModelFactory(slug="o1", lab=openai, aliases=["o1-2024-12-17"]),
        "deepseek-r1": AIModelFactory(slug="deepseek-r1", lab=deepseek, aliases=["DeepSeek-R1"]),
        "deepseek-v3": AIModelFactory(slug="deepseek-v3", lab=deepseek, aliases=["DeepSeek-V3"]),
    }
    for slug, category, high in [
        ("gpqa-diamond", "science", 100),
        ("aime-2024", "math", 100),
        ("math-500", "math", 100),
    ]:
        BenchmarkFactory(slug=slug, category=category, scale_max=high)
    BenchmarkFactory(slug="codeforces-elo", category="code", scale_max=4000)
    return models


def scores() -> list[tuple]:
    return sorted(
        BenchmarkScore.objects.values_list(
            "model__slug", "benchmark__slug", "metric", "evaluated_by", "reported_on", "value"
        )
    )


# Configuration


def test_configured_sources_are_known_by_name_after_the_price_sources(settings):
    settings.SCORE_SOURCES = [{**EPOCH_GPQA_SOURCE, "url": "https://example.org/gpqa.csv"}]
    assert source_names() == ["epoch", "litellm", "openrouter", "epoch-gpqa"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**EPOCH_GPQA_SOURCE, "name": "Epoch GPQA"}, "lowercase slug"),
        ({**EPOCH_GPQA_SOURCE, "format": "xlsx"}, "`format` must be one of csv, json"),
        ({**EPOCH_GPQA_SOURCE, "mapping": {"value": "Score"}}, "map or default the field(s) model"),
        ({**EPOCH_GPQA_SOURCE, "defaults": {"benchmark": "gpqa-diamond"}}, "metric, evaluated_by"),
        ({**EPOCH_GPQA_SOURCE, "mapping": {**EPOCH_GPQA_SOURCE["mapping"], "colour": "c"}}, "unknown field(s) colour"),
        ({**EPOCH_GPQA_SOURCE, "value_scale": 0}, "`value_scale` must be a positive number"),
        ({**EPOCH_GPQA_SOURCE, "url": "ftp://example.org/x"}, "http(s) URL"),
        ({**EPOCH_GPQA_SOURCE, "urls": "x"}, "unknown key(s) urls"),
    ],
)
def test_a_bad_score_source_entry_is_refused_with_what_is_wrong(entry, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        ScoreSourceConfig.from_setting({"url": "https://example.org/x", **entry}, position=0)


@pytest.mark.parametrize("name", ["openrouter", "epoch", "epoch-gpqa"])
def test_a_score_source_name_may_not_clash(settings, name):
    settings.SCORE_SOURCES = [
        {**EPOCH_GPQA_SOURCE, "url": "https://e.org/a"},
        {**EPOCH_GPQA_SOURCE, "name": name, "url": "https://e.org/b"},
    ]
    with pytest.raises(ImproperlyConfigured, match="already taken"):
        score_source_configs()


# Parsing


def test_csv_export_is_read_through_the_column_mapping():
    batch = parse_csv(fixture_bytes("scores_benchmark_hub.csv").decode(), config(EPOCH_GPQA_SOURCE))
    assert batch.rejected == []
    first = batch.records[0]
    assert (first.upstream_id, first.benchmark, first.metric, first.evaluated_by) == (
        "o1-2024-12-17",
        "gpqa-diamond",
        "pass@1",
        "epoch-ai",
    )
    assert first.value == 76.89  # 0.7689 x value_scale 100, without float noise
    assert first.reported_on is None
    assert first.source_url == "https://epoch.ai/data/ai-benchmarking-dashboard"
    assert len(batch.records) == 8


def test_csv_without_a_mapped_column_is_a_source_error():
    with pytest.raises(SourceError, match="no column"):
        parse_csv("Model,Score\nx,1\n", config(EPOCH_GPQA_SOURCE))


def test_csv_bad_rows_are_rejected_with_reasons():
    text = (
        "Model version,Best score (across scorers),Source link\n"
        "DeepSeek-R1,0.71,https://e.org\n"
        "DeepSeek-V3,n/a,https://e.org\n"
        ",0.5,https://e.org\n"
        "gpt-4o-2024-11-20,inf,https://e.org\n"
    )
    batch = parse_csv(text, config(EPOCH_GPQA_SOURCE))
    assert [r.upstream_id for r in batch.records] == ["DeepSeek-R1"]
    assert [(r.upstream_id, r.reason) for r in batch.rejected] == [
        ("DeepSeek-V3", "value 'n/a' is not a number"),
        ("row 4", "missing model"),
        ("gpt-4o-2024-11-20", "value 'inf' is not a finite number"),
    ]


def test_csv_line_cut_short_or_shifted_is_refused_whole():
    """A download cut mid-line ends in a row whose last field is a prefix of the value (0.71 of 0.7128)."""
    text = fixture_bytes("scores_benchmark_hub.csv").decode()
    cut = text[: text.index("DeepSeek-R1,0.71") + len("DeepSeek-R1,0.71")]
    batch = parse_csv(cut, config(EPOCH_GPQA_SOURCE))
    assert [r.upstream_id for r in batch.records] == [
        "o1-2024-12-17",
        "gpt-4o-2024-11-20",
        "claude-3-5-sonnet-20241022",
    ]
    assert [(r.upstream_id, r.reason) for r in batch.rejected] == [
        ("DeepSeek-R1", "2 fields where the header has 8 (a line cut short or shifted)")
    ]
    shifted = "Model version,Best score (across scorers),Source link\nDeepSeek-R1,0,71,https://e.org\n,0.5\n"
    assert [(r.upstream_id, r.reason) for r in parse_csv(shifted, config(EPOCH_GPQA_SOURCE)).rejected] == [
        ("DeepSeek-R1", "4 fields where the header has 3 (a line cut short or shifted)"),
        ("row 3", "2 fields where the header has 3 (a line cut short or shifted)"),
    ]


def test_json_export_is_read_from_its_records_path():
    batch = parse_json(fixture_json("scores_leaderboard.json"), config(LEADERBOARD_SOURCE))
    assert batch.rejected == []
    elo = next(r for r in batch.records if r.benchmark == "codeforces-elo")
    assert (elo.upstream_id, elo.metric, elo.value, elo.evaluated_by) == ("deepseek-r1", "elo", 2029.0, "deepseek")
    assert elo.reported_on == datetime.date(2025, 1, 22)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"published": "22/01/2025"}, "reported_on '22/01/2025' is not a date (YYYY-MM-DD)"),
        ({"published": ""}, "missing reported_on"),
        ({"metric": "Pass At 1"}, "metric 'pass at 1' is not a valid slug"),
        ({"benchmark": None}, "missing benchmark"),
    ],
)
def test_json_bad_items_are_rejected_with_reasons(change, reason):
    document = fixture_json("scores_leaderboard.json")
    document["data"][0].update(change)
    batch = parse_json(document, config(LEADERBOARD_SOURCE))
    assert [(r.upstream_id, r.reason) for r in batch.rejected] == [("deepseek-r1", reason)]
    assert len(batch.records) == len(document["data"]) - 1


def test_json_without_a_list_at_the_records_path_is_a_source_error():
    with pytest.raises(SourceError, match="no list of records at 'data'"):
        parse_json({"rows": []}, config(LEADERBOARD_SOURCE))


# The refresh


def test_csv_source_refresh_creates_scores_and_lists_unknown_models(score_registry, score_feeds):
    run = score_refresh_from_source(source="epoch-gpqa", today=DAY1)
    assert run.status == SourceRun.Status.OK
    assert (run.created_count, run.updated_count, run.unchanged_count) == (4, 0, 0)
    assert run.unmatched == [
        "Llama-3.3-70B-Instruct",
        "Qwen2.5-72B-Instruct",
        "claude-3-5-sonnet-20241022",
        "grok-2-1212",
    ]
    assert scores() == [
        ("deepseek-r1", "gpqa-diamond", "pass@1", "epoch-ai", DAY1, 71.28),
        ("deepseek-v3", "gpqa-diamond", "pass@1", "epoch-ai", DAY1, 55.56),
        ("gpt-4o", "gpqa-diamond", "pass@1", "epoch-ai", DAY1, 48.48),
        ("o1", "gpqa-diamond", "pass@1", "epoch-ai", DAY1, 76.89),
    ]
    score = BenchmarkScore.objects.get(model__slug="o1")
    assert score.source_run_id == run.pk and score.source_url == "https://epoch.ai/data/ai-benchmarking-dashboard"


def test_undated_scores_count_from_first_sight_and_an_unchanged_value_adds_nothing_later(score_registry, score_feeds):
    score_refresh_from_source(source="epoch-gpqa", today=DAY1)
    run = score_refresh_from_source(source="epoch-gpqa", today=DAY2)
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 4)
    assert BenchmarkScore.objects.count() == 4

    text = fixture_bytes("scores_benchmark_hub.csv").decode().replace("DeepSeek-R1,0.7128", "DeepSeek-R1,0.7301")
    score_feeds.serve("/gpqa.csv", Answer(body=text.encode(), content_type="text/csv"))
    run = score_refresh_from_source(source="epoch-gpqa", today=DAY2)
    assert (run.created_count, run.unchanged_count) == (1, 3)
    r1 = [s for s in scores() if s[0] == "deepseek-r1"]
    assert r1 == [
        ("deepseek-r1", "gpqa-diamond", "pass@1", "epoch-ai", DAY1, 71.28),
        ("deepseek-r1", "gpqa-diamond", "pass@1", "epoch-ai", DAY2, 73.01),
    ]


def test_dated_scores_upsert_on_their_key_and_a_rerun_writes_nothing(score_registry, score_feeds):
    run = score_refresh_from_source(source="leaderboard", today=DAY1)
    assert (run.created_count, run.unmatched) == (5, ["kimi-k1.5"])
    assert ("deepseek-r1", "codeforces-elo", "elo", "deepseek", datetime.date(2025, 1, 22), 2029.0) in scores()
    before = scores()
    rerun = score_refresh_from_source(source="leaderboard", today=DAY2)
    assert (rerun.created_count, rerun.updated_count, rerun.unchanged_count) == (0, 0, 5)
    assert scores() == before

    document = fixture_json("scores_leaderboard.json")
    document["data"][0]["score"] = 79.9  # a correction of the same report
    score_feeds.serve_json("/board.json", document)
    fixed = score_refresh_from_source(source="leaderboard", today=DAY2)
    assert (fixed.created_count, fixed.updated_count) == (0, 1)
    r1 = BenchmarkScore.objects.get(model__slug="deepseek-r1", benchmark__slug="aime-2024")
    assert (r1.value, r1.reported_on, r1.source_run_id) == (79.9, datetime.date(2025, 1, 22), fixed.pk)
    assert BenchmarkScore.objects.count() == 5


def test_unknown_benchmark_and_out_of_scale_values_are_rejected(score_registry, score_feeds):
    document = fixture_json("scores_leaderboard.json")
    document["data"][0]["benchmark"] = "hle"
    document["data"][1]["score"] = 130  # MATH-500 is a percentage
    score_feeds.serve_json("/board.json", document)
    run = score_refresh_from_source(source="leaderboard", today=DAY1)
    assert run.status == SourceRun.Status.PARTIAL
    assert [r["reason"] for r in run.rejected] == [
        "unknown benchmark 'hle'",
        "value 130 is outside math-500's scale 0-100",
    ]
    assert run.created_count == 3


def test_a_broken_score_file_fails_the_run_and_keeps_the_scores(score_registry, score_feeds):
    score_refresh_from_source(source="leaderboard", today=DAY1)
    before = scores()
    score_feeds.serve("/board.json", Answer(body=b"<html>maintenance</html>"))
    run = score_refresh_from_source(source="leaderboard", today=DAY2)
    assert run.status == SourceRun.Status.FAILED and "not valid JSON" in run.error
    assert scores() == before


def test_dry_run_of_a_score_source_writes_nothing(score_registry, score_feeds):
    run = source_refresh(source="epoch-gpqa", today=DAY1, dry_run=True)
    assert run.created_count == 4 and run.pk is None
    assert "+ o1 gpqa-diamond pass@1 by epoch-ai on 2026-11-26: 76.89" in run.changes
    assert not BenchmarkScore.objects.exists() and not SourceRun.objects.exists()


def test_source_refresh_refuses_an_unknown_name_listing_all_known(score_feeds, db):
    with pytest.raises(UnknownSourceError, match="known sources: epoch, litellm, openrouter, epoch-gpqa, leaderboard"):
        source_refresh(source="epoch-ai")


# Tasks


@pytest.mark.django_db
def test_score_task_refreshes_and_retries_only_when_the_upstream_is_unreachable(score_registry, score_feeds):
    run = SourceRun.objects.get(pk=score_task.apply(args=["leaderboard"], throw=True).get())
    assert run.created_count == 5
    score_feeds.serve("/board.json", Answer(status=502))
    with pytest.raises(Retry):
        score_task.apply(args=["leaderboard"], throw=True)
    assert SourceRun.objects.filter(source="leaderboard", status="failed").count() == 1


@pytest.mark.django_db
def test_score_refresh_all_queues_each_configured_source(score_registry, score_feeds):
    saved = {name: app.conf.get(name) for name in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    try:
        score_feeds.serve("/gpqa.csv", Answer(status=500))
        assert score_refresh_all.apply(throw=True).get() == ["leaderboard"]
    finally:
        app.conf.update(saved)
    assert dict(SourceRun.objects.values_list("source", "status")) == {"epoch-gpqa": "failed", "leaderboard": "ok"}


def test_score_sources_setting_reads_json_from_the_environment(monkeypatch):
    from config.env import env

    monkeypatch.setenv("SCORE_SOURCES", json.dumps([{**EPOCH_GPQA_SOURCE, "url": "https://e.org/x.csv"}]))
    assert env("SCORE_SOURCES", [], cast=json.loads)[0]["name"] == "epoch-gpqa"
    monkeypatch.setenv("SCORE_SOURCES", "[{oops")
    with pytest.raises(ImproperlyConfigured, match="SCORE_SOURCES"):
        env("SCORE_SOURCES", [], cast=json.loads)

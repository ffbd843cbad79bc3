"""`manage.py refresh`: the same services in the foreground, a summary, --dry-run, --all that never stops early."""

import io

import pytest
from django.core.management import CommandError, call_command

from models_registry.models import SourceRun
from pricing.models import PricePoint
from pricing.services import source_refresh_lock
from tests.registry import build_price_registry
from tests.upstream import Answer, epoch_hub_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds(upstream, settings, fast_retries):
    settings.OPENROUTER_MODELS_URL = upstream.serve_fixture("/or", "openrouter_models.json")
    settings.LITELLM_PRICES_URL = upstream.serve_fixture("/litellm", "litellm_prices.json")
    settings.EPOCH_BENCHMARKS_URL = upstream.serve("/hub.zip", Answer(body=epoch_hub_zip()))
    settings.SCORE_SOURCES = [
        {
            "name": "leaderboard",
            "url": upstream.serve_fixture("/board.json", "scores_leaderboard.json"),
            "format": "json",
            "records_path": "data",
            "mapping": {"model": "model", "benchmark": "benchmark", "metric": "metric", "value": "score"},
            "defaults": {"evaluated_by": "deepseek"},
        }
    ]
    build_price_registry()
    return upstream


def refresh(*args) -> str:
    out = io.StringIO()
    call_command("refresh", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_refresh_one_source_prints_a_summary(feeds):
    out = refresh("openrouter")
    run = SourceRun.objects.get()
    line = "openrouter     ok       created 2, updated 0, unchanged 1, unmatched 11, rejected 0, proposed 2"
    assert f"{line}  (run #{run.pk}" in out  # deepseek/deepseek-r1-0528 and openai/gpt-4o-mini name known labs
    assert "unmatched: deepseek/deepseek-r1-0528, deepseek/deepseek-r1:free" in out
    assert "... and 1 more (-v 2 lists all)" in out
    assert "Refreshed 1 source(s)." in out


def test_unknown_source_is_a_command_error_listing_the_known_ones(feeds):
    with pytest.raises(
        CommandError, match=r"Unknown source\(s\): openroutr\. Known sources: epoch, litellm, openrouter, leaderboard"
    ):
        refresh("openroutr")
    assert not SourceRun.objects.exists()


def test_naming_no_source_without_all_is_a_command_error(feeds):
    with pytest.raises(CommandError, match="Name one or more sources, or give --all"):
        refresh()
    with pytest.raises(CommandError, match="or give --all"):
        refresh("openrouter", "--all")


def test_dry_run_prints_what_would_change_and_writes_nothing(feeds):
    out = refresh("openrouter", "--dry-run")
    assert "Dry run: nothing will be written." in out
    assert "created 2" in out and "not saved" in out
    assert "+ openrouter:openai/gpt-4o: new offering, 2.5/10 (cached 1.25) from" in out
    assert not SourceRun.objects.exists()
    assert not PricePoint.objects.filter(offering__provider__slug="openrouter", source_run__isnull=False).exists()


def test_all_refreshes_every_source_and_a_failing_one_does_not_stop_the_rest(feeds):
    feeds.serve("/litellm", Answer(status=503))
    with pytest.raises(CommandError, match=r"1 of 4 source\(s\) failed: litellm"):
        out = io.StringIO()
        call_command("refresh", "--all", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "litellm        failed" in text and "HTTP 503 (after 3 attempts)" in text
    statuses = dict(SourceRun.objects.values_list("source", "status"))
    # The benchmarks are absent: the leaderboard's scores are refused, Epoch's too (none of its mapped ones exists).
    assert statuses == {"openrouter": "ok", "litellm": "failed", "leaderboard": "partial", "epoch": "partial"}
    assert "rejected deepseek-r1: unknown benchmark 'aime-2024'" in text


def test_a_source_already_being_refreshed_is_skipped(feeds):
    with source_refresh_lock("openrouter"), pytest.raises(CommandError, match="failed: openrouter"):
        out = io.StringIO()
        call_command("refresh", "openrouter", stdout=out, stderr=io.StringIO())
    assert "already running elsewhere; skipped" in out.getvalue()
    assert not SourceRun.objects.exists()


def test_verbosity_two_lists_every_write(feeds):
    out = refresh("openrouter", "-v", "2")
    assert "+ openrouter:deepseek/deepseek-r1: new offering, 0.4/2 from" in out
    assert "meta-llama/llama-3.3-70b-instruct" in out  # every unmatched id


def test_misconfigured_score_sources_are_a_command_error(feeds, settings):
    settings.SCORE_SOURCES = {"name": "not a list"}
    with pytest.raises(CommandError, match="score sources are misconfigured: SCORE_SOURCES must be a JSON list"):
        refresh("--all")

"""Refresh tasks: run in-process (Task.apply), and end to end on a real Celery worker with Redis and PostgreSQL."""

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.cache import cache

from config.celery import app
from models_registry.models import SourceRun
from pricing.models import Offering, PricePoint
from pricing.services import source_refresh_lock
from pricing.sources.base import SourceUnavailable
from pricing.tasks import price_refresh_all, price_refresh_from_source
from tests.registry import build_price_registry
from tests.upstream import Answer


@pytest.fixture
def served(upstream, settings, fast_retries):
    settings.OPENROUTER_MODELS_URL = upstream.serve_fixture("/or", "openrouter_models.json")
    settings.LITELLM_PRICES_URL = upstream.serve_fixture("/litellm", "litellm_prices.json")
    return upstream


@pytest.fixture
def eager():
    """Run `.delay()` in-process, as the embedded default does (the Redis mode would queue for a worker)."""
    saved = {name: app.conf.get(name) for name in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(saved)


@pytest.mark.django_db
def test_task_runs_the_refresh_and_returns_its_run(served):
    build_price_registry()
    run_id = price_refresh_from_source.apply(args=["openrouter"], throw=True).get()
    run = SourceRun.objects.get(pk=run_id)
    assert (run.source, run.status, run.created_count) == ("openrouter", "ok", 2)


@pytest.mark.django_db
def test_task_is_safe_to_run_twice(served):
    build_price_registry()
    price_refresh_from_source.apply(args=["openrouter"], throw=True)
    prices = PricePoint.objects.count()
    second = SourceRun.objects.get(pk=price_refresh_from_source.apply(args=["openrouter"], throw=True).get())
    assert (second.created_count, second.updated_count) == (0, 0)
    assert PricePoint.objects.count() == prices


@pytest.mark.django_db
def test_task_skips_while_another_refresh_of_the_same_source_holds_the_lock(served):
    with source_refresh_lock("openrouter") as acquired:
        assert acquired
        assert price_refresh_from_source.apply(args=["openrouter"], throw=True).get() is None
        with source_refresh_lock("openrouter") as second:
            assert not second
    assert served.hits["/or"] == 0
    assert not SourceRun.objects.exists()
    with source_refresh_lock("litellm") as other_source:  # other sources are not blocked
        assert other_source


@pytest.mark.django_db
def test_unreachable_upstream_records_a_failed_run_and_asks_celery_to_retry(served):
    served.serve("/or", Answer(status=503))
    with pytest.raises(Retry):
        price_refresh_from_source.apply(args=["openrouter"], throw=True)
    run = SourceRun.objects.get()
    assert run.status == SourceRun.Status.FAILED and "HTTP 503" in run.error
    assert cache.get("lock:source-refresh:openrouter") is None  # released for the retry


@pytest.mark.django_db
def test_a_broken_answer_fails_the_run_without_retrying(served):
    served.serve("/or", Answer(status=404))
    run = SourceRun.objects.get(pk=price_refresh_from_source.apply(args=["openrouter"], throw=True).get())
    assert run.status == SourceRun.Status.FAILED and "HTTP 404" in run.error


def test_refresh_tasks_ack_late_have_time_limits_and_retry_only_when_a_retry_may_help():
    app.loader.import_default_modules()
    for name in ["pricing.tasks.price_refresh_from_source", "benchmarks.tasks.score_refresh_from_source"]:
        task = app.tasks[name]
        assert task.acks_late is True
        assert task.autoretry_for == (SourceUnavailable,)
        assert 0 < task.soft_time_limit < task.time_limit


@pytest.mark.django_db
def test_refresh_all_runs_every_price_source_and_one_failure_does_not_block_the_other(served, eager):
    build_price_registry()
    served.serve("/litellm", Answer(status=500))
    assert price_refresh_all.apply(throw=True).get() == ["openrouter"]
    runs = {run.source: run for run in SourceRun.objects.all()}
    assert runs["openrouter"].status == SourceRun.Status.OK
    assert runs["litellm"].status == SourceRun.Status.FAILED


def test_every_default_periodic_task_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.DEFAULT_PERIODIC_TASKS
    for name, entry in settings.DEFAULT_PERIODIC_TASKS.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"
        assert entry.get("expires"), f"{name}: give `expires` (about one interval) so backlogs do not pile up"


# A real worker, the real Redis broker and the test PostgreSQL database


@pytest.fixture
def worker_upstream(upstream, monkeypatch):
    """The upstream's URL must reach the worker subprocess through its environment, before it starts."""
    monkeypatch.setenv("OPENROUTER_MODELS_URL", upstream.serve_fixture("/api/v1/models", "openrouter_models.json"))
    monkeypatch.setenv("SOURCE_HTTP_ATTEMPTS", "2")
    monkeypatch.setenv("SOURCE_HTTP_BACKOFF_BASE", "0.01")
    return upstream


@pytest.fixture
def refresh_worker(worker_upstream, celery_worker_process):
    return celery_worker_process


@pytest.mark.slow
def test_a_real_worker_refreshes_prices_end_to_end(worker_upstream, refresh_worker):
    build_price_registry()  # committed (transactional_db), so the worker sees it
    run_id = app.send_task("pricing.tasks.price_refresh_from_source", args=["openrouter"]).get(timeout=60)
    run = SourceRun.objects.get(pk=run_id)
    assert (run.status, run.created_count, run.unchanged_count, run.unmatched_count) == ("ok", 2, 1, 11)
    offering = Offering.objects.get(provider__slug="openrouter", provider_model_id="deepseek/deepseek-r1")
    assert offering.prices.get().source_run_id == run_id
    assert worker_upstream.hits["/api/v1/models"] == 1

    again = app.send_task("pricing.tasks.price_refresh_from_source", args=["openrouter"]).get(timeout=60)
    second = SourceRun.objects.get(pk=again)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 3)
    assert PricePoint.objects.filter(source_run__isnull=False).count() == 2

"""After a data change a worker recomputes the default pages' analytics, so visitors read them from the cache."""

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config.celery import single_flight
from dashboards import warming
from dashboards.queries import newest_data_dates_cached
from dashboards.warming import (
    INTERVALS_LOCK,
    INTERVALS_PENDING_KEY,
    PENDING_KEY,
    default_queries,
    warm_default_queries,
    warm_index_intervals,
)
from models_registry.cache_version import data_version
from pricing.models import PricePoint

PAGES = ["/", "/gap/gpqa-diamond/", "/costs/"]


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_a_warmed_cache_holds_everything_the_default_page_reads(reference_data, client, url):
    cold = queries_of(client, url)  # computes its analytics and caches them
    fully_cached = queries_of(client, url)
    assert fully_cached < cold

    cache.clear()
    assert warm_default_queries() == len(default_queries()) == 6

    assert queries_of(client, url) == fully_cached


@pytest.mark.django_db
def test_the_index_intervals_are_warmed_by_a_task_of_their_own(reference_data, client):
    """warm_default_queries queues warm_index_intervals (run at once here: eager, as without a worker), after which
    /index/ reads its bootstrap intervals from the cache."""
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        cache.clear()
        warm_default_queries()
    finally:
        app.conf.task_always_eager = eager
    assert cache.get(INTERVALS_PENDING_KEY) is None  # the task ran and cleared its flag
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/index/").status_code == 200
    assert not [q for q in captured.captured_queries if "benchmarkscore" in q["sql"]]  # no fit computed


def index_page_fits(client) -> bool:
    """Whether /index/ had to fit the index (read scores) rather than find its intervals in the cache (the footer's
    newest dates, which read scores too, are cached first)."""
    newest_data_dates_cached()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/index/").status_code == 200
    return any("benchmarkscore" in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("elsewhere", [True, False])
def test_the_index_intervals_are_warmed_one_run_at_a_time(reference_data, client, elsewhere):
    cache.clear()
    with single_flight(INTERVALS_LOCK, timeout=60) as held:  # with `elsewhere`, a run under way on another process
        if not elsewhere:
            cache.delete(f"lock:{INTERVALS_LOCK}")
        assert held and warm_index_intervals() is not elsewhere
    assert index_page_fits(client) is elsewhere  # beside a run under way it computed nothing


@pytest.mark.django_db
def test_a_change_during_an_intervals_run_queues_the_next_run(
    reference_data, client, monkeypatch, django_capture_on_commit_callbacks
):
    """The run that holds the lock warms the version it started on; a change meanwhile (whose own warm would find
    the lock taken) is warmed by a run it queues when it ends."""
    from config.celery import app

    real_report = warming.analytics_report
    versions = []

    def report_while_data_changes(endpoint, query):
        if not versions:  # the first run: the data changes while it fits
            point = PricePoint.objects.order_by("pk").first()
            with django_capture_on_commit_callbacks(execute=True):  # the version moves on commit
                point.note = "changed during the run"
                point.save()
        versions.append(data_version())
        return real_report(endpoint, query)

    monkeypatch.setattr(warming, "analytics_report", report_while_data_changes)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True  # the queued run runs at once
    try:
        cache.clear()
        assert warm_index_intervals() is True
    finally:
        app.conf.task_always_eager = eager
    assert len(versions) == 2 and versions[-1] == data_version()  # a second run, on the new version
    assert not index_page_fits(client)


@pytest.mark.django_db
def test_no_benchmark_means_nothing_to_warm():
    assert default_queries() == []
    assert warm_default_queries() == 0


def analytics_keys() -> list[str]:
    """The analytics entries cached under the current data version."""
    return cache.keys(f"analytics:{data_version()}:*")


@pytest.mark.slow
def test_a_burst_of_committed_changes_is_warmed_once_by_the_worker(
    reference_data, settings, celery_worker_process, tmp_path
):
    settings.ANALYTICS_CACHE_WARM = True
    before = data_version()
    points = list(PricePoint.objects.order_by("pk")[:5])
    for point in points:  # five commits, five version bumps within a few milliseconds
        with transaction.atomic():
            point.note = f"{point.note} (checked)".strip()
            point.save()
    assert data_version() >= before + len(points)

    deadline = time.monotonic() + 90
    while len(analytics_keys()) < len(default_queries()) or cache.get(PENDING_KEY) is not None:
        assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.2)
    log = (tmp_path / "worker.log").read_text()
    received = re.findall(r"Task dashboards\.tasks\.warm_analytics_cache\[[^\]]+\] received", log)
    assert 1 <= len(received) < len(points), log[-3000:]

"""Per-offering probe aggregates (p50/p95 TTFT, p50 speed, availability over 24 h and 7 days) and their API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from benchmarks.models import ProbeResult
from benchmarks.probes.api import ProbeSummaryView
from benchmarks.probes.selectors import percentile_cont, probe_summary
from tests.factories import OfferingFactory, ProbeResultFactory

pytestmark = pytest.mark.django_db
ErrorKind = ProbeResult.ErrorKind
NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)


def ago(**delta) -> datetime.datetime:
    return NOW - datetime.timedelta(**delta)


def ok(offering, started_at, ttft_ms, tokens_per_s):
    return ProbeResultFactory(
        offering=offering, started_at=started_at, ttft_ms=ttft_ms, output_tokens_per_s=tokens_per_s
    )


def failed(offering, started_at, kind, status=None):
    return ProbeResultFactory(
        offering=offering,
        started_at=started_at,
        ok=False,
        error_kind=kind,
        http_status=status,
        ttft_ms=None,
        output_tokens=None,
        output_tokens_per_s=None,
    )


@pytest.fixture
def history():
    """Offering `main` with a day and a week of results; others to show who is listed."""
    main = OfferingFactory(probe_enabled=True)
    for hours, ttft, speed in [(1, 100, 10), (2, 200, 20), (3, 300, 30), (4, 400, 40), (5, 1000, 50)]:
        ok(main, ago(hours=hours), ttft, speed)
    failed(main, ago(hours=2), ErrorKind.HTTP_5XX, 503)
    failed(main, ago(hours=3), ErrorKind.RATE_LIMITED, 429)
    failed(main, ago(hours=1), ErrorKind.SKIPPED_NO_KEY)  # not an attempt
    failed(main, ago(hours=1), ErrorKind.REFUSED)  # not an attempt
    ok(main, ago(days=3), 2000, 5)
    ok(main, ago(days=3, hours=1), 3000, 5)
    failed(main, ago(days=4), ErrorKind.TIMEOUT)
    ok(main, ago(days=8), 9999, 1)  # outside both windows
    ok(main, NOW + datetime.timedelta(minutes=5), 1, 1)  # after `now`: not seen
    return {
        "main": main,
        "idle": OfferingFactory(probe_enabled=True),  # enabled, never probed: listed, empty
        "was_probed": ok(OfferingFactory(probe_enabled=False), ago(days=2), 500, 25).offering,  # listed
        "never": OfferingFactory(probe_enabled=False),  # not listed
        "retired": OfferingFactory(probe_enabled=True, retired_on=datetime.date(2025, 5, 1)),  # not listed
    }


def test_percentile_cont_interpolates_like_postgresql():
    assert percentile_cont([100, 200, 300, 400, 1000], 0.5) == 300
    assert percentile_cont([1000, 100, 400, 300, 200], 0.95) == pytest.approx(880)  # 400 + 0.8 * 600
    assert percentile_cont([7], 0.95) == 7
    assert percentile_cont([], 0.5) is None


def test_summary_computes_windows_per_offering(history):
    by_id = {s.offering_id: s for s in probe_summary(now=NOW)}
    main = by_id[history["main"].id]

    day, week = main.windows["24h"], main.windows["7d"]
    assert (day.attempts, day.ok) == (7, 5)  # 5 ok, a 503 and a 429; no-key and refused are not attempts
    assert day.availability == pytest.approx(5 / 7)
    assert day.ttft_ms_p50 == pytest.approx(300)
    assert day.ttft_ms_p95 == pytest.approx(880)
    assert day.output_tokens_per_s_p50 == pytest.approx(30)
    assert (week.attempts, week.ok) == (10, 7)
    assert week.availability == pytest.approx(0.7)
    assert week.ttft_ms_p50 == pytest.approx(400)
    assert week.ttft_ms_p95 == pytest.approx(2700)  # [..., 1000, 2000, 3000]: 2000 + 0.7 * 1000
    assert week.output_tokens_per_s_p50 == pytest.approx(20)
    assert main.last_probe_at == ago(hours=1)
    assert main.last_ok_at == ago(hours=1)


def test_summary_lists_enabled_and_recently_probed_offerings(history):
    summaries = {s.offering_id: s for s in probe_summary(now=NOW)}

    assert set(summaries) == {history["main"].id, history["idle"].id, history["was_probed"].id}
    idle = summaries[history["idle"].id]
    assert idle.windows["24h"].attempts == 0 and idle.windows["24h"].availability is None
    assert idle.windows["7d"].ttft_ms_p50 is None and idle.last_probe_at is None
    probed = summaries[history["was_probed"].id]
    assert probed.windows["24h"].attempts == 0 and probed.windows["7d"].ttft_ms_p50 == 500


def test_summary_filters_by_provider_model_and_offering(history):
    main = history["main"]
    assert [s.offering_id for s in probe_summary(now=NOW, provider=main.provider.slug)] == [main.id]
    assert [s.offering_id for s in probe_summary(now=NOW, model=main.model.slug)] == [main.id]
    assert [s.offering_id for s in probe_summary(now=NOW, offering_id=history["idle"].id)] == [history["idle"].id]


def test_summary_endpoint_returns_both_windows(history, api_client):
    response = api_client.get(reverse("probe-summary"), {"offering": history["main"].id})

    assert response.status_code == 200
    body = response.json()
    assert (body["provider"], body["model"], body["offering"]) == (None, None, history["main"].id)
    [row] = body["results"]
    assert row["offering"] == history["main"].id
    assert row["provider"] == history["main"].provider.slug and row["model"] == history["main"].model.slug
    assert set(row["last_24h"]) == {
        "attempts",
        "ok",
        "availability",
        "ttft_ms_p50",
        "ttft_ms_p95",
        "output_tokens_per_s_p50",
    }
    assert set(row["last_7d"]) == set(row["last_24h"])


def test_summary_endpoint_uses_the_last_24_hours_from_now(api_client):
    offering = OfferingFactory(probe_enabled=True)
    now = timezone.now()
    ok(offering, now - datetime.timedelta(hours=1), 120, 40)
    ok(offering, now - datetime.timedelta(hours=2), 80, 60)
    ok(offering, now - datetime.timedelta(days=2), 1000, 5)

    [row] = api_client.get(reverse("probe-summary")).json()["results"]

    assert row["last_24h"] == {
        "attempts": 2,
        "ok": 2,
        "availability": 1.0,
        "ttft_ms_p50": 100.0,
        "ttft_ms_p95": 118.0,
        "output_tokens_per_s_p50": 50.0,
    }
    assert row["last_7d"]["attempts"] == 3 and row["last_7d"]["ttft_ms_p50"] == 120.0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"offering": "abc"}, "offering"), ({"offering": "0"}, "offering"), ({"offering": "987654"}, "offering"),
     ({"provider": "no-such"}, "provider"), ({"model": "no-such"}, "model"), ({"bogus": "1"}, "bogus"),
     ({"format": "csv"}, "format")],
)  # fmt: skip
def test_summary_endpoint_rejects_bad_parameters(api_client, params, field):
    response = api_client.get(reverse("probe-summary"), params)

    assert response.status_code == 400
    assert field in response.json()


def test_summary_query_count_does_not_grow_with_rows(api_client, settings):
    settings.PROBE_SUMMARY_CACHE_SECONDS = 0  # measure the queries, not the cache
    offering = OfferingFactory(probe_enabled=True)
    ProbeResultFactory.create_batch(3, offering=offering)
    with CaptureQueriesContext(connection) as few:
        assert api_client.get(reverse("probe-summary")).status_code == 200
    for _ in range(4):
        ProbeResultFactory.create_batch(5, offering=OfferingFactory(probe_enabled=True))
    with CaptureQueriesContext(connection) as many:
        response = api_client.get(reverse("probe-summary"))

    assert len(response.json()["results"]) == 5
    assert len(many) == len(few) <= 6


def test_summary_endpoint_is_cached(api_client, history):
    url = reverse("probe-summary")
    first = api_client.get(url).json()
    ProbeResultFactory(offering=history["idle"])

    with CaptureQueriesContext(connection) as queries:
        second = api_client.get(url).json()

    assert second == first
    assert not any("benchmarks_proberesult" in q["sql"] for q in queries)


def test_summary_path_wins_over_the_probe_detail_route():
    assert resolve("/api/v1/probes/summary/").func.view_class is ProbeSummaryView


def test_summary_endpoint_is_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/probes/summary/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"provider", "model", "offering"}
    assert operation["operationId"] == "probes_summary"

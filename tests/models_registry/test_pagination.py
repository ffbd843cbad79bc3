"""List counts come from the cache while the data they count is unchanged, and move with every write."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.probes.services import probe_results_prune
from tests.factories import LabFactory, ProbeResultFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db


def count_of(api_client, url: str) -> tuple[int, bool]:
    """The list's `count`, and whether answering it ran a COUNT query."""
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get(url)
    assert response.status_code == 200, response.content
    counted = any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)
    return response.json()["count"], counted


def test_a_registry_count_is_cached_until_a_committed_write_moves_the_version(
    api_client, django_capture_on_commit_callbacks
):
    LabFactory.create_batch(3)
    assert count_of(api_client, "/api/v1/labs/") == (3, True)
    assert count_of(api_client, "/api/v1/labs/") == (3, False)
    assert count_of(api_client, "/api/v1/labs/?country=US") == (3, True)  # other filters, other entry

    with django_capture_on_commit_callbacks(execute=True):
        LabFactory(country="CN")

    assert count_of(api_client, "/api/v1/labs/") == (4, True)
    assert count_of(api_client, "/api/v1/labs/?country=US") == (3, True)
    assert count_of(api_client, "/api/v1/labs/?country=CN") == (1, True)


def test_probe_counts_move_when_a_prune_deletes_results(api_client, django_capture_on_commit_callbacks):
    old = timezone.now() - datetime.timedelta(days=200)
    ProbeResultFactory.create_batch(2, started_at=old)
    ProbeResultFactory.create_batch(3)
    assert count_of(api_client, "/api/v1/probes/") == (5, True)
    assert count_of(api_client, "/api/v1/probes/") == (5, False)

    with django_capture_on_commit_callbacks(execute=True):
        assert probe_results_prune(retention_days=90) == 2

    assert count_of(api_client, "/api/v1/probes/") == (3, True)


def test_rows_no_version_tracks_are_counted_on_every_request(api_client):
    TimelineEventFactory()
    assert count_of(api_client, "/api/v1/events/") == (1, True)
    TimelineEventFactory()  # no commit callback runs in this test, and none is needed
    assert count_of(api_client, "/api/v1/events/") == (2, True)

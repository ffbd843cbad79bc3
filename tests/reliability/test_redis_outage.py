"""Redis stops: the web keeps answering from the database, and refreshes running on a worker lose nothing.

Each test has its own Redis (tests/reliability/services.py) that it stops and starts; gunicorn and the
Celery worker run as subprocesses on it and on the test's PostgreSQL database.
"""

import time

import httpx
import pytest

from tests.api_helpers import make_user
from tests.conftest import database_url_of_test_db

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GAP = "/api/v1/analytics/gap/?benchmark=gpqa-diamond&evaluated_by=deepseek&as_of=2025-01-31"
READS = [
    "/",
    "/gap/gpqa-diamond/",
    "/costs/",
    "/models/?country=CN",
    "/status/",
    GAP,
    "/api/v1/analytics/summary/?as_of=2025-06-30",
    "/api/v1/models/?country=CN",
    "/api/v1/prices/?at=2025-02-01&model=deepseek-r1",
    "/api/v1/probes/summary/",
]


def get_all(client: httpx.Client) -> dict[str, httpx.Response]:
    responses = {}
    for url in READS:
        started = time.monotonic()
        responses[url] = client.get(url)
        elapsed = time.monotonic() - started
        assert responses[url].status_code == 200, (url, responses[url].status_code, responses[url].text[:300])
        assert elapsed < 10, f"{url} took {elapsed:.1f}s"
    return responses


def cached_keys(redis) -> list[bytes]:
    return redis.client().keys("*analytics:*")


def test_pages_and_api_answer_from_the_database_while_redis_is_down_and_cache_again_after(
    reference_data, private_redis, start_web
):
    writer = make_user("benchmarks.add_benchmarkscore")
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=writer).key
    web = start_web(database_url=database_url_of_test_db(), redis_url=private_redis.url(0))

    with httpx.Client(base_url=web.base_url, timeout=30) as client:
        before = get_all(client)
        current = before[GAP].json()["current"]
        assert (current["a_model"], current["b_model"], current["gap"]) == ("o1", "deepseek-r1-zero", 2.4)
        assert cached_keys(private_redis), "analytics responses are cached in Redis while it runs"

        private_redis.stop()
        during = get_all(client)  # every page and endpoint still answers, from the database
        assert during[GAP].json() == before[GAP].json()
        assert "DeepSeek" in during["/models/?country=CN"].text

        # A write while Redis is down is accepted, and the next analytics answer already counts it.
        score = {
            "model": "deepseek-r1",
            "benchmark": "gpqa-diamond",
            "metric": "pass@1",
            "value": 80.0,
            "evaluated_by": "deepseek",
            "reported_on": "2025-01-25",
            "source_note": "reliability test",
        }
        created = client.post("/api/v1/scores/", json=score, headers={"Authorization": f"Token {token}"})
        assert created.status_code == 201, created.text
        after_write = client.get(GAP).json()["current"]
        assert (after_write["b_model"], after_write["b_value"], after_write["gap"]) == ("deepseek-r1", 80.0, -4.3)

        private_redis.start()  # back, empty (as a restarted cache is)
        assert not cached_keys(private_redis)
        again = get_all(client)
        assert again[GAP].json()["current"] == after_write
        assert cached_keys(private_redis), "the cache is used again once Redis is back"
        assert client.get(GAP).json()["current"] == after_write  # now from the cache

"""Redis stops: the web keeps answering from the database, and refreshes running on a worker lose nothing.

Each test has its own Redis (tests/reliability/services.py) that it stops and starts; gunicorn and the
Celery worker run as subprocesses on it and on the test's PostgreSQL database.
"""

import json
import time

import httpx
import pytest

from models_registry.models import SourceRun
from pricing.models import PricePoint
from tests.api_helpers import make_user
from tests.conftest import database_url_of_test_db
from tests.registry import build_price_registry
from tests.reliability.services import celery_client, wait_until
from tests.upstream import Answer, fixture_bytes

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


# Redis is also the Celery broker: a refresh is running on a worker when it goes away.

REFRESH = "pricing.tasks.price_refresh_from_source"
CATALOGUE = "/api/v1/models"


def slow_catalogue(upstream) -> str:
    """The OpenRouter catalogue, answered after 3 s: the window in which the test takes Redis away."""
    return upstream.serve(CATALOGUE, Answer(body=fixture_bytes("openrouter_models.json"), delay=3))


def refresh_runs() -> list[tuple]:
    return list(
        SourceRun.objects.filter(finished_at__isnull=False)
        .order_by("pk")
        .values_list("status", "created_count", "updated_count", "unchanged_count")
    )


def refresh_prices() -> int:
    return PricePoint.objects.filter(source_run__isnull=False).count()


def test_a_refresh_cut_off_by_a_redis_crash_is_delivered_again_and_writes_once(durable_redis, start_worker, upstream):
    build_price_registry()
    # Solo pool: the message stays unacknowledged when the worker loses Redis (prefork settles it on reconnect,
    # the case of the next test), so this test sees the redelivery that acks_late promises.
    worker = start_worker(
        database_url=database_url_of_test_db(),
        redis_url=durable_redis.url(0),
        OPENROUTER_MODELS_URL=slow_catalogue(upstream),
        # Short versions of the production timings, in the same order: lock (= hard limit) < visibility timeout;
        # and the broker looks for overdue messages every second instead of every ~100 s.
        CELERY_TASK_SOFT_TIME_LIMIT="8",
        CELERY_TASK_TIME_LIMIT="10",
        CELERY_BROKER_TRANSPORT_OPTIONS=json.dumps(
            {"visibility_timeout": 20, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
        ),
    )
    celery_client(durable_redis.url(0)).send_task(REFRESH, args=["openrouter"])
    wait_until(lambda: upstream.hits[CATALOGUE] == 1, timeout=60, what="the refresh to fetch")

    durable_redis.kill()  # while the refresh waits for its upstream
    # The refresh goes on without Redis (the database is up) and commits; it cannot acknowledge its message.
    wait_until(refresh_runs, timeout=60, what="the refresh to finish")
    assert refresh_runs() == [("ok", 2, 0, 1)]
    wait_until(lambda: "Connection to broker lost" in worker.log(), timeout=60, what="the worker to lose Redis")

    durable_redis.start()  # the unacknowledged message survived the crash, and is delivered again
    wait_until(lambda: len(refresh_runs()) == 2, timeout=120, interval=0.5, what="the message to be delivered again")
    assert refresh_runs() == [("ok", 2, 0, 1), ("ok", 0, 0, 3)]  # the second run found nothing new to write
    assert refresh_prices() == 2
    assert upstream.hits[CATALOGUE] == 2
    wait_until(lambda: not durable_redis.client().hlen("unacked"), timeout=60, what="the message to be acknowledged")


def test_a_refresh_running_while_redis_restarts_empty_lands_once_and_the_worker_carries_on(
    private_redis, start_worker, upstream
):
    build_price_registry()
    start_worker(
        database_url=database_url_of_test_db(),
        redis_url=private_redis.url(0),
        pool="prefork",
        OPENROUTER_MODELS_URL=slow_catalogue(upstream),
    )
    client = celery_client(private_redis.url(0))
    client.send_task(REFRESH, args=["openrouter"])
    wait_until(lambda: upstream.hits[CATALOGUE] == 1, timeout=60, what="the refresh to fetch")

    private_redis.kill()
    wait_until(refresh_runs, timeout=60, what="the refresh to finish")
    private_redis.start()  # empty: the queue and the message are gone, the refresh's writes are not
    assert refresh_runs() == [("ok", 2, 0, 1)]
    assert refresh_prices() == 2

    # The worker reconnects by itself and takes new work; running the refresh again doubles nothing.
    run_id = client.send_task(REFRESH, args=["openrouter"]).get(timeout=120)
    assert SourceRun.objects.get(pk=run_id).status == "ok"
    assert refresh_runs() == [("ok", 2, 0, 1), ("ok", 0, 0, 3)]
    assert refresh_prices() == 2

"""Analytics responses are cached until registry data changes (on Redis when REDIS_URL is set)."""

import os

import pytest
from django.conf import settings
from django.urls import reverse

from benchmarks.models import Benchmark, BenchmarkScore
from dashboards.cache import analytics_cache_bump
from models_registry.cache_version import DATA_VERSION_KEY, data_version
from models_registry.models import AIModel, Lab
from pricing.models import Offering, PricePoint, Provider
from tests.dashboards.test_analytics import lower_is_better_world
from tests.dashboards.world import save_world

pytestmark = pytest.mark.django_db

COST = reverse("analytics-cost-ratio")
PARAMS = {"benchmark": "err-rate", "as_of": "2024-07-01"}


def c2_list_price() -> PricePoint:
    return PricePoint.objects.get(offering__model__slug="c2", off_peak=False)


def test_a_changed_price_shows_in_the_next_response(api_client, django_capture_on_commit_callbacks):
    save_world(lower_is_better_world())
    assert api_client.get(COST, PARAMS).json()["current"]["b_price"] == 2.5
    price = c2_list_price()
    price.input_per_mtok = "1"  # (3 * 1 + 4) / 4 = 1.75
    with django_capture_on_commit_callbacks(execute=True):
        price.save()
    data = api_client.get(COST, PARAMS).json()
    assert (data["current"]["b_price"], data["current"]["ratio"]) == (1.75, round(25 / 1.75, 6))


def test_a_deleted_score_shows_in_the_next_response(api_client, django_capture_on_commit_callbacks):
    save_world(lower_is_better_world())
    gap = reverse("analytics-gap")
    assert api_client.get(gap, PARAMS).json()["current"]["b_model"] == "ca"
    with django_capture_on_commit_callbacks(execute=True):
        BenchmarkScore.objects.get(model__slug="ca").delete()
    assert api_client.get(gap, PARAMS).json()["current"]["b_model"] == "cz"


def test_bulk_writes_need_the_explicit_bump(api_client, django_capture_on_commit_callbacks):
    save_world(lower_is_better_world())
    api_client.get(COST, PARAMS)
    with django_capture_on_commit_callbacks(execute=True):
        PricePoint.objects.filter(pk=c2_list_price().pk).update(input_per_mtok="1")  # sends no signal
    assert api_client.get(COST, PARAMS).json()["current"]["b_price"] == 2.5  # still the cached response
    with django_capture_on_commit_callbacks(execute=True):
        analytics_cache_bump()
    assert api_client.get(COST, PARAMS).json()["current"]["b_price"] == 1.75


def test_a_cached_response_reads_nothing_from_the_database(api_client, django_assert_max_num_queries):
    save_world(lower_is_better_world())
    first = api_client.get(COST, PARAMS).json()
    with django_assert_max_num_queries(0) as captured:  # analytics run outside a request transaction
        second = api_client.get(COST, PARAMS).json()
    assert not [q for q in captured.captured_queries if "SELECT" in q["sql"].upper()]
    assert second == first


def test_the_version_moves_only_after_commit(django_capture_on_commit_callbacks):
    save_world(lower_is_better_world())
    before = data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Lab.objects.get(slug="cn-lab").save()
    assert data_version() == before
    for callback in callbacks:
        callback()
    assert data_version() > before


@pytest.mark.parametrize(
    "model", [Lab, AIModel, Provider, Offering, PricePoint, Benchmark, BenchmarkScore], ids=lambda m: m.__name__
)
def test_saving_or_deleting_any_analytics_input_bumps_the_version(model, django_capture_on_commit_callbacks):
    save_world(lower_is_better_world())
    row = model.objects.order_by("pk").last()
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        row.save()
    after_save = data_version()
    assert after_save > before
    if model in (PricePoint, BenchmarkScore):  # the others are protected by foreign keys
        with django_capture_on_commit_callbacks(execute=True):
            row.delete()
        assert data_version() > after_save


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: the cache is local memory")
def test_responses_and_the_version_live_in_redis(api_client):
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    save_world(lower_is_better_world())
    api_client.get(COST, PARAMS)
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = {key.decode() for key in client.keys("*")}
    assert any(key.endswith(DATA_VERSION_KEY) for key in keys)
    assert any(":analytics:" in key and ":cost-ratio:" in key for key in keys)

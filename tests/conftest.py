import io

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (local memory, or Redis when REDIS_URL is set)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(db):
    """The shipped reference data, loaded by the real loader."""
    call_command("load_reference", stdout=io.StringIO())


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def throttle_rates(monkeypatch):
    """Set DRF throttle rates for one test: `throttle_rates(anon="3/minute", user="5/minute")`.

    DRF reads DEFAULT_THROTTLE_RATES once at import, so override_settings does not reach it;
    the class attribute is patched instead (and restored after the test).
    """
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **rates})

    return set_rates

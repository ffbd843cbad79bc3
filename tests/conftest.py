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

import io
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from hypothesis import settings as hypothesis_settings

from tests import reference_snapshot
from tests.upstream import fast_retries, upstream  # noqa: F401 (fixtures: a local upstream HTTP server)

PROJECT_DIR = Path(__file__).resolve().parent.parent

# Under CI=true (as CI services set it) Hypothesis draws the same examples on every run, so a green run means green
# and a red one can be rerun; elsewhere it keeps exploring new ones. The profile applies to every @settings(...)
# made after this import (the test modules' own ones inherit from it).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher takes ~0.3 s per password by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (local memory, or Redis when REDIS_URL is set)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _login_rate_limit_off(settings):
    """django-axes needs a request on every authenticate(); the test client's login() has none.
    Tests of the rate limit itself switch it back on."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _analytics_cache_warm_off(settings):
    """No warm task queued by every committed write; tests/dashboards/test_warming.py switches it on."""
    settings.ANALYTICS_CACHE_WARM = False


@pytest.fixture(scope="session")
def _reference_snapshot(django_db_setup, django_db_blocker) -> "reference_snapshot.Snapshot":
    """The rows the real loader writes into an empty registry, loaded once per session (inside a transaction
    that is rolled back, so the test database stays empty) and kept in memory."""
    with django_db_blocker.unblock():
        return reference_snapshot.take(lambda: call_command("load_reference", stdout=io.StringIO()))


@pytest.fixture
def reference_data(db, _reference_snapshot):
    """The shipped reference data, as the real loader writes it: the session's snapshot, inserted afresh for
    each test (its own transaction, or flushed after a transactional test), so every test starts pristine.
    ~0.3 s instead of a 3-4 s load per test; tests/test_suite_setup.py checks it equals a fresh load."""
    reference_snapshot.restore(_reference_snapshot)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def database_url_of_test_db() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real Celery worker in a subprocess, on the real Redis broker and this test's PostgreSQL database.

    Needs DATABASE_URL (PostgreSQL) and REDIS_URL; the test's writes must be committed (transactional_db)
    for the worker to see them. Yields the worker's node name; its log is in tmp_path / "worker.log".
    """
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("a real Celery worker needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    from config.celery import app

    app.control.purge()  # tasks left queued by earlier tests must not run against this test's data
    node = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "DATABASE_URL": database_url_of_test_db(), "DB_CONN_MAX_AGE": "0"}
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-n", node, "--loglevel=INFO"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[node], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{log_path.read_text()}")
        yield node
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        connection.close()  # the worker held connections to the test db; let teardown flush cleanly


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

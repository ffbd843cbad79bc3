"""Fixtures of the fault and load tests: private Redis and PostgreSQL instances, gunicorn, a Celery worker.

Everything here needs the real services (DATABASE_URL on PostgreSQL and REDIS_URL, as CI sets) and the
server binaries; without them each test skips, saying why. Faults are injected into private instances
only: the machine's shared PostgreSQL and Redis are never stopped.
"""

import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import PROJECT_DIR
from tests.reliability.services import (
    CeleryWorker,
    Gunicorn,
    PrivatePostgres,
    PrivateRedis,
    collect_static,
    migrate,
    missing_binaries,
    service_env,
)


def skip_unless_real_services() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs the real services: DATABASE_URL (PostgreSQL) and REDIS_URL, as CI sets")
    reason = missing_binaries()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def static_collected():
    """collectstatic once: DEBUG=false serves hashed static files from STATIC_ROOT, as in production."""
    skip_unless_real_services()
    collect_static()


@pytest.fixture
def private_redis(tmp_path):
    """A running, non-persistent Redis of the test's own (empty after a restart, like a restarted cache)."""
    skip_unless_real_services()
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def durable_redis(tmp_path):
    """A running Redis of the test's own that keeps its data across a crash (append-only file, always fsynced)."""
    skip_unless_real_services()
    redis = PrivateRedis(tmp_path, persistent=True)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL cluster with a migrated template database holding the shipped reference data."""
    skip_unless_real_services()
    server = PrivatePostgres()
    try:
        server.start()
        server.execute("CREATE DATABASE fg_template")
        migrate(server.url("fg_template"))
        subprocess.run(
            [sys.executable, "manage.py", "load_reference"],
            cwd=PROJECT_DIR,
            env=service_env(database_url=server.url("fg_template"), redis_url=""),
            check=True,
            capture_output=True,
        )
        yield server
    finally:
        server.close()


@pytest.fixture
def private_postgres(postgres_server):
    """The private server (running), with a fresh copy of the template as `private_postgres.test_db`.
    Afterwards the server is running again, whatever the test did to it, and the copy is dropped."""
    if not postgres_server.running():
        postgres_server.start()
    name = f"fg_{uuid.uuid4().hex[:10]}"
    postgres_server.execute(f"CREATE DATABASE {name} TEMPLATE fg_template")
    postgres_server.test_db = name
    yield postgres_server
    if not postgres_server.running():
        postgres_server.start()
    postgres_server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def start_web(tmp_path, static_collected):
    """start_web(database_url=, redis_url=, **env) -> a running Gunicorn; all are stopped after the test."""
    servers: list[Gunicorn] = []

    def start(*, database_url: str, redis_url: str, workers: int = 2, **env: str) -> Gunicorn:
        log = tmp_path / f"gunicorn-{len(servers)}.log"
        server = Gunicorn(service_env(database_url=database_url, redis_url=redis_url, **env), log, workers=workers)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def start_worker(tmp_path):
    """start_worker(database_url=, redis_url=, pool=, **env) -> a ready CeleryWorker; stopped after the test."""
    skip_unless_real_services()
    workers: list[CeleryWorker] = []

    def start(*, database_url: str, redis_url: str, pool: str = "solo", concurrency: int = 1, **env: str):
        log = tmp_path / f"worker-{len(workers)}.log"
        env = service_env(database_url=database_url, redis_url=redis_url, DB_CONN_MAX_AGE="0", LOG_LEVEL="INFO", **env)
        worker = CeleryWorker(env, log, pool=pool, concurrency=concurrency)
        workers.append(worker)
        worker.start()
        return worker

    yield start
    for worker in workers:
        worker.stop()

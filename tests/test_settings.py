"""The embedded default needs no service; DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis."""

import json
import os
import subprocess
import sys

import yaml

from tests.conftest import PROJECT_DIR

PROBE = """
import json, django
django.setup()
from django.conf import settings
from config.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "debug": settings.DEBUG,
}))
"""


def settings_under(env: dict) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"} and "SECRET" not in k}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_uses_sqlite_eager_tasks_and_local_memory_cache():
    found = settings_under({})
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(PROJECT_DIR / "db.sqlite3")
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True
    assert found["broker"] == "memory://"


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    found = settings_under(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/somedb", "REDIS_URL": "redis://127.0.0.1:6379/5"}
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "somedb"
    assert found["cache"].endswith("RedisCache")
    assert found["eager"] is False
    assert found["broker"] == "redis://127.0.0.1:6379/5"


def test_production_refuses_to_start_without_its_own_secret_key():
    clean = {k: v for k, v in os.environ.items() if "SECRET" not in k}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_embedded_default_migrates_and_loads_reference_data_without_any_service(tmp_path):
    """What `make run` does, on a fresh SQLite file, with Redis and PostgreSQL out of the picture."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env = {**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    for args in (["migrate", "--noinput", "-v0"], ["load_reference"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
    assert "Reference data loaded." in result.stdout


def test_docker_compose_runs_web_worker_beat_postgres_and_redis_on_real_entry_points():
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    # Each named entry point exists in the project.
    from django.core.management import get_commands

    from config.celery import app
    from config.wsgi import application

    assert callable(application)
    assert app.main == "frontier_gap"
    for command in ("migrate", "collectstatic", "load_reference --if-empty", "setup_schedules"):
        assert command.split()[0] in get_commands()
        assert f"manage.py {command}" in services["web"]["command"]


def test_docker_compose_starts_worker_and_beat_once_web_is_healthy_and_restarts_services():
    services = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())["services"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "scripts/healthcheck.py"]
    assert (PROJECT_DIR / "scripts" / "healthcheck.py").is_file()  # tests/test_production_serving.py runs it
    for name in ("worker", "beat"):
        assert services[name]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert services["web"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert all(service["restart"] == "unless-stopped" for service in services.values())


def test_the_docker_image_leaves_out_secrets_local_databases_and_the_virtualenv():
    ignored = (PROJECT_DIR / ".dockerignore").read_text().split()
    assert {".env", ".venv", "db.sqlite3", ".git"} <= set(ignored)
    assert "!.env.example" in ignored


def test_env_example_works_for_plain_http_compose():
    example = dict(
        line.split("=", 1)
        for line in (PROJECT_DIR / ".env.example").read_text().splitlines()
        if "=" in line
        if not line.startswith("#")
    )
    assert example["DJANGO_DEBUG"] == "false"
    assert example["DJANGO_SECURE_SSL_REDIRECT"] == "false"  # http://localhost:8000 without a TLS proxy

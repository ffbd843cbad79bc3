"""The production path serves pages: DEBUG off, gunicorn in a subprocess, static files from collectstatic through
whitenoise, on a database prepared as docker-compose's `web` prepares it (migrate, reference data if empty,
schedules). Plain http on loopback, so DJANGO_SECURE_SSL_REDIRECT=false as .env.example has it for compose."""

import re
import subprocess
import sys

import httpx
import pytest

from tests.conftest import PROJECT_DIR
from tests.reliability.services import Gunicorn, collect_static, service_env

pytestmark = pytest.mark.slow


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def production_web(tmp_path):
    env = service_env(database_url=f"sqlite:///{tmp_path / 'production.sqlite3'}", redis_url="")
    collect_static()
    manage(env, "migrate", "--noinput", "-v0")
    assert "Reference data loaded." in manage(env, "load_reference", "--if-empty")
    assert "not loaded" in manage(env, "load_reference", "--if-empty")  # a restart keeps what admins edited
    manage(env, "setup_schedules")
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=1)
    server.start()
    yield server
    server.stop()


def test_gunicorn_under_production_settings_serves_pages_and_hashed_static_files(production_web):
    page = httpx.get(production_web.base_url + "/", timeout=60)
    assert page.status_code == 200, page.text[:2000]
    assert "Strict-Transport-Security" not in page.headers  # http, not redirected: the proxy does TLS
    static = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert static and all(re.search(r"\.[0-9a-f]{12}\.", url) for url in static), static  # the manifest's names
    for url in static:
        answer = httpx.get(production_web.base_url + url, timeout=30)
        assert answer.status_code == 200, url
        assert "max-age=315360000" in answer.headers["Cache-Control"]  # whitenoise: hashed names cache forever
    assert httpx.get(production_web.base_url + "/api/v1/models/", timeout=30).json()["count"] > 100

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


def healthcheck(env: dict) -> subprocess.CompletedProcess:
    """docker-compose's healthcheck of `web`, run as compose runs it (from the project directory)."""
    return subprocess.run(
        [sys.executable, "scripts/healthcheck.py"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=30
    )


def test_the_compose_healthcheck_passes_behind_a_tls_proxy_and_fails_without_a_server(tmp_path):
    """With the settings the README gives for a TLS proxy (redirect to https on) and a public host name only, a plain
    request to the API root is a redirect or a 400; the healthcheck asks as the proxy would and passes."""
    env = service_env(
        database_url=f"sqlite:///{tmp_path / 'proxied.sqlite3'}",
        redis_url="",
        DJANGO_SECURE_SSL_REDIRECT="true",
        DJANGO_ALLOWED_HOSTS="gap.example.org,.example.org",
    )
    collect_static()
    manage(env, "migrate", "--noinput", "-v0")
    server = Gunicorn(env, tmp_path / "gunicorn.log", workers=1)
    server.start()
    try:
        root = f"{server.base_url}/api/v1/"
        assert httpx.get(root, headers={"Host": "gap.example.org"}, timeout=30).status_code == 301  # to https
        assert httpx.get(root, timeout=30).status_code == 400  # 127.0.0.1 is not an allowed host
        checked = healthcheck({**env, "PORT": str(server.port)})
        assert checked.returncode == 0, checked.stderr
    finally:
        server.stop()
    down = healthcheck({**env, "PORT": str(server.port)})
    assert down.returncode == 1 and "unhealthy" in down.stderr

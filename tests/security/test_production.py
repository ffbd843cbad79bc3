"""Production hardening (DEBUG=false): HTTPS only, HSTS, secure cookies, the security headers and a script CSP.

`check --deploy` and the refusal to start without a SECRET_KEY are in tests/test_security_headers.py and
tests/test_settings.py. Here the real settings module is loaded with production variables in a subprocess: its
values are checked there, requests go through its middleware there, and the cookie flags it sets are replayed
in-process (a login needs the test database).
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from tests.conftest import PROJECT_DIR
from tests.factories import BenchmarkScoreFactory, PricePointFactory
from tests.security.conftest import PASSWORD
from tests.security.site import page_urls

HSTS = "max-age=31536000; includeSubDomains; preload"
HOST = "frontier-gap.example"
NAMES = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
]

# Runs inside the subprocess: the production settings, and three requests through their middleware. No database:
# the redirect happens before any view, and a 404 under /api/ is answered without one.
PRODUCTION_PROBE = f"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="{HOST}")
plain = client.get("/api/v1/labs/?search=x")
behind_proxy = client.get("/api/v1/no-such-route/", HTTP_X_FORWARDED_PROTO="https")
forged = client.get("/api/v1/labs/", HTTP_X_FORWARDED_PROTO="http")
print(json.dumps({{
    "settings": {{name: getattr(settings, name) for name in {NAMES!r}}},
    "plain": [plain.status_code, plain.get("Location")],
    "behind_proxy": [behind_proxy.status_code, dict(behind_proxy.headers)],
    "forged": [forged.status_code, forged.get("Location")],
}}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if "SECRET" not in k and k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_switch_on_https_hsts_and_secure_cookies(production):
    found = production["settings"]
    assert found["DEBUG"] is False
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and found["SECURE_HSTS_PRELOAD"] is True
    assert found["SESSION_COOKIE_SECURE"] is True and found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_SAMESITE"] == "Lax" and found["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["SECURE_REFERRER_POLICY"] == "same-origin"
    assert found["X_FRAME_OPTIONS"] == "DENY"


def test_production_redirects_plain_http_to_https_keeping_path_and_query(production):
    assert production["plain"] == [301, f"https://{HOST}/api/v1/labs/?search=x"]
    assert production["forged"] == [301, f"https://{HOST}/api/v1/labs/"]  # only "https" counts as https


def test_production_https_responses_carry_hsts_csp_and_the_strict_headers(production):
    status, headers = production["behind_proxy"]
    assert status == 404  # answered (JSON), not redirected: the proxy said the request came over https
    assert headers["Strict-Transport-Security"] == HSTS
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_production_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_http_only(production):
    found = production["settings"]
    cookie_settings = {k: v for k, v in found.items() if k.startswith(("SESSION_", "CSRF_", "SECURE_"))}
    cookie_settings["SECURE_PROXY_SSL_HEADER"] = tuple(cookie_settings["SECURE_PROXY_SSL_HEADER"])
    User.objects.create_superuser("admin", password=PASSWORD)
    with override_settings(**cookie_settings):
        client = Client(HTTP_X_FORWARDED_PROTO="https")
        login_page = client.get("/admin/login/")
        assert login_page.headers["Strict-Transport-Security"] == HSTS
        csrf = login_page.cookies["csrftoken"]
        assert csrf["secure"] and csrf["samesite"] == "Lax"
        response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        session = response.cookies["sessionid"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_production_refuses_the_development_secret_key():
    from config import settings as project_settings

    env = {
        **{k: v for k, v in os.environ.items() if "SECRET" not in k},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": project_settings._DEV_SECRET_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.django_db
def test_pages_load_scripts_only_from_our_static_files(client):
    """What the CSP (`script-src 'self'`) allows is all the pages need: no inline script, no handler attribute,
    no script from another origin. Inline JSON data (json_script) is not executed, so it is allowed."""
    BenchmarkScoreFactory()
    PricePointFactory()
    urls = [*page_urls(), "/api/docs/"]
    scripts = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
        html = response.content.decode()
        for attributes, body in SCRIPT_TAG.findall(html):
            src = re.search(r'\bsrc="([^"]+)"', attributes)
            if src:
                # ours: a static file, or Swagger UI's init script, which drf-spectacular serves at ?script=
                assert src.group(1).startswith("/static/") or src.group(1) == f"{url}?script=", (url, src.group(1))
                scripts += 1
            else:
                assert 'type="application/json"' in attributes, (url, attributes, body[:80])
        assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html).group(0))
    assert scripts >= len(urls)  # every page loads its scripts, all of them ours

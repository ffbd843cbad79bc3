"""Secrets stay in the environment, and no endpoint lists users or tokens.

`Provider.api_key_env` holds the NAME of a variable; the key lives only in the environment. Every GET the
service answers (each API operation of the schema, each list as CSV, the schema itself, every page found in the
URLconf) is searched for the key, a token, a password hash, a user's email and the SECRET_KEY.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.sessions.models import Session
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.views import APIView

from benchmarks.models import Benchmark, ProbeResult
from benchmarks.probes.selectors import probe_target_list
from benchmarks.probes.services import probe_run
from pricing.models import Provider
from tests.factories import (
    BenchmarkScoreFactory,
    ModelProposalFactory,
    OfferingFactory,
    PricePointFactory,
    ProbeResultFactory,
    ProviderFactory,
    SourceRunFactory,
    TimelineEventFactory,
)
from tests.probe_server import ProbeServer
from tests.security.conftest import make_user, model_permissions, token_client
from tests.security.site import page_urls

pytestmark = pytest.mark.django_db

KEY_VALUE = "sk-live-do-not-leak-4242-abcdef"
SENSITIVE_MODELS = {User, Group, Permission, Token, TokenProxy, Session, LogEntry}
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def secrets(monkeypatch) -> dict[str, str]:
    """A registry with a row of every kind, a provider whose key is set, and a user with a token and an email."""
    monkeypatch.setenv("LEAKY_API_KEY", KEY_VALUE)
    provider = ProviderFactory(slug="leaky", api_key_env="LEAKY_API_KEY")
    offering = OfferingFactory(provider=provider)
    PricePointFactory(offering=offering)
    BenchmarkScoreFactory(model=offering.model)
    ProbeResultFactory(offering=offering)
    TimelineEventFactory()
    ModelProposalFactory(source_run=SourceRunFactory(), lab=offering.model.lab)
    user = make_user("keeper", superuser=True)
    user.email = "keeper@frontier-gap.example"
    user.save()
    token = Token.objects.create(user=user)
    return {
        "api key": KEY_VALUE,
        "token": token.key,
        "password hash": user.password,
        "email": user.email,
        "SECRET_KEY": django_settings.SECRET_KEY,
    }


def fill(path: str) -> str:
    """A schema path template with its parameter filled from an existing row of the resource."""
    if "{" not in path:
        return path
    view = resolve(re.sub(r"\{[^}]+\}", "1", path)).func.cls
    lookup = getattr(view, "lookup_field", "pk")
    row = view.serializer_class.Meta.model.objects.order_by("pk").first()
    return re.sub(r"\{[^}]+\}", str(getattr(row, lookup)), path)


def api_get_urls() -> list[str]:
    urls = ["/api/schema/", "/api/schema/?format=json", "/api/docs/", "/api/v1/"]
    for path, item in SCHEMA["paths"].items():
        if "get" not in item:
            continue
        urls.append(fill(path))
        if "{" not in path and any(p["name"] == "format" for p in item["get"].get("parameters", [])):
            urls.append(path + "?format=csv")
    benchmark = Benchmark.objects.first().slug
    needs_benchmark = [u for u in urls if "/analytics/" in u and not u.endswith(("summary/", "capability-index/"))]
    return [u if u not in needs_benchmark else f"{u}?benchmark={benchmark}" for u in urls]


def test_no_response_carries_a_key_a_token_a_password_hash_an_email_or_the_secret_key(secrets):
    client = token_client(User.objects.get(username="keeper"))  # authenticated: the widest view there is
    urls = [*api_get_urls(), *page_urls()]
    assert len(urls) > 30 and "/models/" in urls and "/api/v1/providers/leaky/" in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        for name, value in secrets.items():
            assert value not in text, f"{url} shows the {name}"
    provider = client.get("/api/v1/providers/leaky/").json()
    assert provider["api_key_env"] == "LEAKY_API_KEY"  # the name is what the API knows


def test_admin_provider_pages_show_the_variable_name_never_its_value(secrets, superuser_client):
    provider = Provider.objects.get(slug="leaky")
    for url in (f"/admin/pricing/provider/{provider.pk}/change/", "/admin/pricing/provider/"):
        text = superuser_client.get(url).content.decode()
        assert "LEAKY_API_KEY" in text and KEY_VALUE not in text


def views_outside_admin() -> list[tuple[str, object]]:
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    walk(pattern.url_patterns, route)
            else:
                assert isinstance(pattern, URLPattern)
                found.append((route, pattern.callback))

    walk(get_resolver().url_patterns, "")
    return found


def test_no_url_outside_admin_serves_users_tokens_sessions_or_permissions(secrets):
    views = views_outside_admin()
    assert len(views) > 20
    for route, callback in views:
        assert not re.search(r"user|token|auth|login|password|session|permission|group", route, re.I), route
        cls = getattr(callback, "cls", None)
        if cls is None or not issubclass(cls, APIView):
            continue
        serializer = getattr(cls, "serializer_class", None)
        models = {getattr(getattr(serializer, "Meta", None), "model", None)}
        if hasattr(cls, "get_queryset") and getattr(callback, "actions", None):
            models.add(cls(request=None, format_kwarg=None, kwargs={}).get_queryset().model)
        assert not models & SENSITIVE_MODELS, (route, models)


def test_the_schema_has_no_user_token_or_secret_field():
    for path in SCHEMA["paths"]:
        assert not re.search(r"user|token|auth|login|password|session", path, re.I), path
    forbidden = re.compile(r"password|secret|^(token|key|api_key|email|username|user|session)$", re.I)
    for name, component in SCHEMA["components"]["schemas"].items():
        for field in component.get("properties", {}):
            assert not forbidden.search(field), (name, field)


@pytest.mark.parametrize(
    "value",
    ["DJANGO_SECRET_KEY", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY", "sk-live-abc123", "x"],
)
def test_api_key_env_must_name_an_api_key_variable(value):
    client = token_client(make_user("w", perms=model_permissions(Provider, "add", "change")))
    body = {"slug": "p", "name": "P", "country": "US", "base_url": "https://api.p.example/v1", "api_key_env": value}
    response = client.post("/api/v1/providers/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["api_key_env"]
    assert not Provider.objects.exists()
    good = client.post("/api/v1/providers/", {**body, "api_key_env": "P_API_KEY"}, format="json")
    assert good.status_code == 201, good.content


def test_a_probe_never_sends_a_variable_that_is_not_an_api_key(settings, monkeypatch):
    """A provider row saved before the rule (or written around it) that names DJANGO_SECRET_KEY is probed with no
    key at all: the probe is recorded as skipped and nothing reaches its server."""
    settings.PROBE_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PROBE_TOTAL_TIMEOUT = 5.0
    monkeypatch.setenv("DJANGO_SECRET_KEY", "the-service-secret-key")
    monkeypatch.setenv("GOOD_API_KEY", "sk-good")
    with ProbeServer() as server:
        leaky = ProviderFactory(slug="leaky", base_url=server.endpoint("leaky"), api_key_env="GOOD_API_KEY")
        Provider.objects.filter(pk=leaky.pk).update(api_key_env="DJANGO_SECRET_KEY")  # around validation
        good = ProviderFactory(slug="good", base_url=server.endpoint("good"), api_key_env="GOOD_API_KEY")
        OfferingFactory(provider=leaky, probe_enabled=True)
        OfferingFactory(provider=good, probe_enabled=True)
        probe_run(targets=probe_target_list())
        assert server.requests_to("leaky") == []
        assert len(server.requests_to("good")) == 1  # the control: the same server is reachable
        assert "the-service-secret-key" not in repr(server.requests)
    outcome = ProbeResult.objects.get(offering__provider=leaky)
    assert outcome.error_kind == ProbeResult.ErrorKind.SKIPPED_NO_KEY

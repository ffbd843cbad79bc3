"""Who may write through the REST API.

Every write operation is found in the OpenAPI schema (and the schema is checked against the URLconf, so a new
endpoint cannot slip past), then tried under every role. Only a user holding the matching model permission
(`add_`, `change_`, `delete_`; accepting a model proposal also needs `add_aimodel`, as it creates one) or a
superuser may write; every refused request leaves the database as it was.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.views import APIView

from tests.factories import ModelProposalFactory, ProbeResultFactory, SourceRunFactory
from tests.security.conftest import make_user, model_factory, model_permissions, token_client

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
PERMISSION_ACTION = {"post": "add", "put": "change", "patch": "change", "delete": "delete"}
EDITABLE_TEXT = ("source_note", "note", "name", "title")  # the first writable one is changed by PUT and PATCH


@dataclass(frozen=True)
class Operation:
    path: str  # OpenAPI path template, e.g. /api/v1/labs/{slug}/
    method: str

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def on_item(self) -> bool:
        return "{" in self.path

    @property
    def is_decision(self) -> bool:
        """Accepting or rejecting a model proposal: a POST on an existing row, which needs `change_`."""
        return self.path.endswith(("/accept/", "/reject/"))

    @property
    def permission(self) -> str:
        return "change" if self.is_decision else PERMISSION_ACTION[self.method]

    def also_needed(self) -> list[Permission]:
        """Permissions beyond the model's own: accepting a proposal creates an AIModel, so it needs `add_aimodel`."""
        if self.path.endswith("/accept/"):
            from models_registry.models import AIModel

            return model_permissions(AIModel, "add")
        return []

    @property
    def view(self) -> type[APIView]:
        return resolve(re.sub(r"\{[^}]+\}", "1", self.path)).func.cls  # "1" is a valid id and a valid slug

    @property
    def model(self):
        return self.view.serializer_class.Meta.model

    def url(self, instance=None) -> str:
        if instance is None:
            return self.path
        lookup = getattr(self.view, "lookup_field", "pk")
        return re.sub(r"\{[^}]+\}", str(getattr(instance, lookup)), self.path)


SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
WRITE_OPERATIONS = [
    Operation(path, method)
    for path, item in sorted(SCHEMA["paths"].items())
    for method in item
    if method in WRITE_METHODS
]
READ_ONLY_PATHS = sorted(path for path, item in SCHEMA["paths"].items() if not set(item) & set(WRITE_METHODS))
REGISTRY_APPS = ("models_registry", "pricing", "benchmarks")


def urlconf_api_writes() -> set[tuple[type, str, bool]]:
    """(view class, method, on an item?) for every write method a DRF view answers anywhere in the URLconf."""
    found: set[tuple[type, str, bool]] = set()

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            assert isinstance(pattern, URLPattern)
            cls = getattr(pattern.callback, "cls", None)
            if cls is None or not issubclass(cls, APIView):
                continue
            actions = getattr(pattern.callback, "actions", None)
            methods = set(actions) if actions is not None else {m for m in cls.http_method_names if hasattr(cls, m)}
            on_item = bool(set(pattern.pattern.regex.groupindex) - {"format"})
            found.update((cls, method, on_item) for method in methods & set(WRITE_METHODS))

    walk(get_resolver().url_patterns)
    return found


def test_the_schema_lists_every_write_the_urlconf_routes():
    assert WRITE_OPERATIONS, "no write operation found in the schema"
    from_schema = {(op.view, op.method, op.on_item) for op in WRITE_OPERATIONS}
    assert urlconf_api_writes() == from_schema


def test_every_registry_model_with_a_write_endpoint_is_covered():
    """The resources the README lists as writable, each with create, replace, update and delete; and the model
    proposals, which are only accepted or rejected."""
    decisions = sorted(str(op) for op in WRITE_OPERATIONS if op.is_decision)
    assert decisions == ["POST /api/v1/model-proposals/{id}/accept/", "POST /api/v1/model-proposals/{id}/reject/"]
    covered = {(op.model._meta.label, op.method) for op in WRITE_OPERATIONS if not op.is_decision}
    writable = ["Lab", "AIModel", "TimelineEvent", "Provider", "Offering", "PricePoint", "Benchmark", "BenchmarkScore"]
    labels = {m._meta.label for m in apps.get_models() if m._meta.app_label in REGISTRY_APPS and m.__name__ in writable}
    assert {(label, method) for label in labels for method in WRITE_METHODS} == covered


# --- the matrix ------------------------------------------------------------------------------------------------

# role -> (status of a refused request, or None where the request is allowed)
ROLES = {
    "anonymous": 401,
    "bad-token": 401,
    "inactive-user-with-the-permission": 401,
    "authenticated-without-permission": 403,
    "staff-without-permission": 403,
    "every-other-permission-of-the-model": 403,
    "the-model-permission": None,
    "superuser": None,
}


def client_for(role: str, op: Operation) -> APIClient:
    model, action = op.model, op.permission
    others = [a for a in ("add", "change", "delete", "view") if a != action]
    if role == "anonymous":
        return APIClient()
    if role == "bad-token":
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
        return client
    users: dict[str, Callable[[], User]] = {
        "inactive-user-with-the-permission": lambda: make_user(
            "inactive", perms=[*model_permissions(model, action), *op.also_needed()], active=False
        ),
        "authenticated-without-permission": lambda: make_user("plain"),
        "staff-without-permission": lambda: make_user("staff", staff=True),
        "every-other-permission-of-the-model": lambda: make_user("others", perms=model_permissions(model, *others)),
        "the-model-permission": lambda: make_user(
            "permitted", perms=[*model_permissions(model, action), *op.also_needed()]
        ),
        "superuser": lambda: make_user("super", superuser=True),
    }
    return token_client(users[role]())


@dataclass
class Prepared:
    url: str
    body: dict | None
    state: Callable[[], object]  # what a refused request must leave as it was
    check_allowed: Callable[[object], None]  # asserts the allowed request's effect, given the response


def writable_fields(op: Operation) -> list[str]:
    return [name for name, field in op.view.serializer_class().fields.items() if not field.read_only]


def prepare(op: Operation) -> Prepared:
    """A row to act on (made by its factory) and a valid body, so an allowed request succeeds."""
    model = op.model
    instance = model_factory(model)()
    if op.is_decision:
        return prepare_decision(op, instance)
    detail_path = op.path if op.on_item else op.path + "{key}/"
    detail = APIClient().get(Operation(detail_path, "get").url(instance))
    assert detail.status_code == 200, detail.content
    fields = writable_fields(op)
    body = {name: value for name, value in detail.json().items() if name in fields}
    edited = next(name for name in EDITABLE_TEXT if name in fields)
    if op.method == "post":
        instance.delete()  # the same row, created again through the API (its parents stay)

        def created(response) -> None:
            assert response.status_code == 201, response.content
            assert model.objects.count() == before_count + 1

        before_count = model.objects.count()
        return Prepared(op.url(), body, model.objects.count, created)

    def row_state():
        return model.objects.count(), list(model.objects.filter(pk=instance.pk).values())

    if op.method == "delete":

        def deleted(response) -> None:
            assert response.status_code == 204, response.content
            assert not model.objects.filter(pk=instance.pk).exists()

        return Prepared(op.url(instance), None, row_state, deleted)

    new_value = "edited through the API"
    body = {**body, edited: new_value} if op.method == "put" else {edited: new_value}

    def changed(response) -> None:
        assert response.status_code == 200, response.content
        assert getattr(model.objects.get(pk=instance.pk), edited) == new_value

    return Prepared(op.url(instance), body, row_state, changed)


def prepare_decision(op: Operation, proposal) -> Prepared:
    """A pending proposal (with its lab) to accept or reject; an allowed request decides it, and accepting creates
    its model."""
    from models_registry.models import AIModel

    def state():
        return AIModel.objects.count(), list(type(proposal).objects.filter(pk=proposal.pk).values())

    def decided(response) -> None:
        assert response.status_code == 200, response.content
        proposal.refresh_from_db()
        accepted = op.path.endswith("/accept/")
        assert proposal.status == ("accepted" if accepted else "rejected")
        assert (proposal.model is not None) == accepted

    return Prepared(op.url(proposal), None, state, decided)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("op", WRITE_OPERATIONS, ids=str)
def test_write_is_allowed_only_with_the_model_permission(op, role):
    prepared = prepare(op)
    client = client_for(role, op)
    before = prepared.state()
    response = getattr(client, op.method)(prepared.url, prepared.body, format="json")
    refused_with = ROLES[role]
    if refused_with is None:
        prepared.check_allowed(response)
        return
    assert response.status_code == refused_with, response.content
    assert "detail" in response.json()
    if refused_with == 401:
        assert response["WWW-Authenticate"] == "Token"
    assert prepared.state() == before  # nothing written


@pytest.mark.parametrize("op", WRITE_OPERATIONS, ids=str)
def test_a_session_without_a_csrf_token_cannot_write_even_as_superuser(op, superuser):
    prepared = prepare(op)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(superuser)
    before = prepared.state()
    response = getattr(client, op.method)(prepared.url, prepared.body, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert prepared.state() == before


def registry_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in REGISTRY_APPS and not m.__name__.startswith("Historical")
    }


@pytest.mark.parametrize("method", WRITE_METHODS)
@pytest.mark.parametrize("path", READ_ONLY_PATHS)
def test_read_only_endpoints_refuse_every_write_from_anyone(path, method, superuser):
    run, probe, proposal = SourceRunFactory(), ProbeResultFactory(), ModelProposalFactory()
    ids = {"source-runs": run.pk, "model-proposals": proposal.pk}
    url = path.replace("{id}", str(next((pk for prefix, pk in ids.items() if prefix in path), probe.pk)))
    assert "{" not in url, f"fill the path parameter of {path}"
    before = registry_counts()
    anonymous = getattr(APIClient(), method)(url, {}, format="json")
    assert anonymous.status_code in (401, 405), anonymous.content
    as_superuser = getattr(token_client(superuser), method)(url, {}, format="json")
    assert as_superuser.status_code == 405, as_superuser.content
    assert registry_counts() == before

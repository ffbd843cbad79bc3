"""A JSON number or boolean for a text field is a 400 naming the field, and nothing is written.

DRF's CharField would store `42` as `"42"` (and a choice field matches `str(value)`). Every writable text field
of every write endpoint is tried, found from the router, so fields and endpoints added later are covered too.
"""

import pytest
from django.contrib.auth.models import User
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.api_urls import router
from models_registry.api.serializing import ModelCleanSerializer, _is_text
from models_registry.models import AIModel, Lab
from tests.factories import AIModelFactory, LabFactory

pytestmark = pytest.mark.django_db

WRITE_SERIALIZERS = sorted(
    (
        (prefix, viewset.serializer_class)
        for prefix, viewset, _ in router.registry
        if issubclass(viewset.serializer_class, ModelCleanSerializer)
    ),
    key=lambda item: item[0],
)
TEXT_FIELDS = [
    (prefix, name)
    for prefix, serializer_class in WRITE_SERIALIZERS
    for name, field in serializer_class().fields.items()
    if not field.read_only and (_is_text(field) or (isinstance(field, serializers.ListField) and _is_text(field.child)))
]


@pytest.fixture
def admin_client() -> APIClient:
    user = User.objects.create_superuser("admin", password="pw-for-tests-only")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_every_write_endpoint_and_its_text_fields_are_found():
    prefixes = {prefix for prefix, _ in TEXT_FIELDS}
    assert {"labs", "models", "events", "providers", "offerings", "prices", "benchmarks", "scores"} <= prefixes
    assert ("labs", "headquarters_city") in TEXT_FIELDS and ("models", "aliases") in TEXT_FIELDS


@pytest.mark.parametrize("value", [42, 4.5, True, False])
@pytest.mark.parametrize(("prefix", "name"), TEXT_FIELDS)
def test_a_number_or_boolean_for_a_text_field_is_a_400_on_that_field(admin_client, prefix, name, value):
    field = dict(WRITE_SERIALIZERS)[prefix]().fields[name]
    body = {name: [value] if isinstance(field, serializers.ListField) else value}
    response = admin_client.post(f"/api/v1/{prefix}/", body, format="json")
    assert response.status_code == 400, response.content
    assert name in response.json(), response.json()
    assert "Not a valid string" in " ".join(response.json()[name])


def test_a_lab_with_a_numeric_city_is_refused_and_not_written(admin_client):
    body = {"slug": "acme", "name": "Acme", "country": "US", "headquarters_city": 12345}
    response = admin_client.post("/api/v1/labs/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["headquarters_city"]
    assert not Lab.objects.exists()
    # the same body with text is fine: the number alone was at fault
    assert admin_client.post("/api/v1/labs/", {**body, "headquarters_city": "12345"}, format="json").status_code == 201
    assert Lab.objects.get().headquarters_city == "12345"


def test_a_patch_with_a_boolean_name_or_a_numeric_alias_changes_nothing(admin_client):
    model = AIModelFactory(lab=LabFactory(), name="Before", aliases=["b"])
    url = f"/api/v1/models/{model.slug}/"
    response = admin_client.patch(url, {"name": True}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = admin_client.patch(url, {"aliases": ["ok", 7]}, format="json")
    assert response.status_code == 400
    assert response.json()["aliases"] == ["Item 2: Not a valid string: give text in quotes, not a number or a boolean."]
    model = AIModel.objects.get(pk=model.pk)
    assert (model.name, model.aliases) == ("Before", ["b"])


def test_form_bodies_still_write_text(admin_client):
    """Form bodies carry only strings: `founded_year=2020` and a city stay accepted."""
    response = admin_client.post(
        "/api/v1/labs/", {"slug": "acme", "name": "Acme", "country": "US", "headquarters_city": "Paris"}
    )
    assert response.status_code == 201, response.content

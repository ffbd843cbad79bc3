"""API tokens can be revoked, and whoever loses their user or token loses access at once."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from models_registry.models import Lab
from tests.factories import LabFactory
from tests.security.conftest import make_user, model_permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> User:
    return make_user("editor", perms=model_permissions(Lab, "change"))


def patch_lab(key: str, lab: Lab, note: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.patch(f"/api/v1/labs/{lab.slug}/", {"source_note": note}, format="json")


def assert_refused(response, detail: str) -> None:
    assert response.status_code == 401, response.content
    assert response.json() == {"detail": detail}
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_deleted_in_admin_stops_working_at_once(editor, superuser_client):
    lab, key = LabFactory(), Token.objects.create(user=editor).key
    assert patch_lab(key, lab, "before revocation").status_code == 200

    delete_url = reverse("admin:authtoken_tokenproxy_delete", args=[editor.pk])  # token admin URLs use the user id
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 302

    assert not Token.objects.filter(key=key).exists()
    assert_refused(patch_lab(key, lab, "after revocation"), "Invalid token.")
    lab.refresh_from_db()
    assert lab.source_note == "before revocation"


def test_drf_create_token_with_reset_replaces_the_old_key(editor):
    lab, old = LabFactory(), Token.objects.create(user=editor).key
    out = io.StringIO()
    call_command("drf_create_token", "-r", editor.username, stdout=out)
    new = Token.objects.get(user=editor).key
    assert new != old
    assert new in out.getvalue()  # the command shows the new key once, to hand over
    assert_refused(patch_lab(old, lab, "old key"), "Invalid token.")
    assert patch_lab(new, lab, "new key").status_code == 200


def test_a_deactivated_user_loses_api_access(editor, superuser_client):
    lab, key = LabFactory(), Token.objects.create(user=editor).key
    editor.is_active = False
    editor.save()
    assert_refused(patch_lab(key, lab, "inactive"), "User inactive or deleted.")


def test_deleting_a_user_in_admin_deletes_their_token(editor, superuser_client):
    lab, key = LabFactory(), Token.objects.create(user=editor).key
    response = superuser_client.post(reverse("admin:auth_user_delete", args=[editor.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Token.objects.filter(key=key).exists()
    assert_refused(patch_lab(key, lab, "deleted"), "Invalid token.")


@pytest.mark.parametrize(
    "header",
    ["Token", "Token ", "Token a b", "Bearer {key}", "token {key}x", "Token {key}\x00", "Basic ZWRpdG9yOnB3"],
    ids=["no-key", "empty-key", "two-keys", "bearer-scheme", "wrong-key", "nul-byte", "basic-auth"],
)
def test_malformed_authorization_headers_never_authenticate(editor, header):
    """Anything but `Token <the key>` writes nothing: a 401, never a 500."""
    lab, key = LabFactory(), Token.objects.create(user=editor).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=key))
    response = client.patch(f"/api/v1/labs/{lab.slug}/", {"source_note": "sneaky"}, format="json")
    assert response.status_code == 401, response.content
    lab.refresh_from_db()
    assert lab.source_note != "sneaky"


def test_a_token_does_not_open_the_admin(editor):
    """Tokens are for the API; the admin needs a password login (which is rate-limited)."""
    editor.is_staff = True
    editor.save()
    key = Token.objects.create(user=editor).key
    response = Client(HTTP_AUTHORIZATION=f"Token {key}").get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

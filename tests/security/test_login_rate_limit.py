"""Admin login is rate-limited per (username, client address) by django-axes; tests/test_access.py shows the lockout
itself. Here: what the lock covers, what it does not, and how it ends."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from models_registry.models import Lab
from tests.factories import LabFactory
from tests.security.conftest import PASSWORD, make_user, model_permissions

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def admin_user(settings) -> User:
    settings.AXES_ENABLED = True
    return make_user("admin", superuser=True, perms=model_permissions(Lab, "change"))


def attempt(client: Client, password: str, username: str = "admin", **headers):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **headers)


def lock_out(client: Client, settings, username: str = "admin", **headers) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "wrong", username, **headers)
    assert attempt(client, PASSWORD, username, **headers).status_code == 429


def test_a_locked_out_login_stays_locked_whatever_x_forwarded_for_says(admin_user, settings):
    """The client address is the socket's (REMOTE_ADDR): a forged proxy header buys no fresh attempts."""
    client = Client(REMOTE_ADDR="198.51.100.7")
    lock_out(client, settings)
    for forged in ("203.0.113.1", "203.0.113.2, 10.0.0.1"):
        response = attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR=forged, HTTP_X_REAL_IP=forged)
        assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_one_username_at_one_address(admin_user, settings):
    lock_out(Client(REMOTE_ADDR="198.51.100.7"), settings)
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert attempt(elsewhere, PASSWORD).status_code == 302  # the real admin, from their own address
    other_user = make_user("second", staff=True)
    same_address = Client(REMOTE_ADDR="198.51.100.7")
    assert attempt(same_address, PASSWORD, username=other_user.username).status_code == 302


def test_the_lock_ends_after_the_cool_off_time(admin_user, settings):
    client = Client(REMOTE_ADDR="198.51.100.7")
    lock_out(client, settings)
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - cool_off - datetime.timedelta(1))
    assert attempt(client, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_an_admin_unlocks_a_user_by_deleting_the_access_attempt(admin_user, settings):
    client = Client(REMOTE_ADDR="198.51.100.7")
    lock_out(client, settings)
    locked = AccessAttempt.objects.get(username="admin")
    assert locked.failures_since_start >= settings.AXES_FAILURE_LIMIT
    other_admin = Client()
    other_admin.force_login(make_user("other-admin", superuser=True))
    delete = reverse("admin:axes_accessattempt_delete", args=[locked.pk])
    assert other_admin.post(delete, {"post": "yes"}).status_code == 302
    assert attempt(client, PASSWORD).status_code == 302


def test_a_locked_out_admin_keeps_api_token_access(admin_user, settings):
    """The lock guards password guessing; a token (160 random bits) is a different credential."""
    lock_out(Client(REMOTE_ADDR="198.51.100.7"), settings)
    lab = LabFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=admin_user).key}")
    response = client.patch(f"/api/v1/labs/{lab.slug}/", {"source_note": "still works"}, format="json")
    assert response.status_code == 200, response.content


def test_no_api_route_takes_a_password(admin_user, settings):
    """The only password form is the rate-limited admin login: the API has no login or token-issuing route."""
    client = APIClient()
    urls = ("/api/v1/", "/api/v1/auth/", "/api/v1/token/", "/api/v1/login/", "/api-auth/login/", "/api-token-auth/")
    for url in urls:
        response = client.post(url, {"username": "admin", "password": PASSWORD}, format="json")
        assert response.status_code in (401, 403, 404, 405), (url, response.status_code)

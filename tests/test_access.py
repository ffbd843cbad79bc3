"""Who may log in and how often: admin login is rate-limited; no endpoint lists users or tokens."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.com", "correct-horse-battery")


def test_admin_login_locks_out_after_repeated_failures(client, settings, staff_user):
    settings.AXES_ENABLED = True
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "admin", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    assert client.post(url, {"username": "admin", "password": "wrong"}).status_code == 429
    locked = client.post(url, {"username": "admin", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_login_before_the_limit_succeeds(client, settings, staff_user):
    settings.AXES_ENABLED = True
    url = reverse("admin:login")
    client.post(url, {"username": "admin", "password": "wrong"})
    response = client.post(url, {"username": "admin", "password": "correct-horse-battery", "next": "/admin/"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)

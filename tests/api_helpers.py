"""Shared helpers of the REST API tests: clients with tokens and permissions, CSV parsing, query bounds."""

import csv
import io

from django.contrib.auth.models import Permission, User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

# Anonymous list: SAVEPOINT, COUNT, one SELECT with its joins, RELEASE (ATOMIC_REQUESTS inside the test transaction).
LIST_MAX_QUERIES = 4
DETAIL_MAX_QUERIES = 3


def make_user(*perms: str, username: str = "writer") -> User:
    """A user holding `perms` ("pricing.add_pricepoint", ...)."""
    user = User.objects.create_user(username=username, password="pw-for-tests-only")
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def token_client(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def writer_client(app_label: str, model_name: str, *actions: str) -> APIClient:
    """A token client whose user may `actions` (add, change, delete) on one model."""
    actions = actions or ("add", "change", "delete")
    user = make_user(*(f"{app_label}.{action}_{model_name}" for action in actions), username=f"w-{model_name}")
    return token_client(user)


def list_url(basename: str, **params) -> str:
    url = reverse(f"{basename}-list")
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def detail_url(basename: str, key) -> str:
    return reverse(f"{basename}-detail", args=[key])


def csv_rows(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response, field: str = "slug") -> list:
    return [row[field] for row in results(response)]


def assert_list_and_detail_queries_bounded(
    client, basename: str, detail_key, assert_max_queries, *, min_rows: int = 101, **params
) -> None:
    """List at page sizes 1 and 100, and one detail, each within a fixed number of queries."""
    for page_size in (1, 100):
        with assert_max_queries(LIST_MAX_QUERIES):
            response = client.get(list_url(basename, page_size=page_size, **params))
        assert len(results(response)) == page_size
        assert response.json()["count"] >= min_rows
    with assert_max_queries(LIST_MAX_QUERIES):
        response = client.get(list_url(basename, format="csv", **params))
    assert len(csv_rows(response)) >= min_rows
    with assert_max_queries(DETAIL_MAX_QUERIES):
        response = client.get(detail_url(basename, detail_key))
    assert response.status_code == 200

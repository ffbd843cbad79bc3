"""Shared pieces of the security tests: who is asking (roles), and a row of any registry model on demand."""

import inspect

import factory
import pytest
from django.contrib.auth.models import Permission, User
from django.db import models
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

PASSWORD = "pw-for-tests-only-7Qz"


def model_factory(model: type[models.Model]) -> type[factory.django.DjangoModelFactory]:
    """The factory of `model` in tests/factories.py (every registry model has one)."""
    for _name, candidate in inspect.getmembers(factories, inspect.isclass):
        if issubclass(candidate, factory.django.DjangoModelFactory) and candidate._meta.model is model:
            return candidate
    raise LookupError(f"tests/factories.py has no factory for {model._meta.label}: add one")


def model_permissions(model: type[models.Model], *actions: str) -> list[Permission]:
    """The Django permissions `<app>.<action>_<model>` of `model`."""
    opts = model._meta
    return [
        Permission.objects.get(content_type__app_label=opts.app_label, codename=f"{action}_{opts.model_name}")
        for action in actions
    ]


def make_user(username: str, *, perms=(), staff: bool = False, superuser: bool = False, active: bool = True) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        is_staff=staff or superuser,
        is_superuser=superuser,
        is_active=active,
    )
    if perms:
        user.user_permissions.add(*perms)
    return user


def token_client(user: User | None) -> APIClient:
    """An API client sending `user`'s token (created here), or no credentials for None."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def superuser(db) -> User:
    return make_user("root", superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client

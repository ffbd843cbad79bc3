"""Every admin and API write to registry data is in its change history (django-simple-history) with the user and
the time, and an admin can revert a row to an earlier version from the history page."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import Benchmark, BenchmarkScore
from models_registry.models import AIModel, Lab, TimelineEvent
from pricing.models import Offering, PricePoint, Provider
from tests.factories import LabFactory
from tests.security.admin_pages import change_form_data
from tests.security.conftest import make_user, model_factory, model_permissions, token_client

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [Lab, AIModel, TimelineEvent, Provider, Offering, PricePoint, Benchmark, BenchmarkScore]
TEXT_FIELDS = ("source_note", "note", "name", "title")  # the first one a model has is edited
STAMPS = {"updated_at", "created_at"}


def label(model) -> str:
    return model.__name__


def text_field(model) -> str:
    names = {f.name for f in model._meta.fields}
    return next(name for name in TEXT_FIELDS if name in names)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def snapshot(row) -> dict:
    """The row as stored, without its timestamps."""
    values = type(row).objects.filter(pk=row.pk).values().get()
    return {name: value for name, value in values.items() if name not in STAMPS}


def staff_client(model, username: str, *actions: str) -> tuple[Client, object]:
    user = make_user(username, staff=True, perms=model_permissions(model, *actions))
    client = Client()
    client.force_login(user)
    return client, user


def assert_recorded(record, *, kind: str, user, since: datetime.datetime) -> None:
    assert record.history_type == kind
    assert record.history_user == user
    assert since <= record.history_date <= timezone.now()


def revert(client: Client, row, record) -> None:
    """Open the history page of `record` and press Revert, as an admin would."""
    url = admin_url(type(row), "simple_history", row.pk, record.history_id)
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, change_form_data(page))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=label)
def test_an_admin_edit_is_recorded_with_its_user_and_time_and_reverts_from_admin(model):
    row = model_factory(model)()
    original = snapshot(row)
    field = text_field(model)
    editor, editor_user = staff_client(model, "editor", "view", "change")
    form = change_form_data(editor.get(admin_url(model, "change", row.pk)))
    form[field] = "edited in admin"
    started = timezone.now()
    response = editor.post(admin_url(model, "change", row.pk), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response

    edit = row.history.latest()
    assert getattr(edit, field) == "edited in admin"
    assert_recorded(edit, kind="~", user=editor_user, since=started)
    before_edit = edit.prev_record
    assert getattr(before_edit, field) == original[field]

    reverter, reverter_user = staff_client(model, "reverter", "view", "change")
    started = timezone.now()
    revert(reverter, row, before_edit)
    assert snapshot(row) == original
    assert_recorded(row.history.latest(), kind="~", user=reverter_user, since=started)
    history_page = reverter.get(admin_url(model, "history", row.pk)).content.decode()
    assert "editor" in history_page and "reverter" in history_page  # who changed it, listed on the history page


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=label)
def test_admin_add_and_delete_are_recorded_with_their_user(model, superuser_client):
    row = model_factory(model)()
    form = change_form_data(superuser_client.get(admin_url(model, "change", row.pk)))
    row.delete()  # the same row, added again through the admin form (its parents stay)
    client, user = staff_client(model, "clerk", "view", "add", "delete")
    started = timezone.now()
    response = client.post(admin_url(model, "add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    added = model.objects.order_by("-pk").first()
    assert_recorded(added.history.earliest(), kind="+", user=user, since=started)

    assert client.post(admin_url(model, "delete", added.pk), {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=added.pk).exists()
    assert_recorded(model.history.filter(id=added.pk).latest(), kind="-", user=user, since=started)


def api_detail(model, row) -> str:
    prefix = {
        Lab: "labs",
        AIModel: "models",
        TimelineEvent: "events",
        Provider: "providers",
        Offering: "offerings",
        PricePoint: "prices",
        Benchmark: "benchmarks",
        BenchmarkScore: "scores",
    }[model]
    key = row.slug if model in (Lab, AIModel, Provider, Benchmark) else row.pk
    return f"/api/v1/{prefix}/{key}/"


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=label)
def test_api_create_edit_and_delete_are_recorded_with_the_token_user_and_an_api_edit_reverts_from_admin(
    model, superuser_client
):
    row = model_factory(model)()
    url = api_detail(model, row)
    body = token_client(None).get(url).json()
    row.delete()  # recreated through the API below
    user = make_user("api-writer", perms=model_permissions(model, "add", "change", "delete"))
    client = token_client(user)
    started = timezone.now()
    writable = {name: value for name, value in body.items() if name not in ("id", "source_run")}
    created = client.post(url.rsplit("/", 2)[0] + "/", writable, format="json")
    assert created.status_code == 201, created.content
    row = model.objects.order_by("-pk").first()
    url = api_detail(model, row)
    assert_recorded(row.history.earliest(), kind="+", user=user, since=started)
    original = snapshot(row)

    field = text_field(model)
    assert client.patch(url, {field: "edited through the API"}, format="json").status_code == 200
    edit = row.history.latest()
    assert getattr(edit, field) == "edited through the API"
    assert_recorded(edit, kind="~", user=user, since=started)

    revert(superuser_client, row, edit.prev_record)
    assert snapshot(row) == original

    assert client.delete(url).status_code == 204
    assert_recorded(model.history.filter(id=row.pk).latest(), kind="-", user=user, since=started)


def test_an_admin_csv_import_is_recorded_with_the_importing_user():
    LabFactory(slug="deepseek", country="CN")
    client, user = staff_client(AIModel, "importer", "view", "add", "change")
    upload = io.BytesIO(
        b"slug,name,lab,release_date,open_weights,reasoning\ndeepseek-r9,DeepSeek-R9,deepseek,2026-01-01,1,1\n"
    )
    upload.name = "models.csv"
    started = timezone.now()
    preview = client.post(admin_url(AIModel, "import"), {"format": "0", "import_file": upload, "resource": "0"})
    assert preview.status_code == 200
    done = client.post(admin_url(AIModel, "process_import"), preview.context["confirm_form"].initial)
    assert done.status_code == 302
    imported = AIModel.objects.get(slug="deepseek-r9")
    assert_recorded(imported.history.latest(), kind="+", user=user, since=started)

"""Who may open which admin page: every page of every registered model (found from the admin's own URL patterns)
under anonymous visitors, non-staff users, staff without permission, view-only staff, staff with the model's
permissions and superusers. Refused writes change nothing."""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from benchmarks.models import ProbeResult
from models_registry.models import ModelProposal
from tests.security.admin_pages import REGISTERED, AdminPage, admin_pages, change_form_data, sample_row
from tests.security.conftest import make_user, model_permissions

pytestmark = pytest.mark.django_db

VIEW_PAGES = {"changelist", "change", "history", "simple_history", "export"}  # what the view permission opens
HISTORY_MODELS = [m for m in REGISTERED if isinstance(admin.site._registry[m], SimpleHistoryAdmin)]


def label(model) -> str:
    return model._meta.label


def status_for_a_full_permission(page: AdminPage) -> int:
    """What a superuser gets: 200, except where the admin refuses everyone."""
    model_admin = admin.site._registry[page.model]
    if page.kind == "process_import":
        return 405  # POST only: the confirmation step of an import
    if page.kind in ("import", "export") and not getattr(model_admin, "resource_classes", None):
        return 403  # this model has no CSV resource
    if page.kind == "add" and page.model._meta.app_label == "axes":
        return 403  # login records are written by django-axes only
    if page.kind == "add" and page.model is ModelProposal:
        return 403  # proposals are written by refreshes only
    return 200


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_anonymous_visitors_and_non_staff_users_are_sent_to_the_login_page(model):
    pages = admin_pages(model, sample_row(model))
    non_staff = make_user("plain", perms=model_permissions(model, "add", "change", "delete", "view"))
    for client in (Client(), logged_in(non_staff)):
        for page in pages:
            response = client.get(page.url)
            assert response.status_code == 302, page
            assert response["Location"] == f"{reverse('admin:login')}?next={quote(page.url)}", page


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_staff_without_permission_are_refused_every_page(model):
    pages = admin_pages(model, sample_row(model))
    client = logged_in(make_user("staff", staff=True))
    for page in pages:
        request = client.post if page.kind == "process_import" else client.get
        assert request(page.url).status_code == 403, page


def test_staff_without_permission_see_no_model_on_the_admin_index():
    response = logged_in(make_user("staff", staff=True)).get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []
    for app_label in ("models_registry", "pricing", "benchmarks", "auth", "authtoken"):
        assert logged_in(make_user(f"s-{app_label}", staff=True)).get(f"/admin/{app_label}/").status_code == 404


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_view_only_staff_open_the_read_pages_and_are_refused_the_write_pages(model):
    pages = admin_pages(model, sample_row(model))
    client = logged_in(make_user("viewer", staff=True, perms=model_permissions(model, "view")))
    for page in pages:
        if page.kind in VIEW_PAGES:
            expected = status_for_a_full_permission(page)
        else:
            expected = 405 if page.kind == "process_import" else 403
        assert client.get(page.url).status_code == expected, page


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_superusers_and_staff_with_the_model_permissions_open_every_page(model):
    pages = admin_pages(model, sample_row(model))
    staff = make_user("editor", staff=True, perms=model_permissions(model, "add", "change", "delete", "view"))
    for client in (logged_in(make_user("root", superuser=True)), logged_in(staff)):
        for page in pages:
            assert client.get(page.url).status_code == status_for_a_full_permission(page), page


def row_values(row) -> list[dict]:
    return list(type(row).objects.filter(pk=row.pk).values())


@pytest.mark.parametrize("perms", [(), ("view",)], ids=["no-permission", "view-only"])
@pytest.mark.parametrize("model", HISTORY_MODELS, ids=label)
def test_staff_without_the_change_permission_cannot_change_revert_delete_or_import(model, perms, superuser_client):
    """The posts are what a permitted user would send (a valid change form, a revert to the previous version)."""
    row = sample_row(model)
    pages = {page.kind: page.url for page in admin_pages(model, row)}
    form = change_form_data(superuser_client.get(pages["change"]))
    text_field = next(name for name in ("source_note", "note", "name", "title") if name in form)
    form[text_field] = "changed by someone who may not"
    revert = change_form_data(superuser_client.get(pages["simple_history"]))
    revert[text_field] = "reverted by someone who may not"
    before, count = row_values(row), model.objects.count()

    client = logged_in(make_user("staff", staff=True, perms=model_permissions(model, *perms)))
    assert client.post(pages["change"], form).status_code == 403
    assert client.post(pages["simple_history"], revert).status_code == 403
    assert client.post(pages["delete"], {"post": "yes"}).status_code == 403
    assert client.post(pages["add"], form).status_code == 403
    assert client.post(pages["import"], {}).status_code == 403
    assert client.post(pages["process_import"], {}).status_code == 403
    changelist_action = client.post(
        pages["changelist"], {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert changelist_action.status_code in (200, 302, 403)
    assert row_values(row) == before
    assert model.objects.count() == count


def test_view_only_staff_cannot_queue_probes_from_the_offering_list(django_capture_on_commit_callbacks):
    from pricing.models import Offering

    offering = sample_row(Offering)
    client = logged_in(make_user("viewer", staff=True, perms=model_permissions(Offering, "view")))
    url = reverse("admin:pricing_offering_changelist")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, {"action": "probe_now", "_selected_action": [offering.pk]})
    assert response.status_code in (200, 302)
    assert callbacks == []
    assert ProbeResult.objects.count() == 0


def autocomplete_queries() -> list[dict[str, str]]:
    """app_label, model_name and field_name of every autocomplete field in admin forms and inlines."""
    queries = []
    for model, model_admin in admin.site._registry.items():
        for owner_model, owner in [(model, model_admin), *((i.model, i) for i in model_admin.inlines)]:
            for field_name in owner.autocomplete_fields:
                opts = owner_model._meta
                queries.append({"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field_name})
    return queries


def test_autocomplete_lookups_need_the_view_permission_of_the_searched_model(superuser_client):
    queries = autocomplete_queries()
    assert len(queries) >= 8
    staff = logged_in(make_user("staff", staff=True))
    for query in queries:
        assert staff.get(reverse("admin:autocomplete"), query).status_code == 403, query
        assert superuser_client.get(reverse("admin:autocomplete"), query).status_code == 200, query


def test_view_only_staff_cannot_accept_or_reject_proposals_from_the_list():
    proposal = sample_row(ModelProposal)
    client = logged_in(make_user("viewer", staff=True, perms=model_permissions(ModelProposal, "view")))
    url = reverse("admin:models_registry_modelproposal_changelist")
    for action in ("accept", "reject"):
        response = client.post(url, {"action": action, "_selected_action": [proposal.pk]})
        assert response.status_code in (200, 302)
    proposal.refresh_from_db()
    assert proposal.status == "pending" and proposal.model is None

"""Every admin changelist and change form renders for a superuser, in bounded queries at 500 rows."""

import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from benchmarks.models import BenchmarkScore
from models_registry.models import AIModel, Lab, ModelProposal
from pricing.models import PricePoint
from tests.factories import (
    BenchmarkScoreFactory,
    LabFactory,
    ModelProposalFactory,
    OfferingFactory,
    PricePointFactory,
    ProbeResultFactory,
    ProviderFactory,
    SourceRunFactory,
    TimelineEventFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = [m for m in admin.site._registry if m._meta.app_label in {"models_registry", "pricing", "benchmarks"}]


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def many_rows():
    """500 rows in each table, spread over a few labs, providers and benchmarks."""
    labs = [LabFactory(country=c) for c in ("US", "CN", "FR", "US", "CN")]
    providers = [ProviderFactory(lab=lab) for lab in labs]
    benchmarks = [BenchmarkScoreFactory.create().benchmark for _ in range(3)]
    models = AIModel.objects.bulk_create(
        AIModel(slug=f"bulk-{i}", name=f"Bulk {i}", lab=labs[i % 5], release_date=datetime.date(2025, 1, 1))
        for i in range(500)
    )
    offerings = [OfferingFactory(model=m, provider=providers[i % 5]) for i, m in enumerate(models)]
    PricePoint.objects.bulk_create(
        PricePoint(offering=o, effective_from=datetime.date(2025, 1, 1), input_per_mtok=1, output_per_mtok=2)
        for o in offerings
    )
    BenchmarkScore.objects.bulk_create(
        BenchmarkScore(
            model=m,
            benchmark=benchmarks[i % 3],
            metric="pass@1",
            value=50,
            evaluated_by=m.lab.slug,
            reported_on=datetime.date(2025, 1, 2),
        )
        for i, m in enumerate(models)
    )
    for i in range(20):
        ProbeResultFactory(offering=offerings[i])
        TimelineEventFactory()
        SourceRunFactory()
        ModelProposalFactory(lab=labs[i % 5], model=models[i] if i % 2 else None)


def admin_urls(model) -> tuple[str, str]:
    info = model._meta.app_label, model._meta.model_name
    obj = model.objects.order_by("pk").first()
    return reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_changelist_and_change_form_render_in_bounded_queries(
    superuser_client, many_rows, model, django_assert_max_num_queries
):
    changelist, change = admin_urls(model)
    with django_assert_max_num_queries(25):
        response = superuser_client.get(changelist)
    assert response.status_code == 200
    with django_assert_max_num_queries(40):
        response = superuser_client.get(change)
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_add_form_renders(superuser_client, model):
    info = model._meta.app_label, model._meta.model_name
    expected = 403 if model is ModelProposal else 200  # proposals come from refreshes only
    assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected


def test_changelist_filters_and_search_work(superuser_client, many_rows):
    url = reverse("admin:models_registry_aimodel_changelist")
    response = superuser_client.get(url, {"lab__country": "CN", "q": "Bulk 1"})
    assert response.status_code == 200
    names = [m.name for m in response.context["cl"].result_list]
    assert names and all(AIModel.objects.get(name=n).lab.country == "CN" for n in names)


def test_an_admin_edit_is_kept_in_history_with_who_and_when(superuser_client):
    lab = LabFactory(slug="deepseek", name="DeepSeek", country="CN")
    url = reverse("admin:models_registry_lab_change", args=[lab.pk])
    data = {"slug": "deepseek", "name": "DeepSeek AI", "country": "CN", "source_note": "edited", "source_url": ""}
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].errors if response.context else ""
    latest = lab.history.latest()
    assert latest.name == "DeepSeek AI"
    assert latest.history_user.username == "root"
    assert latest.history_type == "~"
    history_page = superuser_client.get(reverse("admin:models_registry_lab_history", args=[lab.pk]))
    assert b"DeepSeek AI" in history_page.content


def test_admin_form_refuses_a_negative_price(superuser_client):
    price = PricePointFactory()
    url = reverse("admin:pricing_pricepoint_change", args=[price.pk])
    response = superuser_client.post(
        url,
        {
            "offering": price.offering_id,
            "effective_from": "2025-01-01",
            "input_per_mtok": "-1",
            "output_per_mtok": "2",
            "source_url": "",
            "source_note": "",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "input_per_mtok" in response.context["adminform"].errors
    price.refresh_from_db()
    assert price.input_per_mtok == 1


def csv_upload(rows: list[str]) -> io.BytesIO:
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "models.csv"
    return upload


def test_admin_csv_import_with_a_bad_row_imports_nothing(superuser_client):
    LabFactory(slug="deepseek", country="CN")
    upload = csv_upload(
        [
            "slug,name,lab,release_date,open_weights,reasoning",
            "deepseek-r9,DeepSeek-R9,deepseek,2026-01-01,1,1",
            "deepseek-r10,DeepSeek-R10,no-such-lab,2026-02-01,1,1",
        ]
    )
    url = reverse("admin:models_registry_aimodel_import")
    response = superuser_client.post(url, {"format": "0", "import_file": upload, "resource": "0"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Errors" in content or "errors" in content
    assert "Line number: 2" in content or "no-such-lab" in content
    assert not AIModel.objects.filter(slug__startswith="deepseek-r").exists()


def test_admin_csv_import_previews_then_imports_good_rows(superuser_client):
    LabFactory(slug="deepseek", country="CN")
    upload = csv_upload(
        ["slug,name,lab,release_date,open_weights,reasoning", "deepseek-r9,DeepSeek-R9,deepseek,2026-01-01,1,1"]
    )
    url = reverse("admin:models_registry_aimodel_import")
    preview = superuser_client.post(url, {"format": "0", "import_file": upload, "resource": "0"})
    assert preview.status_code == 200
    assert not AIModel.objects.filter(slug="deepseek-r9").exists()  # a preview writes nothing
    confirm = preview.context["confirm_form"].initial
    done = superuser_client.post(reverse("admin:models_registry_aimodel_process_import"), confirm)
    assert done.status_code == 302
    model = AIModel.objects.get(slug="deepseek-r9")
    assert model.lab.slug == "deepseek" and model.open_weights


def test_admin_csv_export_of_scores_holds_every_row(superuser_client):
    BenchmarkScoreFactory.create_batch(3)
    url = reverse("admin:benchmarks_benchmarkscore_export")
    form = superuser_client.get(url)
    assert form.status_code == 200
    response = superuser_client.post(url, {"format": "0", "resource": "0", **_all_export_fields(form)})
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 1 + BenchmarkScore.objects.count()


def _all_export_fields(form_response) -> dict:
    form = form_response.context["form"]
    return {name: "on" for name in form.fields if name not in ("format", "resource", "export_items")}


def test_labs_and_models_are_searchable_for_autocomplete(superuser_client):
    LabFactory(name="Moonshot AI", slug="moonshot", country="CN")
    url = reverse("admin:autocomplete")
    response = superuser_client.get(
        url, {"term": "moon", "app_label": "models_registry", "model_name": "aimodel", "field_name": "lab"}
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Moonshot AI"]
    assert Lab.objects.count() == 1

"""The pricing admin as an editor uses it: offerings told apart, prices refused where they cannot be true,
forms that say their units, history without no-op rows."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from models_registry.models import AIModel
from pricing.models import PricePoint
from tests.factories import AIModelFactory, LabFactory, OfferingFactory, PricePointFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client


@pytest.fixture
def moved_id():
    """One API id that served two models: the first retired when the id moved to the second."""
    lab = LabFactory(slug="deepseek", name="DeepSeek", country="CN")
    provider = ProviderFactory(slug="deepseek", lab=lab)
    v3 = AIModelFactory(slug="deepseek-v3", name="DeepSeek-V3", lab=lab)
    v31 = AIModelFactory(slug="deepseek-v3.1", name="DeepSeek-V3.1", lab=lab)
    old = OfferingFactory(
        model=v3,
        provider=provider,
        provider_model_id="deepseek-chat",
        available_from=datetime.date(2024, 12, 26),
        retired_on=datetime.date(2025, 8, 21),
    )
    new = OfferingFactory(
        model=v31, provider=provider, provider_model_id="deepseek-chat", available_from=datetime.date(2025, 8, 21)
    )
    return old, new


def price_form(offering, **changes) -> dict:
    return {
        "offering": offering.pk,
        "effective_from": "2025-09-01",
        "input_per_mtok": "0.27",
        "output_per_mtok": "1.10",
        "cached_input_per_mtok": "",
        "source_url": "",
        "source_note": "",
        "note": "",
        **changes,
    }


def test_offering_picker_names_model_id_dates_and_retirement(superuser_client, moved_id, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # session, user, savepoints, one page of rows with their labels
        response = superuser_client.get(
            reverse("admin:autocomplete"),
            {"term": "deepseek-chat", "app_label": "pricing", "model_name": "pricepoint", "field_name": "offering"},
        )
    assert response.status_code == 200
    texts = [r["text"] for r in response.json()["results"]]
    assert texts == [
        "DeepSeek-V3 — deepseek:deepseek-chat (2024-12-26..2025-08-21, retired)",
        "DeepSeek-V3.1 — deepseek:deepseek-chat (2025-08-21..now)",
    ]


def test_price_form_uses_the_offering_autocomplete(superuser_client, moved_id):
    html = superuser_client.get(reverse("admin:pricing_pricepoint_add")).content.decode()
    assert re.search(r'<select[^>]*name="offering"[^>]*class="[^"]*admin-autocomplete', html) or (
        'data-field-name="offering"' in html
    )


def test_admin_refuses_a_price_starting_after_its_offering_retired(superuser_client, moved_id):
    old, _ = moved_id
    response = superuser_client.post(reverse("admin:pricing_pricepoint_add"), price_form(old))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "retired on 2025-08-21" in " ".join(errors["effective_from"])
    assert "retired on 2025-08-21" in response.content.decode()
    assert not PricePoint.objects.exists()


def test_admin_takes_the_same_price_on_the_live_offering(superuser_client, moved_id):
    _, new = moved_id
    response = superuser_client.post(reverse("admin:pricing_pricepoint_add"), price_form(new))
    assert response.status_code == 302
    assert PricePoint.objects.get().offering == new


def test_admin_inline_refuses_a_price_after_retirement(superuser_client, moved_id):
    old, _ = moved_id
    url = reverse("admin:pricing_offering_change", args=[old.pk])
    data = {
        "model": old.model_id,
        "provider": old.provider_id,
        "provider_model_id": old.provider_model_id,
        "available_from": "2024-12-26",
        "retired_on": "2025-08-21",
        "source_url": "",
        "source_note": "",
        "prices-TOTAL_FORMS": "1",
        "prices-INITIAL_FORMS": "0",
        "prices-MIN_NUM_FORMS": "0",
        "prices-MAX_NUM_FORMS": "1000",
        "prices-0-effective_from": "2025-09-01",
        "prices-0-input_per_mtok": "0.27",
        "prices-0-output_per_mtok": "1.10",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "retired on 2025-08-21" in response.content.decode()
    assert not PricePoint.objects.exists()


def test_price_form_puts_prices_first_with_their_currency(superuser_client, moved_id):
    html = superuser_client.get(reverse("admin:pricing_pricepoint_add")).content.decode()
    assert "USD per 1M input tokens" in html and "USD per 1M output tokens" in html
    assert "Input per mtok" not in html
    assert html.index('name="input_per_mtok"') < html.index('name="effective_from"') < html.index('name="source_url"')


def test_saving_an_unchanged_form_writes_no_history(superuser_client):
    price = PricePointFactory()
    url = reverse("admin:pricing_pricepoint_change", args=[price.pk])
    before = price.history.count()
    form = price_form(price.offering, effective_from="2025-01-01", input_per_mtok="1.00", output_per_mtok="4.00")
    assert superuser_client.post(url, form).status_code == 302
    assert price.history.count() == before
    assert superuser_client.post(url, {**form, "input_per_mtok": "1.50"}).status_code == 302
    assert price.history.count() == before + 1


def test_history_shows_an_empty_change_reason_empty(superuser_client):
    price = PricePointFactory()
    url = reverse("admin:pricing_pricepoint_change", args=[price.pk])
    form = price_form(price.offering, effective_from="2025-01-01", input_per_mtok="1.50", output_per_mtok="4.00")
    superuser_client.post(url, form)
    page = superuser_client.get(reverse("admin:pricing_pricepoint_history", args=[price.pk])).content.decode()
    table = page[page.index('id="change-history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    assert len(rows) == price.history.count() >= 2
    reasons = [re.findall(r"<td>(.*?)</td>", row, flags=re.S)[-2].strip() for row in rows]
    assert reasons == [""] * len(rows)


def test_model_list_country_filter_lists_only_countries_in_use(superuser_client):
    for country in ("US", "CN"):
        AIModelFactory(lab=LabFactory(country=country))
    response = superuser_client.get(reverse("admin:models_registry_aimodel_changelist"))
    country_filter = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "lab__country")
    assert [code for code, _ in country_filter.lookup_choices] == ["CN", "US"]
    filtered = superuser_client.get(reverse("admin:models_registry_aimodel_changelist"), {"lab__country": "CN"})
    assert [m.lab.country for m in filtered.context["cl"].result_list] == ["CN"]
    assert AIModel.objects.count() == 2

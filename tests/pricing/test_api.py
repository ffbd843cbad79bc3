"""REST API of pricing: providers/, offerings/, prices/ (with `?at=`)."""

import datetime
import json
from decimal import Decimal

import pytest

from pricing.models import Offering, PricePoint, Provider
from tests.api_helpers import (
    assert_list_and_detail_queries_bounded,
    csv_rows,
    detail_url,
    list_url,
    results,
    slugs,
    writer_client,
)
from tests.factories import (
    AIModelFactory,
    LabFactory,
    OfferingFactory,
    PricePointFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def market():
    """DeepSeek sells R1 itself; a US host resells it; OpenAI sells o3. R1's API id moved to R1-0528."""
    deepseek = LabFactory(slug="deepseek", name="DeepSeek", country="CN")
    openai = LabFactory(slug="openai", name="OpenAI", country="US")
    r1 = AIModelFactory(slug="deepseek-r1", lab=deepseek, release_date=D(2025, 1, 20))
    r1_0528 = AIModelFactory(slug="deepseek-r1-0528", lab=deepseek, release_date=D(2025, 5, 28))
    o3 = AIModelFactory(slug="o3", lab=openai, release_date=D(2025, 4, 16))
    ds_api = ProviderFactory(
        slug="deepseek", name="DeepSeek API", country="CN", lab=deepseek, api_key_env="DEEPSEEK_API_KEY"
    )
    host = ProviderFactory(slug="together", name="Together AI", country="US", lab=None, api_key_env="TOGETHER_API_KEY")
    oa_api = ProviderFactory(slug="openai", name="OpenAI API", country="US", lab=openai, api_key_env="OPENAI_API_KEY")
    offerings = {
        "r1": OfferingFactory(
            model=r1,
            provider=ds_api,
            provider_model_id="deepseek-reasoner",
            available_from=D(2025, 1, 20),
            retired_on=D(2025, 5, 28),
        ),
        "r1_0528": OfferingFactory(
            model=r1_0528, provider=ds_api, provider_model_id="deepseek-reasoner", available_from=D(2025, 5, 28)
        ),
        "r1_host": OfferingFactory(model=r1, provider=host, provider_model_id="deepseek-ai/DeepSeek-R1"),
        "o3": OfferingFactory(model=o3, provider=oa_api, provider_model_id="o3", available_from=D(2025, 4, 16)),
    }
    prices = {
        "r1_launch": PricePointFactory(
            offering=offerings["r1"],
            effective_from=D(2025, 1, 20),
            input_per_mtok=Decimal("0.55"),
            output_per_mtok=Decimal("2.19"),
        ),
        "r1_off_peak": PricePointFactory(
            offering=offerings["r1"],
            effective_from=D(2025, 2, 26),
            effective_to=D(2025, 3, 31),
            off_peak=True,
            input_per_mtok=Decimal("0.135"),
            output_per_mtok=Decimal("0.55"),
        ),
        "r1_0528": PricePointFactory(
            offering=offerings["r1_0528"],
            effective_from=D(2025, 5, 28),
            input_per_mtok=Decimal("0.55"),
            output_per_mtok=Decimal("2.19"),
        ),
        "host_old": PricePointFactory(
            offering=offerings["r1_host"],
            effective_from=D(2025, 1, 25),
            input_per_mtok=Decimal("7"),
            output_per_mtok=Decimal("7"),
        ),
        "host_new": PricePointFactory(
            offering=offerings["r1_host"],
            effective_from=D(2025, 3, 1),
            input_per_mtok=Decimal("3"),
            output_per_mtok=Decimal("7"),
        ),
        "o3_launch": PricePointFactory(
            offering=offerings["o3"],
            effective_from=D(2025, 4, 16),
            input_per_mtok=Decimal("10"),
            output_per_mtok=Decimal("40"),
        ),
        "o3_cut": PricePointFactory(
            offering=offerings["o3"],
            effective_from=D(2025, 6, 10),
            input_per_mtok=Decimal("2"),
            output_per_mtok=Decimal("8"),
        ),
    }
    return {"offerings": offerings, "prices": prices}


# --- providers ---------------------------------------------------------------------------------------------


def test_provider_output_shows_the_key_variable_name_but_never_its_value(api_client, market, monkeypatch):
    secret = "sk-live-never-shown-1234567890"
    for name in ("DEEPSEEK_API_KEY", "TOGETHER_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.setenv(name, secret)
    detail = api_client.get(detail_url("provider", "deepseek"))
    assert detail.json()["api_key_env"] == "DEEPSEEK_API_KEY"
    assert detail.json()["lab"] == "deepseek"
    pages = [
        detail,
        api_client.get(list_url("provider")),
        api_client.get(list_url("provider", format="csv")),
        api_client.get(list_url("offering", format="csv")),
        api_client.get(list_url("pricepoint")),
        api_client.get("/api/schema/"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert secret not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "us"}, ["openai", "together"]),
        ({"first_party": "true"}, ["deepseek", "openai"]),
        ({"first_party": "false"}, ["together"]),
        ({"lab": "openai"}, ["openai"]),
        ({"search": "together"}, ["together"]),
        ({"ordering": "-name"}, ["together", "openai", "deepseek"]),
    ],
)
def test_provider_filters_search_and_ordering(api_client, market, params, expected):
    assert slugs(api_client.get(list_url("provider", **params))) == expected


def test_provider_refuses_a_key_where_a_variable_name_belongs(market):
    client = writer_client("pricing", "provider")
    provider = {"slug": "kimi", "name": "Moonshot", "country": "CN", "base_url": "https://api.moonshot.ai/v1"}
    response = client.post(list_url("provider"), {**provider, "api_key_env": "sk-abc123"}, format="json")
    assert response.status_code == 400
    assert "api_key_env" in response.json()
    assert "sk-abc123" not in response.content.decode()  # the refusal does not echo it
    assert not Provider.objects.filter(slug="kimi").exists()
    response = client.post(list_url("provider"), {**provider, "api_key_env": "MOONSHOT_API_KEY"}, format="json")
    assert response.status_code == 201
    assert client.post(list_url("provider"), {**provider, "api_style": "grpc"}, format="json").status_code == 400


# --- offerings ---------------------------------------------------------------------------------------------


def test_offering_output_names_model_and_provider_by_slug_and_says_first_party(api_client, market):
    offering = market["offerings"]["r1_host"]
    body = api_client.get(detail_url("offering", offering.pk)).json()
    assert (body["model"], body["provider"], body["lab"], body["country"]) == (
        "deepseek-r1",
        "together",
        "deepseek",
        "CN",
    )
    assert body["is_first_party"] is False
    first_party = api_client.get(detail_url("offering", market["offerings"]["r1"].pk)).json()
    assert first_party["is_first_party"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"model": "deepseek-r1"}, ["deepseek-reasoner", "deepseek-ai/DeepSeek-R1"]),
        ({"provider": "deepseek"}, ["deepseek-reasoner", "deepseek-reasoner"]),
        ({"first_party": "false"}, ["deepseek-ai/DeepSeek-R1"]),
        ({"country": "US"}, ["o3"]),
        ({"lab": "openai"}, ["o3"]),
        ({"retired": "true"}, ["deepseek-reasoner"]),
        ({"live_on": "2025-02-01"}, ["deepseek-reasoner", "deepseek-ai/DeepSeek-R1"]),
        ({"live_on": "2025-06-01", "provider": "deepseek"}, ["deepseek-reasoner"]),
        ({"search": "DeepSeek-R1"}, ["deepseek-reasoner", "deepseek-reasoner", "deepseek-ai/DeepSeek-R1"]),
    ],
)
def test_offering_filters(api_client, market, params, expected):
    assert slugs(api_client.get(list_url("offering", **params)), "provider_model_id") == expected


def test_offering_live_on_picks_the_model_an_id_served_that_day(api_client, market):
    before = results(api_client.get(list_url("offering", live_on="2025-05-27", provider="deepseek")))
    after = results(api_client.get(list_url("offering", live_on="2025-05-28", provider="deepseek")))
    assert [o["model"] for o in before] == ["deepseek-r1"]
    assert [o["model"] for o in after] == ["deepseek-r1-0528"]


def test_offering_create_by_slugs_and_one_live_offering_per_provider_id(market):
    client = writer_client("pricing", "offering")
    payload = {"model": "o3", "provider": "together", "provider_model_id": "openai/o3"}
    response = client.post(list_url("offering"), payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_first_party"] is False
    response = client.post(list_url("offering"), {**payload, "model": "deepseek-r1"}, format="json")
    assert response.status_code == 400
    assert "live offering" in json.dumps(response.json())
    retired = {**payload, "available_from": "2025-01-01", "retired_on": "2025-02-01"}
    assert client.post(list_url("offering"), retired, format="json").status_code == 201  # history may repeat an id
    assert Offering.objects.filter(provider_model_id="openai/o3").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model": "no-such-model"}, "model"),
        ({"provider": "no-such-provider"}, "provider"),
        ({"available_from": "2025-05-01", "retired_on": "2025-04-01"}, "non_field_errors"),
        ({"available_from": "May 1st"}, "available_from"),
        ({"probe_enabled": "often"}, "probe_enabled"),
        ({"provider_model_id": ""}, "provider_model_id"),
    ],
)
def test_bad_offering_input_answers_400(market, change, field):
    client = writer_client("pricing", "offering")
    payload = {"model": "o3", "provider": "together", "provider_model_id": "openai/o3", **change}
    response = client.post(list_url("offering"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Offering.objects.count() == 4


def test_deleting_an_offering_removes_its_prices_but_a_provider_in_use_is_409(market):
    client = writer_client("pricing", "offering")
    offering = market["offerings"]["o3"]
    assert client.delete(detail_url("offering", offering.pk)).status_code == 204
    assert not PricePoint.objects.filter(offering_id=offering.pk).exists()
    provider_client = writer_client("pricing", "provider")
    assert provider_client.delete(detail_url("provider", "deepseek")).status_code == 409
    assert Provider.objects.filter(slug="deepseek").exists()


# --- prices ------------------------------------------------------------------------------------------------


def test_price_output_carries_slugs_and_the_blended_price(api_client, market):
    price = market["prices"]["o3_launch"]
    body = api_client.get(detail_url("pricepoint", price.pk)).json()
    assert (body["model"], body["provider"], body["country"], body["is_first_party"]) == ("o3", "openai", "US", True)
    assert Decimal(body["blended_per_mtok"]) == (3 * Decimal(10) + Decimal(40)) / 4
    assert body["offering"] == price.offering_id


def _in_force(api_client, day: str, **params) -> set[tuple]:
    rows = results(api_client.get(list_url("pricepoint", at=day, page_size=500, **params)))
    return {(row["model"], row["provider"], row["off_peak"], row["effective_from"]) for row in rows}


def test_prices_at_a_date_give_the_price_in_force_per_live_offering_and_off_peak_flag(api_client, market):
    assert _in_force(api_client, "2025-01-19") == set()
    assert _in_force(api_client, "2025-01-25") == {
        ("deepseek-r1", "deepseek", False, "2025-01-20"),
        ("deepseek-r1", "together", False, "2025-01-25"),
    }
    assert _in_force(api_client, "2025-03-01") == {
        ("deepseek-r1", "deepseek", False, "2025-01-20"),
        ("deepseek-r1", "deepseek", True, "2025-02-26"),  # off-peak: its own row
        ("deepseek-r1", "together", False, "2025-03-01"),  # the newer price replaces the older
    }
    # effective_to is exclusive: the off-peak discount ended on 2025-03-31
    assert ("deepseek-r1", "deepseek", True, "2025-02-26") not in _in_force(api_client, "2025-03-31")
    # the id moved to R1-0528 on 2025-05-28; the retired offering is no longer live
    assert _in_force(api_client, "2025-05-28", provider="deepseek") == {
        ("deepseek-r1-0528", "deepseek", False, "2025-05-28")
    }
    assert _in_force(api_client, "2025-06-10", model="o3") == {("o3", "openai", False, "2025-06-10")}
    assert _in_force(api_client, "2025-06-09", country="US") == {("o3", "openai", False, "2025-04-16")}


def test_prices_at_combine_with_filters_ordering_and_csv(api_client, market):
    rows = results(api_client.get(list_url("pricepoint", at="2025-03-01", ordering="-blended_per_mtok")))
    blended = [Decimal(row["blended_per_mtok"]) for row in rows]
    assert blended == sorted(blended, reverse=True)
    assert rows[0]["provider"] == "together"
    exported = csv_rows(api_client.get(list_url("pricepoint", at="2025-03-01", first_party="true", format="csv")))
    assert {(row["model"], row["off_peak"]) for row in exported} == {("deepseek-r1", "false"), ("deepseek-r1", "true")}


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "01/03/2025", "2025-02-30", "20250301"])
def test_malformed_at_answers_400(api_client, market, bad):
    response = api_client.get(list_url("pricepoint", at=bad))
    assert response.status_code == 400
    assert "at" in response.json()


@pytest.mark.parametrize(
    ("params", "expected_count"),
    [
        ({"model": "deepseek-r1"}, 4),
        ({"provider": "openai"}, 2),
        ({"first_party": "false"}, 2),
        ({"off_peak": "true"}, 1),
        ({"country": "CN"}, 5),
        ({"lab": "openai"}, 2),
        ({"effective_after": "2025-04-16"}, 3),
        ({"effective_before": "2025-01-25"}, 2),
        ({"search": "together"}, 2),
    ],
)
def test_price_filters(api_client, market, params, expected_count):
    assert api_client.get(list_url("pricepoint", **params)).json()["count"] == expected_count


def test_price_filter_by_offering_id(api_client, market):
    offering = market["offerings"]["o3"]
    assert api_client.get(list_url("pricepoint", offering=offering.pk)).json()["count"] == 2
    assert api_client.get(list_url("pricepoint", offering="1.5")).status_code == 400


def test_price_create_names_the_offering_by_id(market):
    client = writer_client("pricing", "pricepoint")
    payload = {
        "offering": market["offerings"]["o3"].pk,
        "effective_from": "2025-09-01",
        "input_per_mtok": "1.5",
        "output_per_mtok": "6",
    }
    response = client.post(list_url("pricepoint"), payload, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["model"], Decimal(response.json()["blended_per_mtok"])) == ("o3", Decimal("2.625"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"input_per_mtok": "-0.01"}, "input_per_mtok"),
        ({"output_per_mtok": "-1"}, "output_per_mtok"),
        ({"cached_input_per_mtok": "-1"}, "cached_input_per_mtok"),
        ({"input_per_mtok": "abc"}, "input_per_mtok"),
        ({"input_per_mtok": "1.1234567"}, "input_per_mtok"),
        ({"input_per_mtok": "12345678"}, "input_per_mtok"),
        ({"input_per_mtok": "NaN"}, "input_per_mtok"),
        ({"offering": 999999}, "offering"),
        ({"offering": "first"}, "offering"),
        ({"effective_from": "2025-06-10"}, "non_field_errors"),  # o3 already has a price that day
        ({"effective_to": "2025-08-01"}, "non_field_errors"),  # ends before it starts
        ({"effective_from": "not a date"}, "effective_from"),
        ({"off_peak": [True]}, "off_peak"),
        # The refresh guards apply to API writes too: PRICE_MAX_PER_MTOK, and no date before 2000 or years ahead.
        ({"input_per_mtok": "50000"}, "input_per_mtok"),
        ({"output_per_mtok": "10000.000001"}, "output_per_mtok"),
        ({"cached_input_per_mtok": "20000"}, "cached_input_per_mtok"),
        ({"effective_from": "0001-01-01"}, "effective_from"),
        ({"effective_from": "1999-12-31"}, "effective_from"),
        ({"effective_from": "9999-12-31"}, "effective_from"),
    ],
)
def test_bad_price_input_answers_400_and_writes_nothing(market, change, field):
    client = writer_client("pricing", "pricepoint")
    payload = {
        "offering": market["offerings"]["o3"].pk,
        "effective_from": "2025-09-01",
        "input_per_mtok": "1.5",
        "output_per_mtok": "6",
        **change,
    }
    response = client.post(list_url("pricepoint"), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert PricePoint.objects.count() == 7


def test_a_price_at_the_ceiling_is_accepted(market, settings):
    settings.PRICE_MAX_PER_MTOK = 100.0
    client = writer_client("pricing", "pricepoint")
    payload = {"offering": market["offerings"]["o3"].pk, "effective_from": "2025-09-01"}
    response = client.post(list_url("pricepoint"), {**payload, "input_per_mtok": "100", "output_per_mtok": "100"})
    assert response.status_code == 201, response.content
    response = client.post(
        list_url("pricepoint"),
        {**payload, "effective_from": "2025-09-02", "input_per_mtok": "100.5", "output_per_mtok": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert "100" in response.json()["input_per_mtok"][0]  # names the ceiling


@pytest.mark.parametrize(("day", "status"), [("2025-05-27", 201), ("2025-05-28", 400), ("2026-01-01", 400)])
def test_a_price_cannot_start_once_its_offering_retired(market, day, status):
    """R1's deepseek-reasoner offering retired on 2025-05-28 (the id moved to R1-0528)."""
    client = writer_client("pricing", "pricepoint")
    payload = {
        "offering": market["offerings"]["r1"].pk,
        "effective_from": day,
        "input_per_mtok": "0.5",
        "output_per_mtok": "2",
    }
    response = client.post(list_url("pricepoint"), payload, format="json")
    assert response.status_code == status, response.content
    if status == 400:
        assert "2025-05-28" in response.json()["effective_from"][0]
        assert PricePoint.objects.count() == 7


def test_price_update_and_delete_need_permission(api_client, market):
    price = market["prices"]["o3_cut"]
    assert api_client.patch(detail_url("pricepoint", price.pk), {"note": "x"}, format="json").status_code == 401
    no_perm = writer_client("pricing", "offering")
    assert no_perm.patch(detail_url("pricepoint", price.pk), {"note": "x"}, format="json").status_code == 403
    client = writer_client("pricing", "pricepoint")
    assert client.patch(detail_url("pricepoint", price.pk), {"note": "list cut"}, format="json").status_code == 200
    assert client.patch(detail_url("pricepoint", price.pk), {"input_per_mtok": "-2"}, format="json").status_code == 400
    price.refresh_from_db()
    assert (price.note, price.input_per_mtok) == ("list cut", Decimal("2"))
    assert client.delete(detail_url("pricepoint", price.pk)).status_code == 204


# --- query counts ------------------------------------------------------------------------------------------


def test_provider_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    providers = ProviderFactory.create_batch(101, lab=LabFactory())
    assert_list_and_detail_queries_bounded(api_client, "provider", providers[0].slug, django_assert_max_num_queries)


def test_offering_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    offerings = OfferingFactory.create_batch(101)
    assert_list_and_detail_queries_bounded(api_client, "offering", offerings[0].pk, django_assert_max_num_queries)


@pytest.mark.parametrize("params", [{}, {"at": "2025-06-01"}])
def test_price_endpoints_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries, params):
    prices = PricePointFactory.create_batch(101)
    assert_list_and_detail_queries_bounded(
        api_client, "pricepoint", prices[0].pk, django_assert_max_num_queries, **params
    )

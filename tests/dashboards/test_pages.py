"""Pages rendered by the test client: numbers, empty states, bad input, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards import charts
from models_registry.models import AIModel
from tests.factories import AIModelFactory, LabFactory, OfferingFactory, PricePointFactory

pytestmark = pytest.mark.django_db

SEED_STORY = {"benchmark": "gpqa-diamond", "evaluated_by": "deepseek", "as_of": "2025-01-31"}


def test_overview_shows_the_seed_story_headline(client, reference_data):
    response = client.get(reverse("overview"), SEED_STORY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "o1 75.7 vs DeepSeek-R1-Zero 73.3" in html  # model names, not slugs
    assert "US first reached CN&#x27;s best 1.9 months ago" in html  # 57 days / 30.44
    gap = response.context["gap"]
    assert response.context["gap_chart"]["data"]["datasets"][0]["data"][-1]["y"] == gap["current"]["a_value"]
    assert len(response.context["cost_chart"]["data"]["datasets"][0]["data"]) == len(response.context["cost"]["series"])


def test_gap_page_lists_catch_up_lags(client, reference_data):
    response = client.get(reverse("gap-detail", args=["gpqa-diamond"]), SEED_STORY)
    assert "<h1>Capability gap on GPQA Diamond</h1>" in response.content.decode()  # the benchmark's name
    lags = {lag["a_model"]: lag for lag in response.context["gap"]["lags"]}
    assert lags["claude-3.5-sonnet-20241022"]["lag_days"] == 90
    assert "claude-3.5-sonnet-20241022" in response.content.decode()
    reverse_lags = response.context["reverse_gap"]["lags"]
    assert reverse_lags
    countries = {m.slug: m.lab.country.code for m in AIModel.objects.with_lab()}
    assert {countries[lag["a_model"]] for lag in reverse_lags} == {"CN"}
    assert {countries[lag["b_model"]] for lag in reverse_lags if lag["matched"]} == {"US"}


def test_an_unknown_benchmark_or_country_is_a_400_with_the_reason(client, reference_data):
    response = client.get(reverse("gap-detail", args=["no-such-benchmark"]))
    assert response.status_code == 400
    assert "Unknown benchmark" in response.content.decode()
    response = client.get(reverse("overview"), {"a": "XX"})
    assert response.status_code == 400
    assert "ISO 3166-1" in response.content.decode()


def test_empty_registry_pages_say_what_is_missing(client):
    for name in ("overview", "costs", "model-list", "status"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 400), name
    assert "No model matches" in client.get(reverse("model-list")).content.decode()
    assert "No endpoint is probed" in client.get(reverse("status")).content.decode()


def test_model_list_filters_with_the_api_filterset_and_sorts(client):
    cn, us = LabFactory(country="CN"), LabFactory(country="US")
    AIModelFactory(name="Alpha", lab=cn, reasoning=True, release_date=datetime.date(2025, 1, 1))
    AIModelFactory(name="Beta", lab=cn, reasoning=False)
    AIModelFactory(name="Gamma", lab=us, reasoning=True)
    response = client.get(reverse("model-list"), {"country": "cn", "reasoning": "true"})
    assert [m.name for m in response.context["page"].object_list] == ["Alpha"]
    response = client.get(reverse("model-list"), {"ordering": "name"})
    assert [m.name for m in response.context["page"].object_list] == ["Alpha", "Beta", "Gamma"]
    assert client.get(reverse("model-list"), {"released_after": "yesterday"}).status_code == 400


def test_model_list_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    AIModelFactory.create_batch(60)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("model-list"))
    assert len(response.context["page"].object_list) == 50


def test_model_page_404s_for_an_unknown_slug(client):
    assert client.get(reverse("model-detail", args=["no-such-model"])).status_code == 404


def test_price_history_holds_each_price_until_the_offering_retires():
    offering = OfferingFactory.build(retired_on=datetime.date(2025, 5, 28), provider_model_id="deepseek-reasoner")
    prices = [
        PricePointFactory.build(
            offering=offering,
            effective_from=datetime.date(2025, 1, 20),
            input_per_mtok=Decimal("0.55"),
            output_per_mtok=Decimal("2.19"),
        ),
        PricePointFactory.build(
            offering=offering,
            effective_from=datetime.date(2025, 2, 26),
            effective_to=datetime.date(2025, 9, 5),
            input_per_mtok=Decimal("0.135"),
            output_per_mtok=Decimal("0.55"),
            off_peak=True,
        ),
    ]
    lines = charts.price_history_lines(prices, until=datetime.date(2026, 1, 1))
    list_line = lines[f"{offering.provider.slug}:deepseek-reasoner"]
    assert list_line == [{"date": "2025-01-20", "blended": 0.96}, {"date": "2025-05-28", "blended": 0.96}]
    off_peak = lines[f"{offering.provider.slug}:deepseek-reasoner (off-peak)"]
    # The discount ran to 2025-09-05, but this offering (the id before it moved to R1-0528) retired on 2025-05-28.
    assert off_peak == [{"date": "2025-02-26", "blended": 0.23875}, {"date": "2025-05-28", "blended": None}]


def test_gap_chart_has_one_point_per_series_row_in_each_dataset():
    report = {
        "a": "US",
        "b": "CN",
        "metric": "pass@1",
        "series": [
            {"date": "2025-01-01", "a_value": 70, "b_value": None, "gap": None, "lead_days": None},
            {"date": "2025-01-20", "a_value": 70, "b_value": 71, "gap": -1, "lead_days": -3},
        ],
    }
    report["series"] = [{**row, "a_model": "x", "b_model": "y"} for row in report["series"]]
    config = charts.gap_chart(report, events=[{"date": "2025-01-05", "kind": "policy", "title": "t"}])
    assert [len(d["data"]) for d in config["data"]["datasets"]] == [2, 2, 2]
    assert config["markers"] == [{"x": "2025-01-05", "short": "policy", "title": "t"}]
    assert charts.country_colour("US") != charts.country_colour("CN")

"""Charts that do not misstate, forms that say what they take, numbers people can read, an API root that lists
everything (issue 17). The browser-side checks are in tests/e2e/test_pages.py."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dashboards import charts
from dashboards.templatetags.dashboards_extras import figure, parameters_label, thousands
from models_registry.models import AIModel
from tests.factories import AIModelFactory, LabFactory


def test_held_steps_hold_a_value_until_the_null_that_ends_it():
    points = [{"x": "2025-02-26", "y": 0.24}, {"x": "2025-09-05", "y": None}, {"x": "2025-10-01", "y": 0.3}]
    held = charts.held_steps(points)
    assert [(p["x"], p["y"], p.get("held", False)) for p in held] == [
        ("2025-02-26", 0.24, False),
        ("2025-09-05", 0.24, True),
        ("2025-09-05", None, False),
        ("2025-10-01", 0.3, False),
    ]
    assert [p for p in held if not p.get("held")] == points  # one point per report row once held ones are left out


def test_held_steps_hold_the_last_value_to_the_end_of_its_validity_only_when_later():
    points = [{"x": "2025-01-01", "y": 1.0}]
    assert charts.held_steps(points, until="2025-03-01")[-1] == {"x": "2025-03-01", "y": 1.0, "held": True}
    assert charts.held_steps(points, until="2024-12-01") == points
    assert charts.held_steps([{"x": "2025-01-01", "y": None}, {"x": "2025-02-01", "y": None}]) == [
        {"x": "2025-01-01", "y": None},
        {"x": "2025-02-01", "y": None},
    ]


def test_cost_chart_ratio_followed_by_a_null_is_drawn_over_its_interval():
    row = {"a_price": 1.0, "b_price": 1.13, "a_model": "a", "b_model": "b"}
    report = {
        "a": "US",
        "b": "CN",
        "series": [
            {**row, "date": "2025-06-19", "ratio": 0.885},
            {**row, "date": "2025-07-01", "ratio": None, "b_price": None},
        ],
    }
    data = charts.cost_chart(report)["data"]["datasets"][0]["data"]
    assert [(p["x"], p["y"]) for p in data] == [("2025-06-19", 0.885), ("2025-07-01", 0.885), ("2025-07-01", None)]


def test_scatter_frontier_starts_each_level_at_the_price_of_its_model():
    points = [
        {"country": "US", "model": "cheap", "price": 0.175, "value": 62.1},
        {"country": "US", "model": "dear", "price": 2.0, "value": 82.8},
    ]
    config = charts.scatter_chart(points, {"US": points}, metric="pass@1")
    models, frontier = config["data"]["datasets"]
    assert frontier["stepped"] == "before"  # Chart.js: hold the level to the next x, then step
    assert [(p["x"], p["y"]) for p in frontier["data"]] == [(0.175, 62.1), (2.0, 82.8)]
    assert (models["pointStyle"], frontier["pointStyle"]) == ("circle", "line")
    assert config["options"]["plugins"]["legend"]["labels"]["usePointStyle"] is True


def test_numbers_are_written_as_people_read_them():
    assert thousands(1000000) == "1,000,000"
    assert thousands(None) == "\u2013"
    assert parameters_label(AIModel(parameters_total_b=284, parameters_active_b=5.1)) == "284B / 5.1B active"
    assert parameters_label(AIModel(parameters_total_b=70, parameters_active_b=70)) == "70B"
    assert parameters_label(AIModel(parameters_total_b=671, parameters_active_b=37)) == "671B / 37B active"
    assert parameters_label(AIModel()) == "\u2013"
    assert (figure(138.846456), figure(2029.0), figure(79.8), figure(-0.001), figure(None)) == (
        "138.85",
        "2029",
        "79.8",
        "0",
        "\u2013",
    )


def visible_text(html: str) -> str:
    """What a reader sees: the page without its scripts (chart data keeps every digit) and tags."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/gap/capability-index/", "/costs/?benchmark=capability-index", "/"])
def test_index_values_and_scores_are_shown_rounded(client, reference_data, path):
    """Index values carry six decimals in the API: the pages' tables and sentences show at most two."""
    text = visible_text(client.get(path).content.decode())
    long_numbers = re.findall(r"\b\d{2,}\.\d{3,}\b", text)  # prices are below 10 and keep their decimals
    assert long_numbers == []


@pytest.mark.django_db
def test_models_q_filter_searches_names_slugs_labs_and_aliases_on_page_and_api(client):
    lab = LabFactory(slug="moonshot", name="Moonshot AI", country="CN")
    AIModelFactory(slug="kimi-k2", name="Kimi K2", lab=lab, aliases=["moonshotai/kimi-k2"])
    AIModelFactory(slug="other", name="Other", aliases=["vendor/special-id"])
    for term, expected in [("kimi", ["kimi-k2"]), ("moonshot", ["kimi-k2"]), ("special-ID", ["other"])]:
        api = client.get(reverse("aimodel-list"), {"q": term})
        assert api.status_code == 200
        assert [m["slug"] for m in api.json()["results"]] == expected
        page = client.get(reverse("model-list"), {"q": term})
        assert [m.slug for m in page.context["page"].object_list] == expected
        assert page.context["api_url"] == f"{reverse('aimodel-list')}?q={term}"


@pytest.mark.django_db
def test_models_filter_form_uses_labels_selects_and_dates(client):
    response = client.get(reverse("model-list"), {"open_weights": "yes"})
    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["filter_form"]
    assert form["open_weights"].label == "Open weights"
    assert '<select name="open_weights"' in html and '<option value="true">yes</option>' in html
    assert 'type="date" name="released_after"' in html
    assert 'id="id_q_helptext"' in html and 'aria-describedby="id_q_helptext"' in html
    assert 'id="id_open_weights_error"' in html
    assert "Open_weights" not in html and "Released_after" not in html
    assert html.count("Give true or false.") == 1


@pytest.mark.django_db
def test_a_bad_country_is_reported_once(client, reference_data):
    response = client.get(reverse("overview"), {"b": "XX"})
    assert response.status_code == 400
    assert response.context["errors"]["b"] and len(response.context["errors"]["b"]) == 1
    assert "US and CN" not in response.content.decode()


@pytest.mark.django_db
def test_api_root_lists_analytics_and_probe_summary_and_the_browsable_api_links_a_login(client):
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert root["analytics/gap"].endswith("/api/v1/analytics/gap/")
    assert root["analytics/summary"].endswith("/api/v1/analytics/summary/")
    assert root["probes/summary"].endswith("/api/v1/probes/summary/")
    assert root["models"].endswith("/api/v1/models/")
    html = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    # The browsable API logs in through the admin's (rate-limited) login form and comes back.
    assert f'href="{reverse("admin:login")}?next=/api/v1/"' in html
    user = get_user_model().objects.create_user("reader", password="pw-for-tests-only", is_staff=True)
    client.force_login(user)
    html = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert "reader" in html and f'action="{reverse("admin:logout")}"' in html


@pytest.mark.django_db
def test_pages_admin_and_browsable_api_link_the_favicon(client):
    assert "favicon.svg" in client.get(reverse("status")).content.decode()
    assert "favicon.svg" in client.get(reverse("admin:login")).content.decode()
    assert "favicon.svg" in client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()

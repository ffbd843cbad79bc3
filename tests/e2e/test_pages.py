"""Every page in a real browser: loads cleanly, charts hold the API's numbers, forms change the charts."""

import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from tests.factories import ProbeResultFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEED_STORY = {"benchmark": "gpqa-diamond", "evaluated_by": "deepseek", "as_of": "2025-01-31"}


@pytest.fixture
def site(live_server, transactional_db):
    """The live server holding the shipped reference data."""
    call_command("load_reference", stdout=io.StringIO())
    return live_server.url


def api_json(page, url: str) -> dict:
    response = page.request.get(url)
    assert response.ok, url
    return response.json()


def chart_points(page, canvas_id: str) -> list[int]:
    """Points per dataset of the Chart.js chart drawn on `canvas_id`, once it is drawn."""
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas_id}')")
    return page.evaluate(f"() => Chart.getChart('{canvas_id}').data.datasets.map(d => d.data.length)")


@pytest.mark.parametrize(
    "path",
    ["/", "/gap/gpqa-diamond/", "/costs/", "/models/", "/models/deepseek-r1/", "/models/gpt-4.1/", "/status/"],
)
def test_page_loads_without_console_errors_or_failed_requests(site, page, path):
    response = page.goto(site + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text()
    page.problems.assert_none()


def test_overview_charts_hold_the_points_the_api_returns(site, page):
    page.goto(f"{site}/?{urlencode(SEED_STORY)}")
    gap_url = page.locator("#gap-section .chart-meta a").get_attribute("href")
    cost_url = page.locator("#cost-section .chart-meta a").get_attribute("href")
    gap = api_json(page, site + gap_url)
    cost = api_json(page, site + cost_url)
    assert gap["current"]["gap"] == pytest.approx(2.4)
    assert chart_points(page, "gap-chart") == [len(gap["series"])] * 3
    assert chart_points(page, "cost-chart") == [len(cost["series"])]
    assert page.locator("#gap-table tbody tr").count() == len(gap["series"])
    assert page.locator("#cost-table tbody tr").count() == len(cost["series"])
    page.problems.assert_none()


def test_costs_scatter_holds_every_priced_model_the_api_returns(site, page):
    page.goto(f"{site}/costs/?{urlencode({**SEED_STORY, 'as_of': '2025-06-01'})}")
    scatter_url = page.locator("#scatter-section .chart-meta a").get_attribute("href")
    body = api_json(page, site + scatter_url)
    drawn = chart_points(page, "scatter-chart")
    frontier_points = sum(len(v) for v in body["frontiers"].values())
    assert sum(drawn) == len(body["points"]) + frontier_points
    assert page.locator("#scatter-table tbody tr").count() == len(body["points"])


def test_changing_the_form_changes_the_chart(site, page):
    page.goto(f"{site}/?{urlencode(SEED_STORY)}")
    before = chart_points(page, "gap-chart")
    page.select_option("select[name=benchmark]", "aime-2024")
    page.fill("input[name=as_of]", "2025-06-30")
    page.fill("input[name=evaluated_by]", "")
    page.click("form.controls button[type=submit]")
    page.wait_for_url("**benchmark=aime-2024**")
    assert "aime-2024" in page.locator("#gap-section h2").inner_text()
    gap = api_json(page, site + page.locator("#gap-section .chart-meta a").get_attribute("href"))
    assert gap["benchmark"] == "aime-2024" and gap["as_of"] == "2025-06-30"
    after = chart_points(page, "gap-chart")
    assert after == [len(gap["series"])] * 3
    assert after != before
    page.problems.assert_none()


def test_pages_work_with_scripts_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/gap/gpqa-diamond/?{urlencode(SEED_STORY)}")
    table = page.locator("#gap-table")
    assert table.count() == 1
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    assert "o1" in page.locator("#lags-table").inner_text()
    context.close()


def test_status_page_shows_probed_endpoints(site, page):
    from pricing.models import Offering

    offering = Offering.objects.filter(provider__slug="deepseek", retired_on=None).select_related("model").first()
    ProbeResultFactory.create_batch(3, offering=offering, ttft_ms=420.0)
    page.goto(f"{site}/status/")
    text = page.locator("table.probe-summary").inner_text()
    assert offering.provider_model_id in text and offering.model.slug in text
    assert "420" in text
    page.problems.assert_none()


def test_bad_parameters_show_a_message_not_a_crash(site, page):
    response = page.goto(f"{site}/?a=XX")
    assert response.status == 400
    assert "ISO 3166-1" in page.locator("[role=alert]").inner_text()


def test_chart_configs_are_json_in_the_page_for_readers_without_scripts(site, page):
    page.goto(f"{site}/?{urlencode(SEED_STORY)}")
    config = json.loads(page.locator("#gap-chart-data").text_content())
    assert [d["label"] for d in config["data"]["datasets"]][:2] == ["US frontier", "CN frontier"]

"""Every page in a real browser: loads cleanly, charts hold the API's numbers, forms change the charts."""

import io
import itertools
import json
import math
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from tests.factories import ProbeResultFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SEED_STORY = {"benchmark": "gpqa-diamond", "evaluated_by": "deepseek", "as_of": "2025-01-31"}
# Every page a reader reaches from the navigation (add new pages here: each is checked at 1280 and 390 px).
PAGES = [
    "/",
    "/gap/gpqa-diamond/",
    "/costs/",
    "/models/",
    "/models/deepseek-r1/",
    "/models/gpt-4.1/",
    "/status/",
    "/index/",
    f"/?{urlencode(SEED_STORY)}",
]


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
    """Points per dataset of the Chart.js chart drawn on `canvas_id`, once it is drawn; `held` points (which only
    carry a step to where its value ended) are not rows of the report and are left out."""
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas_id}')")
    return page.evaluate(
        f"() => Chart.getChart('{canvas_id}').data.datasets.map(d => d.data.filter(p => !p.held).length)"
    )


def chart_data(page, canvas_id: str) -> list[dict]:
    page.wait_for_function(f"() => window.Chart && Chart.getChart('{canvas_id}')")
    return page.evaluate(
        f"() => Chart.getChart('{canvas_id}').data.datasets.map(d => ({{label: d.label, stepped: d.stepped, "
        "data: d.data, pointStyle: d.pointStyle, backgroundColor: d.backgroundColor}))"
    )


@pytest.mark.parametrize("path", PAGES)
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


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_390_px_phone_without_sideways_scrolling(site, phone_page, path):
    assert phone_page.goto(site + path).status == 200
    phone_page.wait_for_load_state("networkidle")
    widths = phone_page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: innerWidth})"
    )
    assert widths["view"] == 390
    assert widths["doc"] <= 390 and widths["body"] <= 390, widths
    for canvas in phone_page.locator("canvas[data-chart]").all():
        box = canvas.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def test_price_frontier_levels_start_at_the_price_of_the_model_that_reaches_them(site, page):
    page.goto(f"{site}/costs/?{urlencode({**SEED_STORY, 'as_of': '2025-06-01'})}")
    body = api_json(page, site + page.locator("#scatter-section .chart-meta a").get_attribute("href"))
    prices = {(p["country"], p["model"]): p["price"] for p in body["points"]}
    datasets = {d["label"]: d for d in chart_data(page, "scatter-chart")}
    assert body["frontiers"]
    for country, line in body["frontiers"].items():
        drawn = datasets[f"{country} price-performance frontier"]
        assert drawn["stepped"] == "before"  # a level holds until the next point's price, then steps up there
        first = line[0]
        assert drawn["data"][0]["x"] == prices[(country, first["model"])] == first["price"]
        assert [(p["x"], p["y"]) for p in drawn["data"]] == [(p["price"], p["value"]) for p in line]
        models = datasets[f"{country} models"]
        assert (models["pointStyle"], drawn["pointStyle"]) == ("circle", "line")  # distinct legend swatches
    page.problems.assert_none()


def test_an_ended_price_is_held_over_its_interval_then_breaks(site, page):
    page.goto(f"{site}/models/deepseek-r1/")
    off_peak = next(d for d in chart_data(page, "price-chart") if d["label"] == "deepseek:deepseek-reasoner (off-peak)")
    points = [(p["x"], p["y"]) for p in off_peak["data"]]
    start = points.index(("2025-02-26", pytest.approx(0.23875)))
    # Valid until 2025-09-05, but the offering retired on 2025-05-28 (the id moved to R1-0528): held to then.
    assert points[start + 1 : start + 3] == [("2025-05-28", pytest.approx(0.23875)), ("2025-05-28", None)]
    assert off_peak["data"][start + 1]["held"] is True
    page.problems.assert_none()


def test_log_axis_labels_are_one_two_five_and_never_overlap(site, page):
    """The scatter's price axis spans decades: Chart.js's own formatter labelled 50 60 70 80 90 100 into each other."""
    page.goto(f"{site}/costs/")
    chart_points(page, "scatter-chart")
    labels = page.evaluate(
        """() => { const x = Chart.getChart('scatter-chart').scales.x;
          return x.ticks.map((t, i) => ({label: t.label, px: x.getPixelForTick(i)}))
            .filter(t => t.label !== ''); }"""
    )
    values = [float(t["label"]) for t in labels]
    assert len(values) >= 3
    for value in values:
        significand = value / 10 ** math.floor(math.log10(value) + 1e-9)
        assert round(significand, 6) in (1, 2, 5), values
    widths = page.evaluate(
        "(texts) => { const c = document.createElement('canvas').getContext('2d'); c.font = '12px sans-serif';"
        " return texts.map(t => c.measureText(t).width); }",
        [t["label"] for t in labels],
    )
    for (a, wa), (b, wb) in itertools.pairwise(zip(labels, widths, strict=True)):
        assert b["px"] - a["px"] > (wa + wb) / 2, (a, b)
    page.problems.assert_none()


def test_event_labels_on_the_gap_chart_never_overlap(site, page):
    page.goto(f"{site}/gap/gpqa-diamond/?{urlencode({**SEED_STORY, 'as_of': '2025-12-31'})}")
    chart_points(page, "gap-chart")
    placed = page.evaluate(
        "() => (Chart.getChart('gap-chart').$markerPixels || []).map(p => ({row: p.row, left: p.left, "
        "width: p.width, title: p.marker.title}))"
    )
    assert len(placed) >= 5
    drawn = [p for p in placed if p["row"] is not None]
    assert drawn and len(drawn) <= len(placed)
    for row in {p["row"] for p in drawn}:
        spans = sorted((p["left"], p["left"] + p["width"]) for p in drawn if p["row"] == row)
        assert all(a_end < b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    # Hovering a marker line shows its event's title, drawn or not.
    hidden_or_any = next((p for p in placed if p["row"] is None), placed[0])
    box = page.locator("#gap-chart").bounding_box()
    x = page.evaluate(
        "(title) => (Chart.getChart('gap-chart').$markerPixels.find(p => p.marker.title === title)).px",
        hidden_or_any["title"],
    )
    page.mouse.move(box["x"] + x, box["y"] + box["height"] / 2)
    hovered = page.evaluate("() => (Chart.getChart('gap-chart').$markerHover || []).map(p => p.marker.title)")
    assert hidden_or_any["title"] in hovered
    page.mouse.move(0, 0)
    page.problems.assert_none()


def test_models_filter_form_has_labels_selects_dates_and_help(site, page):
    page.goto(f"{site}/models/")
    form = page.locator("form.controls")
    for control in form.locator("input:not([type=hidden]), select").all():
        control_id = control.get_attribute("id")
        assert control_id and form.locator(f"label[for='{control_id}']").count() == 1, control_id
        described = control.get_attribute("aria-describedby")
        for ref in (described or "").split():
            assert page.locator(f"#{ref}").count() == 1, ref
    labels = [t.split("\n")[0].strip() for t in form.locator("label").all_inner_texts()]
    assert "Open weights" in labels and "Released on or after" in labels
    assert not any("_" in label for label in labels)
    assert form.locator("select[name=open_weights] option").all_inner_texts() == ["any", "yes", "no"]
    assert form.locator("input[name=released_after]").get_attribute("type") == "date"
    assert "Name, slug, lab or upstream id." in form.inner_text()
    page.select_option("select[name=open_weights]", "true")
    page.fill("input[name=q]", "deepseek")
    page.click("form.controls button[type=submit]")
    page.wait_for_url("**q=deepseek**")
    rows = page.locator("#models-table tbody tr")
    assert rows.count() >= 3
    api = api_json(page, site + page.locator(".lede a").first.get_attribute("href"))
    assert api["count"] == int(page.locator(".chart-meta span").first.inner_text().split()[0])
    page.problems.assert_none()


def test_a_bad_country_is_reported_once_and_not_named_as_the_default(site, page):
    response = page.goto(f"{site}/?b=XX")
    assert response.status == 400
    alert = page.locator("[role=alert]")
    assert alert.locator("li").count() == 1
    assert alert.inner_text().count("ISO 3166-1") == 1
    assert "US and CN" not in page.locator("h1").inner_text()
    assert "US vs" not in page.title()


ADMIN_PAGES = [
    "/admin/",
    "/admin/models_registry/aimodel/",
    "/admin/pricing/pricepoint/add/",
    "/admin/pricing/offering/",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_pages_render_for_an_editor(site, browser, width):
    from django.contrib.auth import get_user_model

    from pricing.models import Offering, PricePoint
    from tests.e2e.conftest import SCREENSHOTS

    get_user_model().objects.create_superuser("editor", "editor@example.com", "pw-for-tests-only")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("input[type=submit]")
    page.wait_for_url(f"{site}/admin/")
    offering = Offering.objects.filter(provider__slug="deepseek", provider_model_id="deepseek-chat").first()
    price = PricePoint.objects.filter(offering=offering).first()
    named = {path: path.strip("/").replace("/", "_") for path in ADMIN_PAGES}
    named[f"/admin/pricing/offering/{offering.pk}/change/"] = "admin_pricing_offering_change"
    named[f"/admin/pricing/pricepoint/{price.pk}/history/"] = "admin_pricing_pricepoint_history"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path, name in named.items():
        assert page.goto(site + path).status == 200, path
        if width == 1280:  # Django admin's own layout is responsive; at desktop width nothing of ours may widen it
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.goto(site + "/admin/models_registry/aimodel/")
    country_choices = page.locator("#changelist-filter details").first.locator("li")
    assert 3 <= country_choices.count() <= 12  # the countries in use (and "All"), not ~250
    context.close()
